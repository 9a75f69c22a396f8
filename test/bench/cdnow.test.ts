import { describe, expect, it } from 'vitest';
import {
  CDNOW_PARTNERS_CSV,
  CDNOW_SHIFT_DAYS,
  cdnowCohortRevenue,
  cdnowEvents,
  parseCdnowLog,
} from '../../bench/cdnow.ts';
import { addDays, isoWeekday } from '../../lambdas/contract/dates.ts';

/** The first six lines of CDNOW_sample.txt as distributed (CRLF), customers 00004 and 00021. */
const HEAD = [
  ' 00004 0001 19970101  2   29.33',
  ' 00004 0001 19970118  2   29.73',
  ' 00004 0001 19970802  1   14.96',
  ' 00004 0001 19971212  2   26.48',
  ' 00021 0002 19970101  3   63.34',
  ' 00021 0002 19970113  1   11.77',
].join('\r\n');

describe('the CDNOW log as platform events', () => {
  it('shifts dates by 1,461 weeks: same weekday, same month and day, 28 years on', () => {
    // Assess: 1,461 * 7 = 10,227 days = 28 * 365 + 7 leap days (2000 to 2024).
    expect(CDNOW_SHIFT_DAYS).toBe(10_227);
    expect(addDays('1997-09-30', CDNOW_SHIFT_DAYS)).toBe('2025-09-30');
    expect(addDays('1997-01-01', CDNOW_SHIFT_DAYS)).toBe('2025-01-01');
    expect(isoWeekday('2025-01-01')).toBe(isoWeekday('1997-01-01')); // both Wednesdays (3)
  });

  it("turns customer 00004's four purchases into a signup and four trades whose fee is the amount", () => {
    // Act
    const events = cdnowEvents(parseCdnowLog(HEAD)).filter((e) => e.user_id === 'cdnow-00004');

    // Assess: signup at the first purchase (1997-01-01 -> 2025-01-01); each trade's fee equals its
    // amount, so with the partner's revenue share of 0 the net revenue is 29.33 + 29.73 + 14.96 + 26.48.
    expect(events).toEqual([
      {
        event_id: 'cdnow-00004-signup',
        event_type: 'signup',
        user_id: 'cdnow-00004',
        occurred_at: '2025-01-01T00:00:00Z',
        partner_id: 'cdnow',
      },
      ...[
        ['2025-01-01', 29.33],
        ['2025-01-18', 29.73],
        ['2025-08-02', 14.96],
        ['2025-12-12', 26.48],
      ].map(([date, usd]) => ({
        event_id: `cdnow-00004-${date}-1`,
        event_type: 'trade',
        user_id: 'cdnow-00004',
        occurred_at: `${date}T12:00:00Z`,
        amount_usd: usd,
        fee_usd: usd,
        product: 'spot',
      })),
    ]);
    expect(CDNOW_PARTNERS_CSV.split('\n')[1]).toBe('cdnow,CDNOW,other,,0,active,,');
  });

  it('keeps two orders of one day as two trades', () => {
    // Act
    const events = cdnowEvents(
      parseCdnowLog(' 00007 0009 19970105  1   10.00\n 00007 0009 19970105  2   5.50\n'),
    );

    // Assess
    expect(events.map((e) => [e.event_id, e.fee_usd])).toEqual([
      ['cdnow-00007-signup', undefined],
      ['cdnow-00007-2025-01-05-1', 10],
      ['cdnow-00007-2025-01-05-2', 5.5],
    ]);
  });

  it('sums a cohort to an age: the 1997-01-01 cohort to day 272 (1997-09-30) and to day 365', () => {
    // Act
    const purchases = parseCdnowLog(HEAD);
    const toRunDate = cdnowCohortRevenue(purchases, () => 272).get('1997-01-01');
    const toYear = cdnowCohortRevenue(purchases, () => 365).get('1997-01-01');

    // Assess: 00004's 1997-12-12 purchase is at age 345, after 272 and before 365.
    // To day 272: 29.33 + 29.73 + 14.96 + 63.34 + 11.77 = 149.13; to day 365: + 26.48 = 175.61.
    expect(toRunDate?.customers).toBe(2);
    expect(toRunDate?.revenueUsd).toBeCloseTo(149.13, 9);
    expect(toYear?.revenueUsd).toBeCloseTo(175.61, 9);
  });

  it('refuses a line without the five fields', () => {
    // Assess
    expect(() => parseCdnowLog(' 00004 0001 1997-01-01 2 29.33')).toThrow(/line 1/);
  });
});
