import type { z } from 'zod';
import { addDays } from '../contract/dates.ts';
import { type AllocationConfig, RecommendConfigSchema } from '../contract/recommend-config.ts';
import {
  BUDGET_RECOMMENDATIONS,
  LTV_FORECAST,
  type LtvHorizonDays,
  PARTNER_ROI_FORECAST,
} from '../contract/tables.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlParam } from '../warehouse/sql.ts';
import { allocateBudget, partnerResponseFromFit } from './allocate.ts';
import type { AllocationResult, PartnerBudgetInput } from './allocation-types.ts';
import { RecommendError } from './errors.ts';
import {
  type CohortForecast,
  fitUserValueModel,
  forecastCohorts,
  loadCohortValueSums,
  loadPersistenceSums,
} from './ltv-forecast.ts';
import type { PersistenceModel } from './persistence.ts';
import { loadQualityFlags } from './quality-flags.ts';
import { budgetReason } from './reason.ts';
import { fitResponseCurve } from './response-curve.ts';
import { forecastPartnerRoi, type PartnerRoiForecast, ROI_FORECAST_WINDOW_DAYS } from './roi-forecast.ts';

/** What the recommender produced for a run date. */
export interface RecommendReport {
  readonly runDate: string;
  /** The fitted value model behind `ltv_forecast`; null when there was too little trading history. */
  readonly valueModel: PersistenceModel | null;
  readonly allocation: AllocationResult;
  readonly reasons: readonly string[];
  /** The registry budget bounds each partner was held to. */
  readonly bounds: ReadonlyMap<string, { readonly min: number | null; readonly max: number | null }>;
  /** Each registry partner's matured and projected ROI (`partner_roi_forecast`). */
  readonly roiForecasts: readonly PartnerRoiForecast[];
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
      { date: runDate },
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
    'run_date',
  ];
  await engine.writeRows(LTV_FORECAST, { columns, rows }, { kind: 'replace-table' });
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
 * against daily spend, and allocate tomorrow's budget (written to `budget_recommendations`). A
 * partner with traffic-quality flags on R (partner_quality) gets no increase.
 */
export async function recommendBudgets(
  engine: Engine,
  runDate: string,
  configInput: z.input<typeof RecommendConfigSchema> = {},
): Promise<RecommendReport> {
  const config = RecommendConfigSchema.parse(configInput);
  const params = { run_date: { date: runDate } };
  const valueModel = fitUserValueModel(await loadPersistenceSums(engine, runDate));
  const cohorts =
    valueModel === null ? null : forecastCohorts(await loadCohortValueSums(engine, runDate), valueModel);
  await writeForecasts(engine, runDate, cohorts ?? new Map());
  const roiForecasts = await forecastRois(
    engine,
    runDate,
    cohorts,
    config.valueHorizonDays as LtvHorizonDays,
  );

  const windowStart = addDays(runDate, 1 - config.curveWindowDays);
  const spendRows = await engine.query(
    queryFile('recommend/partner_daily_spend', { ...params, window_start: { date: windowStart } }),
  );
  const points = responseCurves(spendRows, cohorts, config.valueHorizonDays as LtvHorizonDays);
  const partners = await engine.query(queryFile('recommend/budget_partners', params));
  const qualityFlags = await loadQualityFlags(engine, runDate);
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
      qualityFlags: qualityFlags.get(partnerId) ?? [],
      response,
    };
  });
  const allocation = allocateBudget(inputs, config satisfies AllocationConfig);
  const reasons = allocation.partners.map((partner) => budgetReason(partner, allocation));
  await writeRecommendations(engine, runDate, partners, allocation, reasons);
  const bounds = new Map(
    inputs.map((p) => [p.partnerId, { min: p.minDailyBudgetUsd ?? null, max: p.maxDailyBudgetUsd ?? null }]),
  );
  return { runDate, valueModel, allocation, reasons, bounds, roiForecasts };
}

/**
 * partner_roi_forecast of R: each registry partner's matured ROI beside the projection of its last
 * 30 days' cohorts at the value horizon (roi-forecast.ts), written as R's partition.
 */
async function forecastRois(
  engine: Engine,
  runDate: string,
  cohorts: Map<string, CohortForecast> | null,
  horizon: LtvHorizonDays,
): Promise<PartnerRoiForecast[]> {
  const rows = await engine.query(queryFile('recommend/partner_roi_inputs', { run_date: { date: runDate } }));
  const inputs = new Map<
    string,
    { spend: Map<string, number>; roiD7: number | null; roiD30: number | null }
  >();
  for (const row of rows) {
    const partnerId = String(row.partner_id);
    const input = inputs.get(partnerId) ?? { spend: new Map(), roiD7: null, roiD30: null };
    if (row.spend_date === null) {
      input.roiD7 = row.roi_d7 === null ? null : Number(row.roi_d7);
      input.roiD30 = row.roi_d30 === null ? null : Number(row.roi_d30);
    } else input.spend.set(String(row.spend_date), Number(row.spend_usd));
    inputs.set(partnerId, input);
  }
  const byPartner = new Map<string, Map<string, CohortForecast>>();
  const windowStart = addDays(runDate, 1 - ROI_FORECAST_WINDOW_DAYS);
  for (const [key, cohort] of cohorts ?? []) {
    const [cohortDate, partnerId] = key.split('|') as [string, string];
    if (cohortDate < windowStart || cohortDate > runDate) continue;
    const partner = byPartner.get(partnerId) ?? new Map<string, CohortForecast>();
    partner.set(cohortDate, cohort);
    byPartner.set(partnerId, partner);
  }
  const forecasts = [...inputs]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([partnerId, input]) =>
      forecastPartnerRoi(
        {
          partnerId,
          spendByDate: input.spend,
          cohorts: cohorts === null ? null : (byPartner.get(partnerId) ?? new Map()),
          roiD7: input.roiD7,
          roiD30: input.roiD30,
        },
        runDate,
        horizon,
      ),
    );
  const columns = PARTNER_ROI_FORECAST.columns.map((column) => column.name).concat('run_date');
  await engine.writeRows(
    PARTNER_ROI_FORECAST,
    {
      columns,
      rows: forecasts.map((f) => [
        f.partnerId,
        f.horizonDays,
        { date: windowStart },
        f.spendUsd,
        f.cohortUsers,
        f.valueToDateUsd,
        f.projectedValueUsd,
        f.roiD7,
        f.roiD30,
        f.projectedRoi,
        f.projectedRoiLow,
        f.projectedRoiHigh,
        f.paybackDay,
        f.paybackDayEarliest,
        f.paybackDayLatest,
        { date: runDate },
      ]),
    },
    { kind: 'replace-partitions', partitions: [runDate] },
  );
  return forecasts;
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
  await engine.writeRows(
    BUDGET_RECOMMENDATIONS,
    { columns, rows },
    { kind: 'replace-partitions', partitions: [runDate] },
  );
}
