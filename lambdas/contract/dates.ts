/** UTC calendar-date arithmetic on `YYYY-MM-DD` strings. */

const MS_PER_DAY = 86_400_000;

/**
 * Whether a string is a calendar date written `YYYY-MM-DD` (no 2026-02-30): the rule of
 * `RunDateSchema` (run-config.ts), for callers that must not load zod (the command line's options).
 */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** The date `days` days after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Every date from `from` to `to`, both included, in order. */
export function dateRange(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** The ISO weekday of a date: Monday = 1 ... Sunday = 7. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}
