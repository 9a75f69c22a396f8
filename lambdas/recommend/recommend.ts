import { z } from 'zod';
import { addDays } from '../contract/dates.ts';
import { AGE_DAYS, BUDGET_RECOMMENDATIONS, LTV_FORECAST } from '../contract/tables.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlParam, valuesQuery } from '../warehouse/sql.ts';
import {
  type AllocationConfig,
  AllocationConfigSchema,
  type AllocationResult,
  allocateBudget,
  type PartnerBudgetInput,
  partnerResponseFromFit,
} from './allocate.ts';
import { type BgNbdFit, fitBgNbd } from './bgnbd.ts';
import { RecommendError } from './errors.ts';
import { fitGammaGamma, type GammaGammaFit } from './gamma-gamma.ts';
import { forecastUserLtv, LTV_HORIZONS_DAYS, type LtvHorizonDays } from './ltv-forecast.ts';
import { budgetReason } from './reason.ts';
import { fitResponseCurve } from './response-curve.ts';

/** The recommender's configuration: the allocator's settings plus the response-curve window. */
export const RecommendConfigSchema = AllocationConfigSchema.extend({
  /** Days of spend and acquisition the response curves are fitted on, ending on R. @default 56 */
  curveWindowDays: z.number().int().min(7).max(365).default(56),
  /** At most this many users fit the BG/NBD and Gamma-Gamma models (an even sample). @default 50000 */
  maxFitUsers: z.number().int().min(100).default(50_000),
});
export type RecommendConfig = z.output<typeof RecommendConfigSchema>;

/** What the recommender produced for a run date. */
export interface RecommendReport {
  readonly runDate: string;
  readonly models: { readonly bgnbd: BgNbdFit; readonly gammaGamma: GammaGammaFit } | null;
  readonly allocation: AllocationResult;
  readonly reasons: readonly string[];
  /** The registry budget bounds each partner was held to. */
  readonly bounds: ReadonlyMap<string, { readonly min: number | null; readonly max: number | null }>;
}

/** One attributed user as the value models see them: signup is the acquisition, trading days the transactions. */
export interface UserValue {
  readonly userId: string;
  readonly partnerId: string;
  readonly cohortDate: string;
  /** Days with a trade; the first is the acquisition, the rest are repeat transactions. */
  readonly tradeDays: number;
  /** Days from the first trade to the last. */
  readonly recencyDays: number;
  /** Days from the first trade to R; null for a user who never traded. */
  readonly tradingAgeDays: number | null;
  /** Days from signup to R. */
  readonly ageDays: number;
  readonly netRevenueUsd: number;
  /** Net revenue of the first trading day (not a repeat transaction). */
  readonly firstDayNetRevenueUsd: number;
  /** Cumulative net revenue at ages 0, 1, 3, ... 365 days (complete up to `ageDays`). */
  readonly cumulativeNetRevenueUsd: readonly number[];
}

/** Repeat transactions (trading days after the first) and their mean net revenue. */
export function repeatHistory(user: UserValue): { frequency: number; meanValueUsd: number } {
  const frequency = Math.max(0, user.tradeDays - 1);
  const repeatValue = Math.max(0, user.netRevenueUsd - user.firstDayNetRevenueUsd);
  return { frequency, meanValueUsd: frequency > 0 ? repeatValue / frequency : 0 };
}

function toUserValue(row: Row): UserValue {
  return {
    userId: String(row.user_id),
    partnerId: String(row.partner_id),
    cohortDate: String(row.cohort_date),
    tradeDays: Number(row.trade_days),
    recencyDays: Number(row.recency_days),
    tradingAgeDays: row.trading_age_days === null ? null : Number(row.trading_age_days),
    ageDays: Number(row.age_days),
    netRevenueUsd: Number(row.net_revenue_usd),
    firstDayNetRevenueUsd: Number(row.first_day_net_revenue_usd),
    cumulativeNetRevenueUsd: AGE_DAYS.map((age) => Number(row[`net_revenue_age_${age}_usd`] ?? 0)),
  };
}

function evenSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  const step = items.length / size;
  return Array.from({ length: size }, (_, i) => items[Math.floor(i * step)] as T);
}

type CohortForecast = { users: number; toDate: number } & Record<LtvHorizonDays, number>;

/** Reads every attributed user's trading summary as of R. */
export async function loadUserValues(engine: Engine, runDate: string): Promise<UserValue[]> {
  const rows = await engine.query(
    queryFile('recommend/user_value_summaries', { run_date: { date: runDate } }),
  );
  return rows.map(toUserValue);
}

/**
 * Fits the activity (BG/NBD, on every user who traded: repeat trading days after the first) and
 * value (Gamma-Gamma, on users with repeat trading days and repeat revenue) models; null when there
 * is too little trading.
 */
export function fitValueModels(
  users: readonly UserValue[],
  config: Pick<RecommendConfig, 'maxFitUsers'>,
): RecommendReport['models'] {
  const traders = evenSample(
    users.filter((u) => u.tradingAgeDays !== null),
    config.maxFitUsers,
  );
  const repeaters = traders
    .map(repeatHistory)
    .filter((h) => h.frequency > 0 && h.meanValueUsd > 0)
    .map((h) => ({ frequency: h.frequency, meanValue: h.meanValueUsd }));
  if (traders.length < 100 || repeaters.length < 30) return null;
  try {
    const bgnbd = fitBgNbd(
      traders.map((u) => ({
        frequency: repeatHistory(u).frequency,
        recency: repeatHistory(u).frequency > 0 ? u.recencyDays : 0,
        age: u.tradingAgeDays ?? 0,
      })),
    );
    return { bgnbd, gammaGamma: fitGammaGamma(repeaters) };
  } catch (error) {
    if (error instanceof RecommendError) return null;
    throw error;
  }
}

/**
 * A user's projected net revenue at each horizon from signup: value to date plus, for a user who has
 * traded, the BG/NBD expected repeat trading days in what is left of the horizon times the
 * Gamma-Gamma expected value of one. A user who never traded keeps the value to date.
 */
export function forecastUser(
  user: UserValue,
  models: NonNullable<RecommendReport['models']>,
): Record<LtvHorizonDays, number> {
  if (user.tradingAgeDays === null)
    return { 90: user.netRevenueUsd, 180: user.netRevenueUsd, 365: user.netRevenueUsd };
  const repeat = repeatHistory(user);
  const forecast = forecastUserLtv(
    { bgnbd: models.bgnbd.parameters, gammaGamma: models.gammaGamma.parameters },
    {
      frequency: repeat.frequency,
      recencyDays: repeat.frequency > 0 ? Math.min(user.recencyDays, user.tradingAgeDays) : 0,
      ageDays: user.ageDays,
      observedDays: user.tradingAgeDays,
      meanRepeatValueUsd: repeat.meanValueUsd,
      valueToDateUsd: user.netRevenueUsd,
    },
  );
  return {
    90: forecast.byHorizon[90].netRevenueUsd,
    180: forecast.byHorizon[180].netRevenueUsd,
    365: forecast.byHorizon[365].netRevenueUsd,
  };
}

/** Sums each user's forecast into their (cohort, partner). */
function forecastCohorts(users: readonly UserValue[], models: NonNullable<RecommendReport['models']>) {
  const cohorts = new Map<string, CohortForecast>();
  for (const user of users) {
    const forecast = forecastUser(user, models);
    const key = `${user.cohortDate}|${user.partnerId}`;
    const cohort = cohorts.get(key) ?? { users: 0, toDate: 0, 90: 0, 180: 0, 365: 0 };
    cohort.users += 1;
    cohort.toDate += user.netRevenueUsd;
    for (const horizon of LTV_HORIZONS_DAYS) cohort[horizon] += forecast[horizon];
    cohorts.set(key, cohort);
  }
  return cohorts;
}

async function writeForecasts(
  engine: Engine,
  runDate: string,
  cohorts: Map<string, CohortForecast>,
): Promise<void> {
  const rows: SqlParam[][] = [...cohorts].sort().map(([key, c]) => {
    const [cohortDate, partnerId] = key.split('|') as [string, string];
    return [
      { date: cohortDate },
      partnerId,
      c.users,
      c.toDate / c.users,
      c[90] / c.users,
      c[180] / c.users,
      c[365] / c.users,
    ];
  });
  const columns = [
    'cohort_date',
    'partner_id',
    'cohort_users',
    'ltv_to_date_usd',
    'forecast_ltv_90_usd',
    'forecast_ltv_180_usd',
    'forecast_ltv_365_usd',
  ];
  const sql =
    rows.length === 0
      ? `select ${columns.map((c) => `null as ${c}`).join(', ')}, null as run_date where false`
      : `select *, ${`date '${runDate}'`} as run_date from (${valuesQuery(columns, rows)})`;
  await engine.write(LTV_FORECAST, sql, { kind: 'replace-table' });
}

/**
 * Daily (spend, value acquired) points per partner: the day's new users times the partner's forecast
 * LTV per user pooled over the window. Pooling keeps a single whale from making one day look like a
 * great return: the curve then follows acquisition, which is what spend buys, valued at what the
 * partner's users are worth.
 */
function responseCurves(
  spendRows: readonly Row[],
  cohorts: Map<string, CohortForecast> | null,
  horizon: LtvHorizonDays,
): Map<string, { points: { spendUsd: number; valueUsd: number }[]; spendDays: number }> {
  const days = new Map<string, { day: string; spendUsd: number; users: number }[]>();
  const pooled = new Map<string, { users: number; value: number }>();
  for (const row of spendRows) {
    const partnerId = String(row.partner_id);
    const cohort = cohorts?.get(`${row.day}|${partnerId}`);
    const users = cohort?.users ?? 0;
    days.set(partnerId, [
      ...(days.get(partnerId) ?? []),
      { day: String(row.day), spendUsd: Number(row.spend_usd), users },
    ]);
    const total = pooled.get(partnerId) ?? { users: 0, value: 0 };
    total.users += users;
    total.value += cohort?.[horizon] ?? 0;
    pooled.set(partnerId, total);
  }
  const byPartner = new Map<
    string,
    { points: { spendUsd: number; valueUsd: number }[]; spendDays: number }
  >();
  for (const [partnerId, series] of days) {
    const total = pooled.get(partnerId) ?? { users: 0, value: 0 };
    const valuePerUser = total.users > 0 ? total.value / total.users : 0;
    byPartner.set(partnerId, {
      points: series.map((d) => ({ spendUsd: d.spendUsd, valueUsd: d.users * valuePerUser })),
      spendDays: series.filter((d) => d.spendUsd > 0).length,
    });
  }
  return byPartner;
}

/**
 * The budget recommendation for the day after R: fit the value models, forecast every cohort's
 * LTV (written to `ltv_forecast`), fit each registry partner's response curve of acquired value
 * against daily spend, and allocate tomorrow's budget (written to `budget_recommendations`).
 */
export async function recommendBudgets(
  engine: Engine,
  runDate: string,
  configInput: z.input<typeof RecommendConfigSchema> = {},
): Promise<RecommendReport> {
  const config = RecommendConfigSchema.parse(configInput);
  const params = { run_date: { date: runDate } };
  const users = await loadUserValues(engine, runDate);
  const models = fitValueModels(users, config);
  const cohorts = models === null ? null : forecastCohorts(users, models);
  await writeForecasts(engine, runDate, cohorts ?? new Map());

  const windowStart = addDays(runDate, 1 - config.curveWindowDays);
  const spendRows = await engine.query(
    queryFile('recommend/partner_daily_spend', { ...params, window_start: { date: windowStart } }),
  );
  const points = responseCurves(spendRows, cohorts, config.valueHorizonDays as LtvHorizonDays);
  const partners = await engine.query(queryFile('recommend/budget_partners', params));
  const inputs: PartnerBudgetInput[] = partners.map((row) => {
    const partnerId = String(row.partner_id);
    const data = points.get(partnerId) ?? { points: [], spendDays: 0 };
    let response: PartnerBudgetInput['response'] = null;
    if (cohorts !== null && data.spendDays >= config.minDataDays) {
      try {
        const fit = fitResponseCurve(data.points);
        response = partnerResponseFromFit(fit);
      } catch (error) {
        if (!(error instanceof RecommendError)) throw error;
      }
    }
    return {
      partnerId,
      status: row.status === 'paused' ? 'paused' : 'active',
      currentSpendUsd: Number(row.current_daily_spend_usd),
      minDailyBudgetUsd: row.min_daily_budget_usd === null ? null : Number(row.min_daily_budget_usd),
      maxDailyBudgetUsd: row.max_daily_budget_usd === null ? null : Number(row.max_daily_budget_usd),
      spendDataDays: data.spendDays,
      response,
    };
  });
  const allocation = allocateBudget(inputs, config satisfies AllocationConfig);
  const reasons = allocation.partners.map((partner) => budgetReason(partner, allocation));
  await writeRecommendations(engine, runDate, partners, allocation, reasons);
  const bounds = new Map(
    inputs.map((p) => [p.partnerId, { min: p.minDailyBudgetUsd ?? null, max: p.maxDailyBudgetUsd ?? null }]),
  );
  return { runDate, models, allocation, reasons, bounds };
}

async function writeRecommendations(
  engine: Engine,
  runDate: string,
  partners: readonly Row[],
  allocation: AllocationResult,
  reasons: readonly string[],
): Promise<void> {
  const channel = new Map(partners.map((row) => [String(row.partner_id), String(row.channel)]));
  const columns = [
    'partner_id',
    'channel',
    'current_daily_spend_usd',
    'recommended_daily_spend_usd',
    'change_pct',
    'expected_marginal_roas',
    'confidence',
    'reason',
    'binding_constraint',
    'run_date',
  ];
  const rows: SqlParam[][] = allocation.partners.map((p, i) => [
    p.partnerId,
    channel.get(p.partnerId) ?? null,
    p.currentSpendUsd,
    p.recommendedSpendUsd,
    p.changePct,
    p.expectedMarginalRoas,
    p.confidence,
    reasons[i] ?? '',
    p.boundBy,
    { date: runDate },
  ]);
  const sql =
    rows.length === 0
      ? `select ${columns.map((c) => `null as ${c}`).join(', ')} where false`
      : valuesQuery(columns, rows);
  await engine.write(BUDGET_RECOMMENDATIONS, sql, { kind: 'replace-partitions', partitions: [runDate] });
}
