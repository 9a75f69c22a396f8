import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dateRange } from '../lambdas/contract/dates.ts';
import { type GeneratedFile, generate } from '../lambdas/generate/generate.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { runDaily } from '../lambdas/pipeline/run.ts';
import { DEFAULT_RUN_CONFIG } from '../lambdas/pipeline/run-config.ts';
import { mb } from './measure.ts';

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

async function measuredRun(lake: LocalLake, date: string): Promise<RunCost> {
  const before = lake.engine.stats().bytesRead;
  const started = performance.now();
  await runDaily({ ...lake, config: DEFAULT_RUN_CONFIG }, date);
  return { elapsedMs: performance.now() - started, bytesRead: lake.engine.stats().bytesRead - before };
}

/**
 * A lake whose history ends the day before `runDate`, already run for that day; then the new day's
 * files arrive and the measured daily run of `runDate` follows, as it would in production.
 */
async function dailyRunAt(days: number, inputDir: string, files: readonly GeneratedFile[], dates: string[]) {
  const runDate = dates[days - 1] as string;
  const previous = dates[days - 2] as string;
  const lake = await openLocalLake(join(BENCH_DIR, `lake-${days}`));
  const undated = files.filter((f) => f.kind === 'fx' || f.kind === 'partners');
  const dated = files.filter((f) => (f.kind === 'spend' || f.kind === 'events') && fileDate(f) <= runDate);
  await ingestAll(lake, inputDir, [...undated, ...dated.filter((f) => fileDate(f) <= previous)]);
  await runDaily({ ...lake, config: DEFAULT_RUN_CONFIG }, previous);
  await ingestAll(
    lake,
    inputDir,
    dated.filter((f) => fileDate(f) === runDate),
  );
  const cost = await measuredRun(lake, runDate);
  const [events] = await lake.engine.query('select count(*) as n from events');
  const [users] = await lake.engine.query(`select count(*) as n from users`);
  return { lake, runDate, cost, events: Number(events?.n), users: Number(users?.n) };
}

/** Time and bytes read by a daily run at 90 and at 360 days of history, and by a full rebuild. */
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

  const short = await dailyRunAt(90, inputDir, generated.files, dates);
  await short.lake.close();
  const long = await dailyRunAt(HISTORY_DAYS, inputDir, generated.files, dates);
  // The full rebuild: the same lake with every built table removed, run for the same date.
  for (const prefix of ['state', 'marts', 'published']) await long.lake.store.deletePrefix(prefix);
  await long.lake.close();
  const reopened = await openLocalLake(join(BENCH_DIR, `lake-${HISTORY_DAYS}`));
  const rebuild = await measuredRun(reopened, long.runDate);
  await reopened.close();

  const row = (label: string, cost: RunCost) =>
    `  ${label.padEnd(34)} ${(cost.elapsedMs / 1000).toFixed(2).padStart(7)} s ${mb(cost.bytesRead).padStart(11)} read`;
  process.stdout.write(
    [
      `bench daily: ${USERS_PER_DAY} sign-ups/day, 20 partners; the new day's run after ingesting its files`,
      row(`daily run, 90 days of history`, short.cost) +
        `  (${short.events.toLocaleString('en-US')} events, ${short.users.toLocaleString('en-US')} users)`,
      row(`daily run, ${HISTORY_DAYS} days of history`, long.cost) +
        `  (${long.events.toLocaleString('en-US')} events, ${long.users.toLocaleString('en-US')} users)`,
      row(`full rebuild, ${HISTORY_DAYS} days`, rebuild),
      `  daily 360 / daily 90: time ${(long.cost.elapsedMs / short.cost.elapsedMs).toFixed(2)}, bytes ${(long.cost.bytesRead / short.cost.bytesRead).toFixed(2)} (target <= 1.5)`,
      `  full rebuild / daily 360: time ${(rebuild.elapsedMs / long.cost.elapsedMs).toFixed(1)}, bytes ${(rebuild.bytesRead / long.cost.bytesRead).toFixed(1)} (target >= 10)`,
    ].join('\n') + '\n',
  );
}
