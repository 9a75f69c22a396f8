import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CHURN_DIMENSION_NAMES } from '../lambdas/churn/features.ts';
import { type CalibrationDecile, calibrationByDecile, rocAuc } from '../lambdas/churn/validation.ts';
import { addDays } from '../lambdas/contract/dates.ts';
import { generate, inputFiles } from '../lambdas/generate/generate.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../lambdas/pipeline/transform.ts';

const BENCH_DIR = join(import.meta.dirname, '..', '.bench', 'churn');
const END = '2026-11-21';
const HORIZON_DAYS = 30;
const DAYS = Number(process.env.BENCH_CHURN_DAYS ?? 180);
const USERS = Number(process.env.BENCH_CHURN_USERS ?? 20_000);
const SEED = Number(process.env.BENCH_CHURN_SEED ?? 11);

/** One user as of a date: days since their last active day, and whether they were active after it. */
interface Outcome {
  readonly recency: number;
  readonly active: boolean;
}

/**
 * The naive baseline's calibration: the share active after the date by days since the last active
 * day, on the training side, made non-increasing in those days by pool-adjacent-violators (isotonic
 * regression, weighted by users). Returns the forecast for any number of days (the nearest fitted
 * day at or below it).
 */
export function isotonicRecencyMap(training: readonly Outcome[]): (recency: number) => number {
  const byDay = new Map<number, { users: number; active: number }>();
  for (const user of training) {
    const total = byDay.get(user.recency) ?? { users: 0, active: 0 };
    total.users += 1;
    total.active += user.active ? 1 : 0;
    byDay.set(user.recency, total);
  }
  const blocks: { first: number; users: number; active: number }[] = [];
  for (const [day, total] of [...byDay].sort((a, b) => a[0] - b[0])) {
    blocks.push({ first: day, ...total });
    // A later (longer-idle) block may not be more active than the one before it: pool them.
    while (blocks.length >= 2) {
      const last = blocks.at(-1) as (typeof blocks)[number];
      const before = blocks.at(-2) as (typeof blocks)[number];
      if (last.active / last.users <= before.active / before.users) break;
      blocks.splice(-2, 2, {
        first: before.first,
        users: before.users + last.users,
        active: before.active + last.active,
      });
    }
  }
  return (recency) => {
    let rate = (blocks[0]?.active ?? 0) / (blocks[0]?.users ?? 1);
    for (const block of blocks) if (block.first <= recency) rate = block.active / block.users;
    return rate;
  };
}

function calibrationLines(name: string, deciles: readonly CalibrationDecile[]): string[] {
  return [
    `  calibration by decile, ${name}: decile  users  mean forecast  observed`,
    ...deciles.map(
      (d) =>
        `    ${String(d.decile).padStart(2)}  ${String(d.users).padStart(6)}  ${d.meanForecast.toFixed(3).padStart(13)}  ${d.observedRate.toFixed(3).padStart(8)}`,
    ),
    `    mean |forecast - observed| over the deciles: ${(
      deciles.reduce((sum, d) => sum + Math.abs(d.meanForecast - d.observedRate), 0) / deciles.length
    ).toFixed(3)}`,
  ];
}

/**
 * Holdout check of the churn model: runs of S - 30, S and END (= S + 30) on a generated lake; the
 * run of S fits the model on the users known at S - 30 and their activity in (S - 30, S], and the
 * user_segments snapshot of S scores every user known at S. Each is then checked against whether
 * the user had an event in (S, END]: ROC AUC and calibration by decile, beside the naive baseline
 * measured on the same users (days since the last activity; for calibration the share active by
 * those days on the training side, made monotone).
 */
export async function benchChurn(): Promise<void> {
  // BENCH_CHURN_REUSE=1 runs again on the lake the last run generated and ingested (the runs are
  // idempotent): what a change of the model's features needs.
  const reuse = process.env.BENCH_CHURN_REUSE === '1' && existsSync(join(BENCH_DIR, 'lake'));
  const started = performance.now();
  if (!reuse) {
    await rm(BENCH_DIR, { recursive: true, force: true });
    const input = join(BENCH_DIR, 'input');
    const generated = await generate({
      outDir: input,
      endDate: END,
      days: DAYS,
      users: USERS,
      partners: 8,
      seed: SEED,
    });
    const ingesting = await openLocalLake(join(BENCH_DIR, 'lake'));
    for (const file of inputFiles(generated)) await ingestFile(ingesting, file.kind, join(input, file.path));
    await ingesting.close();
  }
  const lake = await openLocalLake(join(BENCH_DIR, 'lake'));
  const scoring = addDays(END, -HORIZON_DAYS);
  const training = addDays(scoring, -HORIZON_DAYS);
  const runsStarted = performance.now();
  const reports = [];
  for (const date of [training, scoring, END]) reports.push(await transformAndMeasure(lake.engine, date));
  const runSeconds = (performance.now() - runsStarted) / 1000;
  const fitMs = reports[1]?.steps.find((step) => step.step === 'churn_model')?.elapsedMs ?? 0;

  const outcomeRows = (from: string, to: string) =>
    lake.engine.query(`
      select date_diff('day', before.last_active_date, before.dt) as recency,
        after.last_active_date > before.dt as active
      from user_state as before
      inner join user_state as after on after.user_id = before.user_id and after.dt = date '${to}'
      where before.dt = date '${from}'`);
  const trainingSide = (await outcomeRows(training, scoring)).map((row) => ({
    recency: Number(row.recency),
    active: row.active === true,
  }));
  const holdout = (
    await lake.engine.query(`
      select segments.p_active_30d, segments.churn_risk,
        date_diff('day', segments.last_active_date, segments.snapshot_date) as recency,
        after.last_active_date > segments.snapshot_date as active
      from user_segments as segments
      inner join user_state as after on after.user_id = segments.user_id and after.dt = date '${END}'
      where segments.snapshot_date = date '${scoring}'`)
  ).map((row) => ({
    p: Number(row.p_active_30d),
    risk: String(row.churn_risk),
    recency: Number(row.recency),
    active: row.active === true,
  }));
  const model = await lake.engine.query(
    `select feature, level, coefficient, source, training_users, training_auc, holdout_auc, holdout_recency_auc
     from churn_model where run_date = date '${scoring}' order by feature, level`,
  );
  const latest = await lake.engine.query(
    `select feature, level, coefficient, holdout_auc, holdout_recency_auc from churn_model where run_date = date '${END}'`,
  );
  await lake.close();

  const baselineMap = isotonicRecencyMap(trainingSide);
  const modelAuc = rocAuc(holdout.map((u) => ({ score: u.p, users: 1, active: u.active ? 1 : 0 }))) as number;
  const baselineAuc = rocAuc(
    holdout.map((u) => ({ score: -u.recency, users: 1, active: u.active ? 1 : 0 })),
  ) as number;
  const modelDeciles = calibrationByDecile(holdout.map((u) => ({ forecast: u.p, active: u.active })));
  const baselineDeciles = calibrationByDecile(
    holdout.map((u) => ({ forecast: baselineMap(u.recency), active: u.active })),
  );
  const brier = (forecast: (u: (typeof holdout)[number]) => number) =>
    holdout.reduce((sum, u) => sum + (forecast(u) - (u.active ? 1 : 0)) ** 2, 0) / holdout.length;
  const activeRate = holdout.filter((u) => u.active).length / holdout.length;
  const intercept = model.find((row) => row.feature === 'intercept');
  const bands = ['low', 'medium', 'high'].map((risk) => {
    const mine = holdout.filter((u) => u.risk === risk);
    return `${risk} ${mine.length} (${((mine.filter((u) => u.active).length / Math.max(1, mine.length)) * 100).toFixed(1)}% active)`;
  });
  const lines = [
    `bench churn: ${DAYS} days, ${USERS.toLocaleString('en-US')} users (seed ${SEED}); runs of ${training}, ${scoring} ` +
      `and ${END} in ${runSeconds.toFixed(1)} s (${reuse ? "on the last run's lake" : `${((runsStarted - started) / 1000).toFixed(0)} s generating and ingesting`}); ` +
      `the fit of ${scoring} (${String(intercept?.source)}, ${String(intercept?.training_users)} users at ${training}, ` +
      `${CHURN_DIMENSION_NAMES.length} dimensions, ${model.length} coefficients) took ${fitMs.toFixed(0)} ms`,
    `  holdout: the ${holdout.length.toLocaleString('en-US')} users known at ${scoring}, scored then, ` +
      `${(activeRate * 100).toFixed(1)}% of them active in (${scoring}, ${END}]`,
    `  ROC AUC: model ${modelAuc.toFixed(4)}, baseline (days since last activity) ${baselineAuc.toFixed(4)}; ` +
      `model ${modelAuc > baselineAuc ? 'beats' : 'does NOT beat'} the baseline by ${(modelAuc - baselineAuc).toFixed(4)}`,
    `  Brier score: model ${brier((u) => u.p).toFixed(4)}, baseline (isotonic by days since last activity) ${brier((u) => baselineMap(u.recency)).toFixed(4)}`,
    `  churn_risk of ${scoring}: ${bands.join(', ')}`,
    `  the run of ${END} recorded: holdout_auc ${Number(latest[0]?.holdout_auc).toFixed(4)}, holdout_recency_auc ${Number(latest[0]?.holdout_recency_auc).toFixed(4)} (recency by level)`,
    ...calibrationLines('model', modelDeciles),
    ...calibrationLines('baseline', baselineDeciles),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.env.BENCH_CHURN_PRINT_PRIOR === '1') {
    const literal = latest
      .map(
        (row) =>
          `  { feature: '${row.feature}', level: '${row.level}', coefficient: ${Number(row.coefficient).toFixed(4)} },`,
      )
      .join('\n');
    process.stdout.write(`prior (the fit of ${END}):\n${literal}\n`);
  }
  if (!(modelAuc > baselineAuc)) process.exitCode = 1;
}
