/** The vocabulary of plans (docs/contract.md, Targets and plan_pacing). */
import { z } from 'zod';
import { addDays } from './dates.ts';
import { CHANNELS, decimalNumber } from './inputs.ts';

/** The metrics a target may set: each is summed over dates, in the scope. */
export const TARGET_METRICS = ['signups', 'ftds', 'spend_usd', 'net_revenue_usd', 'gmv_usd'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

/** The columns a targets CSV must have (docs/contract.md, Targets): all four. */
export const TARGET_COLUMNS = ['period', 'scope', 'metric', 'target'] as const;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

/** The first and last day of a month's or quarter's period. */
export interface PeriodDates {
  readonly start: string;
  readonly end: string;
}

/**
 * The dates of a period written `YYYY-MM` or `YYYY-Qn`; null when it is neither (Q1 is January
 * to March, Q4 October to December).
 */
export function periodDates(period: string): PeriodDates | null {
  const month = MONTH.exec(period);
  const quarter = QUARTER.exec(period);
  let year: string;
  let firstMonth: number;
  let months: number;
  if (month !== null) {
    year = month[1] as string;
    firstMonth = Number(month[2]);
    months = 1;
  } else if (quarter !== null) {
    year = quarter[1] as string;
    firstMonth = (Number(quarter[2]) - 1) * 3 + 1;
    months = 3;
  } else return null;
  const start = `${year}-${String(firstMonth).padStart(2, '0')}-01`;
  const next = firstMonth + months;
  const nextStart = next > 12 ? `${Number(year) + 1}-01-01` : `${year}-${String(next).padStart(2, '0')}-01`;
  return { start, end: addDays(nextStart, -1) };
}

/** A scope as the targets name it: everything, a channel's registry partners, or one partner value. */
export interface TargetScope {
  readonly scopeType: 'all' | 'channel' | 'partner';
  /** The channel or the partner id; null for `all`. */
  readonly scopeId: string | null;
}

/**
 * Reads `all`, `channel:<channel>` (a channel of the registry's vocabulary) or
 * `partner:<partner_id>` (any partner value, `organic` and `unattributed` included); null otherwise.
 */
export function parseScope(scope: string): TargetScope | null {
  if (scope === 'all') return { scopeType: 'all', scopeId: null };
  const [type, id, ...rest] = scope.split(':');
  if (rest.length > 0 || id === undefined || id === '' || id.length > 128) return null;
  if (type === 'channel')
    return (CHANNELS as readonly string[]).includes(id) ? { scopeType: 'channel', scopeId: id } : null;
  if (type === 'partner') return { scopeType: 'partner', scopeId: id };
  return null;
}

const required = (what: string) => (issue: { readonly input?: unknown }) =>
  issue.input === undefined ? `${what} is required` : `${what} must be a string`;

/**
 * One row of a targets CSV, with the dates of its period and its scope read apart: the columns of
 * the `targets` table.
 */
export const TargetSchema = z
  .object({
    period: z.string({ error: required('period') }).trim(),
    scope: z.string({ error: required('scope') }).trim(),
    metric: z.string({ error: required('metric') }).trim(),
    target: z.string({ error: required('target') }).trim(),
  })
  .transform((row, context) => {
    const dates = periodDates(row.period);
    if (dates === null) {
      context.addIssue({
        code: 'custom',
        // No field prefix: the message names the period.
        path: [],
        message: `bad period ${JSON.stringify(row.period)} (must be YYYY-MM or YYYY-Qn)`,
      });
      return z.NEVER;
    }
    const scope = parseScope(row.scope);
    if (scope === null) {
      context.addIssue({
        code: 'custom',
        path: ['scope'],
        message: `unknown scope ${JSON.stringify(row.scope)} (must be all, channel:<${CHANNELS.join('|')}> or partner:<partner_id>)`,
      });
      return z.NEVER;
    }
    if (!(TARGET_METRICS as readonly string[]).includes(row.metric)) {
      context.addIssue({
        code: 'custom',
        path: ['metric'],
        message: `unknown metric ${JSON.stringify(row.metric)} (must be one of ${TARGET_METRICS.join(', ')})`,
      });
      return z.NEVER;
    }
    const target = decimalNumber(row.target);
    if (!Number.isFinite(target) || target <= 0) {
      context.addIssue({
        code: 'custom',
        path: ['target'],
        message: `target must be a number above 0, got ${JSON.stringify(row.target)}`,
      });
      return z.NEVER;
    }
    return {
      period: row.period,
      scope: row.scope,
      metric: row.metric,
      target,
      period_start: dates.start,
      period_end: dates.end,
      scope_type: scope.scopeType,
      scope_id: scope.scopeId,
    };
  });
export type Target = z.output<typeof TargetSchema>;
