import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mb, measureChild } from './measure.ts';

const BENCH_DIR = join(import.meta.dirname, '..', '.bench');
const TARGET_MB = Number(process.env.BENCH_INGEST_MB ?? 1100);

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

async function ensureFile(): Promise<string> {
  await mkdir(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, `events-${TARGET_MB}mb.jsonl`);
  try {
    if ((await stat(file)).size >= TARGET_MB * 1024 * 1024) return file;
  } catch {
    // Not generated yet.
  }
  process.stderr.write(`writing a ${TARGET_MB} MB NDJSON file to ${file} (kept in .bench/ for later runs)\n`);
  const out = createWriteStream(file);
  let written = 0;
  for (let i = 0; written < TARGET_MB * 1024 * 1024; i += 1) {
    const line = `${eventLine(i)}\n`;
    written += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/** Events per second of `growthlake ingest events` against reading and JSON.parse-ing the same lines. */
export async function benchIngest(): Promise<void> {
  const file = await ensureFile();
  const size = (await stat(file)).size;
  const lake = join(BENCH_DIR, 'ingest-lake');
  await rm(lake, { recursive: true, force: true });

  const baseline = await measureChild('ingest-child.ts', ['baseline', file, lake]);
  const ingest = await measureChild('ingest-child.ts', ['ingest', file, lake]);
  await rm(lake, { recursive: true, force: true });

  const lines = Number(ingest.result.lines);
  const baselineRate = Number(baseline.result.lines) / (Number(baseline.result.elapsedMs) / 1000);
  const ingestRate = lines / (Number(ingest.result.elapsedMs) / 1000);
  process.stdout.write(
    [
      `bench ingest: ${mb(size)} NDJSON, ${lines.toLocaleString('en-US')} lines, ${Number(ingest.result.accepted).toLocaleString('en-US')} accepted`,
      `  baseline (read lines + JSON.parse): ${Math.round(baselineRate).toLocaleString('en-US')} lines/s, peak RSS ${baseline.peakRssMb.toFixed(0)} MB`,
      `  growthlake ingest events:           ${Math.round(ingestRate).toLocaleString('en-US')} events/s, peak RSS ${ingest.peakRssMb.toFixed(0)} MB`,
      `  ratio ingest / baseline: ${(ingestRate / baselineRate).toFixed(2)} (target >= 0.33); peak RSS ${ingest.peakRssMb < 512 ? 'under' : 'OVER'} 512 MB`,
    ].join('\n') + '\n',
  );
}
