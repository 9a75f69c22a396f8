/**
 * Tracking tools (docs/contract.md, "Tracking tools"): the sources, the columns each export is read
 * by, and how their events map to the funnel steps growthlake reconciles.
 */
import { z } from 'zod';

/** The tracking tools growthlake ingests. */
export const TRACKER_SOURCES = ['appsflyer', 'adjust', 'impact'] as const;
export const TrackerSourceSchema = z.enum(TRACKER_SOURCES, {
  error: `source must be one of ${TRACKER_SOURCES.join(', ')}`,
});
export type TrackerSource = z.infer<typeof TrackerSourceSchema>;

/** The funnel steps a tracker row maps to. */
export const TRACKER_STEPS = ['install', 'signup', 'ftd', 'other'] as const;
export type TrackerStep = (typeof TRACKER_STEPS)[number];

/**
 * The AppsFlyer raw-data columns read (Pull API, installs or in-app events report), by their exact
 * header names; the key is `AppsFlyer ID|Event Name|Event Time`.
 */
export const APPSFLYER_COLUMNS = [
  'Event Time',
  'Event Name',
  'Install Time',
  'Attributed Touch Time',
  'Media Source',
  'Campaign',
  'AppsFlyer ID',
  'Customer User ID',
  'Event Revenue USD',
  'Platform',
] as const;

/** The Adjust placeholders read; the key is `adid|activity_kind|event_name|created_at`. */
export const ADJUST_COLUMNS = [
  'activity_kind',
  'created_at',
  'installed_at',
  'adid',
  'network_name',
  'campaign_name',
  'tracker_name',
  'event_name',
  'revenue_float',
  'currency',
  'user_id',
] as const;

/** The Impact Actions report columns read; the key is `Id`, restated by later rows. */
export const IMPACT_COLUMNS = [
  'Id',
  'CampaignId',
  'ActionTrackerName',
  'MediaPartnerId',
  'MediaPartnerName',
  'State',
  'EventDate',
  'LockingDate',
  'Payout',
  'Amount',
  'Currency',
  'CustomerId',
] as const;

/** The Impact action states; any other is quarantined. */
export const IMPACT_STATES = ['PENDING', 'APPROVED', 'REVERSED'] as const;

/**
 * The partner keys that mean organic whatever the tracker map says: AppsFlyer's `Media Source`
 * `organic` and Adjust's `network_name` `Organic`.
 */
export const ORGANIC_SOURCE_KEYS: Readonly<Record<TrackerSource, string | null>> = {
  appsflyer: 'organic',
  adjust: 'Organic',
  impact: null,
};

/**
 * One rule of the step mapping: rows of `source` whose `field` equals `value` map to `step`.
 * `field` is `event_name` (AppsFlyer `Event Name`, Adjust `event_name`, Impact `ActionTrackerName`)
 * or `activity_kind` (Adjust only). A row no rule matches is `other`.
 */
export const TrackerStepRuleSchema = z.object({
  source: TrackerSourceSchema,
  field: z.enum(['event_name', 'activity_kind']),
  value: z.string().min(1),
  step: z.enum(TRACKER_STEPS),
});
export type TrackerStepRule = z.infer<typeof TrackerStepRuleSchema>;

/** The default step mapping (docs/contract.md, Tracking tools, "Steps"). */
export const DEFAULT_TRACKER_STEPS: readonly TrackerStepRule[] = [
  { source: 'appsflyer', field: 'event_name', value: 'install', step: 'install' },
  { source: 'appsflyer', field: 'event_name', value: 'af_complete_registration', step: 'signup' },
  { source: 'appsflyer', field: 'event_name', value: 'first_deposit', step: 'ftd' },
  { source: 'adjust', field: 'activity_kind', value: 'install', step: 'install' },
  { source: 'adjust', field: 'event_name', value: 'signup', step: 'signup' },
  { source: 'adjust', field: 'event_name', value: 'first_deposit', step: 'ftd' },
  { source: 'impact', field: 'event_name', value: 'Signup', step: 'signup' },
  { source: 'impact', field: 'event_name', value: 'First Deposit', step: 'ftd' },
];

/** The partner of a tracked conversion whose key the tracker map lacks. */
export const UNMAPPED_PARTNER = 'unmapped';

/** The campaign id of the spend Impact payouts form: `impact:<CampaignId>`. */
export const IMPACT_CAMPAIGN_PREFIX = 'impact:';
