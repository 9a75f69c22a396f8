/** Lambda entry: the daily run's recommend step, which writes the budget recommendations of the run date. */
import { stepRuntimeFromEnv } from '../aws/step-runtime.ts';
import { createStepHandler } from './create-step-handler.ts';

export const handler = createStepHandler('recommend', stepRuntimeFromEnv());
