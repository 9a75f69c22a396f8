import { GenerateError } from './errors.ts';

/** Seconds in a UTC day. */
export const SECONDS_PER_DAY = 86_400;

const MS_PER_DAY = SECONDS_PER_DAY * 1000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** How a client writes the offset of its timestamps: `Z`, or a numeric offset. */
export interface TimestampZone {
  /** The suffix written after the local time, e.g. `Z` or `+08:00`. */
  readonly suffix: string;
  /** Minutes east of UTC. */
  readonly offsetMinutes: number;
}

/**
 * The days a data set covers: day index 0 is the first day, `days - 1` is `endDate`.
 * Dates are UTC calendar dates.
 */
export class Calendar {
  /** The number of days covered. */
  public readonly days: number;
  readonly #firstEpochDay: number;
  readonly #dates: readonly string[];

  /**
   * @param endDate - the last day, `YYYY-MM-DD`
   * @param days - how many days end on it
   */
  public constructor(endDate: string, days: number) {
    const endMs = Date.parse(`${endDate}T00:00:00Z`);
    if (Number.isNaN(endMs) || new Date(endMs).toISOString().slice(0, 10) !== endDate) {
      throw new GenerateError(`endDate ${endDate} is not a calendar date; give a real YYYY-MM-DD day.`);
    }
    this.days = days;
    this.#firstEpochDay = endMs / MS_PER_DAY - (days - 1);
    this.#dates = Array.from({ length: days }, (_, day) => this.#formatDate(day));
  }

  /** The `YYYY-MM-DD` date of a day index; indexes outside the range are allowed (e.g. a bad row). */
  public dateOf(day: number): string {
    return this.#dates[day] ?? this.#formatDate(day);
  }

  /** The day of the week of a day index: 0 = Sunday ... 6 = Saturday. */
  public weekdayOf(day: number): number {
    return new Date((this.#firstEpochDay + day) * MS_PER_DAY).getUTCDay();
  }

  /**
   * An RFC 3339 timestamp for a moment on a day, written as a client in `zone` writes it:
   * the local wall-clock time followed by the zone's suffix, optionally with milliseconds.
   * Built from cached date strings, as it runs once per event.
   */
  public timestamp(day: number, secondOfDay: number, zone: TimestampZone, millis: number | null): string {
    let local = secondOfDay + zone.offsetMinutes * 60;
    let localDay = day;
    if (local < 0) {
      local += SECONDS_PER_DAY;
      localDay--;
    } else if (local >= SECONDS_PER_DAY) {
      local -= SECONDS_PER_DAY;
      localDay++;
    }
    const hours = TWO_DIGITS[Math.floor(local / 3600)] as string;
    const minutes = TWO_DIGITS[Math.floor(local / 60) % 60] as string;
    const seconds = TWO_DIGITS[local % 60] as string;
    const wallClock = `${this.dateOf(localDay)}T${hours}:${minutes}:${seconds}`;
    return millis === null
      ? wallClock + zone.suffix
      : `${wallClock}.${String(millis).padStart(3, '0')}${zone.suffix}`;
  }

  /** Whether a moment on a day falls on another calendar date in the zone's local time. */
  public crossesDate(secondOfDay: number, zone: TimestampZone): boolean {
    const local = secondOfDay + zone.offsetMinutes * 60;
    return local < 0 || local >= SECONDS_PER_DAY;
  }

  #formatDate(day: number): string {
    return new Date((this.#firstEpochDay + day) * MS_PER_DAY).toISOString().slice(0, 10);
  }
}
