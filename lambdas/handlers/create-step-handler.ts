/** A daily-run step Lambda's handler around its runtime: parse the state machine's event, run the step, summarise. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { StepSummary } from '../aws/daily-steps.ts';
import { type DailyStepEvent, type DailyStepName, stepEventSchema } from '../aws/step-events.ts';
import { runDailyStep, type StepRuntime } from '../aws/step-runtime.ts';
import { parseEvent } from './middleware/parse-event.ts';

/**
 * The handler of step `name`, invoked by the daily-run state machine. It takes any event:
 * `parseEvent` validates it and hands the handler `{ runDate, executionId }`.
 */
export function createStepHandler(name: DailyStepName, runtime: StepRuntime) {
  return middy<unknown, StepSummary>()
    .use(injectLambdaContext(runtime.logger, { resetKeys: true }))
    .use(logMetrics(runtime.metrics, { captureColdStartMetric: true }))
    .use(parseEvent(stepEventSchema(name)))
    .handler((event) => runDailyStep(runtime, name, event as DailyStepEvent));
}
