/**
 * The per-user metrics of a campaign (docs/contract.md, campaign_results). Provisional home: the
 * campaign inputs' branch defines the same constant in lambdas/contract/, and the merge keeps one.
 */
import { z } from 'zod';

/** The six metrics every campaign is measured on, in the order `campaign_results` lists them. */
export const CAMPAIGN_METRICS = [
  'kyc',
  'ftd',
  'traded',
  'active_days',
  'net_revenue_usd',
  'deposits_usd',
] as const;

/** One of {@link CAMPAIGN_METRICS}, as a campaign's `primary_metric` names it. */
export const CampaignMetricSchema = z.enum(CAMPAIGN_METRICS);
export type CampaignMetric = z.infer<typeof CampaignMetricSchema>;
