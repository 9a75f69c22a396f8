/** The Powertools logger and metrics of a Lambda process, created once at cold start. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names.ts';

/** A Lambda's structured logger and its EMF metrics. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The logger (JSON lines, level from `POWERTOOLS_LOG_LEVEL`) and the metrics (namespace
 * {@link METRICS_NAMESPACE}, one `service` dimension) that every growthlake Lambda uses.
 */
export function newObservability(): Observability {
  return {
    logger: new Logger({ serviceName: METRICS_SERVICE }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE }),
  };
}
