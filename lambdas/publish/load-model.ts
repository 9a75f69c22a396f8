/** Loads the publish model of a run date through the Engine, from the queries in `queries/publish/`. */
import { z } from 'zod';
import { CAMPAIGN_METRICS, CampaignMetricSchema } from '../contract/campaigns.ts';
import { addDays } from '../contract/dates.ts';
import { CHANNELS, IsoDateSchema } from '../contract/inputs.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import { PublishError } from './errors.ts';
import { withDerived } from './kpis.ts';
import {
  type CampaignResults,
  CampaignVerdictSchema,
  type CohortLtvPoint,
  type DailyPartnerRow,
  type FlagUsers,
  type FunnelRow,
  KpiAlertSchema,
  type PartnerPerformance,
  type PartnerQuality,
  PlanPacingSchema,
  type PublishModel,
  type PublishPartner,
  type Quality,
  type Recommendation,
  type Segments,
  type TrackerReconciliation,
  TrackerSourceSchema,
  TrackerStatusSchema,
  type TrackerWindow,
  type WindowMetrics,
} from './model.ts';
import { programMedians } from './quality-display.ts';

/** The rows each query returns, as the engine gives them (snake_case, dates as text). */
const count = z.number().int();
const amount = z.number();

const PartnerQueryRowSchema = z.object({
  partner_id: z.string().min(1),
  partner_name: z.string(),
  channel: z.enum(CHANNELS).nullable(),
  status: z.enum(['active', 'paused']).nullable(),
  is_registered: z.boolean(),
});

const PartnerWindowQueryRowSchema = z.object({
  partner_id: z.string().min(1),
  period: z.enum(['week', 'previous_week', 'month']),
  spend_usd: amount,
  signups: count,
  ftds: count,
  net_revenue_usd: amount.nullable(),
  gmv_usd: amount.nullable(),
  roi_d7: amount.nullable(),
  roi_d30: amount.nullable(),
});

const PlanQueryRowSchema = z.object({
  period: z.string().min(1),
  scope: z.string().min(1),
  metric: PlanPacingSchema.shape.metric,
  target: amount,
  actual_to_date: amount,
  days_elapsed: count,
  days_in_period: count,
  expected_to_date: amount,
  run_rate_7d: amount,
  forecast_end: amount,
  forecast_attainment: amount,
  status: PlanPacingSchema.shape.status,
});

const RoiQueryRowSchema = z.object({
  partner_id: z.string().min(1),
  horizon_days: count,
  spend_usd: amount,
  roi_d7: amount.nullable(),
  roi_d30: amount.nullable(),
  projected_roi: amount.nullable(),
  projected_roi_low: amount.nullable(),
  projected_roi_high: amount.nullable(),
  payback_day: count.nullable(),
  payback_day_earliest: count.nullable(),
  payback_day_latest: count.nullable(),
});

const AlertQueryRowSchema = z.object({
  scope: KpiAlertSchema.shape.scope,
  scope_id: z.string().min(1),
  metric: KpiAlertSchema.shape.metric,
  value: amount,
  expected: amount,
  lower: amount,
  upper: amount,
  direction: KpiAlertSchema.shape.direction,
  severity: KpiAlertSchema.shape.severity,
  reason: z.string(),
});

const DailyQueryRowSchema = z.object({
  activity_date: IsoDateSchema,
  partner_id: z.string().min(1),
  spend_usd: amount,
  signups: count,
  ftds: count,
});

const CohortLtvQueryRowSchema = z.object({
  partner_id: z.string().min(1),
  age_day: count,
  cohorts: count,
  cohort_users: count,
  cum_net_revenue_usd: amount,
});

const FunnelQueryRowSchema = z.object({
  partner_id: z.string().min(1),
  cohort_week: IsoDateSchema,
  signups: count,
  kyc_users: count,
  funded_users: count,
  traded_users: count,
});

const SegmentQueryRowSchema = z.object({
  dimension: z.string(),
  segment: z.string(),
  from_lifecycle: z.string().nullable(),
  to_lifecycle: z.string().nullable(),
  users: count,
  share: amount.nullable(),
});

const RecommendationQueryRowSchema = z.object({
  partner_id: z.string().min(1),
  current_daily_spend_usd: amount,
  recommended_daily_spend_usd: amount,
  change_pct: amount.nullable(),
  expected_marginal_roas: amount.nullable(),
  confidence: z.string(),
  reason: z.string(),
  binding_constraint: z.string().nullable(),
});

const CampaignQueryRowSchema = z.object({
  campaign_id: z.string().min(1),
  campaign_name: z.string(),
  owner: z.string().nullable(),
  is_registered: z.boolean(),
  metric: CampaignMetricSchema,
  is_primary: z.boolean(),
  n_treatment: count,
  n_control: count,
  n_switched: count,
  mean_treatment: amount.nullable(),
  mean_control: amount.nullable(),
  uplift_abs: amount.nullable(),
  uplift_rel: amount.nullable(),
  ci_low: amount.nullable(),
  ci_high: amount.nullable(),
  p_value: amount.nullable(),
  cs_low: amount.nullable(),
  cs_high: amount.nullable(),
  srm_p_value: amount.nullable(),
  srm_flag: z.boolean(),
  incremental_total: amount.nullable(),
  cost_usd: amount.nullable(),
  roi: amount.nullable(),
  verdict: CampaignVerdictSchema,
  previous_verdict: CampaignVerdictSchema.nullable(),
  is_new_verdict: z.boolean(),
});
type CampaignQueryRow = z.infer<typeof CampaignQueryRowSchema>;

const TrackingQueryRowSchema = z.object({
  source: TrackerSourceSchema,
  partner_id: z.string().min(1),
  window_days: z.union([z.literal(7), z.literal(30)]),
  tracker_signups: count,
  platform_signups: count,
  matched_users: count,
  tracker_only_users: count,
  platform_only_users: count,
  conflicting_users: count,
  tracker_ftds: count,
  platform_ftds: count,
  payout_usd: amount.nullable(),
  signup_gap_rate: amount.nullable(),
  status: TrackerStatusSchema,
  top_unmapped_source_key: z.string().nullable(),
  unmapped_source_keys: count,
});
type TrackingQueryRow = z.infer<typeof TrackingQueryRowSchema>;

/** A source and partner that had no row for one window: every count 0, as the empty window has. */
function emptyTrackerWindow(source: TrackingQueryRow['source']): TrackerWindow {
  return {
    trackerSignups: 0,
    platformSignups: 0,
    matchedUsers: 0,
    trackerOnlyUsers: 0,
    platformOnlyUsers: 0,
    conflictingUsers: 0,
    trackerFtds: 0,
    platformFtds: 0,
    payoutUsd: source === 'impact' ? 0 : null,
    signupGapRate: null,
    status: 'ok',
    topUnmappedSourceKey: null,
    unmappedSourceKeys: 0,
  };
}

/**
 * Pairs tracker_reconciliation's 7- and 30-day rows of each source and partner, by source then
 * partner. The contract gives every tracked partner both windows; a missing one reads as empty.
 */
function trackingOf(rows: readonly TrackingQueryRow[]): TrackerReconciliation[] {
  const byKey = new Map<string, TrackerReconciliation>();
  for (const row of rows) {
    const key = `${row.source}\u0000${row.partner_id}`;
    const entry = byKey.get(key) ?? {
      source: row.source,
      partnerId: row.partner_id,
      week: emptyTrackerWindow(row.source),
      month: emptyTrackerWindow(row.source),
    };
    entry[row.window_days === 7 ? 'week' : 'month'] = {
      trackerSignups: row.tracker_signups,
      platformSignups: row.platform_signups,
      matchedUsers: row.matched_users,
      trackerOnlyUsers: row.tracker_only_users,
      platformOnlyUsers: row.platform_only_users,
      conflictingUsers: row.conflicting_users,
      trackerFtds: row.tracker_ftds,
      platformFtds: row.platform_ftds,
      payoutUsd: row.payout_usd,
      signupGapRate: row.signup_gap_rate,
      status: row.status,
      topUnmappedSourceKey: row.top_unmapped_source_key,
      unmappedSourceKeys: row.unmapped_source_keys,
    };
    byKey.set(key, entry);
  }
  const sources = TrackerSourceSchema.options;
  return [...byKey.values()].sort(
    (a, b) => sources.indexOf(a.source) - sources.indexOf(b.source) || a.partnerId.localeCompare(b.partnerId),
  );
}

const QualityQueryRowSchema = z.object({
  partner_id: z.string().min(1),
  signups: count,
  kyc_rate: amount.nullable(),
  ftd_rate: amount.nullable(),
  fast_signup_share: amount.nullable(),
  median_click_to_signup_s: amount.nullable(),
  shared_device_share: amount.nullable(),
  shared_funding_share: amount.nullable(),
  bonus_abuse_share: amount.nullable(),
  flags: z.string(),
  quality_score: amount.nullable(),
  flag: z.string().nullable(),
  flag_users: count.nullable(),
  user_rank: count.nullable(),
  user_id: z.string().nullable(),
  evidence: z.string().nullable(),
});
type QualityQueryRow = z.infer<typeof QualityQueryRowSchema>;

/**
 * Folds publish_quality's rows (one per partner and user shown) into one entry per partner, by id,
 * its users grouped by flag in the order of its flags, and adds the program's medians.
 */
function qualityOf(rows: readonly QualityQueryRow[]): Quality {
  const byPartner = new Map<string, { row: QualityQueryRow; users: Map<string, FlagUsers> }>();
  for (const row of rows) {
    const entry = byPartner.get(row.partner_id) ?? { row, users: new Map<string, FlagUsers>() };
    if (row.flag !== null && row.user_id !== null) {
      const users = entry.users.get(row.flag) ?? { flag: row.flag, users: row.flag_users ?? 0, shown: [] };
      users.shown.push({ userId: row.user_id, evidence: row.evidence ?? '' });
      entry.users.set(row.flag, users);
    }
    byPartner.set(row.partner_id, entry);
  }
  const partners: PartnerQuality[] = [...byPartner.values()]
    .map(({ row, users }) => {
      const flags = row.flags
        .split(',')
        .map((flag) => flag.trim())
        .filter((flag) => flag !== '');
      return {
        partnerId: row.partner_id,
        signups: row.signups,
        kycRate: row.kyc_rate,
        ftdRate: row.ftd_rate,
        fastSignupShare: row.fast_signup_share,
        medianClickToSignupS: row.median_click_to_signup_s,
        sharedDeviceShare: row.shared_device_share,
        sharedFundingShare: row.shared_funding_share,
        bonusAbuseShare: row.bonus_abuse_share,
        qualityScore: row.quality_score,
        flags,
        flaggedUsers: flags.flatMap((flag) => users.get(flag) ?? []),
      };
    })
    .sort((a, b) => a.partnerId.localeCompare(b.partnerId));
  const { medians, partners: medianPartners } = programMedians(partners);
  return { partners, medians, medianPartners };
}

/**
 * Groups campaign_results rows by campaign (sorted by id), the primary metric first and the rest
 * in the contract's order. Arms, SRM and cost are the same on every metric row of a campaign.
 */
function campaignsOf(rows: readonly CampaignQueryRow[]): CampaignResults[] {
  const byCampaign = new Map<string, CampaignQueryRow[]>();
  for (const row of rows) byCampaign.set(row.campaign_id, [...(byCampaign.get(row.campaign_id) ?? []), row]);
  const rank = (row: CampaignQueryRow) => (row.is_primary ? -1 : CAMPAIGN_METRICS.indexOf(row.metric));
  return [...byCampaign.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([campaignId, metricRows]) => {
      const sorted = [...metricRows].sort((a, b) => rank(a) - rank(b));
      const first = sorted[0] as CampaignQueryRow;
      return {
        campaignId,
        name: first.campaign_name,
        owner: first.owner,
        isRegistered: first.is_registered,
        nTreatment: first.n_treatment,
        nControl: first.n_control,
        nSwitched: first.n_switched,
        srmPValue: first.srm_p_value,
        srmFlag: first.srm_flag,
        costUsd: first.cost_usd,
        metrics: sorted.map((row) => ({
          metric: row.metric,
          isPrimary: row.is_primary,
          meanTreatment: row.mean_treatment,
          meanControl: row.mean_control,
          upliftAbs: row.uplift_abs,
          upliftRel: row.uplift_rel,
          ciLow: row.ci_low,
          ciHigh: row.ci_high,
          pValue: row.p_value,
          csLow: row.cs_low,
          csHigh: row.cs_high,
          incrementalTotal: row.incremental_total,
          roi: row.roi,
          verdict: row.verdict,
          previousVerdict: row.previous_verdict,
          isNewVerdict: row.is_new_verdict,
        })),
      };
    });
}

/** The dimension under which segment_summary keeps lifecycle transitions. */
const TRANSITION_DIMENSION = 'lifecycle_transition';

async function load<T extends z.ZodType>(engine: Engine, name: string, runDate: string, schema: T) {
  let rows: Row[];
  try {
    rows = await engine.query(queryFile(`publish/${name}`, { run_date: { date: runDate } }));
  } catch (error) {
    throw new PublishError(`could not load ${name} for ${runDate}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return rows.map((row, index) => {
    const parsed = schema.safeParse(row);
    if (parsed.success) return parsed.data as z.output<T>;
    const issue = parsed.error.issues[0];
    throw new PublishError(
      `${name} row ${index + 1} for ${runDate} is invalid: ${issue?.path.join('.')}: ${issue?.message}`,
      { cause: parsed.error },
    );
  });
}

const ZERO_WINDOW: WindowMetrics = {
  spendUsd: 0,
  signups: 0,
  ftds: 0,
  netRevenueUsd: 0,
  gmvUsd: 0,
  roiD7: null,
  roiD30: null,
};

/** A previous week derived from spend and users when the run of R - 7 left no partner_performance. */
function derivedPreviousWeek(
  daily: readonly DailyPartnerRow[],
  partnerId: string,
  runDate: string,
): WindowMetrics {
  const from = addDays(runDate, -13);
  const to = addDays(runDate, -7);
  const window = {
    spendUsd: 0,
    signups: 0,
    ftds: 0,
    netRevenueUsd: null,
    gmvUsd: null,
    roiD7: null,
    roiD30: null,
  };
  for (const row of daily) {
    if (row.partnerId !== partnerId || row.date < from || row.date > to) continue;
    window.spendUsd += row.spendUsd;
    window.signups += row.signups;
    window.ftds += row.ftds;
  }
  return window;
}

/**
 * Loads everything the dashboard and the digests of run date `runDate` show. Tables the run
 * has not built yet (no recommendations, no segments, no campaign results, no tracker reconciliation, no
 * partner quality, no alerts) load as empty; a partition of R - 7 that
 * is missing makes the previous week derived (see {@link PublishModel.previousWeekSource}).
 */
export async function loadPublishModel(engine: Engine, runDate: string): Promise<PublishModel> {
  if (!IsoDateSchema.safeParse(runDate).success) {
    throw new PublishError(`run date ${runDate} is not a YYYY-MM-DD calendar date`);
  }
  const [
    partnerRows,
    windowRows,
    dailyRows,
    ltvRows,
    funnelRows,
    segmentRows,
    recommendationRows,
    campaignRows,
    trackingRows,
    qualityRows,
    planRows,
    roiRows,
    alertRows,
  ] = await Promise.all([
    load(engine, 'publish_partners', runDate, PartnerQueryRowSchema),
    load(engine, 'publish_partner_windows', runDate, PartnerWindowQueryRowSchema),
    load(engine, 'publish_daily', runDate, DailyQueryRowSchema),
    load(engine, 'publish_cohort_ltv', runDate, CohortLtvQueryRowSchema),
    load(engine, 'publish_funnel', runDate, FunnelQueryRowSchema),
    load(engine, 'publish_segments', runDate, SegmentQueryRowSchema),
    load(engine, 'publish_recommendations', runDate, RecommendationQueryRowSchema),
    load(engine, 'publish_campaigns', runDate, CampaignQueryRowSchema),
    load(engine, 'publish_tracking', runDate, TrackingQueryRowSchema),
    load(engine, 'publish_quality', runDate, QualityQueryRowSchema),
    load(engine, 'publish_plan', runDate, PlanQueryRowSchema),
    load(engine, 'publish_roi', runDate, RoiQueryRowSchema),
    load(engine, 'publish_alerts', runDate, AlertQueryRowSchema),
  ]);

  const daily: DailyPartnerRow[] = dailyRows.map((row) => ({
    date: row.activity_date,
    partnerId: row.partner_id,
    spendUsd: row.spend_usd,
    signups: row.signups,
    ftds: row.ftds,
  }));
  const cohortLtv: CohortLtvPoint[] = ltvRows.map((row) => ({
    partnerId: row.partner_id,
    ageDay: row.age_day,
    cohorts: row.cohorts,
    cohortUsers: row.cohort_users,
    cumNetRevenueUsd: row.cum_net_revenue_usd,
  }));
  const funnel: FunnelRow[] = funnelRows.map((row) => ({
    partnerId: row.partner_id,
    cohortWeek: row.cohort_week,
    signups: row.signups,
    kycUsers: row.kyc_users,
    fundedUsers: row.funded_users,
    tradedUsers: row.traded_users,
  }));
  const recommendations: Recommendation[] = recommendationRows.map((row) => ({
    partnerId: row.partner_id,
    currentDailySpendUsd: row.current_daily_spend_usd,
    recommendedDailySpendUsd: row.recommended_daily_spend_usd,
    changePct: row.change_pct,
    expectedMarginalRoas: row.expected_marginal_roas,
    confidence: row.confidence,
    reason: row.reason,
    bindingConstraint: row.binding_constraint,
  }));

  // Every partner any section mentions gets a name, so no row refers to an unknown partner.
  const partners = new Map<string, PublishPartner>(
    partnerRows.map((row) => [
      row.partner_id,
      {
        partnerId: row.partner_id,
        name: row.partner_name,
        channel: row.channel,
        status: row.status,
        isRegistered: row.is_registered,
      },
    ]),
  );
  for (const { partnerId } of [
    ...windowRows.map((r) => ({ partnerId: r.partner_id })),
    ...daily,
    ...cohortLtv,
    ...funnel,
    ...recommendations,
  ]) {
    if (!partners.has(partnerId)) {
      partners.set(partnerId, {
        partnerId,
        name: partnerId,
        channel: null,
        status: null,
        isRegistered: false,
      });
    }
  }

  const hasPreviousRun = windowRows.some((row) => row.period === 'previous_week');
  const windows = new Map<string, Partial<Record<'week' | 'previous_week' | 'month', WindowMetrics>>>();
  for (const row of windowRows) {
    const entry = windows.get(row.partner_id) ?? {};
    entry[row.period] = {
      spendUsd: row.spend_usd,
      signups: row.signups,
      ftds: row.ftds,
      netRevenueUsd: row.net_revenue_usd,
      gmvUsd: row.gmv_usd,
      roiD7: row.roi_d7,
      roiD30: row.roi_d30,
    };
    windows.set(row.partner_id, entry);
  }
  const performance: PartnerPerformance[] = [...partners.keys()].map((partnerId) => {
    const entry = windows.get(partnerId) ?? {};
    return {
      partnerId,
      week: entry.week ?? ZERO_WINDOW,
      previousWeek: hasPreviousRun
        ? (entry.previous_week ?? ZERO_WINDOW)
        : derivedPreviousWeek(daily, partnerId, runDate),
      month: entry.month ?? ZERO_WINDOW,
    };
  });

  const segments: Segments = {
    sizes: segmentRows
      .filter((row) => row.dimension !== TRANSITION_DIMENSION)
      .map((row) => ({ dimension: row.dimension, segment: row.segment, users: row.users, share: row.share })),
    transitions: segmentRows
      .filter((row) => row.dimension === TRANSITION_DIMENSION)
      .map((row) => {
        const [from = '', to = ''] = row.segment.split('>');
        return { from: row.from_lifecycle ?? from, to: row.to_lifecycle ?? to, users: row.users };
      }),
  };

  return withDerived({
    runDate,
    previousWeekSource: hasPreviousRun ? 'partner_performance' : 'derived',
    partners: [...partners.values()].sort((a, b) => a.partnerId.localeCompare(b.partnerId)),
    performance,
    daily,
    cohortLtv,
    funnel,
    segments,
    recommendations,
    roi: roiRows.map((row) => ({
      partnerId: row.partner_id,
      horizonDays: row.horizon_days,
      spendUsd: row.spend_usd,
      roiD7: row.roi_d7,
      roiD30: row.roi_d30,
      projectedRoi: row.projected_roi,
      projectedRoiLow: row.projected_roi_low,
      projectedRoiHigh: row.projected_roi_high,
      paybackDay: row.payback_day,
      paybackDayEarliest: row.payback_day_earliest,
      paybackDayLatest: row.payback_day_latest,
    })),
    campaigns: campaignsOf(campaignRows),
    tracking: trackingOf(trackingRows),
    quality: qualityOf(qualityRows),
    plan: planRows.map((row) => ({
      period: row.period,
      scope: row.scope,
      metric: row.metric,
      target: row.target,
      actualToDate: row.actual_to_date,
      daysElapsed: row.days_elapsed,
      daysInPeriod: row.days_in_period,
      expectedToDate: row.expected_to_date,
      runRate7d: row.run_rate_7d,
      forecastEnd: row.forecast_end,
      forecastAttainment: row.forecast_attainment,
      status: row.status,
    })),
    alerts: alertRows.map((row) => ({
      scope: row.scope,
      scopeId: row.scope_id,
      metric: row.metric,
      value: row.value,
      expected: row.expected,
      lower: row.lower,
      upper: row.upper,
      direction: row.direction,
      severity: row.severity,
      reason: row.reason,
    })),
  });
}
