import { join } from 'node:path';
import type { Calendar } from './calendar.ts';
import { EventOutbox, type EventOutboxStats } from './event-outbox.ts';
import { type JourneyStats, Journeys } from './journeys.ts';
import { GZIP_EVERY_DAYS } from './model.ts';
import type { ProgressCallback } from './options.ts';
import type { PartnerProfile } from './partners.ts';
import { expectedSignups, type HillCurve } from './response-curve.ts';
import { Rng } from './rng.ts';
import type { FileCounts } from './truth.ts';
import { ORGANIC } from './users.ts';
import { writeLineFile } from './writers.ts';

/** What the event simulation needs: who signs up in response to what, and where to write. */
export interface EventFilesInput {
  readonly outDir: string;
  readonly seed: number;
  readonly calendar: Calendar;
  readonly partners: readonly PartnerProfile[];
  readonly curves: readonly HillCurve[];
  /** Per partner, the final spend of each day in USD. */
  readonly dailySpendUsd: readonly Float64Array[];
  /** Expected organic signups of each day. */
  readonly organicDailySignups: Float64Array;
  /** Expected number of good events, for progress reports. */
  readonly expectedEvents: number;
  readonly onProgress?: ProgressCallback | undefined;
  /** Per partner, the FRAUD_BIT flags of the patterns injected into its users. */
  readonly fraudBits: readonly number[];
  /** Sees each day's lines as written, e.g. to derive what a tracker would have exported. */
  readonly onDayLines?: ((lines: readonly string[]) => void) | undefined;
}

/** What was written. */
export interface EventFilesResult {
  /** One per day, in day order. */
  readonly files: readonly FileCounts[];
  readonly users: number;
  /** Per partner, signups of each day. */
  readonly partnerDailySignups: readonly number[][];
  readonly organicDailySignups: readonly number[];
  readonly journeys: JourneyStats;
  readonly outbox: EventOutboxStats;
}

function goodEvents(stats: JourneyStats): number {
  return Object.values(stats.eventsByType).reduce((sum, n) => sum + n, 0);
}

/**
 * Simulates the days in order and writes `events/events-YYYY-MM-DD.jsonl` (some days gzipped
 * as `.jsonl.gz`) for each: the day's signups (Poisson around each partner's response to that
 * day's spend, plus organic), then every active user's events. One day's lines are held in
 * memory at a time, plus the few that arrive on later days.
 */
export async function writeEventFiles(input: EventFilesInput): Promise<EventFilesResult> {
  const { calendar, partners } = input;
  const outbox = new EventOutbox(calendar.days, new Rng(input.seed, 'faults'));
  const journeys = new Journeys(partners, calendar, outbox, new Rng(input.seed, 'journeys'), {
    rng: new Rng(input.seed, 'traffic-quality'),
    fraudBits: input.fraudBits,
  });
  const signupRng = new Rng(input.seed, 'signups');
  const partnerDailySignups = partners.map(() => new Array<number>(calendar.days).fill(0));
  const organicDailySignups = new Array<number>(calendar.days).fill(0);
  const files: FileCounts[] = [];
  for (let day = 0; day < calendar.days; day++) {
    partners.forEach((_, p) => {
      const signups = signupRng.poisson(
        expectedSignups(input.dailySpendUsd[p]?.[day] ?? 0, input.curves[p] as HillCurve),
      );
      (partnerDailySignups[p] as number[])[day] = signups;
      for (let n = 0; n < signups; n++) journeys.enroll(day, p);
    });
    const organic = signupRng.poisson(input.organicDailySignups[day] as number);
    organicDailySignups[day] = organic;
    for (let n = 0; n < organic; n++) journeys.enroll(day, ORGANIC);
    journeys.simulateDay(day);
    const { lines, counts } = outbox.takeDay(day);
    const extension = day % GZIP_EVERY_DAYS === 2 ? 'jsonl.gz' : 'jsonl';
    const path = `events/events-${calendar.dateOf(day)}.${extension}`;
    await writeLineFile(join(input.outDir, path), lines, extension === 'jsonl.gz');
    input.onDayLines?.(lines);
    files.push({ path, ...counts });
    const done = goodEvents(journeys.stats);
    input.onProgress?.(
      done,
      day === calendar.days - 1 ? done : Math.max(done, Math.round(input.expectedEvents)),
    );
  }
  return {
    files,
    users: journeys.users.size,
    partnerDailySignups,
    organicDailySignups,
    journeys: journeys.stats,
    outbox: outbox.stats,
  };
}
