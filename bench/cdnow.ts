/**
 * The CDNOW transaction log (Fader & Hardie's 2,357-customer sample: every purchase of the customers
 * whose first purchase was in the first quarter of 1997, to 1998-06-30) as the platform events of
 * the contract, so that the value models can be judged on a real buying process as a new user of
 * growthlake would run them: each customer signs up at their first purchase, each purchase is a
 * trade whose fee is its amount, and the partner they come from takes no revenue share, so that a
 * customer's net revenue is what they spent.
 */

import { addDays } from '../lambdas/contract/dates.ts';

/**
 * Days the log is shifted by: 1,461 weeks, which is also 28 calendar years (no century year
 * without a leap day lies between), so each date keeps its weekday and its month and day:
 * 1997-09-30 becomes 2025-09-30, after the contract's earliest date (2009-01-03).
 */
export const CDNOW_SHIFT_DAYS = 1461 * 7;

/** The partner every customer is attributed to; the registry gives it a revenue share of 0. */
export const CDNOW_PARTNER_ID = 'cdnow';

/** One line of the log: a customer's purchases of one order. */
export interface CdnowPurchase {
  readonly customerId: string;
  /** The purchase date, YYYY-MM-DD, unshifted. */
  readonly date: string;
  readonly quantity: number;
  readonly amountUsd: number;
}

/**
 * Parses the log: whitespace-separated customer id, sample id, date YYYYMMDD, quantity and amount
 * in USD, one purchase a line (CRLF or LF); blank lines are skipped.
 *
 * @throws Error on a line that does not have those five fields
 */
export function parseCdnowLog(text: string): CdnowPurchase[] {
  const purchases: CdnowPurchase[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = line.trim().split(/\s+/);
    const [customerId, , yyyymmdd, quantity, amount] = fields;
    if (
      fields.length !== 5 ||
      customerId === undefined ||
      yyyymmdd === undefined ||
      !/^\d{8}$/.test(yyyymmdd) ||
      !Number.isFinite(Number(quantity)) ||
      !Number.isFinite(Number(amount))
    ) {
      throw new Error(
        `CDNOW log line ${index + 1} is not "customer sample YYYYMMDD quantity amount": ${line}`,
      );
    }
    purchases.push({
      customerId,
      date: `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`,
      quantity: Number(quantity),
      amountUsd: Number(amount),
    });
  });
  return purchases;
}

/** A platform event (docs/contract.md, Platform events) of the converted log. */
export interface CdnowEvent {
  readonly event_id: string;
  readonly event_type: 'signup' | 'trade';
  readonly user_id: string;
  readonly occurred_at: string;
  readonly partner_id?: string;
  readonly amount_usd?: number;
  readonly fee_usd?: number;
  readonly product?: 'spot';
}

/**
 * The log as platform events, dates shifted by `shiftDays`: per customer a `signup` at 00:00 UTC
 * of their first purchase date (attributed to CDNOW_PARTNER_ID), and per purchase a spot `trade` at
 * 12:00 UTC whose notional and fee are both the amount, so that growthlake's net revenue of the
 * customer (fee times one minus a revenue share of 0) is what they spent. Event ids name the
 * customer, the shifted date and the purchase's rank on that date, so a customer's two orders of
 * one day are two trades.
 */
export function cdnowEvents(
  purchases: readonly CdnowPurchase[],
  shiftDays: number = CDNOW_SHIFT_DAYS,
): CdnowEvent[] {
  const firstDate = new Map<string, string>();
  for (const p of purchases) {
    const first = firstDate.get(p.customerId);
    if (first === undefined || p.date < first) firstDate.set(p.customerId, p.date);
  }
  const events: CdnowEvent[] = [];
  for (const [customerId, date] of firstDate) {
    events.push({
      event_id: `cdnow-${customerId}-signup`,
      event_type: 'signup',
      user_id: `cdnow-${customerId}`,
      occurred_at: `${addDays(date, shiftDays)}T00:00:00Z`,
      partner_id: CDNOW_PARTNER_ID,
    });
  }
  const rank = new Map<string, number>();
  for (const p of purchases) {
    const date = addDays(p.date, shiftDays);
    const key = `${p.customerId}|${date}`;
    const n = (rank.get(key) ?? 0) + 1;
    rank.set(key, n);
    events.push({
      event_id: `cdnow-${p.customerId}-${date}-${n}`,
      event_type: 'trade',
      user_id: `cdnow-${p.customerId}`,
      occurred_at: `${date}T12:00:00Z`,
      amount_usd: p.amountUsd,
      fee_usd: p.amountUsd,
      product: 'spot',
    });
  }
  return events;
}

/** The partner registry of the converted log: one partner, no revenue share. */
export const CDNOW_PARTNERS_CSV = `partner_id,name,channel,network,revshare_rate,status,min_daily_budget_usd,max_daily_budget_usd
${CDNOW_PARTNER_ID},CDNOW,other,,0,active,,
`;

/** Each cohort's (first purchase date's) customers and revenue at age <= `age` (days), unshifted dates. */
export function cdnowCohortRevenue(
  purchases: readonly CdnowPurchase[],
  maxAgeDays: (cohortDate: string) => number,
): Map<string, { customers: number; revenueUsd: number }> {
  const firstDate = new Map<string, string>();
  for (const p of purchases) {
    const first = firstDate.get(p.customerId);
    if (first === undefined || p.date < first) firstDate.set(p.customerId, p.date);
  }
  const cohorts = new Map<string, { customers: number; revenueUsd: number }>();
  for (const date of firstDate.values()) {
    const cohort = cohorts.get(date) ?? { customers: 0, revenueUsd: 0 };
    cohort.customers += 1;
    cohorts.set(date, cohort);
  }
  for (const p of purchases) {
    const cohortDate = firstDate.get(p.customerId) as string;
    const age = Math.round((Date.parse(p.date) - Date.parse(cohortDate)) / 86_400_000);
    if (age <= maxAgeDays(cohortDate))
      (cohorts.get(cohortDate) as { revenueUsd: number }).revenueUsd += p.amountUsd;
  }
  return cohorts;
}
