/** Lambda entry: the daily run's publish step, which publishes the dashboard and mails the digests, linking the dashboard with a presigned URL. */
import { stepRuntimeFromEnv } from '../aws/step-runtime.ts';
import { createStepHandler } from './create-step-handler.ts';

export const handler = createStepHandler('publish', stepRuntimeFromEnv());
