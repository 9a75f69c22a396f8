import { describe, expect, it } from 'vitest';
import { Rng } from '../../lambdas/generate/rng.ts';

const DRAWS = 40_000;

function moments(draw: () => number): { mean: number; variance: number; median: number } {
  const values = Array.from({ length: DRAWS }, draw).sort((a, b) => a - b);
  const mean = values.reduce((sum, v) => sum + v, 0) / DRAWS;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (DRAWS - 1);
  return { mean, variance, median: values[DRAWS / 2] as number };
}

describe('Rng', () => {
  it('repeats a stream for the same seed and name, and differs across seeds and names', () => {
    // Prepare
    const sequence = (seed: number, stream: string) => {
      const rng = new Rng(seed, stream);
      return Array.from({ length: 8 }, () => rng.uniform());
    };

    // Assess
    expect(sequence(1, 'spend')).toEqual(sequence(1, 'spend'));
    expect(sequence(1, 'spend')).not.toEqual(sequence(2, 'spend'));
    expect(sequence(1, 'spend')).not.toEqual(sequence(1, 'events'));
    expect(sequence(1, 'spend').every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('draws uniform, integer and normal values with the right moments', () => {
    // Prepare
    const rng = new Rng(3, 'test');

    // Act
    const uniform = moments(() => rng.uniform());
    const normal = moments(() => rng.normal());
    const ints = Array.from({ length: DRAWS }, () => rng.int(1, 6));

    // Assess
    expect(uniform.mean).toBeCloseTo(0.5, 2);
    expect(uniform.variance).toBeCloseTo(1 / 12, 2);
    expect(normal.mean).toBeCloseTo(0, 1);
    expect(normal.variance).toBeCloseTo(1, 1);
    expect(new Set(ints)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });

  it.each([0.7, 4, 30, 400])('draws Poisson(%d) with mean and variance lambda', (lambda) => {
    // Prepare
    const rng = new Rng(5, 'poisson');

    // Act
    const { mean, variance } = moments(() => rng.poisson(lambda));

    // Assess
    expect(Math.abs(mean - lambda) / lambda).toBeLessThan(0.02);
    expect(Math.abs(variance - lambda) / lambda).toBeLessThan(0.05);
  });

  it('draws gamma, beta, lognormal and geometric values with their textbook moments', () => {
    // Prepare
    const rng = new Rng(9, 'shapes');

    // Act
    const gamma = moments(() => rng.gamma(1.2, 2.5));
    const smallShape = moments(() => rng.gamma(0.5, 2));
    const beta = moments(() => rng.beta(2, 3));
    const lognormal = moments(() => rng.lognormal(Math.log(400), 1.1));
    const geometric = moments(() => rng.geometric(0.25));

    // Assess
    expect(gamma.mean).toBeCloseTo(3, 1);
    expect(gamma.variance / (1.2 * 2.5 * 2.5)).toBeCloseTo(1, 1);
    expect(smallShape.mean).toBeCloseTo(1, 1);
    expect(beta.mean).toBeCloseTo(0.4, 2);
    expect(lognormal.median / 400).toBeCloseTo(1, 1);
    expect(geometric.mean).toBeCloseTo(3, 1);
    expect(rng.geometric(0)).toBe(Number.POSITIVE_INFINITY);
    expect(rng.poisson(0)).toBe(0);
  });
});
