import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays } from '../lambdas/contract/dates.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../lambdas/pipeline/transform.ts';
import { recommendBudgets } from '../lambdas/recommend/recommend.ts';
import {
  CDNOW_PARTNERS_CSV,
  CDNOW_SHIFT_DAYS,
  cdnowCohortRevenue,
  cdnowEvents,
  parseCdnowLog,
} from './cdnow.ts';
import { bgNbdConditionalExpectedTransactions } from './models/bgnbd.ts';
import { fitCustomerBaseModels, loadTradingHistories, repeatHistory } from './models/customer-base.ts';
import { gammaGammaConditionalExpectedValue } from './models/gamma-gamma.ts';
import { loadRevenueWindows } from './models/user-values.ts';

/** The calibration's end: 39 weeks after 1997-01-01, as in Fader, Hardie & Lee (2005). */
const CALIBRATION_END = '1997-09-30';
const HORIZON_DAYS = 365;
const RUN_RATE_DAYS = 90;
const MODELS = ['BG/NBD + GG', 'run rate 90d', 'product'] as const;
type Model = (typeof MODELS)[number];

/**
 * Where the log is: BENCH_LTV_CDNOW, else the project's copy, `bench/data/CDNOW_sample.txt` (the CDNOW
 * sample as the MIT-licensed `lifetimes` library ships it).
 */
function cdnowPath(): string | null {
  const candidates = [process.env.BENCH_LTV_CDNOW, join(import.meta.dirname, 'data', 'CDNOW_sample.txt')];
  return candidates.find((path) => path !== undefined && existsSync(path)) ?? null;
}

const sumOf = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * The value models on a real transaction log: the CDNOW sample converted to platform events
 * (bench/cdnow.ts), run through the pipeline as of the shifted 1997-09-30 (39 weeks of calibration),
 * and each cohort's forecast of revenue to day 365 from signup compared with what it spent. The
 * error is on the revenue still to come after the run date, summed over the cohorts, for the
 * product (`ltv_forecast` as the recommend step writes it), BG/NBD + Gamma-Gamma fitted on the same
 * calibration data, and each cohort's run rate of the last 90 days.
 */
export async function benchLtvCdnow(benchDirName = 'ltv-cdnow'): Promise<void> {
  const BENCH_DIR = join(import.meta.dirname, '..', '.bench', benchDirName);
  const path = cdnowPath();
  if (path === null) {
    process.stdout.write('bench ltv, CDNOW: skipped, no CDNOW_sample.txt (set BENCH_LTV_CDNOW)\n');
    return;
  }
  await rm(BENCH_DIR, { recursive: true, force: true });
  const input = join(BENCH_DIR, 'input');
  await mkdir(input, { recursive: true });
  const purchases = parseCdnowLog(await readFile(path, 'utf8'));
  const events = cdnowEvents(purchases);
  await writeFile(join(input, 'events.jsonl'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  await writeFile(join(input, 'partners.csv'), CDNOW_PARTNERS_CSV);
  const runDate = addDays(CALIBRATION_END, CDNOW_SHIFT_DAYS);

  const lake = await openLocalLake(join(BENCH_DIR, 'lake'));
  await ingestFile(lake, 'partners', join(input, 'partners.csv'));
  await ingestFile(lake, 'events', join(input, 'events.jsonl'));
  await transformAndMeasure(lake.engine, runDate);
  await recommendBudgets(lake.engine, runDate);
  const forecastRows = await lake.engine.query(
    `select cast(cohort_date as varchar) as cohort_date, cohort_users, ltv_to_date_usd, forecast_ltv_365_usd from ltv_forecast where run_date = date '${runDate}'`,
  );
  const users = await loadTradingHistories(lake.engine, runDate);
  const windows = await loadRevenueWindows(lake.engine, runDate, RUN_RATE_DAYS / 30);
  await lake.close();

  const ageOf = (cohortDate: string) =>
    Math.round((Date.parse(runDate) - Date.parse(cohortDate)) / 86_400_000);
  // Actual revenue, from the log itself: to date, and to day 365 from signup (the log runs to
  // 1998-06-30, past every cohort's day 365).
  const unshift = (date: string) => addDays(date, CDNOW_SHIFT_DAYS);
  const toDate = cdnowCohortRevenue(purchases, (c) => ageOf(unshift(c)));
  const toHorizon = cdnowCohortRevenue(purchases, () => HORIZON_DAYS);

  const remaining = new Map<string, Record<Model | 'actual', number>>();
  const cohortOf = (cohortDate: string) => {
    const entry = remaining.get(cohortDate) ?? {
      actual: 0,
      'BG/NBD + GG': 0,
      'run rate 90d': 0,
      product: 0,
    };
    remaining.set(cohortDate, entry);
    return entry;
  };
  for (const [date, cohort] of toHorizon) {
    const shifted = unshift(date);
    cohortOf(shifted).actual = cohort.revenueUsd - (toDate.get(date)?.revenueUsd ?? 0);
  }
  let toDateGap = 0;
  for (const row of forecastRows) {
    const cohortDate = String(row.cohort_date);
    const customers = Number(row.cohort_users);
    cohortOf(cohortDate).product =
      (Number(row.forecast_ltv_365_usd) - Number(row.ltv_to_date_usd)) * customers;
    const logged = toDate.get(addDays(cohortDate, -CDNOW_SHIFT_DAYS))?.revenueUsd ?? 0;
    toDateGap = Math.max(toDateGap, Math.abs(Number(row.ltv_to_date_usd) * customers - logged));
  }
  if (forecastRows.length !== toHorizon.size || toDateGap > 0.01) {
    throw new Error(
      `ltv_forecast has ${forecastRows.length} cohorts for the log's ${toHorizon.size}, revenue to date off by up to $${toDateGap.toFixed(2)}`,
    );
  }
  const models = fitCustomerBaseModels(users);
  if (models === null) throw new Error('BG/NBD + Gamma-Gamma could not be fitted on the CDNOW calibration');
  for (const user of users) {
    const entry = cohortOf(user.cohortDate);
    const left = HORIZON_DAYS - user.ageDays;
    const recent = sumOf(windows.get(user.userId)?.netRevenueUsd ?? []);
    entry['run rate 90d'] += (recent * left) / RUN_RATE_DAYS;
    if (user.tradingAgeDays === null) continue;
    const repeat = repeatHistory(user);
    const transactions = bgNbdConditionalExpectedTransactions(
      models.bgnbd.parameters,
      {
        frequency: repeat.frequency,
        recency: repeat.frequency > 0 ? user.recencyDays : 0,
        age: user.tradingAgeDays,
      },
      left,
    );
    const value = gammaGammaConditionalExpectedValue(
      models.gammaGamma.parameters,
      repeat.frequency,
      repeat.meanValueUsd,
    );
    entry['BG/NBD + GG'] += transactions * value;
  }

  const months = new Map<string, Record<Model | 'actual', number>>();
  for (const [date, entry] of remaining) {
    const month = date.slice(0, 7);
    const sum = months.get(month) ?? { actual: 0, 'BG/NBD + GG': 0, 'run rate 90d': 0, product: 0 };
    for (const key of ['actual', ...MODELS] as const) sum[key] += entry[key];
    months.set(month, sum);
  }
  const total = { actual: 0, 'BG/NBD + GG': 0, 'run rate 90d': 0, product: 0 };
  for (const m of months.values()) for (const key of ['actual', ...MODELS] as const) total[key] += m[key];
  const pct = (forecast: number, actual: number) => {
    const x = (forecast - actual) / actual;
    return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`.padStart(12);
  };
  const line = (label: string, r: Record<Model | 'actual', number>) =>
    `  ${label.padEnd(16)} ${r.actual.toFixed(0).padStart(10)} ${MODELS.map((m) => pct(r[m], r.actual)).join(' ')}`;
  process.stdout.write(
    [
      `bench ltv, CDNOW: ${users.length} customers, calibrated to ${CALIBRATION_END} (shifted to ${runDate}), revenue still to come to day ${HORIZON_DAYS} from signup`,
      `  ${'cohorts'.padEnd(16)} ${'actual USD'.padStart(10)} ${MODELS.map((m) => m.padStart(12)).join(' ')}`,
      ...[...months].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, r]) => line(`signed ${month}`, r)),
      line('all', total),
      `  ${'mean |error| of the signup months'.padEnd(27)} ${MODELS.map((m) => `${((sumOf([...months.values()].map((r) => Math.abs(r[m] - r.actual) / r.actual)) / months.size) * 100).toFixed(1)}%`.padStart(12)).join(' ')}`,
    ].join('\n') + '\n',
  );
}
