/**
 * `npm run bench -- cli`: how long an analyst waits for `growthlake query`, as a whole process,
 * against a bare Node script that opens DuckDB and counts the same rows with read_parquet over
 * the same files (bench/cli-baseline.mjs), measured alternately in the same run on one generated
 * lake. Target: the CLI within 1.5 times the bare script.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addDays } from '../lambdas/contract/dates.ts';
import { generate, inputFiles } from '../lambdas/generate/generate.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../lambdas/pipeline/transform.ts';

const execFileAsync = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const BENCH_DIR = join(ROOT, '.bench', 'cli');
const END = '2026-11-21';
const RUN_DAYS = 7;
const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 9);
const SQL = 'select count(*) from user_segments';

async function timed(args: readonly string[]): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const { stdout } = await execFileAsync(process.execPath, args, { cwd: ROOT });
  return { ms: performance.now() - started, stdout };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** Builds a demo-sized lake (60 days, 5,000 users, the last 7 days run), then times both processes. */
export async function benchCli(): Promise<void> {
  const lakeDir = join(BENCH_DIR, 'lake');
  // BENCH_CLI_REUSE_LAKE=1 times the lake of the last run again instead of building it anew.
  if (process.env.BENCH_CLI_REUSE_LAKE !== '1' || !existsSync(join(lakeDir, 'state', 'user_state')))
    await buildLake(lakeDir);
  await timeQueries(lakeDir);
}

async function buildLake(lakeDir: string): Promise<void> {
  await rm(BENCH_DIR, { recursive: true, force: true });
  const input = join(BENCH_DIR, 'input');
  const generated = await generate({
    outDir: input,
    endDate: END,
    days: 60,
    users: 5000,
    partners: 12,
    seed: 1,
  });
  const lake = await openLocalLake(lakeDir);
  try {
    for (const file of inputFiles(generated)) await ingestFile(lake, file.kind, join(input, file.path));
    for (let offset = RUN_DAYS - 1; offset >= 0; offset -= 1)
      await transformAndMeasure(lake.engine, addDays(END, -offset));
  } finally {
    await lake.close();
  }
}

async function timeQueries(lakeDir: string): Promise<void> {
  // The bundle the installed command runs (`npm ci` builds it; built again here so it is current).
  await execFileAsync(process.execPath, [join(ROOT, 'bin', 'build-cli.mjs')], { cwd: ROOT });

  const cli = ['bin/growthlake.mjs', 'query', SQL, '--lake', lakeDir, '--format', 'csv'];
  const bare = ['bench/cli-baseline.mjs', lakeDir];
  const first = await timed(cli);
  const floor = await timed(bare);
  const cliCount = Number(first.stdout.trim().split('\n')[1]);
  const bareCount = Number(JSON.parse(floor.stdout).n);
  if (cliCount !== bareCount)
    throw new Error(`the CLI counted ${cliCount} rows, the bare script ${bareCount}`);
  // The same command from the TypeScript sources through tsx: what every start cost before the bundle.
  const sources = ['--import', 'tsx', 'bin/growthlake.ts', ...cli.slice(1)];
  const cliTimes: number[] = [];
  const bareTimes: number[] = [];
  const sourceTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    cliTimes.push((await timed(cli)).ms);
    bareTimes.push((await timed(bare)).ms);
    sourceTimes.push((await timed(sources)).ms);
  }
  const cliMs = median(cliTimes);
  const bareMs = median(bareTimes);
  const sourceMs = median(sourceTimes);
  process.stdout.write(
    `cli: growthlake query "${SQL}" over ${cliCount} rows, ${ROUNDS} alternating rounds, medians\n` +
      `  bare node + DuckDB read_parquet   ${bareMs.toFixed(0)} ms   1.00\n` +
      `  growthlake query (bundled CLI)    ${cliMs.toFixed(0)} ms   ${(cliMs / bareMs).toFixed(2)} (target <= 1.5)\n` +
      `  the same from sources via tsx     ${sourceMs.toFixed(0)} ms   ${(sourceMs / bareMs).toFixed(2)}\n`,
  );
}
