/**
 * The publish model: everything the dashboard and the digests show for one run date R, as
 * per-partner facts (so a recipient's view is a filter of the rows) plus the headline KPIs
 * derived from those rows (see kpis.ts).
 */
import { z } from 'zod';
import { CampaignMetricSchema } from '../contract/campaigns.ts';
import { CHANNELS, IsoDateSchema } from '../contract/inputs.ts';

/** A partner as the publications name it. Partners outside the registry have no channel or status. */
export const PublishPartnerSchema = z.object({
  partnerId: z.string().min(1),
  /** The registry name, or the id for partners outside the registry. */
  name: z.string(),
  channel: z.enum(CHANNELS).nullable(),
  status: z.enum(['active', 'paused']).nullable(),
  isRegistered: z.boolean(),
});
export type PublishPartner = z.infer<typeof PublishPartnerSchema>;

/** One partner_performance row: a partner over one window. */
export const WindowMetricsSchema = z.object({
  spendUsd: z.number(),
  signups: z.number().int(),
  ftds: z.number().int(),
  /** Null when the window's partner_performance partition is missing (derived from spend and users). */
  netRevenueUsd: z.number().nullable(),
  /** GMV (traded volume); null when the partition is missing, as net revenue. */
  gmvUsd: z.number().nullable(),
  roiD7: z.number().nullable(),
  roiD30: z.number().nullable(),
});
export type WindowMetrics = z.infer<typeof WindowMetricsSchema>;

/** A partner's performance: the 7 days ending on R, the 7 before them, and the 30 ending on R. */
export const PartnerPerformanceSchema = z.object({
  partnerId: z.string().min(1),
  /** partner_performance for run_date R, window_days 7. */
  week: WindowMetricsSchema,
  /** partner_performance for run_date R - 7, window_days 7 (see {@link PublishModel.previousWeekSource}). */
  previousWeek: WindowMetricsSchema,
  /** partner_performance for run_date R, window_days 30: the ROI by partner. */
  month: WindowMetricsSchema,
});
export type PartnerPerformance = z.infer<typeof PartnerPerformanceSchema>;

/** A partner's spend, sign-ups (by cohort_date) and FTDs (by ftd_date) on one day. */
export const DailyPartnerRowSchema = z.object({
  date: IsoDateSchema,
  partnerId: z.string().min(1),
  spendUsd: z.number(),
  signups: z.number().int(),
  ftds: z.number().int(),
});
export type DailyPartnerRow = z.infer<typeof DailyPartnerRowSchema>;

/**
 * A partner's cohorts of the last 90 days pooled at one age: only cohorts that have fully lived
 * that age by R count, so young cohorts never drag a curve down.
 */
export const CohortLtvPointSchema = z.object({
  partnerId: z.string().min(1),
  ageDay: z.number().int(),
  cohorts: z.number().int(),
  cohortUsers: z.number().int(),
  cumNetRevenueUsd: z.number(),
});
export type CohortLtvPoint = z.infer<typeof CohortLtvPointSchema>;

/** A partner's acquisition funnel for one cohort week (Monday), as counted by R. */
export const FunnelRowSchema = z.object({
  partnerId: z.string().min(1),
  cohortWeek: IsoDateSchema,
  signups: z.number().int(),
  kycUsers: z.number().int(),
  fundedUsers: z.number().int(),
  tradedUsers: z.number().int(),
});
export type FunnelRow = z.infer<typeof FunnelRowSchema>;

/** Users in one value of one segment dimension on R. */
export const SegmentSizeSchema = z.object({
  dimension: z.string(),
  segment: z.string(),
  users: z.number().int(),
  share: z.number().nullable(),
});
export type SegmentSize = z.infer<typeof SegmentSizeSchema>;

/** Users whose lifecycle went from `from` on R - 1 to `to` on R (`from` is `none` for new users). */
export const LifecycleTransitionSchema = z.object({
  from: z.string(),
  to: z.string(),
  users: z.number().int(),
});
export type LifecycleTransition = z.infer<typeof LifecycleTransitionSchema>;

/** The segment_summary of R: not per partner, so only the unscoped model carries it. */
export const SegmentsSchema = z.object({
  sizes: z.array(SegmentSizeSchema),
  transitions: z.array(LifecycleTransitionSchema),
});
export type Segments = z.infer<typeof SegmentsSchema>;

/** A budget_recommendations row of R. */
export const RecommendationSchema = z.object({
  partnerId: z.string().min(1),
  currentDailySpendUsd: z.number(),
  recommendedDailySpendUsd: z.number(),
  changePct: z.number().nullable(),
  expectedMarginalRoas: z.number().nullable(),
  confidence: z.string(),
  reason: z.string(),
  bindingConstraint: z.string().nullable(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

/**
 * A partner_roi_forecast row of R: the matured ROI beside the projection of the last 30 days'
 * cohorts at the recommender's value horizon (docs/contract.md, partner_roi_forecast).
 */
export const PartnerRoiSchema = z.object({
  partnerId: z.string().min(1),
  horizonDays: z.number().int(),
  spendUsd: z.number(),
  roiD7: z.number().nullable(),
  roiD30: z.number().nullable(),
  projectedRoi: z.number().nullable(),
  projectedRoiLow: z.number().nullable(),
  projectedRoiHigh: z.number().nullable(),
  paybackDay: z.number().int().nullable(),
  paybackDayEarliest: z.number().int().nullable(),
  paybackDayLatest: z.number().int().nullable(),
});
export type PartnerRoi = z.infer<typeof PartnerRoiSchema>;

/** A campaign_results verdict (docs/contract.md, campaign_results). */
export const CampaignVerdictSchema = z.enum(['win', 'loss', 'inconclusive', 'srm']);
export type CampaignVerdict = z.infer<typeof CampaignVerdictSchema>;

/** One metric of a campaign on R: the campaign_results row, less what is the same on every metric. */
export const CampaignMetricResultSchema = z.object({
  metric: CampaignMetricSchema,
  isPrimary: z.boolean(),
  meanTreatment: z.number().nullable(),
  meanControl: z.number().nullable(),
  upliftAbs: z.number().nullable(),
  upliftRel: z.number().nullable(),
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  pValue: z.number().nullable(),
  csLow: z.number().nullable(),
  csHigh: z.number().nullable(),
  incrementalTotal: z.number().nullable(),
  /** Only on net_revenue_usd, and null at cost 0. */
  roi: z.number().nullable(),
  verdict: CampaignVerdictSchema,
  /** The verdict of the run of R - 1; null when the campaign had no result then. */
  previousVerdict: CampaignVerdictSchema.nullable(),
  /** `win` or `loss` on R after `inconclusive` or no result on R - 1. */
  isNewVerdict: z.boolean(),
});
export type CampaignMetricResult = z.infer<typeof CampaignMetricResultSchema>;

/** A campaign's results on R: its arms and sample-ratio check, and each metric's uplift. */
export const CampaignResultsSchema = z.object({
  campaignId: z.string().min(1),
  /** The registry name, or the id for playbook campaigns (which have no registry row). */
  name: z.string(),
  owner: z.string().nullable(),
  isRegistered: z.boolean(),
  nTreatment: z.number().int(),
  nControl: z.number().int(),
  nSwitched: z.number().int(),
  srmPValue: z.number().nullable(),
  srmFlag: z.boolean(),
  costUsd: z.number().nullable(),
  /** The metrics in the order of docs/contract.md, the primary one first. */
  metrics: z.array(CampaignMetricResultSchema),
});
export type CampaignResults = z.infer<typeof CampaignResultsSchema>;

/** One plan_pacing row of R: a target, its actual to date and its forecast at period end. */
export const PlanPacingSchema = z.object({
  period: z.string().min(1),
  /** `all`, `channel:<channel>` or `partner:<partner_id>`. */
  scope: z.string().min(1),
  metric: z.enum(['signups', 'ftds', 'spend_usd', 'net_revenue_usd', 'gmv_usd']),
  target: z.number(),
  actualToDate: z.number(),
  daysElapsed: z.number().int(),
  daysInPeriod: z.number().int(),
  expectedToDate: z.number(),
  runRate7d: z.number(),
  forecastEnd: z.number(),
  forecastAttainment: z.number(),
  status: z.enum(['on_track', 'at_risk', 'off_track', 'over', 'under']),
});
export type PlanPacing = z.infer<typeof PlanPacingSchema>;

/** One kpi_alerts row of R (docs/contract.md, kpi_alerts): a scope's day R outside its expected range. */
export const KpiAlertSchema = z.object({
  scope: z.enum(['all', 'channel', 'partner']),
  /** `all`, the channel, or the partner id. */
  scopeId: z.string().min(1),
  metric: z.enum(['spend_usd', 'signups', 'ftds', 'cac_usd', 'net_revenue_usd', 'tracking']),
  value: z.number(),
  expected: z.number(),
  lower: z.number(),
  upper: z.number(),
  direction: z.enum(['up', 'down']),
  severity: z.enum(['warn', 'critical']),
  reason: z.string(),
});
export type KpiAlert = z.infer<typeof KpiAlertSchema>;

/** A tracking tool whose conversions are reconciled with the platform (docs/contract.md, tracker_reconciliation). */
export const TrackerSourceSchema = z.enum(['appsflyer', 'adjust', 'impact']);
export type TrackerSource = z.infer<typeof TrackerSourceSchema>;

/**
 * How far a tracker and the platform agree on a partner's sign-ups: `broken` when one side is 0
 * and the other at least 5, else `warn` when the gap is beyond 10% either way, else `ok`.
 */
export const TrackerStatusSchema = z.enum(['ok', 'warn', 'broken']);
export type TrackerStatus = z.infer<typeof TrackerStatusSchema>;

/** One tracker_reconciliation row of R: a source and partner over one window. */
export const TrackerWindowSchema = z.object({
  trackerSignups: z.number().int(),
  platformSignups: z.number().int(),
  matchedUsers: z.number().int(),
  trackerOnlyUsers: z.number().int(),
  platformOnlyUsers: z.number().int(),
  /** Tracker-only users the platform attributes to another partner (not organic, not unattributed). */
  conflictingUsers: z.number().int(),
  trackerFtds: z.number().int(),
  platformFtds: z.number().int(),
  /** Impact only: payout of the window's non-reversed conversions; null for other sources. */
  payoutUsd: z.number().nullable(),
  /** `(tracker - platform) / platform` sign-ups; null when the platform has none. */
  signupGapRate: z.number().nullable(),
  status: TrackerStatusSchema,
  /**
   * For the partner `unmapped` only: the source key with the most conversions in the window (the
   * one that most needs a tracker-map row), and how many distinct unmapped keys the window has.
   */
  topUnmappedSourceKey: z.string().nullable(),
  unmappedSourceKeys: z.number().int(),
});
export type TrackerWindow = z.infer<typeof TrackerWindowSchema>;

/** How a source's figures for one partner reconcile with the platform's over 7 and 30 days ending on R. */
export const TrackerReconciliationSchema = z.object({
  source: TrackerSourceSchema,
  /** The partner after the tracker map; `unmapped` and `organic` included. */
  partnerId: z.string().min(1),
  week: TrackerWindowSchema,
  month: TrackerWindowSchema,
});
export type TrackerReconciliation = z.infer<typeof TrackerReconciliationSchema>;

/** A user behind one of a partner's traffic-quality flags, with user_risk_flags' evidence. */
export const FlaggedUserSchema = z.object({
  userId: z.string().min(1),
  /** The seconds from click to sign-up, the other users sharing the id, or the share withdrawn. */
  evidence: z.string(),
});
export type FlaggedUser = z.infer<typeof FlaggedUserSchema>;

/** The users behind one flag of a partner: how many, and the first few by user id. */
export const FlagUsersSchema = z.object({
  /** The partner's flag, as partner_quality names it (`shared_devices`). */
  flag: z.string().min(1),
  /** The partner's users of the cohorts C = [R - 29, R] whom user_risk_flags of R flags for it. */
  users: z.number().int(),
  shown: z.array(FlaggedUserSchema),
});
export type FlagUsers = z.infer<typeof FlagUsersSchema>;

/** The signals partner_quality measures over a partner's cohorts C = [R - 29, R]. */
export const QualitySignalsSchema = z.object({
  kycRate: z.number().nullable(),
  ftdRate: z.number().nullable(),
  fastSignupShare: z.number().nullable(),
  medianClickToSignupS: z.number().nullable(),
  sharedDeviceShare: z.number().nullable(),
  sharedFundingShare: z.number().nullable(),
  bonusAbuseShare: z.number().nullable(),
  /** 0-100, higher is better. */
  qualityScore: z.number().nullable(),
});
export type QualitySignals = z.infer<typeof QualitySignalsSchema>;

/** One partner_quality row of R, with the users behind each of its flags. */
export const PartnerQualitySchema = QualitySignalsSchema.extend({
  partnerId: z.string().min(1),
  /** Users with cohort_date in C. */
  signups: z.number().int(),
  /** The rules that hold, alphabetical; empty for a clean partner or one under 20 sign-ups. */
  flags: z.array(z.string().min(1)),
  /** One entry per flag with at least one user behind it, in the order of `flags`. */
  flaggedUsers: z.array(FlagUsersSchema),
});
export type PartnerQuality = z.infer<typeof PartnerQualitySchema>;

/** Traffic quality of R: each partner's signals, and the program's median of each to read them against. */
export const QualitySchema = z.object({
  partners: z.array(PartnerQualitySchema),
  /** Medians over the partners of {@link QualitySchema.medianPartners}, a signal's nulls left out. */
  medians: QualitySignalsSchema,
  /** How many partners the medians are taken over (see quality-display.ts, `programMedians`). */
  medianPartners: z.number().int(),
});
export type Quality = z.infer<typeof QualitySchema>;

/** A headline number now and in the period it is compared with. */
export const KpiSchema = z.object({
  current: z.number().nullable(),
  previous: z.number().nullable(),
  /**
   * The change: relative (`current / previous - 1`) for amounts, counts and CAC; absolute
   * (`current - previous`, in ROI points) for ROI. Null when either side is unknown or the base is 0.
   */
  change: z.number().nullable(),
});
export type Kpi = z.infer<typeof KpiSchema>;

/** One day R against the same weekday a week earlier. */
export const DayKpisSchema = z.object({
  date: IsoDateSchema,
  comparedWith: IsoDateSchema,
  spendUsd: KpiSchema,
  signups: KpiSchema,
  ftds: KpiSchema,
  cacUsd: KpiSchema,
});
export type DayKpis = z.infer<typeof DayKpisSchema>;

/** The 7 days ending on R against the 7 days before them. */
export const WeekKpisSchema = z.object({
  from: IsoDateSchema,
  to: IsoDateSchema,
  previousFrom: IsoDateSchema,
  previousTo: IsoDateSchema,
  spendUsd: KpiSchema,
  signups: KpiSchema,
  ftds: KpiSchema,
  cacUsd: KpiSchema,
  netRevenueUsd: KpiSchema,
  /** GMV: the traded volume of the partners' users in the window. */
  gmvUsd: KpiSchema,
  /** Day-7 ROI of the cohorts that matured in the window, pooled over partners by their spend. */
  roiD7: KpiSchema,
});
export type WeekKpis = z.infer<typeof WeekKpisSchema>;

/** The headline numbers. */
export const KpisSchema = z.object({ day: DayKpisSchema, week: WeekKpisSchema });
export type Kpis = z.infer<typeof KpisSchema>;

/** One day of the time series over the partners in view. */
export const SeriesPointSchema = z.object({
  date: IsoDateSchema,
  spendUsd: z.number(),
  signups: z.number().int(),
  ftds: z.number().int(),
  /** spendUsd / ftds; null on a day without FTDs. */
  cacUsd: z.number().nullable(),
  /** Spend / FTDs over the 7 days ending on this date; null until 7 days of history. */
  cac7dUsd: z.number().nullable(),
});
export type SeriesPoint = z.infer<typeof SeriesPointSchema>;

/** Days of time series the model carries, ending on R. */
export const SERIES_DAYS = 60;

/** Cohort dates pooled into the LTV curves, ending on R. */
export const LTV_COHORT_DAYS = 90;

/** Cohort weeks of the funnel, the week of R included. */
export const FUNNEL_WEEKS = 8;

/** Everything published for run date R. */
export const PublishModelSchema = z.object({
  runDate: IsoDateSchema,
  /**
   * Where `previousWeek` came from: the partner_performance partition of R - 7, or, when that
   * partition is missing, spend and users (net revenue and ROI then unknown).
   */
  previousWeekSource: z.enum(['partner_performance', 'derived']),
  partners: z.array(PublishPartnerSchema),
  performance: z.array(PartnerPerformanceSchema),
  daily: z.array(DailyPartnerRowSchema),
  cohortLtv: z.array(CohortLtvPointSchema),
  funnel: z.array(FunnelRowSchema),
  /** Null in a view scoped to some partners: segment_summary is not kept per partner. */
  segments: SegmentsSchema.nullable(),
  recommendations: z.array(RecommendationSchema),
  /** partner_roi_forecast of R by partner; empty before the recommend step has run for R. */
  roi: z.array(PartnerRoiSchema),
  /** campaign_results of R by campaign, by id; not per partner, so every view carries them all. */
  campaigns: z.array(CampaignResultsSchema),
  /**
   * tracker_reconciliation of R by source and partner; empty when no tracker was ever ingested.
   * Per partner, so a scoped view keeps its partners' rows only.
   */
  tracking: z.array(TrackerReconciliationSchema),
  /**
   * partner_quality of R by partner; no partners when the lake has no quality data for R. A scoped
   * view keeps its partners' rows and the program's medians.
   */
  quality: QualitySchema,
  /**
   * plan_pacing of R; empty when no target's period contains R. A scoped view keeps the targets
   * of its own channels and partners (see scopeModel).
   */
  plan: z.array(PlanPacingSchema),
  /**
   * kpi_alerts of R; empty when it raised none. A scoped view keeps the alerts of its own
   * partners and channels (see scopeModel).
   */
  alerts: z.array(KpiAlertSchema),
  /** Derived from `performance` and `daily` (kpis.ts). */
  kpis: KpisSchema,
  /** Derived from `daily` (kpis.ts), one point per date of the last {@link SERIES_DAYS} days. */
  series: z.array(SeriesPointSchema),
});
export type PublishModel = z.infer<typeof PublishModelSchema>;

/** The model's facts, before the derived KPIs and series are added. */
export type PublishFacts = Omit<PublishModel, 'kpis' | 'series'>;
