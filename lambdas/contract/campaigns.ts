/** The vocabulary of campaign effectiveness (docs/contract.md, Campaigns and Exposures). */
import { z } from 'zod';

/**
 * The per-user metrics a campaign is measured on, each over the user's outcome window: the values
 * a registry's `primary_metric` may take, and the metrics every campaign's results report.
 */
export const CAMPAIGN_METRICS = [
  'kyc',
  'ftd',
  'traded',
  'active_days',
  'net_revenue_usd',
  'deposits_usd',
] as const;

/** One of {@link CAMPAIGN_METRICS}; a quarantine reason names the field it was read from. */
export const CampaignMetricSchema = z.enum(CAMPAIGN_METRICS, {
  error: `must be one of ${CAMPAIGN_METRICS.join(', ')}`,
});
export type CampaignMetric = z.infer<typeof CampaignMetricSchema>;

/** The two arms of a campaign an exposure puts a user in; nothing else is an arm. */
export const CAMPAIGN_ARMS = ['treatment', 'control'] as const;

/** One of {@link CAMPAIGN_ARMS}, exactly as written (no case folding). */
export const CampaignArmSchema = z.enum(CAMPAIGN_ARMS, {
  error: (issue) =>
    issue.input === undefined
      ? 'arm is required'
      : `unknown arm ${JSON.stringify(issue.input)} (must be treatment or control)`,
});
export type CampaignArm = z.infer<typeof CampaignArmSchema>;
