import { describe, expect, it } from 'vitest';
import { parseScope, periodDates } from '../../lambdas/contract/targets.ts';

describe('periodDates', () => {
  it('spans a month, February of a leap year included', () => {
    // Act
    const months = ['2026-01', '2026-02', '2028-02', '2026-04', '2026-12'].map(periodDates);

    // Assess
    expect(months).toEqual([
      { start: '2026-01-01', end: '2026-01-31' },
      { start: '2026-02-01', end: '2026-02-28' },
      { start: '2028-02-01', end: '2028-02-29' }, // 2028 is a leap year
      { start: '2026-04-01', end: '2026-04-30' },
      { start: '2026-12-01', end: '2026-12-31' },
    ]);
  });

  it('spans a quarter of three months, the fourth ending on December 31', () => {
    // Act
    const quarters = ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'].map(periodDates);

    // Assess: 90, 91, 92 and 92 days
    expect(quarters).toEqual([
      { start: '2026-01-01', end: '2026-03-31' },
      { start: '2026-04-01', end: '2026-06-30' },
      { start: '2026-07-01', end: '2026-09-30' },
      { start: '2026-10-01', end: '2026-12-31' },
    ]);
  });

  it('reads nothing else as a period', () => {
    // Act
    const bad = ['2026-13', '2026-00', '2026-1', '2026-Q0', '2026-Q5', '2026-q1', '2026', '26-01', ''];

    // Assess
    expect(bad.map(periodDates)).toEqual(bad.map(() => null));
  });
});

describe('parseScope', () => {
  it('reads all, a known channel and any partner value', () => {
    // Act
    const scopes = ['all', 'channel:kol', 'partner:kol-a', 'partner:organic'].map(parseScope);

    // Assess
    expect(scopes).toEqual([
      { scopeType: 'all', scopeId: null },
      { scopeType: 'channel', scopeId: 'kol' },
      { scopeType: 'partner', scopeId: 'kol-a' },
      { scopeType: 'partner', scopeId: 'organic' },
    ]);
  });

  it('refuses an unknown channel, an empty id, another prefix or a second colon', () => {
    // Act
    const bad = ['channel:tv', 'channel:', 'partner:', 'team:growth', 'partner:a:b', 'All', ''];

    // Assess
    expect(bad.map(parseScope)).toEqual(bad.map(() => null));
  });
});
