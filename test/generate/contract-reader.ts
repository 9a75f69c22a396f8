import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

/**
 * A small, independent reader of the input formats (docs/contract.md, Inputs), written from the contract's
 * text, so the generator's output is checked against the contract rather than against itself.
 */

const EVENT_TYPES = new Set(['signup', 'kyc_verified', 'deposit', 'withdrawal', 'trade', 'login']);
const MONEY_TYPES = new Set(['deposit', 'withdrawal', 'trade']);
const RFC3339 = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const GENESIS_MS = Date.UTC(2009, 0, 3);

/** A good event as the contract defines it. */
export interface ContractEvent {
  readonly eventId: string;
  readonly type: string;
  readonly userId: string;
  readonly occurredAtMs: number;
  /** The date written in `occurred_at` before conversion to UTC. */
  readonly writtenDate: string;
  readonly hasOffset: boolean;
  readonly partnerId: string | null;
  readonly amountUsd: number | null;
  readonly amountIsString: boolean;
}

/** What ingesting one file must count. */
export interface FileTally {
  rowsRead: number;
  rowsAccepted: number;
  rowsDuplicate: number;
  rowsQuarantined: number;
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= 128;

function amountOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

/** Parses one non-blank line per docs/contract.md, Events; returns null when it must be quarantined. */
export function parseEventLine(line: string): ContractEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const row = value as Record<string, unknown>;
  if (!isId(row.event_id) || !isId(row.user_id) || typeof row.event_type !== 'string') return null;
  if (!EVENT_TYPES.has(row.event_type) || typeof row.occurred_at !== 'string') return null;
  const match = RFC3339.exec(row.occurred_at);
  const occurredAtMs = Date.parse(row.occurred_at);
  if (match === null || Number.isNaN(occurredAtMs) || occurredAtMs < GENESIS_MS) return null;
  let amountUsd: number | null = null;
  if (MONEY_TYPES.has(row.event_type)) {
    amountUsd = amountOf(row.amount_usd);
    if (amountUsd === null) return null;
  }
  if (row.event_type === 'trade') {
    if (row.fee_usd !== undefined && amountOf(row.fee_usd) === null) return null;
    if (row.product !== undefined && row.product !== 'spot' && row.product !== 'futures') return null;
  }
  if (row.platform !== undefined && !['web', 'ios', 'android'].includes(row.platform as string)) return null;
  const partner = row.partner_id;
  return {
    eventId: row.event_id,
    type: row.event_type,
    userId: row.user_id,
    occurredAtMs,
    writtenDate: match[1] as string,
    hasOffset: match[3] !== 'Z',
    partnerId: row.event_type === 'signup' && typeof partner === 'string' && partner !== '' ? partner : null,
    amountUsd,
    amountIsString: typeof row.amount_usd === 'string',
  };
}

/** The lines of an events file, gunzipped when it ends in `.gz`. */
export function eventFileLines(dir: string, path: string): string[] {
  const bytes = readFileSync(join(dir, path));
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return text.split('\n').slice(0, -1);
}

/** Ingests events files in order: per-file tallies and every accepted event, with the date of its file. */
export function ingestEvents(
  dir: string,
  paths: readonly string[],
): { tallies: FileTally[]; events: (ContractEvent & { fileDate: string })[] } {
  const seen = new Set<string>();
  const events: (ContractEvent & { fileDate: string })[] = [];
  const tallies = paths.map((path) => {
    const fileDate = /(\d{4}-\d{2}-\d{2})/.exec(path)?.[1] as string;
    const tally: FileTally = { rowsRead: 0, rowsAccepted: 0, rowsDuplicate: 0, rowsQuarantined: 0 };
    for (const line of eventFileLines(dir, path)) {
      if (line.trim() === '') continue;
      tally.rowsRead++;
      const event = parseEventLine(line);
      if (event === null) tally.rowsQuarantined++;
      else if (seen.has(event.eventId)) tally.rowsDuplicate++;
      else {
        seen.add(event.eventId);
        events.push({ ...event, fileDate });
        tally.rowsAccepted++;
      }
    }
    return tally;
  });
  return { tallies, events };
}

/** Reads a CSV file with a header into records. */
export function readCsv(dir: string, path: string): Record<string, string>[] {
  return parse(readFileSync(join(dir, path)), { columns: true }) as Record<string, string>[];
}

/** The header line of a CSV file. */
export function csvHeader(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8').split('\n')[0] as string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isCalendarDate = (text: string): boolean =>
  ISO_DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);

/**
 * Ingests spend files in order per docs/contract.md, Spend: a later row with the same key replaces an
 * earlier one; non-USD rows convert at that date's FX rate or are quarantined.
 *
 * @returns per-file tallies and the USD spend per `date|partner_id`
 */
export function ingestSpend(
  dir: string,
  paths: readonly string[],
  usdPerUnit: ReadonlyMap<string, number>,
): { tallies: FileTally[]; spendUsd: Map<string, number> } {
  const rowsByKey = new Map<string, { date: string; partnerId: string; usd: number }>();
  const tallies = paths.map((path) => {
    const records = path.endsWith('.jsonl')
      ? readFileSync(join(dir, path), 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : readCsv(dir, path);
    const tally: FileTally = {
      rowsRead: records.length,
      rowsAccepted: 0,
      rowsDuplicate: 0,
      rowsQuarantined: 0,
    };
    for (const record of records) {
      const date = String(record.date);
      const spend = Number(record.spend);
      const currency =
        record.currency === '' || record.currency === undefined ? 'USD' : String(record.currency);
      const rate = currency === 'USD' ? 1 : usdPerUnit.get(`${date}|${currency}`);
      if (!isCalendarDate(date) || !(spend >= 0) || rate === undefined) {
        tally.rowsQuarantined++;
        continue;
      }
      tally.rowsAccepted++;
      const costType =
        record.cost_type === '' || record.cost_type === undefined ? 'flat' : String(record.cost_type);
      const key = [date, record.partner_id, record.campaign_id ?? '', costType].join('|');
      rowsByKey.set(key, { date, partnerId: String(record.partner_id), usd: spend * rate });
    }
    return tally;
  });
  const spendUsd = new Map<string, number>();
  for (const row of rowsByKey.values()) {
    const key = `${row.date}|${row.partnerId}`;
    spendUsd.set(key, (spendUsd.get(key) ?? 0) + row.usd);
  }
  return { tallies, spendUsd };
}
