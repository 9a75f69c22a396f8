/**
 * How campaign results are shown, worded once for the dashboard and the digests: each metric's
 * label and unit (the share metrics' uplifts in percentage points, days in days, money in USD),
 * intervals, p-values and what an uplift added in all.
 */
import type { CampaignMetric } from '../contract/campaigns.ts';
import type { ValueFormat } from './dashboard-charts.ts';
import { formatUsd, NOT_AVAILABLE } from './format.ts';
import type { CampaignMetricResult, CampaignResults, CampaignVerdict } from './model.ts';

interface CampaignMetricDisplay {
  readonly label: string;
  /** The axis format of the metric's uplift on a chart. */
  readonly valueFormat: ValueFormat;
  /** What one unit of the incremental total counts (for money, the text after the amount). */
  readonly unit: string;
}

/** Labels and units of the metrics (docs/contract.md, per-user metrics). */
export const CAMPAIGN_METRIC_DISPLAY: Readonly<Record<CampaignMetric, CampaignMetricDisplay>> = {
  kyc: { label: 'KYC verified', valueFormat: 'points', unit: 'KYC verifications' },
  ftd: { label: 'First deposit', valueFormat: 'points', unit: 'first deposits' },
  traded: { label: 'Traded', valueFormat: 'points', unit: 'traders' },
  active_days: { label: 'Active days', valueFormat: 'decimal', unit: 'active days' },
  net_revenue_usd: { label: 'Net revenue', valueFormat: 'usd', unit: 'net revenue' },
  deposits_usd: { label: 'Deposits', valueFormat: 'usd', unit: 'deposits' },
};

/** How each verdict reads to a person. */
export const VERDICT_LABELS: Readonly<Record<CampaignVerdict, string>> = {
  win: 'win',
  loss: 'loss',
  inconclusive: 'inconclusive',
  srm: 'sample-ratio mismatch',
};

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}

/**
 * An uplift in the metric's unit, signed: `+5.0 pp` (a share), `+0.40 days`, `+$1,234`. A share
 * metric's uplift is a difference of shares, so it reads in percentage points, not percent.
 */
export function formatUplift(metric: CampaignMetric, value: number | null, withUnit = true): string {
  if (value === null) return NOT_AVAILABLE;
  switch (CAMPAIGN_METRIC_DISPLAY[metric].valueFormat) {
    case 'points':
      return `${signed((value * 100).toFixed(1), value)}${withUnit ? ' pp' : ''}`;
    case 'decimal':
      return `${signed(value.toFixed(2), value)}${withUnit ? ' days' : ''}`;
    default:
      return signed(formatUsd(value), value);
  }
}

/** An interval in the metric's unit: `+3.0 to +7.0 pp`; n/a when either end is unknown. */
export function formatInterval(metric: CampaignMetric, low: number | null, high: number | null): string {
  if (low === null || high === null) return NOT_AVAILABLE;
  return `${formatUplift(metric, low, false)} to ${formatUplift(metric, high)}`;
}

/** A p-value: `0.042`, or `< 0.001` below what three decimals show. */
export function formatPValue(value: number | null): string {
  if (value === null) return NOT_AVAILABLE;
  return value < 0.001 ? '< 0.001' : value.toFixed(3);
}

/** What the uplift added over the treated users: `+45 KYC verifications`, `+$1,234 net revenue`. */
export function formatIncremental(metric: CampaignMetric, total: number | null): string {
  if (total === null) return NOT_AVAILABLE;
  const { valueFormat, unit } = CAMPAIGN_METRIC_DISPLAY[metric];
  const amount = valueFormat === 'usd' ? formatUsd(total) : Math.round(total).toLocaleString('en-US');
  return `${signed(amount, total)} ${unit}`;
}

/** A campaign as people name it: `Spring KYC push (spring-kyc)`, or the id alone when it has no name. */
export function campaignLabel(campaign: Pick<CampaignResults, 'campaignId' | 'name'>): string {
  return campaign.name === campaign.campaignId
    ? campaign.campaignId
    : `${campaign.name} (${campaign.campaignId})`;
}

/** The campaign's primary metric's result; null when its registry row is gone (no row is primary). */
export function primaryResult(campaign: CampaignResults): CampaignMetricResult | null {
  return campaign.metrics.find((result) => result.isPrimary) ?? null;
}

/** What a sample-ratio mismatch means and what to check, said once wherever SRM is flagged. */
export const SRM_EXPLANATION =
  'The arms are not split the way the campaign was designed, so something other than the campaign ' +
  'differs between them and its uplift is not to be trusted. Check that control users were not sent ' +
  'the campaign or dropped from the export, that every exposure file was ingested, and that ' +
  'assignment did not depend on the user (e.g. only users who opened the app).';
