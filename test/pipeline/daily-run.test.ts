import { describe, expect, it } from 'vitest';
import { dateRange } from '../../lambdas/contract/dates.ts';
import { trailingWindowDates } from '../../lambdas/pipeline/daily-run.ts';

const EVENT_DATES = dateRange('2026-06-01', '2026-11-21');

describe('trailingWindowDates', () => {
  it('names the new day and the day that left each of the 7/30/60/90/120-day windows for a one-day fold', () => {
    // Assess: R = 2026-11-21 folded onto the state of 2026-11-20
    expect(trailingWindowDates(EVENT_DATES, '2026-11-20', '2026-11-21')).toEqual([
      '2026-07-24', // R - 120
      '2026-08-23', // R - 90
      '2026-09-22', // R - 60
      '2026-10-22', // R - 30
      '2026-11-14', // R - 7
      '2026-11-21', // R
    ]);
  });

  it('names whole runs of days for a fold over several days, and only dates that have events', () => {
    // Act: three late-reached run dates and R, from the state of 2026-11-17; no events before June
    const dates = trailingWindowDates(EVENT_DATES, '2026-11-17', '2026-11-21');

    // Assess
    expect(dates).toEqual([
      ...dateRange('2026-07-21', '2026-07-24'),
      ...dateRange('2026-08-20', '2026-08-23'),
      ...dateRange('2026-09-19', '2026-09-22'),
      ...dateRange('2026-10-19', '2026-10-22'),
      ...dateRange('2026-11-11', '2026-11-14'),
      ...dateRange('2026-11-18', '2026-11-21'),
    ]);
    expect(trailingWindowDates(EVENT_DATES, '2026-09-30', '2026-10-01')).toEqual([
      '2026-06-03', // R - 120
      '2026-07-03',
      '2026-08-02',
      '2026-09-01',
      '2026-09-24',
      '2026-10-01',
    ]);
  });

  it('names every event date up to the last for a build from scratch', () => {
    // Assess
    expect(trailingWindowDates(EVENT_DATES, null, '2026-06-05')).toEqual(
      dateRange('2026-06-01', '2026-06-05'),
    );
  });
});
