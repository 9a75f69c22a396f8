import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { APPSFLYER_HEADER } from '../test/trackers/exports.ts';
import { mb, measureChild, measureProcess } from './measure.ts';

const execFileAsync = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const BENCH_DIR = join(ROOT, '.bench');
const APPSFLYER_MB = Number(process.env.BENCH_APPSFLYER_MB ?? 1024);

const TYPES = [
  'login',
  'login',
  'login',
  'trade',
  'trade',
  'deposit',
  'withdrawal',
  'kyc_verified',
  'signup',
] as const;

/** One realistic event line; about one in a thousand is bad and one in five hundred a duplicate. */
function eventLine(i: number): string {
  if (i % 1000 === 999) return '{"event_id": "broken", "event_type": ';
  const id = i % 500 === 499 ? i - 1 : i;
  const type = TYPES[i % TYPES.length] as string;
  const day = 1 + (i % 28);
  const base = {
    event_id: `evt-${id.toString(36)}-${(id * 2654435761) % 4294967296}`,
    event_type: type,
    user_id: `user-${(i * 7919) % 250_000}`,
    occurred_at: `2026-10-${String(day).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07${i % 3 === 0 ? '+08:00' : 'Z'}`,
    platform: i % 2 === 0 ? 'ios' : 'web',
    country: 'US',
  };
  if (type === 'trade') {
    return JSON.stringify({
      ...base,
      amount_usd: (i % 9973) * 1.37,
      fee_usd: (i % 9973) * 0.00137,
      product: i % 4 === 0 ? 'futures' : 'spot',
    });
  }
  if (type === 'deposit' || type === 'withdrawal')
    return JSON.stringify({ ...base, amount_usd: String((i % 5000) + 0.5) });
  if (type === 'signup')
    return JSON.stringify({ ...base, partner_id: i % 3 === 0 ? null : `kol-${i % 40}`, campaign_id: 'c-1' });
  return JSON.stringify(base);
}

const AF_NAMES = ['install', 'af_complete_registration', 'first_deposit', 'af_login', 'af_trade'] as const;

/**
 * One AppsFlyer raw-data row with every column of the report filled as the Pull API fills it; about
 * one in a thousand has a malformed time and one in five hundred repeats the row before it.
 */
function appsflyerLine(i: number): string {
  const id = i % 500 === 499 ? i - 1 : i;
  const day = 1 + (id % 28);
  const time = `2026-10-${String(day).padStart(2, '0')} ${String(id % 24).padStart(2, '0')}:${String(id % 60).padStart(2, '0')}:07`;
  const values: Record<string, string> = {
    'Attributed Touch Type': 'click',
    'Attributed Touch Time': time,
    'Install Time': time,
    'Event Time': i % 1000 === 999 ? time.replace(' ', 'T') : time,
    'Event Name': AF_NAMES[id % AF_NAMES.length] as string,
    'Event Value': '{"af_revenue":"12.5","af_currency":"USD"}',
    'Event Revenue USD': id % 5 === 2 ? '12.5' : '',
    'Media Source': `network_${id % 40}`,
    Campaign: `campaign ${id % 17}`,
    'Campaign ID': String(100000 + (id % 17)),
    'Country Code': 'US',
    IP: `10.0.${id % 250}.${id % 200}`,
    Language: 'en-US',
    'AppsFlyer ID': `${1700000000000 + id}-${(id * 2654435761) % 4294967296}`,
    'Advertising ID': `a1b2c3d4-${id.toString(16).padStart(8, '0')}-4e5f-8a9b-0c1d2e3f4a5b`,
    'Customer User ID': id % 3 === 0 ? '' : `user-${(id * 7919) % 250_000}`,
    Platform: id % 2 === 0 ? 'ios' : 'android',
    'Device Type': 'iPhone14,2',
    'OS Version': '17.1',
    'App Version': '5.12.0',
    'SDK Version': 'v6.12.2',
    'App ID': 'id1234567890',
    'App Name': 'Exchange',
    'Bundle ID': 'com.example.exchange',
    'Is Retargeting': 'false',
    'User Agent': 'Exchange/5.12.0 (iPhone; iOS 17.1; Scale/3.00)',
  };
  // Quoted as the Pull API quotes them: Event Value's JSON and the comma in Device Type.
  return stringify([APPSFLYER_HEADER.map((name) => values[name] ?? '')]).slice(0, -1);
}

/** Writes `lines` to `.bench/<name>` until it holds `targetMb`, unless a big enough one is there. */
async function ensureFile(
  name: string,
  targetMb: number,
  header: string | null,
  line: (i: number) => string,
): Promise<string> {
  return writeOnce(
    name,
    header,
    line,
    (written) => written >= targetMb * 1024 * 1024,
    targetMb * 1024 * 1024,
  );
}

/** Writes the first `count` event lines to `.bench/<name>`, unless it is there already. */
async function ensureEventsFile(count: number): Promise<string> {
  let lines = 0;
  return writeOnce(`events-${count}.jsonl`, null, eventLine, () => {
    lines += 1;
    return lines > count;
  });
}

/** Writes `line(0)`, `line(1)`, ... to `.bench/<name>` until `done`, unless the file exists (of `minBytes` at least). */
async function writeOnce(
  name: string,
  header: string | null,
  line: (i: number) => string,
  done: (written: number) => boolean,
  minBytes = 1,
): Promise<string> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, name);
  try {
    if ((await stat(file)).size >= minBytes) return file;
  } catch {
    // Not generated yet.
  }
  process.stderr.write(`writing ${file} (kept in .bench/ for later runs)\n`);
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let written = 0;
  if (header !== null) out.write(`${header}\n`);
  for (let i = 0; !done(written); i += 1) {
    const text = `${line(i)}\n`;
    written += text.length;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await rename(partial, file);
  return file;
}

/** The sizes measured, in events: `BENCH_INGEST_EVENTS`, comma-separated. */
const EVENT_COUNTS = (process.env.BENCH_INGEST_EVENTS ?? '1000000,3000000,6500000')
  .split(',')
  .map((text) => Number(text.trim()))
  .filter((count) => Number.isInteger(count) && count > 0);

/** Rounds per size (each runs the baseline, then the ingest): `BENCH_INGEST_ROUNDS`. */
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 2);

const TARGET_RATIO = 0.33;
const TARGET_RSS_MB = 512;

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Events per second of `growthlake ingest events`, the installed command (the bundled CLI in
 * dist/cli/) as a whole process, against a bare Node script reading the same file's lines with
 * readline and JSON.parse-ing each (bench/ingest-baseline.mjs), also a whole process; at every size
 * of `BENCH_INGEST_EVENTS`, `BENCH_INGEST_ROUNDS` times, baseline and ingest alternately. Then the
 * AppsFlyer half, unless `BENCH_APPSFLYER_MB=0`.
 */
export async function benchIngest(): Promise<void> {
  await execFileAsync(process.execPath, [join(ROOT, 'bin', 'build-cli.mjs')], { cwd: ROOT });
  if (!bundleIsFresh()) throw new Error('dist/cli is older than the sources: the bench would time tsx');
  process.stdout.write(
    `bench ingest: \`node bin/growthlake.mjs ingest events\` running the bundled CLI (dist/cli/, fresh), whole processes; load ${loadAverage()}\n`,
  );
  let largestBaseline = 0;
  for (const events of EVENT_COUNTS) {
    const file = await ensureEventsFile(events);
    const size = (await stat(file)).size;
    const lake = join(BENCH_DIR, 'ingest-lake');
    process.stdout.write(
      `${count(events)} events (${mb(size)} NDJSON); targets: ratio >= ${TARGET_RATIO}, peak RSS < ${TARGET_RSS_MB} MB\n`,
    );
    for (let round = 1; round <= ROUNDS; round += 1) {
      await rm(lake, { recursive: true, force: true });
      const baseline = await measureProcess([join(ROOT, 'bench', 'ingest-baseline.mjs'), file], ROOT);
      const ingest = await measureProcess(
        [join(ROOT, 'bin', 'growthlake.mjs'), 'ingest', 'events', file, '--lake', lake],
        ROOT,
      );
      await rm(lake, { recursive: true, force: true });
      const baselineLines = Number(JSON.parse(baseline.stdout).lines);
      const counts = /read=(\d+) accepted=(\d+)/.exec(ingest.stdout);
      const read = Number(counts?.[1]);
      if (read !== baselineLines)
        throw new Error(`the ingest read ${read} lines, the baseline ${baselineLines}`);
      const baselineRate = baselineLines / (baseline.wallMs / 1000);
      const ingestRate = read / (ingest.wallMs / 1000);
      largestBaseline = Math.max(largestBaseline, baselineRate);
      const ratio = ingestRate / baselineRate;
      process.stdout.write(
        `  round ${round}: baseline ${count(baselineRate)} lines/s (${(baseline.wallMs / 1000).toFixed(1)} s, CPU ${baseline.cpuSeconds.toFixed(1)} s, ${baseline.peakRssMb.toFixed(0)} MB); ` +
          `ingest ${count(ingestRate)} events/s (${(ingest.wallMs / 1000).toFixed(1)} s, CPU ${ingest.cpuSeconds.toFixed(1)} s, ${count(Number(counts?.[2]))} accepted); ` +
          `ratio ${ratio.toFixed(2)} ${ratio >= TARGET_RATIO ? 'ok' : 'MISSED'} (of CPU time: ${(baseline.cpuSeconds / ingest.cpuSeconds).toFixed(2)}); ` +
          `peak RSS ${ingest.peakRssMb.toFixed(0)} MB ${ingest.peakRssMb < TARGET_RSS_MB ? 'ok' : 'OVER'}; load ${loadAverage()}\n`,
      );
    }
  }
  if (APPSFLYER_MB > 0) await benchAppsflyer(largestBaseline);
}

/** Whether bin/growthlake.mjs runs the bundle: the same rule it applies (bundle newer than every source). */
function bundleIsFresh(): boolean {
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) latest = Math.max(latest, newest(path));
      else if (/\.(ts|mjs)$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
    }
    return latest;
  };
  try {
    const built = statSync(join(ROOT, 'dist', 'cli', 'growthlake.mjs')).mtimeMs;
    return built >= Math.max(newest(join(ROOT, 'bin')), newest(join(ROOT, 'lambdas')));
  } catch {
    return false;
  }
}

const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/**
 * Rows per second of `growthlake ingest appsflyer` on a raw-data CSV with every report column,
 * against the same bare-parse baseline as events (reading lines and JSON.parse), and against
 * streaming the whole file through the CSV library (its own pace, the floor of any CSV importer).
 */
async function benchAppsflyer(jsonBaselineRate: number): Promise<void> {
  const file = await ensureFile(
    `appsflyer-${APPSFLYER_MB}mb-v2.csv`,
    APPSFLYER_MB,
    APPSFLYER_HEADER.join(','),
    appsflyerLine,
  );
  const size = (await stat(file)).size;
  const lake = join(BENCH_DIR, 'ingest-lake');
  await rm(lake, { recursive: true, force: true });
  const csvBaseline = await measureChild('ingest-child.ts', ['csv-baseline', file, lake]);
  const ingest = await measureChild('ingest-child.ts', ['appsflyer', file, lake]);
  await rm(lake, { recursive: true, force: true });
  const rows = Number(ingest.result.lines);
  const csvRate = Number(csvBaseline.result.lines) / (Number(csvBaseline.result.elapsedMs) / 1000);
  const ingestRate = rows / (Number(ingest.result.elapsedMs) / 1000);
  process.stdout.write(
    [
      `bench ingest appsflyer: ${mb(size)} raw-data CSV (${APPSFLYER_HEADER.length} columns), ${rows.toLocaleString('en-US')} rows, ${Number(ingest.result.accepted).toLocaleString('en-US')} accepted`,
      `  baseline (csv-parse streaming the file):  ${Math.round(csvRate).toLocaleString('en-US')} rows/s, peak RSS ${csvBaseline.peakRssMb.toFixed(0)} MB`,
      `  growthlake ingest appsflyer:           ${Math.round(ingestRate).toLocaleString('en-US')} rows/s, peak RSS ${ingest.peakRssMb.toFixed(0)} MB`,
      `  ratio ingest / events' bare-parse baseline: ${(ingestRate / jsonBaselineRate).toFixed(2)}; ingest / CSV baseline: ${(ingestRate / csvRate).toFixed(2)}; peak RSS ${ingest.peakRssMb < 512 ? 'under' : 'OVER'} 512 MB`,
    ].join('\n') + '\n',
  );
}
