/** The ingest Lambda's handler around its runtime: parse the S3 event, ingest the file, report. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { handleObjectCreated, type IngestRuntime, type LandedSummary } from '../aws/ingest-runtime.ts';
import { type ObjectCreatedEvent, ObjectCreatedEventSchema } from '../aws/object-created-event.ts';
import { parseEvent } from './middleware/parse-event.ts';

/**
 * The handler of EventBridge "Object Created" events from the landing bucket. It takes any event:
 * `parseEvent` validates it and hands the handler the schema's output.
 */
export function createIngestHandler(runtime: IngestRuntime) {
  return middy<unknown, LandedSummary>()
    .use(injectLambdaContext(runtime.logger, { resetKeys: true }))
    .use(logMetrics(runtime.metrics, { captureColdStartMetric: true }))
    .use(parseEvent(ObjectCreatedEventSchema))
    .handler((event) => handleObjectCreated(runtime, event as ObjectCreatedEvent));
}
