import { describe, expect, it } from 'vitest';
import { minimizeNelderMead } from '../../lambdas/recommend/nelder-mead.ts';

const rosenbrock = (x: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const xi = x[i] as number;
    sum += 100 * ((x[i + 1] as number) - xi * xi) ** 2 + (1 - xi) ** 2;
  }
  return sum;
};

describe('minimizeNelderMead', () => {
  it('finds the minimum of the 2-D Rosenbrock function from the classic start (-1.2, 1)', () => {
    // Prepare
    const start = [-1.2, 1];

    // Act
    const result = minimizeNelderMead(rosenbrock, start);

    // Assess
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('finds the minimum of the 4-D Rosenbrock function, where plain coefficients stall', () => {
    // Prepare
    const start = [-1.2, 1, -1.2, 1];

    // Act
    const result = minimizeNelderMead(rosenbrock, start, { maxEvaluations: 20_000 });

    // Assess
    for (const xi of result.x) expect(xi).toBeCloseTo(1, 5);
  });

  it('minimizes a shifted quadratic exactly where it is lowest', () => {
    // Prepare
    const bowl = (p: ArrayLike<number>) => ((p[0] as number) - 3) ** 2 + 10 * ((p[1] as number) + 2) ** 2 + 7;

    // Act
    const result = minimizeNelderMead(bowl, [0, 0]);

    // Assess
    expect(result.x[0]).toBeCloseTo(3, 7);
    expect(result.x[1]).toBeCloseTo(-2, 7);
    expect(result.value).toBeCloseTo(7, 12);
  });

  it('treats NaN as +Infinity, so an objective can refuse a region', () => {
    // Prepare: undefined for x < 0, minimum at x = 0.5
    const objective = (p: ArrayLike<number>) => {
      const x = p[0] as number;
      return x < 0 ? Number.NaN : (x - 0.5) ** 2;
    };

    // Act
    const result = minimizeNelderMead(objective, [2], { initialStep: 5 });

    // Assess
    expect(result.x[0]).toBeCloseTo(0.5, 7);
  });

  it('stops at the evaluation budget and says it did not converge', () => {
    // Prepare
    const start = [-1.2, 1];

    // Act
    const result = minimizeNelderMead(rosenbrock, start, { maxEvaluations: 30 });

    // Assess
    expect(result.converged).toBe(false);
    expect(result.evaluations).toBeLessThanOrEqual(32);
  });

  it('returns the best point it evaluated, though it hands the objective reused buffers', () => {
    // Prepare: keep a copy of every point the objective sees, with its value; stop mid-search
    const seen: { x: number[]; value: number }[] = [];
    const recorded = (x: ArrayLike<number>) => {
      const value = rosenbrock(x);
      seen.push({ x: Array.from(x), value });
      return value;
    };

    // Act
    const result = minimizeNelderMead(recorded, [-1.2, 1], { maxEvaluations: 30 });

    // Assess
    const best = seen.reduce((a, b) => (b.value < a.value ? b : a));
    expect(result.evaluations).toBe(seen.length);
    expect(result.value).toBe(best.value);
    expect(result.x).toEqual(best.x);
  });
});
