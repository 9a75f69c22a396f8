import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays, dateRange } from '../lambdas/contract/dates.ts';
import { DEFAULT_RUN_CONFIG } from '../lambdas/contract/run-config.ts';
import { type GeneratedFile, generate } from '../lambdas/generate/generate.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { runDaily } from '../lambdas/pipeline/run.ts';
import { mb } from './measure.ts';
import { ProfilingEngine } from './query-profile.ts';

const BENCH_DIR = join(import.meta.dirname, '..', '.bench', 'daily');
const END = '2026-11-21';
const HISTORY_DAYS = 360;
const USERS_PER_DAY = Number(process.env.BENCH_DAILY_USERS_PER_DAY ?? 150);

interface RunCost {
  readonly elapsedMs: number;
  readonly bytesRead: number;
}

function fileDate(file: GeneratedFile): string {
  return /(\d{4}-\d{2}-\d{2})/.exec(file.path)?.[1] ?? '';
}

async function ingestAll(lake: LocalLake, inputDir: string, files: readonly GeneratedFile[]): Promise<void> {
  for (const file of files) {
    if (file.kind !== 'truth') await ingestFile(lake, file.kind, join(inputDir, file.path));
  }
}

/** `BENCH_DAILY_PROFILE=1` prints what each statement of every measured run read. */
const PROFILE = process.env.BENCH_DAILY_PROFILE === '1';

async function measuredRun(lake: LocalLake, date: string, label: string): Promise<RunCost> {
  const before = lake.engine.stats().bytesRead;
  const started = performance.now();
  const engine = PROFILE ? new ProfilingEngine(lake.engine) : lake.engine;
  await runDaily({ ...lake, engine, config: DEFAULT_RUN_CONFIG }, date);
  const cost = { elapsedMs: performance.now() - started, bytesRead: lake.engine.stats().bytesRead - before };
  if (engine instanceof ProfilingEngine) process.stdout.write(`  profile of ${label}:\n${engine.report()}\n`);
  return cost;
}

/** Days run one by one before the measured day, so that late data finds the states it restates. */
const WARM_UP_DAYS = 4;

interface MeasuredLake {
  readonly lake: LocalLake;
  readonly name: string;
  readonly runDate: string;
  readonly cost: RunCost;
  readonly events: number;
  readonly users: number;
}

/**
 * A lake as production leaves it on the morning of the measured day: the files of the days from
 * `firstDay` (0-based) ingested and run daily, the last WARM_UP_DAYS days each ingested and run
 * on their own (late events in a day's files restate the run dates before it, from the states
 * those runs left); then the measured day's files arrive and its daily run follows.
 */
async function dailyRunAt(
  name: string,
  firstDay: number,
  runDay: number,
  inputDir: string,
  files: readonly GeneratedFile[],
  dates: readonly string[],
): Promise<MeasuredLake> {
  const runDate = dates[runDay] as string;
  const firstDate = dates[firstDay] as string;
  const firstWarmUp = dates[runDay - WARM_UP_DAYS] as string;
  const building = await openLocalLake(join(BENCH_DIR, name));
  const undated = files.filter((f) => f.kind === 'fx' || f.kind === 'partners');
  const dated = files.filter(
    (f) => (f.kind === 'spend' || f.kind === 'events') && fileDate(f) >= firstDate && fileDate(f) <= runDate,
  );
  await ingestAll(building, inputDir, [...undated, ...dated.filter((f) => fileDate(f) < firstWarmUp)]);
  await runDaily({ ...building, config: DEFAULT_RUN_CONFIG }, addDays(firstWarmUp, -1));
  for (const day of dates.slice(runDay - WARM_UP_DAYS, runDay)) {
    await ingestAll(
      building,
      inputDir,
      dated.filter((f) => fileDate(f) === day),
    );
    await runDaily({ ...building, config: DEFAULT_RUN_CONFIG }, day);
  }
  await ingestAll(
    building,
    inputDir,
    dated.filter((f) => fileDate(f) === runDate),
  );
  // The run itself in a fresh process's engine, as the CLI and each Lambda step run it: an engine
  // that ingested the files or ran the days before keeps their Parquet footers cached, and reading
  // them is part of a run's cost (the ingest log's footers alone: 263 KB instead of 95 KB at 360 days).
  await building.close();
  const lake = await openLocalLake(join(BENCH_DIR, name));
  const cost = await measuredRun(lake, runDate, name);
  const [events] = await lake.engine.query('select count(*) as n from events');
  const [users] = await lake.engine.query(`select count(*) as n from users`);
  return { lake, name, runDate, cost, events: Number(events?.n), users: Number(users?.n) };
}

const SHORT_HISTORY_DAYS = 90;

/**
 * Time and bytes read by the daily run of the last generated day with 360 and with 90 days of
 * history in the lake (the same day's files, so only the history differs), and by a full
 * rebuild of that day's tables from the 360 days of inputs; and the 360-day run once more with no
 * new data, the floor of any run of that day. For context, also the run of day 90 of the same
 * business, whose days are smaller and user base younger.
 */
export async function benchDaily(): Promise<void> {
  await rm(BENCH_DIR, { recursive: true, force: true });
  const inputDir = join(BENCH_DIR, 'input');
  const generated = await generate({
    outDir: inputDir,
    endDate: END,
    days: HISTORY_DAYS,
    users: USERS_PER_DAY * HISTORY_DAYS,
    partners: 20,
    seed: 11,
  });
  const dates = dateRange(generated.startDate, generated.endDate);
  const last = HISTORY_DAYS - 1;
  const measure = async (name: string, firstDay: number, runDay: number) => {
    const measured = await dailyRunAt(name, firstDay, runDay, inputDir, generated.files, dates);
    await measured.lake.close();
    return measured;
  };
  const youngBusiness = await measure('lake-day-90', 0, SHORT_HISTORY_DAYS - 1);
  const short = await measure('lake-90-days', HISTORY_DAYS - SHORT_HISTORY_DAYS, last);
  const long = await measure('lake-360-days', 0, last);
  // The same run once more, with no new data: what every run of R does whatever arrived (the marts
  // as of R, the recommender's fits, the audiences, the dashboard and digests). No daily run of R
  // can take less, so this bounds how much cheaper than a rebuild one can be.
  const again = await openLocalLake(join(BENCH_DIR, long.name));
  const floor = await measuredRun(again, long.runDate, 'the same run again');
  await again.close();
  // The full rebuild: the 360-day lake with every built table removed, run for the same date.
  const reopened = await openLocalLake(join(BENCH_DIR, long.name));
  for (const prefix of ['state', 'marts', 'published']) await reopened.store.deletePrefix(prefix);
  await reopened.close();
  const rebuilt = await openLocalLake(join(BENCH_DIR, long.name));
  const rebuild = await measuredRun(rebuilt, long.runDate, 'full rebuild');
  await rebuilt.close();

  const row = (label: string, cost: RunCost, measured?: MeasuredLake) =>
    `  ${label.padEnd(52)} ${(cost.elapsedMs / 1000).toFixed(2).padStart(7)} s ${mb(cost.bytesRead).padStart(9)} read` +
    (measured === undefined
      ? ''
      : `  (${measured.events.toLocaleString('en-US')} events, ${measured.users.toLocaleString('en-US')} users)`);
  const ratio = (a: number, b: number, digits: number) => (a / b).toFixed(digits);
  process.stdout.write(
    [
      `bench daily: ${USERS_PER_DAY} sign-ups/day, 20 partners; each run after ingesting its day's files`,
      row(`daily run of ${long.runDate}, ${SHORT_HISTORY_DAYS} days of history`, short.cost, short),
      row(`daily run of ${long.runDate}, ${HISTORY_DAYS} days of history`, long.cost, long),
      row(`full rebuild of ${long.runDate} from ${HISTORY_DAYS} days of inputs`, rebuild),
      row(`(floor) the 360-day run again, no new data`, floor),
      row(`(context) daily run of day 90, ${youngBusiness.runDate}`, youngBusiness.cost, youngBusiness),
      `  360 days of history / 90: time ${ratio(long.cost.elapsedMs, short.cost.elapsedMs, 2)}, bytes ${ratio(long.cost.bytesRead, short.cost.bytesRead, 2)} (target <= 1.5)`,
      `  full rebuild / daily run: time ${ratio(rebuild.elapsedMs, long.cost.elapsedMs, 1)}, bytes ${ratio(rebuild.bytesRead, long.cost.bytesRead, 1)} (target >= 10)`,
      `  (floor) full rebuild / the run with no new data: time ${ratio(rebuild.elapsedMs, floor.elapsedMs, 1)}, bytes ${ratio(rebuild.bytesRead, floor.bytesRead, 1)}`,
      `  (context) day 360 / day 90 of the business: time ${ratio(long.cost.elapsedMs, youngBusiness.cost.elapsedMs, 2)}, bytes ${ratio(long.cost.bytesRead, youngBusiness.cost.bytesRead, 2)}`,
    ].join('\n') + '\n',
  );
}
