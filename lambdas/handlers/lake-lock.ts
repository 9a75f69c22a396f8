/** Lambda entry: the daily run's first and last states, which take and release the lake's lock. */
import { lockRuntimeFromEnv } from '../aws/lock-runtime.ts';
import { createLockHandler } from './create-lock-handler.ts';

export const handler = createLockHandler(lockRuntimeFromEnv());
