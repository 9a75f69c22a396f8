/**
 * What the Lambdas record as CloudWatch metrics (EMF through Powertools): ingest counts and the
 * quarantine rate, Athena bytes scanned, digest delivery and the headline KPIs of a publish.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PublishResult } from '../publish/publisher.ts';
import type { LandedOutcome } from './ingest-landed.ts';
import { METRIC } from './metric-names.ts';

/** Where metrics go: a Powertools `Metrics`, flushed as EMF when the invocation ends. */
export type MetricSink = Pick<Metrics, 'addMetric'>;

/** Quarantined rows as a percentage of rows read; 0 for a file without rows. */
export function quarantineRatePercent(rowsRead: number, rowsQuarantined: number): number {
  return rowsRead === 0 ? 0 : (100 * rowsQuarantined) / rowsRead;
}

/** Athena's bytes scanned by one invocation's queries (recorded even when the invocation fails). */
export function recordAthenaScan(metrics: MetricSink, bytesScanned: number): void {
  metrics.addMetric(METRIC.athenaBytesScanned, MetricUnit.Bytes, bytesScanned);
}

/**
 * One landed file: a rejection, or an ingest with its row counts and quarantine rate. A file whose
 * bytes were ingested before counts as ingested but adds no rows, so re-landing never double counts.
 */
export function recordLanded(metrics: MetricSink, outcome: LandedOutcome): void {
  if (outcome.status === 'rejected') {
    metrics.addMetric(METRIC.filesRejected, MetricUnit.Count, 1);
    return;
  }
  if (outcome.status !== 'ingested') return;
  metrics.addMetric(METRIC.filesIngested, MetricUnit.Count, 1);
  const { result } = outcome;
  if (result.alreadyIngested) return;
  metrics.addMetric(METRIC.rowsRead, MetricUnit.Count, result.rowsRead);
  metrics.addMetric(METRIC.rowsAccepted, MetricUnit.Count, result.rowsAccepted);
  metrics.addMetric(METRIC.rowsDuplicate, MetricUnit.Count, result.rowsDuplicate);
  metrics.addMetric(METRIC.rowsQuarantined, MetricUnit.Count, result.rowsQuarantined);
  metrics.addMetric(
    METRIC.quarantineRate,
    MetricUnit.Percent,
    quarantineRatePercent(result.rowsRead, result.rowsQuarantined),
  );
}

/** How many due digests SES has accepted for the run date, this time or in an earlier publish. */
export function digestsDelivered(result: PublishResult): number {
  if (result.delivery === undefined) return 0;
  return result.delivery.sent.length + result.delivery.alreadySent.length;
}

/**
 * A publish: digests due, delivered and undelivered (the "digest not sent" alarm), and the
 * headline KPIs of R that are known (a null KPI, such as CAC without FTDs, is left out).
 */
export function recordPublish(metrics: MetricSink, result: PublishResult): void {
  const due = result.digests.length;
  const delivered = digestsDelivered(result);
  metrics.addMetric(METRIC.digestsDue, MetricUnit.Count, due);
  metrics.addMetric(METRIC.digestsDelivered, MetricUnit.Count, delivered);
  metrics.addMetric(METRIC.digestsUndelivered, MetricUnit.Count, Math.max(0, due - delivered));
  const day = result.model.kpis.day;
  const kpis = [
    [METRIC.spendUsd, MetricUnit.NoUnit, day.spendUsd.current],
    [METRIC.signups, MetricUnit.Count, day.signups.current],
    [METRIC.ftds, MetricUnit.Count, day.ftds.current],
    [METRIC.cacUsd, MetricUnit.NoUnit, day.cacUsd.current],
  ] as const;
  for (const [name, unit, value] of kpis) if (value !== null) metrics.addMetric(name, unit, value);
}
