import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays } from '../lambdas/contract/dates.ts';
import type { GeneratedFile } from '../lambdas/generate/generate.ts';
import { ATHENA_USD_PER_TB, athenaEstimate, type ProfiledRun } from './athena-cost.ts';
import { type ChildMeasurement, mb, measureChild } from './measure.ts';
import type { StatementCost } from './query-profile.ts';

const SCALE_DIR = join(import.meta.dirname, '..', '.bench', 'scale');
const END = '2026-11-21';
const SEED = 11;
/** The user base measured, and the one its daily run is compared with (the same days and seed). */
const USERS = Number(process.env.BENCH_SCALE_USERS ?? 1_000_000);
const SMALL_USERS = Number(process.env.BENCH_SCALE_SMALL_USERS ?? 100_000);
const DAYS = Number(process.env.BENCH_SCALE_DAYS ?? 30);
/** Heavy children run niced, so that other benchmarks timing on the shared machine are disturbed less. */
const NICE = 10;
const RSS_TARGET_MB = 4096;
const RUNS_PER_MONTH = 30;

/** What the generator wrote, as the `generate` child reported it (kept beside the files). */
interface GeneratedInput {
  readonly startDate: string;
  readonly endDate: string;
  readonly users: number;
  readonly events: number;
  readonly files: readonly GeneratedFile[];
}

/** A child of the run: its measurement and the figures it reported. */
interface RunResult {
  readonly runMs: number;
  readonly bytesRead: number;
  readonly steps: Record<string, number>;
  /** The most the JavaScript heap held during each step, MB. */
  readonly stepHeapMb?: Record<string, number>;
  readonly statements: readonly StatementCost[];
  readonly eventsOnDate: number;
  readonly users: number;
}

interface PartitionLayout {
  readonly table: string;
  readonly files: number;
  readonly bytes: number;
  readonly rows: number;
  readonly rowGroups: number;
  readonly largestColumns: readonly { readonly name: string; readonly bytes: number }[];
}

interface FloorResult {
  readonly floorMs: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly layout: readonly PartitionLayout[];
}

/** Every job of one user base, each in its own process. */
export interface ScaleMeasurement {
  readonly users: number;
  readonly input: GeneratedInput;
  /** Undefined when the generated files were reused from `.bench/scale/`. */
  readonly generate: ChildMeasurement | undefined;
  readonly ingestHistory: ChildMeasurement;
  readonly backfill: ChildMeasurement;
  readonly ingestDay: ChildMeasurement;
  readonly run: ChildMeasurement;
  readonly floor: ChildMeasurement;
}

const child = (args: readonly string[]) => measureChild('scale-child.ts', args, { nice: NICE });

function fileDate(file: GeneratedFile): string {
  return /(\d{4}-\d{2}-\d{2})/.exec(file.path)?.[1] ?? '';
}

/** The generated data set of `users`, from `.bench/scale/` when an earlier run made it. */
async function ensureInput(users: number): Promise<{
  dir: string;
  input: GeneratedInput;
  generate: ChildMeasurement | undefined;
}> {
  const dir = join(SCALE_DIR, `input-u${users}-d${DAYS}-s${SEED}-${END}`);
  const summary = join(dir, 'bench-summary.json');
  try {
    return { dir, input: JSON.parse(await readFile(summary, 'utf8')) as GeneratedInput, generate: undefined };
  } catch {
    // Not generated yet (or interrupted: the summary is written last).
  }
  await rm(dir, { recursive: true, force: true });
  process.stderr.write(`bench scale: generating ${users} users over ${DAYS} days into ${dir}\n`);
  const generate = await child(['generate', dir, String(users), String(DAYS), END, String(SEED)]);
  const input = generate.result as unknown as GeneratedInput;
  await writeFile(summary, JSON.stringify(input));
  return { dir, input, generate };
}

/**
 * One user base as production meets it: every file before the measured day ingested (one
 * process), the days before it backfilled (one process), the measured day's files ingested, then
 * its daily run in a fresh process; last the floor, the measured day's `user_state` read once and
 * written once.
 */
async function measureUsers(users: number): Promise<ScaleMeasurement> {
  const { dir, input, generate } = await ensureInput(users);
  const runDate = input.endDate;
  const lake = join(SCALE_DIR, `lake-u${users}-d${DAYS}-s${SEED}`);
  await rm(lake, { recursive: true, force: true });
  await mkdir(lake, { recursive: true });
  const spec = (file: GeneratedFile) => `${file.kind}:${join(dir, file.path)}`;
  const inputs = input.files.filter((file) => file.kind !== 'truth');
  const history = inputs.filter((file) => fileDate(file) === '' || fileDate(file) < runDate);
  const day = inputs.filter((file) => fileDate(file) === runDate);
  const step = async (label: string, args: readonly string[]) => {
    process.stderr.write(`bench scale: ${users} users: ${label}\n`);
    return child(args);
  };
  const ingestHistory = await step('ingest history', ['ingest', lake, ...history.map(spec)]);
  const backfill = await step('backfill', ['backfill', lake, input.startDate, addDays(runDate, -1)]);
  const ingestDay = await step('ingest the day', ['ingest', lake, ...day.map(spec)]);
  const run = await step('daily run', ['run', lake, runDate]);
  const floor = await step('floor', ['floor', lake, runDate]);
  return { users, input, generate, ingestHistory, backfill, ingestDay, run, floor };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rss = (m: ChildMeasurement) => `${m.peakRssMb.toFixed(0)} MB`;
/** Peak RSS, and of it the most the JavaScript heap held (the rest is DuckDB's native memory). */
const memory = (m: ChildMeasurement) =>
  `${rss(m).padStart(8)} (JS heap ${Number(m.result.peakHeapMb ?? 0).toFixed(0)} MB)`;
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const runOf = (m: ScaleMeasurement) => m.run.result as unknown as RunResult;
const floorOf = (m: ScaleMeasurement) => m.floor.result as unknown as FloorResult;

/** Statements summed by label. */
function byLabel(statements: readonly StatementCost[]): Map<string, LabelCost> {
  const map = new Map<string, LabelCost>();
  for (const s of statements) {
    const entry = map.get(s.label) ?? { ms: 0, bytes: 0, spilled: 0, n: 0 };
    map.set(s.label, {
      ms: entry.ms + s.elapsedMs,
      bytes: entry.bytes + s.bytesRead,
      spilled: entry.spilled + (s.spilledBytes ?? 0),
      n: entry.n + 1,
    });
  }
  return map;
}

/** A label's statements summed: time, bytes read, of them read back from spill, and how many. */
interface LabelCost {
  readonly ms: number;
  readonly bytes: number;
  readonly spilled: number;
  readonly n: number;
}

/** The bench's figures, each beside its baseline from the same run. */
export function scaleReport(big: ScaleMeasurement, small: ScaleMeasurement): string {
  const lines: string[] = [];
  const [bigRun, smallRun] = [runOf(big), runOf(small)];
  const [bigFloor, smallFloor] = [floorOf(big), floorOf(small)];
  lines.push(
    `bench scale: ${count(USERS)} and ${count(SMALL_USERS)} users signing up over ${DAYS} days to ${big.input.endDate}, 20 partners, seed ${SEED}; each job its own process (nice ${NICE})`,
  );
  const job = (label: string, m: ChildMeasurement | undefined, extra = '') =>
    m === undefined
      ? `    ${label.padEnd(34)} (reused from .bench/scale/)`
      : `    ${label.padEnd(34)} ${secs(m.elapsedMs).padStart(9)}  peak RSS ${memory(m)}${extra}`;
  for (const m of [big, small]) {
    const run = runOf(m);
    const floor = floorOf(m);
    lines.push(
      `  ${count(m.input.users)} users, ${count(m.input.events)} events generated; the measured day ${m.input.endDate}: ${count(run.eventsOnDate)} events, ${count(run.users)} users in user_state`,
      job('generate', m.generate),
      job(
        'ingest the history (one process)',
        m.ingestHistory,
        `  ${count(Number(m.ingestHistory.result.rowsRead))} rows`,
      ),
      job(`backfill of ${DAYS - 1} days`, m.backfill, `  ${mb(Number(m.backfill.result.bytesRead))} read`),
      job("ingest the measured day's files", m.ingestDay),
      job(
        'daily run of the measured day',
        m.run,
        `  ${mb(run.bytesRead)} read (${mb(run.statements.reduce((sum, st) => sum + (st.spilledBytes ?? 0), 0))} of it DuckDB's spill), ${secs(run.runMs)} in the run`,
      ),
      job(
        '(floor) user_state read + written',
        m.floor,
        `  ${mb(floor.bytesRead)} read, ${mb(floor.bytesWritten)} written, ${secs(floor.floorMs)} in the copy`,
      ),
    );
  }
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const timeRatio = bigRun.runMs / smallRun.runMs;
  const floorRatio = bigRun.runMs / bigFloor.floorMs;
  const rssOk = (m: ChildMeasurement) => m.peakRssMb <= RSS_TARGET_MB;
  lines.push(
    `  daily run ${count(USERS)} / ${count(SMALL_USERS)} users: time ${timeRatio.toFixed(2)} (target <= ${(USERS / SMALL_USERS).toFixed(0)}: ${verdict(timeRatio <= USERS / SMALL_USERS)}), bytes ${(bigRun.bytesRead / smallRun.bytesRead).toFixed(2)}, peak RSS ${(big.run.peakRssMb / small.run.peakRssMb).toFixed(2)}`,
    `  daily run / floor at ${count(USERS)} users: time ${floorRatio.toFixed(1)} (target <= 3: ${verdict(floorRatio <= 3)}), bytes ${(bigRun.bytesRead / bigFloor.bytesRead).toFixed(1)}; at ${count(SMALL_USERS)}: time ${(smallRun.runMs / smallFloor.floorMs).toFixed(1)}`,
    `  peak RSS at ${count(USERS)} users against ${RSS_TARGET_MB} MB: daily run ${rss(big.run)} (${verdict(rssOk(big.run))}), backfill ${rss(big.backfill)} (${verdict(rssOk(big.backfill))}), ingest of the history ${rss(big.ingestHistory)}, generate ${big.generate === undefined ? 'reused' : rss(big.generate)}`,
  );
  lines.push(
    `  where the daily run's time goes, with the most the JS heap held in each step (${count(USERS)} users | ${count(SMALL_USERS)} users):`,
  );
  const heap = (run: RunResult, name: string) => `${(run.stepHeapMb?.[name] ?? 0).toFixed(0)} MB heap`;
  for (const [name, ms] of Object.entries(bigRun.steps)) {
    lines.push(
      `    step ${name.padEnd(12)} ${secs(ms).padStart(9)} ${heap(bigRun, name).padStart(12)} | ${secs(smallRun.steps[name] ?? 0).padStart(8)} ${heap(smallRun, name).padStart(12)}`,
    );
  }
  const smallLabels = byLabel(smallRun.statements);
  const labels = [...byLabel(bigRun.statements).entries()];
  const read = (c: LabelCost | undefined) =>
    c === undefined ? '' : c.spilled > 0 ? `${mb(c.bytes)} (${mb(c.spilled)} spill)` : mb(c.bytes);
  const statementLine = ([label, c]: [string, LabelCost]) => {
    const s = smallLabels.get(label);
    return `    ${secs(c.ms).padStart(8)} ${read(c).padStart(10)} | ${secs(s?.ms ?? 0).padStart(7)} ${read(s).padStart(9)}  ${c.n > 1 ? `${c.n}x ` : ''}${label.slice(0, 90)}`;
  };
  lines.push(
    `    ${bigRun.statements.length} statements; the slowest (time, bytes read | the same at ${count(SMALL_USERS)}):`,
  );
  lines.push(
    ...labels
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 15)
      .map(statementLine),
  );
  lines.push('    the most bytes read:');
  lines.push(
    ...labels
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .slice(0, 10)
      .map(statementLine),
  );
  lines.push(
    `  layout of the measured day's partitions at ${count(USERS)} users (files, size, rows, row groups):`,
  );
  for (const l of bigFloor.layout) {
    const columns = l.largestColumns
      .map((c) => `${c.name} ${Math.round((100 * c.bytes) / l.bytes)}%`)
      .join(', ');
    lines.push(
      `    ${l.table.padEnd(22)} ${String(l.files).padStart(3)} files ${mb(l.bytes).padStart(10)} ${count(l.rows).padStart(11)} rows ${String(l.rowGroups).padStart(3)} row groups  ${(l.bytes / Math.max(1, l.rows)).toFixed(1)} B/row; ${columns}`,
    );
  }
  lines.push(
    `  Athena estimate (${ATHENA_USD_PER_TB} USD per TB, 10 MB minimum per query; partitioned writes count twice, spill estimates left out, so a lower bound; see bench/athena-cost.ts):`,
  );
  const profiled = (m: ScaleMeasurement): ProfiledRun => ({
    users: m.users,
    statements: runOf(m).statements,
  });
  const [bigProfile, smallProfile] = [profiled(big), profiled(small)];
  const estimates = [
    { users: small.users, how: 'measured', bill: athenaEstimate(smallProfile, bigProfile, small.users) },
    { users: big.users, how: 'measured', bill: athenaEstimate(bigProfile, smallProfile, big.users) },
    ...[1_000_000, 10_000_000]
      .filter((users) => users !== big.users && users !== small.users)
      .map((users) => ({ users, how: 'extended', bill: athenaEstimate(bigProfile, smallProfile, users) })),
  ];
  for (const { users, how, bill } of estimates) {
    lines.push(
      `    ${count(users).padStart(10)} users (${how}): ${bill.queries} queries, ${mb(bill.scannedBytes)} scanned, ${mb(bill.billedBytes)} billed per daily run: ${bill.usd.toFixed(4)} USD a run, ${(bill.usd * RUNS_PER_MONTH).toFixed(2)} USD a month`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `npm run bench -- scale`: the daily run of a program of BENCH_SCALE_USERS users (default 1M)
 * against the same day at BENCH_SCALE_SMALL_USERS (default 100k) and against the floor, with peak
 * RSS of every job, where the time goes, and the Athena scan it implies.
 */
export async function benchScale(): Promise<void> {
  await mkdir(SCALE_DIR, { recursive: true });
  const small = await measureUsers(SMALL_USERS);
  const big = await measureUsers(USERS);
  // Every child's figures, statement by statement, for reading the profile after the run.
  await writeFile(
    join(SCALE_DIR, `last-run-u${USERS}-u${SMALL_USERS}-d${DAYS}.json`),
    JSON.stringify({ big, small }),
  );
  process.stdout.write(scaleReport(big, small));
}
