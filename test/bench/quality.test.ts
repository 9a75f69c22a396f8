import { describe, expect, it } from 'vitest';
import { cleanAboveInjectedAuc } from '../../bench/quality.ts';

describe('the quality bench AUC', () => {
  it('is 1 when every clean partner scores above every injected one, 0 the other way round', () => {
    // Prepare
    const clean = [90, 80];
    const injected = [40, 10, 70];

    // Act
    const perfect = cleanAboveInjectedAuc(clean, injected);
    const inverted = cleanAboveInjectedAuc(injected, clean);

    // Assess: all 2 x 3 pairs ordered one way.
    expect(perfect).toBe(1);
    expect(inverted).toBe(0);
  });

  it('counts a tie as half a pair', () => {
    // Act: pairs (50, 50) tie, (50, 20) win, (30, 50) lose, (30, 20) win: (0.5 + 1 + 0 + 1) / 4.
    const auc = cleanAboveInjectedAuc([50, 30], [50, 20]);

    // Assess
    expect(auc).toBe(0.625);
  });
});
