/**
 * The CloudWatch (EMF) metrics the Lambdas emit, named once for both sides: the handlers that
 * emit them and the CDK app whose alarms and dashboard read them. Every metric carries exactly
 * one dimension, `service` = {@link METRICS_SERVICE}, so an alarm names it without guessing.
 */

/** The CloudWatch namespace of every growthlake metric. */
export const METRICS_NAMESPACE = 'Growthlake';

/** The `service` dimension (Powertools' default dimension) of every growthlake metric. */
export const METRICS_SERVICE = 'growthlake';

/** Metric names, by what they count. */
export const METRIC = {
  /** Landed files ingested (including files whose bytes were ingested before). */
  filesIngested: 'FilesIngested',
  /** Landed files refused as a whole and moved to `rejected/`. */
  filesRejected: 'FilesRejected',
  rowsRead: 'RowsRead',
  rowsAccepted: 'RowsAccepted',
  rowsDuplicate: 'RowsDuplicate',
  rowsQuarantined: 'RowsQuarantined',
  /** Quarantined rows as a percentage of rows read, per ingested file. */
  quarantineRate: 'QuarantineRatePercent',
  /** Athena's DataScannedInBytes summed over one invocation's queries. */
  athenaBytesScanned: 'AthenaBytesScanned',
  /** Digests due on the published run date. */
  digestsDue: 'DigestsDue',
  /** Digests accepted by SES for the run date (this publish or an earlier one). */
  digestsDelivered: 'DigestsDelivered',
  /** Due digests SES has not accepted: the "digest not sent" alarm watches it. */
  digestsUndelivered: 'DigestsUndelivered',
  /** Headline KPIs of the published run date R (dashboard only). */
  spendUsd: 'SpendUsd',
  signups: 'Signups',
  ftds: 'Ftds',
  cacUsd: 'CacUsd',
} as const;

/** A metric name of {@link METRIC}. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
