/** Lambda entry: the daily run's transform step, which builds the state tables and marts of the run date (the first step: resolves the run date). */
import { stepRuntimeFromEnv } from '../aws/step-runtime.ts';
import { createStepHandler } from './create-step-handler.ts';

export const handler = createStepHandler('transform', stepRuntimeFromEnv());
