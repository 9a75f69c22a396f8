import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../../lambdas/contract/dates.ts';
import { RunDateSchema } from '../../lambdas/contract/run-config.ts';

describe('isIsoDate', () => {
  it('takes calendar dates and refuses the rest', () => {
    expect(isIsoDate('2026-11-21')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true); // 2024 is a leap year
    expect(isIsoDate('2026-02-29')).toBe(false); // 2026 is not
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
    expect(isIsoDate('2026-11-21T00:00:00Z')).toBe(false);
    expect(isIsoDate(' 2026-11-21')).toBe(false);
  });

  it('agrees with RunDateSchema, the rule the configuration and the Lambda events use', () => {
    const digits = (n: number) =>
      fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
    const nearDates = fc
      .tuple(digits(4), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.oneof(nearDates, fc.string({ maxLength: 12 })), (text) => {
        expect(isIsoDate(text)).toBe(RunDateSchema.safeParse(text).success);
      }),
      { numRuns: 20_000 },
    );
  });
});
