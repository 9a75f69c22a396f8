/** The lake-lock Lambda's handler around its runtime: parse the state machine's event, acquire or release. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { handleLakeLock, type LockRuntime, type LockSummary } from '../aws/lock-runtime.ts';
import { type LakeLockEvent, LakeLockEventSchema } from '../aws/step-events.ts';
import { parseEvent } from './middleware/parse-event.ts';

/** The handler of the daily run's lake-lock states. It takes any event: `parseEvent` validates it. */
export function createLockHandler(runtime: LockRuntime) {
  return middy<unknown, LockSummary>()
    .use(injectLambdaContext(runtime.logger, { resetKeys: true }))
    .use(parseEvent(LakeLockEventSchema))
    .handler((event) => handleLakeLock(runtime, event as LakeLockEvent));
}
