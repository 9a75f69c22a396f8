/**
 * A small lake with hand-chosen mart rows for run date R = 2026-11-22 (a Sunday) and R - 7, so
 * the tests can compute every published number by hand. Partners: two KOLs, two affiliates, one
 * content site, and organic, unattributed and an unknown id outside the registry.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { inject } from 'vitest';
import { addDays } from '../../lambdas/contract/dates.ts';
import type { Recipient, RecipientsConfig } from '../../lambdas/contract/recipients-config.ts';
import {
  BUDGET_RECOMMENDATIONS,
  CAMPAIGN_RESULTS,
  CAMPAIGNS,
  COHORT_LTV,
  FUNNEL,
  KPI_ALERTS,
  PARTNER_PERFORMANCE,
  PARTNER_ROI_FORECAST,
  PARTNERS,
  PLAN_PACING,
  SEGMENT_SUMMARY,
  SPEND,
  type TableDef,
  USER_STATE,
} from '../../lambdas/contract/tables.ts';
import { TRACKER_CONVERSIONS, TRACKER_RECONCILIATION } from '../../lambdas/contract/tables-trackers.ts';
import { PARTNER_QUALITY, USER_RISK_FLAGS } from '../../lambdas/contract/tables-traffic.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { type DigestContent, digestContent } from '../../lambdas/publish/digest.ts';
import type { PublishModel } from '../../lambdas/publish/model.ts';
import { publishRun } from '../../lambdas/publish/publisher.ts';
import { parseRecipientsConfig } from '../../lambdas/publish/recipients.ts';
import type { Engine } from '../../lambdas/warehouse/engine.ts';

export const R = '2026-11-22';
export const WEEK_AGO = addDays(R, -7);
export const YESTERDAY = addDays(R, -1);

type Value = string | number | boolean | null;

function literal(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

/** Writes rows (by column name; absent columns are null) into a table, replacing what its rows touch. */
export async function writeRows(
  engine: Engine,
  table: TableDef,
  rows: readonly Record<string, Value>[],
): Promise<void> {
  const columns = table.partition === undefined ? table.columns : [...table.columns, table.partition];
  const tuples = rows.map(
    (row) =>
      `(${columns.map((column) => `cast(${literal(row[column.name] ?? null)} as ${column.type})`).join(', ')})`,
  );
  const sql = `select * from (values ${tuples.join(', ')}) as fixture_rows (${columns.map((c) => c.name).join(', ')})`;
  if (table.isView === true) {
    await engine.defineView(table, sql);
    return;
  }
  if (table.partition === undefined) {
    await engine.write(table, sql, { kind: 'replace-table' });
    return;
  }
  const partitions = [...new Set(rows.map((row) => String(row[(table.partition as { name: string }).name])))];
  await engine.write(table, sql, { kind: 'replace-partitions', partitions });
}

/** The registry; the first name tests escaping (partner names come from a CSV). */
export const REGISTRY = [
  { partner_id: 'kol_alpha', name: 'Alpha Crypto <Live> & "Friends"', channel: 'kol', status: 'active' },
  { partner_id: 'kol_beta', name: 'Beta Signals', channel: 'kol', status: 'paused' },
  { partner_id: 'aff_one', name: 'CoinCompare', channel: 'affiliate', status: 'active' },
  { partner_id: 'aff_two', name: 'YieldHunters', channel: 'affiliate', status: 'active' },
  { partner_id: 'content_blog', name: 'Chain Chronicle', channel: 'content', status: 'active' },
] as const;

/** Partner values outside the registry. */
export const OUTSIDE_REGISTRY = ['organic', 'unattributed', 'ghost_99'] as const;

type Perf = [
  partner: string,
  spend: number,
  signups: number,
  ftds: number,
  netRevenue: number,
  roiD7: number | null,
  roiD30: number | null,
  gmv: number,
];

/** partner_performance of R, window 7. */
export const WEEK: readonly Perf[] = [
  ['kol_alpha', 7000, 100, 20, 2100, -0.4, 0.2, 700000],
  ['kol_beta', 1400, 30, 4, 300, -0.7, -0.1, 100000],
  ['aff_one', 3500, 60, 15, 1500, -0.2, 0.5, 500000],
  ['aff_two', 700, 20, 2, 100, null, null, 40000],
  ['content_blog', 0, 10, 3, 200, null, null, 60000],
  ['organic', 0, 150, 30, 5000, null, null, 1500000],
  ['unattributed', 0, 0, 0, 50, null, null, 20000],
  ['ghost_99', 0, 5, 1, 10, null, null, 6000],
];

/** partner_performance of R - 7, window 7 (ghost_99 was not seen yet). */
export const PREVIOUS_WEEK: readonly Perf[] = [
  ['kol_alpha', 4900, 90, 25, 1800, -0.5, null, 600000],
  ['kol_beta', 1400, 35, 7, 350, -0.6, null, 120000],
  ['aff_one', 2800, 50, 10, 1200, -0.3, null, 400000],
  ['aff_two', 700, 25, 5, 150, -0.9, null, 50000],
  ['content_blog', 0, 8, 2, 150, null, null, 50000],
  ['organic', 0, 140, 28, 4800, null, null, 1400000],
  ['unattributed', 0, 0, 0, 40, null, null, 15000],
];

/** partner_performance of R, window 30: the ROI by partner. */
export const MONTH: readonly Perf[] = [
  ['kol_alpha', 26000, 400, 90, 8000, -0.45, 0.15, 2800000],
  ['kol_beta', 6000, 130, 20, 1300, -0.6, -0.2, 450000],
  ['aff_one', 13000, 230, 50, 6000, -0.25, 0.4, 2000000],
  ['aff_two', 3000, 90, 12, 500, -0.8, -0.35, 180000],
  ['content_blog', 0, 35, 9, 700, null, null, 250000],
  ['organic', 0, 600, 120, 20000, null, null, 6200000],
  ['unattributed', 0, 0, 0, 200, null, null, 80000],
  ['ghost_99', 0, 5, 1, 10, null, null, 5000],
];

const channelOf = (partnerId: string) => REGISTRY.find((p) => p.partner_id === partnerId)?.channel ?? null;

function performanceRows(runDate: string, windowDays: number, rows: readonly Perf[]) {
  return rows.map(([partner_id, spend_usd, signups, ftds, net_revenue_usd, roi_d7, roi_d30, gmv_usd]) => ({
    partner_id,
    window_days: windowDays,
    spend_usd,
    signups,
    ftds,
    cac_usd: ftds === 0 ? null : spend_usd / ftds,
    cost_per_signup_usd: signups === 0 ? null : spend_usd / signups,
    net_revenue_usd,
    gmv_usd,
    roi_d7,
    roi_d30,
    channel: channelOf(partner_id),
    run_date: runDate,
  }));
}

/**
 * Daily spend: the three weeks to R are hand-chosen (kol_alpha 1000 / 700 / 600 a day in the
 * weeks ending R, R - 7, R - 14; kol_beta 200; aff_one 500 / 400 / 400; aff_two 100); the
 * 39 days before them vary only to give the charts a shape.
 */
export function spendOn(partnerId: string, daysBeforeR: number): number {
  const week = Math.floor(daysBeforeR / 7);
  switch (partnerId) {
    case 'kol_alpha':
      return [1000, 700, 600][week] ?? 550 + 10 * (daysBeforeR % 7);
    case 'kol_beta':
      return 200;
    case 'aff_one':
      return [500, 400, 400][week] ?? 380 + 5 * (daysBeforeR % 3);
    case 'aff_two':
      return 100;
    default:
      return 0;
  }
}

/** Sign-ups and same-day FTDs on R and on R - 7, by partner (hand-chosen). */
export const SIGNUPS_ON: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> = {
  [R]: {
    kol_alpha: [15, 3],
    kol_beta: [4, 1],
    aff_one: [9, 2],
    aff_two: [3, 0],
    content_blog: [2, 1],
    organic: [20, 4],
    ghost_99: [1, 0],
  },
  [WEEK_AGO]: {
    kol_alpha: [12, 4],
    kol_beta: [5, 1],
    aff_one: [8, 1],
    aff_two: [4, 1],
    content_blog: [1, 0],
    organic: [18, 4],
  },
};

const BACKGROUND_SIGNUPS: Readonly<Record<string, (day: number) => number>> = {
  kol_alpha: (day) => 12 + (day % 5),
  kol_beta: (day) => 4 + (day % 3),
  aff_one: (day) => 8 + (day % 4),
  aff_two: (day) => 3 + (day % 2),
  content_blog: (day) => 1 + (day % 2),
  organic: (day) => 20 + (day % 6),
};

function userStateRows() {
  const rows: Record<string, Value>[] = [];
  for (let day = 0; day < 60; day += 1) {
    const date = addDays(R, -day);
    const explicit = SIGNUPS_ON[date];
    const counts: [string, number, number][] =
      explicit === undefined
        ? Object.entries(BACKGROUND_SIGNUPS).map(([partner, rate]) => [
            partner,
            rate(day),
            Math.floor(rate(day) / 4),
          ])
        : Object.entries(explicit).map(([partner, [signups, ftds]]) => [partner, signups, ftds]);
    for (const [partner, signups, ftds] of counts) {
      for (let n = 0; n < signups; n += 1) {
        rows.push({
          user_id: `u_${date}_${partner}_${n}`,
          partner_id: partner,
          cohort_date: date,
          ftd_date: n < ftds ? date : null,
          dt: R,
        });
      }
    }
  }
  // A signup after R (a later run's data) never counts for R.
  rows.push({
    user_id: 'u_late',
    partner_id: 'kol_alpha',
    cohort_date: addDays(R, 1),
    ftd_date: addDays(R, 1),
    dt: R,
  });
  return rows;
}

type Ltv = [
  cohortDate: string,
  partner: string,
  users: number,
  revenueByAge: Readonly<Record<number, number>>,
];

/** cohort_ltv rows: cumulative net revenue by age. Ages beyond R and the 08-01 cohort (over 90 days) are ignored. */
export const COHORTS: readonly Ltv[] = [
  ['2026-11-01', 'kol_alpha', 10, { 0: 5, 1: 8, 3: 12, 7: 20, 14: 30, 30: 31 }],
  ['2026-11-20', 'kol_alpha', 5, { 0: 2, 1: 3, 3: 4 }],
  ['2026-08-01', 'kol_alpha', 100, { 0: 1000 }],
  ['2026-11-01', 'aff_one', 20, { 0: 20, 1: 30, 3: 40, 7: 60, 14: 80 }],
  ['2026-10-01', 'aff_one', 10, { 0: 5, 7: 15, 14: 20, 30: 40, 60: 50 }],
  ['2026-11-01', 'organic', 50, { 0: 25, 7: 50 }],
  ['2026-11-10', 'aff_two', 0, { 0: 0 }],
];

function cohortRows() {
  return COHORTS.flatMap(([cohort_date, partner_id, cohort_users, revenue]) =>
    Object.entries(revenue).map(([age, cum]) => ({
      cohort_date,
      partner_id,
      age_day: Number(age),
      cohort_users,
      funded_users: 0,
      cum_net_revenue_usd: cum,
      ltv_usd: cohort_users === 0 ? null : cum / cohort_users,
      spend_usd: 0,
      is_complete: addDays(cohort_date, Number(age)) <= R,
      run_date: R,
    })),
  );
}

type FunnelCounts = [
  week: string,
  partner: string,
  signups: number,
  kyc: number,
  funded: number,
  traded: number,
];

/** funnel rows; the week of 09-21 is older than the last 8 cohort weeks. */
export const FUNNEL_ROWS: readonly FunnelCounts[] = [
  ['2026-11-16', 'kol_alpha', 100, 70, 20, 15],
  ['2026-11-16', 'aff_one', 60, 45, 15, 12],
  ['2026-11-16', 'organic', 150, 100, 30, 25],
  ['2026-11-16', 'content_blog', 10, 6, 3, 2],
  ['2026-11-09', 'kol_alpha', 90, 60, 25, 20],
  ['2026-11-09', 'aff_one', 50, 40, 10, 8],
  ['2026-11-09', 'kol_beta', 35, 20, 7, 5],
  ['2026-09-28', 'aff_two', 25, 15, 5, 3],
  ['2026-09-21', 'kol_alpha', 999, 1, 1, 1],
];

/** segment_summary of R: sizes per dimension, then lifecycle transitions. */
export const SEGMENT_SIZES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  lifecycle: { new: 120, active: 380, resurrected: 25, at_risk: 150, dormant: 200, churned: 125 },
  value_tier: { whale: 5, high: 45, mid: 200, low: 350, zero: 400 },
  funnel_stage: { registered: 300, kyc: 200, funded: 150, trader: 350 },
  tenure_bucket: { '0-7': 120, '8-30': 230, '31-90': 400, '91-180': 250 },
  trade_frequency: { none: 500, light: 250, regular: 180, heavy: 70 },
  product_mix: { spot: 400, futures: 100, both: 150, none: 350 },
};

export const TRANSITIONS: Readonly<Record<string, number>> = {
  'none>new': 20,
  'new>new': 100,
  'active>active': 365,
  'active>at_risk': 30,
  'at_risk>active': 15,
  'at_risk>at_risk': 120,
  'at_risk>dormant': 20,
  'dormant>resurrected': 25,
  'dormant>dormant': 180,
  'dormant>churned': 5,
  'churned>churned': 120,
};

function segmentRows() {
  const sizes = Object.entries(SEGMENT_SIZES).flatMap(([dimension, segments]) =>
    Object.entries(segments).map(([segment, users]) => ({
      dimension,
      segment,
      users,
      share: users / 1000,
      snapshot_date: R,
    })),
  );
  const transitions = Object.entries(TRANSITIONS).map(([segment, users]) => {
    const [from, to] = segment.split('>');
    return {
      dimension: 'lifecycle_transition',
      segment,
      from_lifecycle: from ?? null,
      to_lifecycle: to ?? null,
      users,
      share: users / 1000,
      snapshot_date: R,
    };
  });
  return [...sizes, ...transitions];
}

/** budget_recommendations of R: budget-neutral (1800 a day now and after). */
export const RECOMMENDATIONS = [
  {
    partner_id: 'aff_one',
    channel: 'affiliate',
    current_daily_spend_usd: 500,
    recommended_daily_spend_usd: 900,
    change_pct: 0.8,
    expected_marginal_roas: 1.6,
    confidence: 'high',
    reason: 'Best day-30 ROI (40%) with room to grow: move budget here.',
    binding_constraint: 'max_change',
    run_date: R,
  },
  {
    partner_id: 'kol_beta',
    channel: 'kol',
    current_daily_spend_usd: 200,
    recommended_daily_spend_usd: 0,
    change_pct: -1,
    expected_marginal_roas: null,
    confidence: 'high',
    reason: 'Paused in the registry: stop the spend.',
    binding_constraint: 'paused',
    run_date: R,
  },
  {
    partner_id: 'kol_alpha',
    channel: 'kol',
    current_daily_spend_usd: 1000,
    recommended_daily_spend_usd: 800,
    change_pct: -0.2,
    expected_marginal_roas: 0.9,
    confidence: 'medium',
    reason: 'CAC rose 79% week over week & ROI < target: trim until it recovers.',
    binding_constraint: 'none',
    run_date: R,
  },
  {
    partner_id: 'aff_two',
    channel: 'affiliate',
    current_daily_spend_usd: 100,
    recommended_daily_spend_usd: 100,
    change_pct: 0,
    expected_marginal_roas: 0.7,
    confidence: 'low',
    reason: 'Too few FTDs to judge: hold.',
    binding_constraint: 'none',
    run_date: R,
  },
  {
    partner_id: 'content_blog',
    channel: 'content',
    current_daily_spend_usd: 0,
    recommended_daily_spend_usd: 0,
    change_pct: null,
    expected_marginal_roas: null,
    confidence: 'insufficient_data',
    reason: 'No spend yet.',
    binding_constraint: 'insufficient_data',
    run_date: R,
  },
];

/**
 * partner_roi_forecast of R, beside the recommendations (the recommend step writes both). kol_beta is
 * projected below the 0% target at 180 days, its whole interval too (an alert, no raise to reconcile);
 * aff_one matured well but its last 30 days' cohorts project below target while it is raised (an alert
 * with the reconciling sentence); aff_two's day-30 ROI is -35% but its cohorts are on course (no alert,
 * a note beside its recommendation); content_blog has no spend.
 */
type RoiForecast = [
  partnerId: string,
  spendUsd: number,
  roiD7: number | null,
  roiD30: number | null,
  projectedRoi: number | null,
  low: number | null,
  high: number | null,
  payback: number | null,
  earliest: number | null,
  latest: number | null,
];
export const ROI_FORECASTS = (
  [
    ['kol_alpha', 26000, -0.45, 0.15, 0.6, 0.3, 0.9, 60, 45, 90],
    ['kol_beta', 6000, -0.6, -0.2, -0.3, -0.45, -0.15, null, null, null],
    ['aff_one', 13000, -0.25, 0.4, -0.1, -0.2, -0.02, null, null, null],
    ['aff_two', 3000, -0.8, -0.35, 0.25, 0.05, 0.45, 140, 110, 200],
    ['content_blog', 0, null, null, null, null, null, null, null, null],
  ] satisfies RoiForecast[]
).map(([partner_id, spend_usd, roi_d7, roi_d30, projected_roi, low, high, payback, earliest, latest]) => ({
  partner_id,
  horizon_days: 180,
  window_start: addDays(R, -29),
  spend_usd,
  cohort_users: 0,
  value_to_date_usd: 0,
  projected_value_usd: projected_roi === null ? null : spend_usd * (1 + projected_roi),
  roi_d7,
  roi_d30,
  projected_roi,
  projected_roi_low: low,
  projected_roi_high: high,
  payback_day: payback,
  payback_day_earliest: earliest,
  payback_day_latest: latest,
  run_date: R,
}));

/** A campaign_results row with the columns the publications read (the rest null). */
function campaignResult(
  runDate: string,
  campaignId: string,
  metric: string,
  values: Record<string, Value>,
): Record<string, Value> {
  return {
    run_date: runDate,
    campaign_id: campaignId,
    metric,
    is_primary: false,
    srm_flag: false,
    ...values,
  };
}

/** Arms of spring-kyc: 900 treated at $2 each (cost 1800), 100 held out as designed (h = 0.1). */
const SPRING_ARMS = { n_treatment: 900, n_control: 100, n_switched: 3, srm_p_value: 1, cost_usd: 1800 };
/** Arms of playbook:winback: 800 / 200 against a designed 900 / 100, so chi-square ≈ 111 and SRM. */
const WINBACK_ARMS = {
  n_treatment: 800,
  n_control: 200,
  n_switched: 0,
  srm_p_value: 1e-25,
  srm_flag: true,
  cost_usd: 0,
};
/** Arms of vip-bonus: 450 / 50 at $10 each. */
const VIP_ARMS = { n_treatment: 450, n_control: 50, n_switched: 0, srm_p_value: 1, cost_usd: 4500 };

/**
 * campaign_results of R and R - 1. spring-kyc turned from inconclusive to a win on kyc (its primary
 * metric): KYC 15% treated vs 10% held out, uplift 0.05 (5 pp), 0.05 * 900 = 45 more verifications.
 * playbook:winback (no registry row) has a sample-ratio mismatch. vip-bonus stays inconclusive.
 */
export const CAMPAIGN_RESULT_ROWS: readonly Record<string, Value>[] = [
  campaignResult(R, 'spring-kyc', 'kyc', {
    ...SPRING_ARMS,
    is_primary: true,
    mean_treatment: 0.15,
    mean_control: 0.1,
    uplift_abs: 0.05,
    uplift_rel: 0.5,
    ci_low: 0.03,
    ci_high: 0.07,
    p_value: 0.0001,
    cs_low: 0.01,
    cs_high: 0.09,
    incremental_total: 45,
    verdict: 'win',
  }),
  campaignResult(R, 'spring-kyc', 'net_revenue_usd', {
    ...SPRING_ARMS,
    mean_treatment: 12,
    mean_control: 10,
    uplift_abs: 2,
    uplift_rel: 0.2,
    ci_low: -1,
    ci_high: 5,
    p_value: 0.2,
    cs_low: -4,
    cs_high: 8,
    // 2 * 900 = 1800 added at a cost of 1800: ROI (1800 - 1800) / 1800 = 0.
    incremental_total: 1800,
    roi: 0,
    verdict: 'inconclusive',
  }),
  campaignResult(YESTERDAY, 'spring-kyc', 'kyc', {
    ...SPRING_ARMS,
    is_primary: true,
    verdict: 'inconclusive',
  }),
  campaignResult(R, 'playbook:winback', 'active_days', {
    ...WINBACK_ARMS,
    is_primary: true,
    mean_treatment: 2.4,
    mean_control: 2,
    uplift_abs: 0.4,
    uplift_rel: 0.2,
    ci_low: 0.1,
    ci_high: 0.7,
    p_value: 0.01,
    cs_low: -0.2,
    cs_high: 1,
    incremental_total: 320,
    verdict: 'srm',
  }),
  campaignResult(R, 'vip-bonus', 'deposits_usd', {
    ...VIP_ARMS,
    is_primary: true,
    mean_treatment: 260,
    mean_control: 250,
    uplift_abs: 10,
    uplift_rel: 0.04,
    ci_low: -20,
    ci_high: 40,
    p_value: 0.5,
    cs_low: -60,
    cs_high: 80,
    incremental_total: 4500,
    verdict: 'inconclusive',
  }),
  campaignResult(YESTERDAY, 'vip-bonus', 'deposits_usd', {
    ...VIP_ARMS,
    is_primary: true,
    verdict: 'inconclusive',
  }),
];

/** The campaign registry: playbook campaigns have no row. */
export const CAMPAIGN_REGISTRY_ROWS: readonly Record<string, Value>[] = [
  {
    campaign_id: 'spring-kyc',
    name: 'Spring KYC push',
    owner: 'CRM team',
    primary_metric: 'kyc',
    holdout_share: 0.1,
  },
  {
    campaign_id: 'vip-bonus',
    name: 'VIP deposit bonus',
    owner: '',
    primary_metric: 'deposits_usd',
    holdout_share: 0.1,
  },
];

/** The recipients of the tests: one per kind of scope, one weekly. */
type Reconciliation = [
  source: string,
  partner: string,
  windowDays: 7 | 30,
  trackerSignups: number,
  platformSignups: number,
  matched: number,
  trackerOnly: number,
  platformOnly: number,
  conflicting: number,
  trackerFtds: number,
  platformFtds: number,
  payoutUsd: number | null,
  gapRate: number | null,
  status: 'ok' | 'warn' | 'broken',
];

/**
 * tracker_reconciliation of R. Over 7 days: AppsFlyer lost kol_alpha (0 vs 42, broken) and tracks
 * 12 sign-ups under unmapped keys (broken); Adjust credits kol_beta 10 more than the platform, 6 of
 * them the platform's for other partners (warn); Impact counts content_blog 3 vs 2 (warn). aff_one
 * is exactly +10% (not beyond, so ok). Adjust's unmapped key is older than both windows (all 0).
 */
export const TRACKING_ROWS: readonly Reconciliation[] = [
  ['appsflyer', 'kol_alpha', 7, 0, 42, 0, 0, 42, 0, 0, 9, null, -1, 'broken'],
  ['appsflyer', 'kol_alpha', 30, 300, 380, 290, 10, 90, 2, 70, 90, null, -80 / 380, 'warn'],
  ['appsflyer', 'organic', 7, 150, 148, 140, 10, 8, 0, 30, 30, null, 2 / 148, 'ok'],
  ['appsflyer', 'organic', 30, 600, 600, 580, 20, 20, 0, 120, 120, null, 0, 'ok'],
  ['appsflyer', 'unmapped', 7, 12, 0, 0, 12, 0, 0, 2, 0, null, null, 'broken'],
  ['appsflyer', 'unmapped', 30, 20, 0, 0, 20, 0, 0, 3, 0, null, null, 'broken'],
  ['appsflyer', 'aff_one', 7, 55, 50, 48, 7, 2, 1, 15, 15, null, 0.1, 'ok'],
  ['appsflyer', 'aff_one', 30, 230, 230, 225, 5, 5, 0, 50, 50, null, 0, 'ok'],
  ['adjust', 'kol_beta', 7, 40, 30, 28, 12, 2, 6, 5, 4, null, 10 / 30, 'warn'],
  ['adjust', 'kol_beta', 30, 125, 130, 120, 5, 10, 1, 20, 20, null, -5 / 130, 'ok'],
  ['adjust', 'unmapped', 7, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 'ok'],
  ['adjust', 'unmapped', 30, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 'ok'],
  ['impact', 'aff_two', 7, 18, 20, 17, 1, 3, 0, 2, 2, 540, -0.1, 'ok'],
  ['impact', 'aff_two', 30, 80, 90, 78, 2, 12, 0, 11, 12, 2400, -10 / 90, 'warn'],
  ['impact', 'content_blog', 7, 3, 2, 2, 1, 0, 0, 1, 1, 0, 0.5, 'warn'],
  ['impact', 'content_blog', 30, 9, 8, 8, 1, 0, 0, 3, 3, 95.5, 0.125, 'warn'],
];

function reconciliationRows(runDate: string, rows: readonly Reconciliation[]): Record<string, Value>[] {
  return rows.map((row) => ({
    source: row[0],
    partner_id: row[1],
    window_days: row[2],
    tracker_signups: row[3],
    platform_signups: row[4],
    matched_users: row[5],
    tracker_only_users: row[6],
    platform_only_users: row[7],
    conflicting_users: row[8],
    tracker_ftds: row[9],
    platform_ftds: row[10],
    payout_usd: row[11],
    signup_gap_rate: row[12],
    status: row[13],
    run_date: runDate,
  }));
}

/**
 * tracker_conversions around R (the mapped one and every unmapped one the Tracking section reads).
 * AppsFlyer's unmapped keys: tiktokglobal_int 3 times and snap_int once in the 7 days (R - 6 at
 * midnight is in), old_net 5 times on R - 21 (30 days only); ancient on R - 30 and future_net after R
 * are in neither window. Adjust's one unmapped key is from R - 52.
 */
export function trackerConversionRows(): Record<string, Value>[] {
  const conversion = (
    source: string,
    id: string,
    sourceKey: string,
    partner: string,
    occurredAt: string,
  ): Record<string, Value> => ({
    source,
    conversion_id: id,
    user_id: `u_${id}`,
    step: 'signup',
    occurred_at: occurredAt,
    source_key: sourceKey,
    partner_id: partner,
    payout_usd: null,
    state: null,
  });
  return [
    conversion('appsflyer', 'af1', 'alpha_af', 'kol_alpha', '2026-11-21 09:00:00'),
    conversion('appsflyer', 'af2', 'tiktokglobal_int', 'unmapped', '2026-11-20 10:00:00'),
    conversion('appsflyer', 'af3', 'tiktokglobal_int', 'unmapped', '2026-11-21 10:00:00'),
    conversion('appsflyer', 'af4', 'tiktokglobal_int', 'unmapped', '2026-11-22 23:59:59'),
    conversion('appsflyer', 'af5', 'snap_int', 'unmapped', '2026-11-16 00:00:00'),
    ...[1, 2, 3, 4, 5].map((n) =>
      conversion('appsflyer', `af_old${n}`, 'old_net', 'unmapped', '2026-11-01 12:00:00'),
    ),
    conversion('appsflyer', 'af6', 'ancient', 'unmapped', '2026-10-23 23:00:00'),
    conversion('appsflyer', 'af7', 'future_net', 'unmapped', '2026-11-23 00:00:00'),
    conversion('adjust', 'adj1', 'adj_unknown', 'unmapped', '2026-10-01 08:00:00'),
  ];
}

type Quality = [
  partner: string,
  signups: number,
  kycRate: number | null,
  ftdRate: number | null,
  fastSignupShare: number | null,
  medianClickToSignupS: number | null,
  sharedDeviceShare: number | null,
  sharedFundingShare: number | null,
  bonusAbuseShare: number | null,
  flags: string,
  qualityScore: number,
];

/**
 * partner_quality of R. kol_beta is flagged three times (bonus abuse 20%, shared devices 15%,
 * shared funding 8%), kol_alpha for fast sign-ups (30%), aff_two for shared devices (12%);
 * content_blog's shares are worse still, but 12 sign-ups are under the 20 a flag needs.
 */
export const QUALITY_ROWS: readonly Quality[] = [
  ['kol_alpha', 400, 0.7, 0.22, 0.3, 6.5, 0.04, 0.01, 0.02, 'fast_signups', 48],
  ['kol_beta', 130, 0.55, 0.16, 0.05, 40, 0.15, 0.08, 0.2, 'bonus_abuse,shared_devices,shared_funding', 22],
  ['aff_one', 230, 0.78, 0.22, 0.02, 55, 0.02, 0, 0.03, '', 81],
  ['aff_two', 90, 0.6, 0.13, 0.1, 30, 0.12, 0.02, null, 'shared_devices', 55],
  ['content_blog', 12, 0.5, 0.25, 0.5, 3, 0.5, 0.5, null, '', 40],
  ['organic', 600, 0.66, 0.2, null, null, 0.01, 0, 0.01, '', 90],
];

function qualityRows(runDate: string, rows: readonly Quality[]): Record<string, Value>[] {
  return rows.map((row) => ({
    partner_id: row[0],
    signups: row[1],
    kyc_rate: row[2],
    ftd_rate: row[3],
    fast_signup_share: row[4],
    median_click_to_signup_s: row[5],
    shared_device_share: row[6],
    shared_funding_share: row[7],
    bonus_abuse_share: row[8],
    flags: row[9],
    quality_score: row[10],
    run_date: runDate,
  }));
}

/**
 * user_risk_flags, users of userStateRows (`u_<cohort date>_<partner>_<n>`). Of snapshot R: 7
 * kol_beta users share devices (3 of R - 1's cohort, 4 of R's), 1 took a bonus back out; kol_alpha
 * has 2 fast sign-ups of R's cohort, 1 of R - 30's (outside the 30 days) and a shared device (a
 * flag it does not carry); aff_two's 2 share one device. One row is of snapshot R - 1.
 */
export function riskFlagRows(): Record<string, Value>[] {
  const flag = (user: string, name: string, evidence: string, snapshot = R): Record<string, Value> => ({
    user_id: user,
    flag: name,
    evidence,
    snapshot_date: snapshot,
  });
  const beta = (date: string, n: number) => `u_${date}_kol_beta_${n}`;
  return [
    flag(beta(YESTERDAY, 0), 'shared_device', `${beta(YESTERDAY, 1)},${beta(YESTERDAY, 2)}`),
    flag(beta(YESTERDAY, 1), 'shared_device', `${beta(YESTERDAY, 0)},${beta(YESTERDAY, 2)}`),
    flag(beta(YESTERDAY, 2), 'shared_device', `${beta(YESTERDAY, 0)},${beta(YESTERDAY, 1)}`),
    ...[0, 1, 2, 3].map((n) => flag(beta(R, n), 'shared_device', 'u_2026-11-22_organic_0')),
    flag(beta('2026-11-20', 0), 'bonus_abuse', '0.95'),
    flag('u_2026-11-22_kol_alpha_0', 'fast_signup', '3.2'),
    flag('u_2026-11-22_kol_alpha_1', 'fast_signup', '0.8'),
    flag('u_2026-10-23_kol_alpha_0', 'fast_signup', '1.5'),
    flag('u_2026-11-22_kol_alpha_2', 'shared_device', 'u_2026-11-22_aff_one_0'),
    flag('u_2026-11-22_aff_two_0', 'shared_device', 'u_2026-11-22_aff_two_1'),
    flag('u_2026-11-22_aff_two_1', 'shared_device', 'u_2026-11-22_aff_two_0'),
    flag('u_2026-11-21_kol_alpha_0', 'fast_signup', '2.0', YESTERDAY),
  ];
}

/**
 * plan_pacing of R (2026-11-22): November has 30 days, 22 elapsed, 8 to go; 2026-Q4 has 92 days
 * (October 1 to December 31), 53 elapsed, 39 to go. Each row follows the contract's formulas
 * (docs/contract.md, plan_pacing) from a chosen target, actual and last-7-days total.
 */
export const PLAN_ROWS: readonly Record<string, Value>[] = [
  // 1000 sign-ups, 375 in the last 7 days: 1000 + 375/7 * 8 = 1428.57 of 1500 = 0.952: at risk.
  plan('2026-11', 'all', 'signups', 1500, 1000, 22, 30, 375, 'at_risk'),
  // 24000 spent, 8400 in 7 days: 24000 + 1200 * 8 = 33600 of 30000 = 1.12 > 1.1: over.
  plan('2026-11', 'channel:kol', 'spend_usd', 30000, 24000, 22, 30, 8400, 'over'),
  // 8 FTDs, 3 in 7 days: 8 + 3/7 * 8 = 11.43 of 20 = 0.571: off track.
  plan('2026-11', 'partner:content_blog', 'ftds', 20, 8, 22, 30, 3, 'off_track'),
  // 11M of GMV, 2.926M in 7 days: 11M + 418000 * 39 = 27.302M of 20M = 1.365: on track.
  plan('2026-Q4', 'all', 'gmv_usd', 20_000_000, 11_000_000, 53, 92, 2_926_000, 'on_track'),
];

function plan(
  period: string,
  scope: string,
  metric: string,
  target: number,
  actual: number,
  elapsed: number,
  days: number,
  last7Days: number,
  status: string,
): Record<string, Value> {
  const forecast = actual + (last7Days / 7) * (days - elapsed);
  return {
    period,
    scope,
    metric,
    target,
    actual_to_date: actual,
    days_elapsed: elapsed,
    days_in_period: days,
    expected_to_date: (target * elapsed) / days,
    run_rate_7d: last7Days / 7,
    forecast_end: forecast,
    forecast_attainment: forecast / target,
    status,
    run_date: R,
  };
}

/**
 * kpi_alerts of R (and one of R - 1, to show it is not read). The ranges are those the method gives
 * a flat history (test/alerts/kpi-alerts.test.ts): sign-ups expected 20 -> [5.59, 43.29], 18 ->
 * [4.70, 39.90], 10 -> [1.90, 25.00] (rounded), FTDs 40 -> [15.31, 76.33], tracking 8 ->
 * [0.86, 22.37]; CAC 50 on 20 FTDs -> [18.30, 136.64]; spend 1000 -> [650, 1350], 400 -> [260, 540];
 * net revenue 1000 -> [500, 1500] (chosen by hand, not by the method).
 * How far outside its range each is, in half-widths on its side (the digest's order among warns):
 * aff_two spend 300 / 140 = 2.14, kol_beta net revenue 800 / 500 = 1.6, all sign-ups 32 / 21.90 =
 * 1.46, organic FTDs 35 / 24.69 = 1.42, ghost_99 sign-ups 20 / 15 = 1.33, aff_one CAC 100 / 86.64 =
 * 1.15, kol_alpha sign-ups 25 / 23.29 = 1.07.
 */
export const KPI_ALERT_ROWS: readonly Record<string, Value>[] = [
  alert('all', 'all', 'signups', 50, 18, 4.7016, 39.904, 'up', 'warn'),
  alert('channel', 'kol', 'spend_usd', 3000, 1000, 650, 1350, 'up', 'critical'),
  alert('partner', 'aff_one', 'cac_usd', 150, 50, 18.2968, 136.6361, 'up', 'warn'),
  alert('partner', 'aff_two', 'spend_usd', 700, 400, 260, 540, 'up', 'warn'),
  alert('partner', 'aff_two', 'tracking', 0, 8, 0.8601, 22.3674, 'down', 'critical'),
  alert('partner', 'ghost_99', 'signups', 30, 10, 1.9, 25, 'up', 'warn'),
  alert('partner', 'kol_alpha', 'signups', 45, 20, 5.5925, 43.2887, 'up', 'warn'),
  alert('partner', 'kol_beta', 'net_revenue_usd', 200, 1000, 500, 1500, 'down', 'warn'),
  alert('partner', 'organic', 'ftds', 5, 40, 15.3065, 76.331, 'down', 'warn'),
  {
    ...alert('partner', 'kol_beta', 'signups', 90, 20, 5.5925, 43.2887, 'up', 'critical'),
    run_date: YESTERDAY,
  },
];

function alert(
  scope: string,
  scopeId: string,
  metric: string,
  value: number,
  expected: number,
  lower: number,
  upper: number,
  direction: string,
  severity: string,
): Record<string, Value> {
  return {
    scope,
    scope_id: scopeId,
    metric,
    value,
    expected,
    lower,
    upper,
    direction,
    severity,
    reason: `${metric} of ${scope} ${scopeId}: ${value} against ${expected}.`,
    run_date: R,
  };
}

export const TEST_RECIPIENTS: RecipientsConfig = parseRecipientsConfig({
  from: 'growthlake@example.com',
  dashboardBaseUrl: 'https://growth.example.com/published',
  recipients: [
    { name: 'Growth team', email: 'growth@example.com', scope: { kind: 'all' }, cadence: 'daily' },
    { name: 'Kim (KOLs)', email: 'kol@example.com', scope: { kind: 'channels', channels: ['kol'] } },
    {
      name: 'Ari (affiliates)',
      email: 'affiliates@example.com',
      scope: { kind: 'channels', channels: ['affiliate'] },
      cadence: 'weekly',
    },
    {
      name: 'Cleo (content)',
      email: 'content@example.com',
      scope: { kind: 'partners', partnerIds: ['content_blog'] },
    },
  ],
});

/** Options of {@link buildFixtureLake}. */
export interface FixtureOptions {
  /** Leave budget_recommendations and partner_roi_forecast empty (the recommend step has not run). */
  readonly withoutRecommendations?: boolean;
  /** Leave out the partner_performance partition of R - 7. */
  readonly withoutPreviousRun?: boolean;
  /** Leave campaign_results and the campaign registry empty. */
  readonly withoutCampaigns?: boolean;
  /**
   * Write tracker_reconciliation (R, and R - 1 to show it is not read) and tracker_conversions.
   */
  readonly withTrackers?: boolean;
  /**
   * Write partner_quality (R, and R - 1 to show it is not read) and user_risk_flags.
   */
  readonly withQuality?: boolean;
}

/**
 * A fixture lake in a temporary directory; `dispose` closes and removes it. Each test file gets a
 * lake of its own to change: a copy of the run's one build with these options (see
 * {@link cachedFixtureLake}).
 */
export async function buildFixtureLake(
  options: FixtureOptions = {},
): Promise<LocalLake & { dir: string; dispose(): Promise<void> }> {
  const built = await cachedFixtureLake(options);
  const dir = await mkdtemp(join(tmpdir(), 'growthlake-publish-'));
  await cp(built, dir, { recursive: true });
  const lake = await openLocalLake(dir, { threads: 1 });
  return {
    ...lake,
    dir,
    dispose: async () => {
      await lake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The fixture lake with `options`, built once per test run in the run's fixture cache (see
 * test/fixture-cache.ts) and never changed there: about 20 table writes that a dozen files would
 * otherwise each make. Two files building it at once each build it; the first to finish keeps its
 * copy.
 */
async function cachedFixtureLake(options: FixtureOptions): Promise<string> {
  const name = `publish-${
    Object.entries(options)
      .filter(([, on]) => on === true)
      .map(([option]) => option)
      .sort()
      .join('-') || 'default'
  }`;
  const path = join(inject('fixtureCache'), name);
  if (existsSync(path)) return path;
  const building = await mkdtemp(`${path}.building-`);
  await writeFixtureLake(building, options);
  try {
    await rename(building, path);
  } catch (error) {
    if (!existsSync(path)) throw error;
    await rm(building, { recursive: true, force: true });
  }
  return path;
}

/** Writes the fixture's tables into a new lake in `dir`, and closes it. */
async function writeFixtureLake(dir: string, options: FixtureOptions): Promise<void> {
  const lake = await openLocalLake(dir, { threads: 1 });
  try {
    await writeFixtureTables(lake.engine, options);
  } finally {
    await lake.close();
  }
}

async function writeFixtureTables(engine: Engine, options: FixtureOptions): Promise<void> {
  await writeRows(
    engine,
    PARTNERS,
    REGISTRY.map((p) => ({
      ...p,
      network: null,
      revshare_rate: 0.2,
      min_daily_budget_usd: null,
      max_daily_budget_usd: null,
    })),
  );
  await writeRows(engine, PARTNER_PERFORMANCE, [
    ...performanceRows(R, 7, WEEK),
    ...performanceRows(R, 30, MONTH),
    ...(options.withoutPreviousRun === true ? [] : performanceRows(WEEK_AGO, 7, PREVIOUS_WEEK)),
  ]);
  const spend: Record<string, Value>[] = [];
  for (let day = 0; day < 66; day += 1) {
    const date = addDays(R, -day);
    for (const partner of ['kol_alpha', 'kol_beta', 'aff_one', 'aff_two']) {
      spend.push({
        spend_date: date,
        partner_id: partner,
        campaign_id: '',
        cost_type: 'flat',
        spend_original: spendOn(partner, day),
        currency: 'USD',
        usd_per_unit: 1,
        spend_usd: spendOn(partner, day),
        dt: date,
      });
    }
  }
  await writeRows(engine, SPEND, spend);
  await writeRows(engine, USER_STATE, userStateRows());
  await writeRows(engine, COHORT_LTV, cohortRows());
  await writeRows(
    engine,
    FUNNEL,
    FUNNEL_ROWS.map(([cohort_week, partner_id, signups, kyc_users, funded_users, traded_users]) => ({
      partner_id,
      cohort_week,
      signups,
      kyc_users,
      funded_users,
      traded_users,
      run_date: R,
    })),
  );
  await writeRows(engine, SEGMENT_SUMMARY, segmentRows());
  await writeRows(engine, PLAN_PACING, PLAN_ROWS);
  await writeRows(engine, KPI_ALERTS, KPI_ALERT_ROWS);
  if (options.withoutRecommendations !== true) {
    await writeRows(engine, BUDGET_RECOMMENDATIONS, RECOMMENDATIONS);
    await writeRows(engine, PARTNER_ROI_FORECAST, ROI_FORECASTS);
  }
  if (options.withoutCampaigns !== true) {
    await writeRows(engine, CAMPAIGNS, CAMPAIGN_REGISTRY_ROWS);
    await writeRows(engine, CAMPAIGN_RESULTS, CAMPAIGN_RESULT_ROWS);
  }
  if (options.withTrackers === true) {
    await writeRows(engine, TRACKER_RECONCILIATION, [
      ...reconciliationRows(R, TRACKING_ROWS),
      ...reconciliationRows(YESTERDAY, [
        ['appsflyer', 'kol_alpha', 7, 40, 42, 40, 0, 2, 0, 8, 9, null, -2 / 42, 'ok'],
      ]),
    ]);
    await writeRows(engine, TRACKER_CONVERSIONS, trackerConversionRows());
  }
  if (options.withQuality === true) {
    await writeRows(engine, PARTNER_QUALITY, [
      ...qualityRows(R, QUALITY_ROWS),
      ...qualityRows(YESTERDAY, [['aff_one', 230, 0.78, 0.22, 0.25, 8, 0.02, 0, 0.03, 'fast_signups', 60]]),
    ]);
    await writeRows(engine, USER_RISK_FLAGS, riskFlagRows());
  }
}

/** A fixture lake published once for R: its model, and each recipient's digest parsed. */
export interface PublishedFixture {
  readonly lake: Awaited<ReturnType<typeof buildFixtureLake>>;
  readonly model: PublishModel;
  /** Each recipient's digest by email address. */
  readonly mails: ReadonlyMap<string, ParsedMail>;
}

/** Builds the fixture lake with `options` and publishes R with the test recipients. */
export async function publishFixtureLake(options: FixtureOptions): Promise<PublishedFixture> {
  const lake = await buildFixtureLake(options);
  const result = await publishRun({
    engine: lake.engine,
    store: lake.store,
    runDate: R,
    recipients: TEST_RECIPIENTS,
  });
  const mails = new Map<string, ParsedMail>();
  for (const digest of result.digests) {
    mails.set(
      digest.email,
      await simpleParser(Buffer.from((await lake.store.get(digest.key)) as Uint8Array)),
    );
  }
  return { lake, model: result.model, mails };
}

/** The dashboard link of R's digests. */
export const DASHBOARD_URL = 'https://growth.example.com/published/2026-11-22/dashboard.html';

/** A user-operations lead of the whole program, beside the test recipients. */
export const USER_OPERATIONS_LEAD = parseRecipientsConfig({
  ...TEST_RECIPIENTS,
  recipients: [
    { name: 'Uma', email: 'userops@example.com', scope: { kind: 'all' }, role: 'user_operations' },
  ],
}).recipients[0] as Recipient;

/** What `recipient`'s digest of `model` holds, with the test recipients' thresholds. */
export function digestOf(model: PublishModel, recipient: Recipient): DigestContent {
  return digestContent(model, recipient, { thresholds: TEST_RECIPIENTS.alerts, dashboardUrl: DASHBOARD_URL });
}
