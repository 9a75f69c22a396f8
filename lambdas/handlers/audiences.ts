/**
 * Lambda entry: the daily run's audiences step, which writes the playbook audiences of the run date
 * (without their holdouts) to the published bucket, records their first exposures and measures them.
 */
import { stepRuntimeFromEnv } from '../aws/step-runtime.ts';
import { createStepHandler } from './create-step-handler.ts';

export const handler = createStepHandler('audiences', stepRuntimeFromEnv());
