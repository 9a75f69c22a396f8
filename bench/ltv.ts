import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays } from '../lambdas/contract/dates.ts';
import { generate, inputFiles } from '../lambdas/generate/generate.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { transformAndMeasure } from '../lambdas/pipeline/daily-run.ts';
import { openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { bgNbdConditionalExpectedTransactions } from '../lambdas/recommend/bgnbd.ts';
import { decayedRunRate, expectedIncrement, fitCohortCurves } from '../lambdas/recommend/cohort-curve.ts';
import { gammaGammaConditionalExpectedValue } from '../lambdas/recommend/gamma-gamma.ts';
import { fitValueModels, loadUserValues, repeatHistory } from '../lambdas/recommend/recommend.ts';

const BENCH_DIR = join(import.meta.dirname, '..', '.bench', 'ltv');
const END = '2026-11-21';
const HOLDOUT_DAYS = 60;

/** Net revenue per user to date as of a run date. */
async function revenueToDate(engine: Awaited<ReturnType<typeof openLocalLake>>['engine'], date: string) {
  const rows = await engine.query(
    `select s.user_id, cast(s.fees_usd as double) * (1 - coalesce(p.revshare_rate, 0)) as net_revenue_usd ` +
      `from user_state s left join partners p on s.partner_id = p.partner_id where s.dt = date '${date}'`,
  );
  return new Map(rows.map((row) => [String(row.user_id), Number(row.net_revenue_usd)]));
}

/**
 * Holdout check of the LTV models: fit BG/NBD + Gamma-Gamma on the histories up to a cut-off date,
 * forecast each user's net revenue over the next 60 days, and compare, per partner, with what was
 * realised, next to a run-rate forecast (the user's last 60 days repeated).
 */
export async function benchLtv(): Promise<void> {
  await rm(BENCH_DIR, { recursive: true, force: true });
  const input = join(BENCH_DIR, 'input');
  const generated = await generate({
    outDir: input,
    endDate: END,
    days: 180,
    users: 10_000,
    partners: 8,
    seed: 9,
  });
  const lake = await openLocalLake(join(BENCH_DIR, 'lake'));
  for (const file of inputFiles(generated)) await ingestFile(lake, file.kind, join(input, file.path));
  const cutoff = addDays(END, -HOLDOUT_DAYS);
  const before = addDays(cutoff, -HOLDOUT_DAYS);
  for (const date of [before, cutoff, END]) await transformAndMeasure(lake.engine, date);

  const users = await loadUserValues(lake.engine, cutoff);
  const models = fitValueModels(users, { maxFitUsers: 50_000 });
  if (models === null) throw new Error('the value models could not be fitted on the calibration period');
  const atBefore = await revenueToDate(lake.engine, before);
  const atCutoff = await revenueToDate(lake.engine, cutoff);
  const atEnd = await revenueToDate(lake.engine, END);
  await lake.close();

  const curves = fitCohortCurves(
    users.map((u) => ({
      partnerId: u.partnerId,
      ageDays: u.ageDays,
      valueToDateUsd: u.netRevenueUsd,
      cumulativeUsd: u.cumulativeNetRevenueUsd,
    })),
  );
  const partners = new Map<
    string,
    { users: number; actual: number; model: number; curve: number; decayed: number; runRate: number }
  >();
  for (const user of users) {
    // The holdout forecast is the same computation as the product's LTV forecast, over 60 days.
    let forecast = 0;
    if (user.tradingAgeDays !== null) {
      const repeat = repeatHistory(user);
      const transactions = bgNbdConditionalExpectedTransactions(
        models.bgnbd.parameters,
        {
          frequency: repeat.frequency,
          recency: repeat.frequency > 0 ? user.recencyDays : 0,
          age: user.tradingAgeDays,
        },
        HOLDOUT_DAYS,
      );
      forecast =
        transactions *
        gammaGammaConditionalExpectedValue(
          models.gammaGamma.parameters,
          repeat.frequency,
          repeat.meanValueUsd,
        );
    }
    const toDate = atCutoff.get(user.userId) ?? 0;
    const entry = partners.get(user.partnerId) ?? {
      users: 0,
      actual: 0,
      model: 0,
      curve: 0,
      decayed: 0,
      runRate: 0,
    };
    const curve = curves.byPartner.get(user.partnerId) ?? curves.pooled;
    entry.curve += expectedIncrement(curve, user.ageDays, user.ageDays + HOLDOUT_DAYS);
    const recent = (atCutoff.get(user.userId) ?? 0) - (atBefore.get(user.userId) ?? 0);
    entry.decayed += decayedRunRate(curves.pooled, user.ageDays, recent, HOLDOUT_DAYS);
    entry.users += 1;
    entry.actual += (atEnd.get(user.userId) ?? toDate) - toDate;
    entry.model += forecast;
    entry.runRate += toDate - (atBefore.get(user.userId) ?? 0);
    partners.set(user.partnerId, entry);
  }
  const rows = [...partners].filter(([, p]) => p.users >= 100).sort(([a], [b]) => (a < b ? -1 : 1));
  const error = (forecast: number, actual: number) => (forecast - actual) / actual;
  const mape = (
    pick: (p: { actual: number; model: number; curve: number; decayed: number; runRate: number }) => number,
  ) => rows.reduce((sum, [, p]) => sum + Math.abs(error(pick(p), p.actual)), 0) / rows.length;
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
  process.stdout.write(
    [
      `bench ltv: 180 days, 10,000 users; fit on the first ${180 - HOLDOUT_DAYS} days, forecast the next ${HOLDOUT_DAYS} days of net revenue`,
      `  BG/NBD r=${models.bgnbd.parameters.r.toFixed(3)} alpha=${models.bgnbd.parameters.alpha.toFixed(2)} a=${models.bgnbd.parameters.a.toFixed(2)} b=${models.bgnbd.parameters.b.toFixed(2)}; Gamma-Gamma p=${models.gammaGamma.parameters.p.toFixed(2)} q=${models.gammaGamma.parameters.q.toFixed(2)} v=${models.gammaGamma.parameters.v.toFixed(2)}`,
      '  partner          users   actual USD   BG/NBD+GG (error)   cohort curve (error)   decayed run rate (error)   run rate (error)',
      ...rows.map(
        ([id, p]) =>
          `  ${id.padEnd(15)} ${String(p.users).padStart(6)} ${p.actual.toFixed(0).padStart(12)} ${p.model.toFixed(0).padStart(10)} (${pct(error(p.model, p.actual)).padStart(5)}) ${p.curve.toFixed(0).padStart(12)} (${pct(error(p.curve, p.actual)).padStart(5)}) ${p.decayed.toFixed(0).padStart(14)} (${pct(error(p.decayed, p.actual)).padStart(5)}) ${p.runRate.toFixed(0).padStart(10)} (${pct(error(p.runRate, p.actual)).padStart(5)})`,
      ),
      `  mean absolute error across partners: BG/NBD+GG ${(mape((p) => p.model) * 100).toFixed(0)}%, cohort curve ${(mape((p) => p.curve) * 100).toFixed(0)}%, decayed run rate ${(mape((p) => p.decayed) * 100).toFixed(0)}%, run rate ${(mape((p) => p.runRate) * 100).toFixed(0)}%`,
    ].join('\n') + '\n',
  );
}
