import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays } from '../lambdas/contract/dates.ts';
import { generate, inputFiles } from '../lambdas/generate/generate.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../lambdas/pipeline/transform.ts';
import { fitUserValueModel, loadPersistenceSums } from '../lambdas/recommend/ltv-forecast.ts';
import { BASE_WINDOWS, forecastPersistence, RUN_RATE_WINDOWS } from '../lambdas/recommend/persistence.ts';
import { benchLtvCdnow } from './ltv-cdnow.ts';
import { bgNbdConditionalExpectedTransactions } from './models/bgnbd.ts';
import { fitCustomerBaseModels, loadTradingHistories, repeatHistory } from './models/customer-base.ts';
import { gammaGammaConditionalExpectedValue } from './models/gamma-gamma.ts';
import { loadRevenueWindows, type UserWindows } from './models/user-values.ts';

const END = '2026-11-21';
const HOLDOUT_DAYS = 60;
/** Days generated: 180 by default; BENCH_LTV_DAYS=330 gives users up to 270 days old at the cut-off. */
const DAYS = Number(process.env.BENCH_LTV_DAYS ?? 180);
const BENCH_DIR = join(import.meta.dirname, '..', '.bench', DAYS === 180 ? 'ltv' : `ltv-${DAYS}`);
/** Lower bounds of the age groups, in days at the cut-off, whose errors are shown apart. */
const AGE_GROUPS_DAYS: readonly number[] = [0, 30, 60, 90, 180];
const ageGroupLabel = (lower: number, upper: number | undefined) =>
  upper === undefined ? `${lower}+` : `${lower}-${upper - 1}`;
const MODELS = ['BG/NBD + GG', 'run rate', 'run rate 90d', 'product'] as const;
type Model = (typeof MODELS)[number];

/** Forecast or realised trading days and net revenue of a partner's users over the holdout. */
interface Totals {
  tradeDays: number;
  netRevenueUsd: number;
}

const sumOf = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const empty = (): Totals => ({ tradeDays: 0, netRevenueUsd: 0 });
const add = (into: Totals, days: number, usd: number) => {
  into.tradeDays += days;
  into.netRevenueUsd += usd;
};

/**
 * Holdout check of the LTV models: fit on the histories up to a cut-off date, forecast each user's
 * trading days and net revenue over the next 60 days, and compare per partner with what was
 * realised. BG/NBD + Gamma-Gamma (the standard customer-base models), the run rate (each user's
 * last 60 days repeated), the run rate of the last 90 days (days before signup count as none) and
 * the product: the windowed persistence model with its run-rate phase for users 180 days or older
 * (what `ltv_forecast` uses). Then the same models on the CDNOW transaction log (ltv-cdnow.ts).
 */
export async function benchLtv(): Promise<void> {
  await rm(BENCH_DIR, { recursive: true, force: true });
  const input = join(BENCH_DIR, 'input');
  const generated = await generate({
    outDir: input,
    endDate: END,
    days: DAYS,
    users: 10_000,
    partners: 8,
    seed: Number(process.env.BENCH_LTV_SEED ?? 9),
  });
  const lake = await openLocalLake(join(BENCH_DIR, 'lake'));
  for (const file of inputFiles(generated)) await ingestFile(lake, file.kind, join(input, file.path));
  const cutoff = addDays(END, -HOLDOUT_DAYS);
  for (const date of [cutoff, END]) await transformAndMeasure(lake.engine, date);

  const users = await loadTradingHistories(lake.engine, cutoff);
  const history = await loadRevenueWindows(lake.engine, cutoff);
  const holdout = await loadRevenueWindows(lake.engine, END, HOLDOUT_DAYS / 30);
  const persistence = fitUserValueModel(await loadPersistenceSums(lake.engine, cutoff));
  await lake.close();
  const models = fitCustomerBaseModels(users);
  if (models === null) throw new Error('the value models could not be fitted on the calibration period');
  if (persistence === null)
    throw new Error('the persistence model could not be fitted on the calibration period');

  type Entry = { users: number; actual: Totals } & Record<Model, Totals>;
  const partners = new Map<string, Entry>();
  const ageGroups = new Map<string, Entry>();
  const none: UserWindows = { tradeDays: [0, 0], netRevenueUsd: [0, 0] };
  const entryOf = (map: Map<string, Entry>, key: string): Entry => {
    const entry = map.get(key) ?? {
      users: 0,
      actual: empty(),
      'BG/NBD + GG': empty(),
      'run rate': empty(),
      'run rate 90d': empty(),
      product: empty(),
    };
    map.set(key, entry);
    return entry;
  };
  for (const user of users) {
    const i = AGE_GROUPS_DAYS.findLastIndex((age) => user.ageDays >= age);
    const group = ageGroupLabel(AGE_GROUPS_DAYS[i] ?? 0, AGE_GROUPS_DAYS[i + 1]);
    const entries = [entryOf(partners, user.partnerId), entryOf(ageGroups, group)];
    for (const e of entries) e.users += 1;
    const realised = holdout.get(user.userId) ?? none;
    for (const e of entries) add(e.actual, sumOf(realised.tradeDays), sumOf(realised.netRevenueUsd));
    const past = history.get(user.userId) ?? none;
    const base = (series: readonly number[]) => sumOf(series.slice(0, HOLDOUT_DAYS / 30));
    for (const e of entries) add(e['run rate'], base(past.tradeDays), base(past.netRevenueUsd));
    const ninety = (series: readonly number[]) => (sumOf(series.slice(0, 3)) * HOLDOUT_DAYS) / 90;
    for (const e of entries) add(e['run rate 90d'], ninety(past.tradeDays), ninety(past.netRevenueUsd));
    if (user.tradingAgeDays !== null) {
      const repeat = repeatHistory(user);
      const days = bgNbdConditionalExpectedTransactions(
        models.bgnbd.parameters,
        {
          frequency: repeat.frequency,
          recency: repeat.frequency > 0 ? user.recencyDays : 0,
          age: user.tradingAgeDays,
        },
        HOLDOUT_DAYS,
      );
      const perDay = gammaGammaConditionalExpectedValue(
        models.gammaGamma.parameters,
        repeat.frequency,
        repeat.meanValueUsd,
      );
      for (const e of entries) add(e['BG/NBD + GG'], days, days * perDay);
    }
    const lastWindowsDays = past.tradeDays.slice(0, RUN_RATE_WINDOWS);
    const forecast = forecastPersistence(
      persistence,
      {
        ageDays: user.ageDays,
        users: 1,
        lastWindowsUsd: past.netRevenueUsd.slice(0, RUN_RATE_WINDOWS),
        lastWindowsDays,
        idleUsers: sumOf(lastWindowsDays.slice(0, BASE_WINDOWS)) > 0 ? 0 : 1,
      },
      HOLDOUT_DAYS,
    );
    for (const e of entries) add(e.product, forecast.tradeDays, forecast.netRevenueUsd);
  }
  const rows = [...partners].filter(([, p]) => p.users >= 100).sort(([a], [b]) => (a < b ? -1 : 1));
  const error = (forecast: number, actual: number) => (forecast - actual) / actual;
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`.padStart(6);
  const table = (measure: keyof Totals, label: string) => [
    `  ${label}: partner, users, realised, then each model's forecast error`,
    `  ${'partner'.padEnd(12)} ${'users'.padStart(6)} ${'realised'.padStart(10)} ${MODELS.map((m) => m.padStart(12)).join(' ')}`,
    ...rows.map(
      ([id, p]) =>
        `  ${id.padEnd(12)} ${String(p.users).padStart(6)} ${p.actual[measure].toFixed(0).padStart(10)} ${MODELS.map((m) => pct(error(p[m][measure], p.actual[measure])).padStart(12)).join(' ')}`,
    ),
    `  ${'mean |error|'.padEnd(30)} ${MODELS.map((m) => `${((rows.reduce((sum, [, p]) => sum + Math.abs(error(p[m][measure], p.actual[measure])), 0) / rows.length) * 100).toFixed(0)}%`.padStart(12)).join(' ')}`,
  ];
  process.stdout.write(
    [
      `bench ltv: ${DAYS} days, 10,000 users; fit on the first ${DAYS - HOLDOUT_DAYS} days, forecast the next ${HOLDOUT_DAYS}`,
      ...table('tradeDays', 'trading days'),
      ...table('netRevenueUsd', 'net revenue (USD)'),
      "  by age at the cut-off, all partners: users, realised trading days and net revenue, each model's error on each",
      `  ${'age (days)'.padEnd(12)} ${'users'.padStart(6)} ${'days'.padStart(8)} ${'USD'.padStart(10)} ${MODELS.map((m) => m.padStart(12)).join(' ')}`,
      ...AGE_GROUPS_DAYS.flatMap((lower, i) => {
        const label = ageGroupLabel(lower, AGE_GROUPS_DAYS[i + 1]);
        const g = ageGroups.get(label);
        if (g === undefined) return [];
        const both = (m: Model) =>
          `${pct(error(g[m].tradeDays, g.actual.tradeDays)).trim()} ${pct(error(g[m].netRevenueUsd, g.actual.netRevenueUsd)).trim()}`;
        return [
          `  ${label.padEnd(12)} ${String(g.users).padStart(6)} ${g.actual.tradeDays.toFixed(0).padStart(8)} ${g.actual.netRevenueUsd.toFixed(0).padStart(10)} ${MODELS.map((m) => both(m).padStart(12)).join(' ')}`,
        ];
      }),
    ].join('\n') + '\n',
  );
  await benchLtvCdnow(DAYS === 180 ? 'ltv-cdnow' : `ltv-cdnow-${DAYS}`);
}
