import { SECONDS_PER_DAY } from './calendar.ts';
import type { EventRecord } from './event-record.ts';
import {
  BAD_EVENT_ROW_SHARE,
  BLANK_LINE_FILE_SHARE,
  DUPLICATE_EVENT_SHARE,
  EXTRA_FIELD_SHARE,
  LATE_EVENT_SHARE,
  NUMERIC_STRING_AMOUNT_SHARE,
} from './model.ts';
import type { Rng } from './rng.ts';
import type { FileCounts } from './truth.ts';

/** The kinds of malformed event line planted, each of which an ingest must quarantine. */
export const BAD_EVENT_KINDS = [
  'not_json',
  'missing_event_id',
  'unknown_event_type',
  'timestamp_without_offset',
  'timestamp_before_2009',
  'negative_amount',
  'non_numeric_amount',
  'missing_amount',
] as const;
export type BadEventKind = (typeof BAD_EVENT_KINDS)[number];

/** What an ingest of one events file must report (blank lines are not rows). */
export type EventFileCounts = Omit<FileCounts, 'path'>;

/** Tallies over every events file. */
export interface EventOutboxStats {
  /** Duplicates in the same file as the original. */
  sameFileDuplicates: number;
  /** Duplicates in a later file than the original. */
  laterFileDuplicates: number;
  /** Duplicates whose content differs from the original's (same event_id). */
  changedDuplicates: number;
  lateEvents: number;
  numericStringAmounts: number;
  extraFields: number;
  blankLines: number;
  readonly badRowsByKind: Record<BadEventKind, number>;
}

/** How many days late an event may arrive, and a resend may follow its original. */
const MAX_DELAY_DAYS = 3;
const UNKNOWN_EVENT_TYPES: readonly string[] = ['page_view', 'Trade', 'referral_click'];
const NON_NUMERIC_AMOUNTS: readonly string[] = ['NaN', 'n/a', 'undefined'];
const MONEY_TYPES = new Set(['deposit', 'withdrawal', 'trade']);
/** A line that is not a JSON object, in turn: a truncated line, a proxy's error page, a JSON array. */
function notJsonObject(line: string, turn: number, rng: Rng): string {
  switch (turn % 3) {
    case 0:
      return line.slice(0, Math.max(1, Math.floor(line.length * rng.between(0.3, 0.9))));
    case 1:
      return '<html><body><h1>502 Bad Gateway</h1></body></html>';
    default:
      return `[${line}]`;
  }
}

/** Sort keys pack `second * 2^26 + arrival`: 2^17 seconds and 2^26 lines per file fit a double exactly. */
const ARRIVAL_BITS = 2 ** 26;

/** The lines of one events file, kept with the second they sort at. */
class FileBuffer {
  readonly #keys: number[] = [];
  readonly #lines: string[] = [];
  accepted = 0;
  duplicate = 0;
  quarantined = 0;

  public add(second: number, line: string): void {
    this.#keys.push(second * ARRIVAL_BITS + this.#lines.length);
    this.#lines.push(line);
  }

  /** The lines in time order; lines of the same second keep their arrival order. */
  public sorted(): string[] {
    const keys = Float64Array.from(this.#keys).sort();
    const lines = new Array<string>(keys.length);
    for (let i = 0; i < keys.length; i++)
      lines[i] = this.#lines[(keys[i] as number) % ARRIVAL_BITS] as string;
    return lines;
  }
}

/**
 * Turns the clean events of the simulation into the dirty files an exchange really sends:
 * some events arrive one to three days late (in a later day's file), some are re-sent (the same
 * event_id, in the same or a later file, sometimes with different content), some amounts are
 * written as numeric strings, some events carry an unknown extra field, a few files hold a blank
 * line, and beside a few events sits a malformed row. Only good events are delayed or re-sent,
 * and a re-send always comes after its original, so what an ingest must count is exact.
 */
export class EventOutbox {
  /** Running tallies for the ground truth. */
  public readonly stats: EventOutboxStats = {
    sameFileDuplicates: 0,
    laterFileDuplicates: 0,
    changedDuplicates: 0,
    lateEvents: 0,
    numericStringAmounts: 0,
    extraFields: 0,
    blankLines: 0,
    badRowsByKind: Object.fromEntries(BAD_EVENT_KINDS.map((kind) => [kind, 0])) as Record<
      BadEventKind,
      number
    >,
  };
  readonly #lastDay: number;
  readonly #rng: Rng;
  readonly #files = new Map<number, FileBuffer>();
  #nextEventNumber = 1;
  #badRows = 0;

  /**
   * @param days - how many daily files there are; nothing is delayed past the last
   */
  public constructor(days: number, rng: Rng) {
    this.#lastDay = days - 1;
    this.#rng = rng;
  }

  /** A fresh event id; ids are never reused, so any repeat is a deliberate duplicate. */
  public nextEventId(): string {
    return `evt_${(this.#nextEventNumber++).toString(36).padStart(8, '0')}`;
  }

  /** Sends a good event that occurred on `day` at `second` (UTC). */
  public send(day: number, second: number, record: EventRecord): void {
    const rng = this.#rng;
    const sent = this.#dress(record);
    const line = JSON.stringify(sent);
    const draw = rng.uniform();
    if (draw < LATE_EVENT_SHARE && day < this.#lastDay) {
      const file = this.#file(Math.min(this.#lastDay, day + rng.int(1, MAX_DELAY_DAYS)));
      file.add(rng.int(0, SECONDS_PER_DAY - 1), line);
      file.accepted++;
      this.stats.lateEvents++;
      return;
    }
    const today = this.#file(day);
    today.add(second, line);
    today.accepted++;
    const resend = draw - LATE_EVENT_SHARE;
    if (resend >= 0 && resend < DUPLICATE_EVENT_SHARE) this.#resend(day, second, sent, line);
    const bad = resend - DUPLICATE_EVENT_SHARE;
    if (bad >= 0 && bad < BAD_EVENT_ROW_SHARE) this.#plantBadRow(day, sent);
  }

  /** Takes the lines of a day's file, in time order, and what an ingest must count for it. */
  public takeDay(day: number): { lines: string[]; counts: EventFileCounts } {
    const file = this.#file(day);
    this.#files.delete(day);
    const lines = file.sorted();
    let blankLines = 0;
    if (this.#rng.chance(BLANK_LINE_FILE_SHARE)) {
      lines.splice(this.#rng.int(0, lines.length), 0, '');
      blankLines = 1;
      this.stats.blankLines++;
    }
    const counts: EventFileCounts = {
      rowsRead: lines.length - blankLines,
      rowsAccepted: file.accepted,
      rowsDuplicate: file.duplicate,
      rowsQuarantined: file.quarantined,
    };
    return { lines, counts };
  }

  #file(day: number): FileBuffer {
    let file = this.#files.get(day);
    if (file === undefined) {
      file = new FileBuffer();
      this.#files.set(day, file);
    }
    return file;
  }

  /** The valid quirks of real clients: amounts as numeric strings, unknown extra fields. */
  #dress(record: EventRecord): EventRecord {
    const rng = this.#rng;
    let dressed = record;
    if (typeof record.amount_usd === 'number' && rng.chance(NUMERIC_STRING_AMOUNT_SHARE)) {
      dressed = { ...dressed, amount_usd: record.amount_usd.toFixed(2) };
      this.stats.numericStringAmounts++;
    }
    if (rng.chance(EXTRA_FIELD_SHARE)) {
      dressed = { ...dressed, app_version: `5.${rng.int(0, 9)}.${rng.int(0, 20)}` };
      this.stats.extraFields++;
    }
    return dressed;
  }

  /** Re-sends an event: in the same file as-is, or in a later file, then half the time changed. */
  #resend(day: number, second: number, record: EventRecord, line: string): void {
    const rng = this.#rng;
    const target = Math.min(this.#lastDay, day + rng.int(0, MAX_DELAY_DAYS));
    const file = this.#file(target);
    file.duplicate++;
    if (target === day) {
      file.add(second, line);
      this.stats.sameFileDuplicates++;
      return;
    }
    this.stats.laterFileDuplicates++;
    let resent = line;
    if (rng.chance(0.5)) {
      const amount = Number(record.amount_usd);
      const changed: EventRecord = { ...record, app_version: 'resend' };
      if (record.amount_usd !== undefined)
        changed.amount_usd = Math.round(amount * rng.between(98, 102)) / 100;
      resent = JSON.stringify(changed);
      this.stats.changedDuplicates++;
    }
    file.add(rng.int(0, SECONDS_PER_DAY - 1), resent);
  }

  /** Plants a malformed row, modelled on a good event but with a fresh id; kinds take turns. */
  #plantBadRow(day: number, record: EventRecord): void {
    const rng = this.#rng;
    const kind = BAD_EVENT_KINDS[this.#badRows++ % BAD_EVENT_KINDS.length] as BadEventKind;
    const fresh: EventRecord = { ...record, event_id: this.nextEventId() };
    const money: EventRecord = MONEY_TYPES.has(record.event_type)
      ? fresh
      : { ...fresh, event_type: 'deposit', amount_usd: Math.round(rng.between(10, 500) * 100) / 100 };
    let line: string;
    switch (kind) {
      case 'not_json':
        line = notJsonObject(JSON.stringify(fresh), this.stats.badRowsByKind.not_json, rng);
        break;
      case 'missing_event_id': {
        const { event_id: _, ...rest } = fresh;
        line = JSON.stringify(rest);
        break;
      }
      case 'unknown_event_type':
        line = JSON.stringify({ ...fresh, event_type: rng.pick(UNKNOWN_EVENT_TYPES) });
        break;
      case 'timestamp_without_offset':
        line = JSON.stringify({ ...fresh, occurred_at: record.occurred_at.slice(0, 19) });
        break;
      case 'timestamp_before_2009':
        line = JSON.stringify({ ...fresh, occurred_at: '1970-01-01T00:00:00Z' });
        break;
      case 'negative_amount':
        line = JSON.stringify({ ...money, amount_usd: -Math.abs(Number(money.amount_usd)) });
        break;
      case 'non_numeric_amount':
        line = JSON.stringify({ ...money, amount_usd: rng.pick(NON_NUMERIC_AMOUNTS) });
        break;
      case 'missing_amount': {
        const { amount_usd: _, ...rest } = money;
        line = JSON.stringify(rest);
        break;
      }
    }
    this.stats.badRowsByKind[kind]++;
    const file = this.#file(day);
    file.add(rng.int(0, SECONDS_PER_DAY - 1), line);
    file.quarantined++;
  }
}
