import { describe, expect, it } from 'vitest';
import { dateRange } from '../../lambdas/contract/dates.ts';
import { leavingWindowDates } from '../../lambdas/pipeline/transform.ts';

const EVENT_DATES = dateRange('2026-06-01', '2026-11-21');

describe('leavingWindowDates', () => {
  it('names the day that left each of the 7/30/60/90/120-day windows for a one-day fold', () => {
    // Assess: R = 2026-11-21 folded onto the state of 2026-11-20
    expect(leavingWindowDates(EVENT_DATES, '2026-11-20', '2026-11-21')).toEqual([
      '2026-07-24', // R - 120
      '2026-08-23', // R - 90
      '2026-09-22', // R - 60
      '2026-10-22', // R - 30
      '2026-11-14', // R - 7
    ]);
  });

  it('names whole runs of days for a fold over several days, and only dates that have events', () => {
    // Act: three late-reached run dates and R, from the state of 2026-11-17; no events before June
    const dates = leavingWindowDates(EVENT_DATES, '2026-11-17', '2026-11-21');

    // Assess
    expect(dates).toEqual([
      ...dateRange('2026-07-21', '2026-07-24'),
      ...dateRange('2026-08-20', '2026-08-23'),
      ...dateRange('2026-09-19', '2026-09-22'),
      ...dateRange('2026-10-19', '2026-10-22'),
      ...dateRange('2026-11-11', '2026-11-14'),
    ]);
    expect(leavingWindowDates(EVENT_DATES, '2026-09-30', '2026-10-01')).toEqual([
      '2026-06-03', // R - 120
      '2026-07-03',
      '2026-08-02',
      '2026-09-01',
      '2026-09-24', // R - 7
    ]);
  });

  it('names every event date at least 7 days before the last for a build from scratch', () => {
    // Assess
    expect(leavingWindowDates(EVENT_DATES, null, '2026-06-12')).toEqual(
      dateRange('2026-06-01', '2026-06-05'),
    );
    expect(leavingWindowDates(EVENT_DATES, null, '2026-06-05')).toEqual([]);
  });

  it('overlaps the days a fold adds when it spans more than a week', () => {
    // Assess: a fold of ten days adds 11-12 to 11-21; the first three of those left the 7-day window
    expect(
      leavingWindowDates(EVENT_DATES, '2026-11-11', '2026-11-21').filter((d) => d > '2026-11-11'),
    ).toEqual(dateRange('2026-11-12', '2026-11-14'));
  });
});
