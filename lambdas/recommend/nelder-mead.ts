/** Options of {@link minimizeNelderMead}. */
export interface NelderMeadOptions {
  /**
   * Edge length of the starting simplex along each axis, one number for all axes or one per axis.
   * @default - 0.1 × max(1, |x0_i|) per axis
   */
  readonly initialStep?: number | readonly number[];
  /**
   * The run stops when the simplex's function values differ by at most this, relative to max(1, |best|).
   * @default 1e-12
   */
  readonly functionTolerance?: number;
  /**
   * ... and its vertices lie within this distance of the best one on every axis, relative to max(1, |x_i|).
   * @default 1e-9
   */
  readonly pointTolerance?: number;
  /**
   * Budget of objective evaluations across all restarts.
   * @default 2000 × dimension
   */
  readonly maxEvaluations?: number;
  /**
   * How many times a converged run is restarted from a fresh simplex around its best point. A
   * restart that improves the value by less than the function tolerance ends the search early.
   * @default 3
   */
  readonly restarts?: number;
}

/** The outcome of {@link minimizeNelderMead}. */
export interface NelderMeadResult {
  /** The best point found. */
  readonly x: number[];
  /** The objective at `x`. */
  readonly value: number;
  /** Objective evaluations spent. */
  readonly evaluations: number;
  /** Whether the last run met both tolerances before the evaluation budget ran out. */
  readonly converged: boolean;
}

interface Vertex {
  x: number[];
  value: number;
}

/**
 * Minimizes `objective` by the Nelder-Mead simplex method with the dimension-adaptive coefficients of
 * Gao & Han (2012), which keep the method effective beyond two or three dimensions, restarting from a
 * fresh simplex after each convergence because a simplex can collapse before reaching a minimum.
 * A non-finite objective value counts as +Infinity, so the objective may refuse points by returning NaN.
 */
export function minimizeNelderMead(
  objective: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  const functionTolerance = options.functionTolerance ?? 1e-12;
  const pointTolerance = options.pointTolerance ?? 1e-9;
  const maxEvaluations = options.maxEvaluations ?? 2000 * Math.max(n, 1);
  const restarts = options.restarts ?? 3;
  const steps = x0.map((xi, i) => {
    const step = options.initialStep;
    if (typeof step === 'number') return step;
    return step?.[i] ?? 0.1 * Math.max(1, Math.abs(xi));
  });

  let evaluations = 0;
  const evaluate = (x: number[]): Vertex => {
    evaluations++;
    const value = objective(x);
    return { x, value: Number.isFinite(value) ? value : Number.POSITIVE_INFINITY };
  };

  let best = evaluate([...x0]);
  if (n === 0) return { x: best.x, value: best.value, evaluations, converged: true };

  const reflect = 1;
  const expand = 1 + 2 / n;
  const contract = 0.75 - 1 / (2 * n);
  const shrink = 1 - 1 / n;
  const toward = (from: number[], to: number[], t: number): number[] =>
    from.map((f, i) => f + t * ((to[i] as number) - f));

  let converged = false;
  for (let run = 0; run <= restarts && evaluations < maxEvaluations; run++) {
    const startValue = best.value;
    const simplex: Vertex[] = [best];
    for (let i = 0; i < n; i++) {
      const x = [...best.x];
      x[i] = (x[i] as number) + (steps[i] as number);
      simplex.push(evaluate(x));
    }
    converged = false;
    while (evaluations < maxEvaluations) {
      simplex.sort((p, q) => p.value - q.value);
      const lowest = simplex[0] as Vertex;
      const highest = simplex[n] as Vertex;
      if (hasConverged(simplex, functionTolerance, pointTolerance)) {
        converged = true;
        break;
      }
      const centroid = new Array<number>(n).fill(0);
      for (let v = 0; v < n; v++) {
        const vx = (simplex[v] as Vertex).x;
        for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (vx[i] as number) / n;
      }
      const secondHighest = simplex[n - 1] as Vertex;
      const reflected = evaluate(toward(centroid, highest.x, -reflect));
      if (reflected.value < lowest.value) {
        const expanded = evaluate(toward(centroid, highest.x, -expand));
        simplex[n] = expanded.value < reflected.value ? expanded : reflected;
        continue;
      }
      if (reflected.value < secondHighest.value) {
        simplex[n] = reflected;
        continue;
      }
      const outside = reflected.value < highest.value;
      const contracted = evaluate(toward(centroid, highest.x, outside ? -contract * reflect : contract));
      if (contracted.value < (outside ? reflected.value : highest.value)) {
        simplex[n] = contracted;
        continue;
      }
      for (let v = 1; v <= n; v++) simplex[v] = evaluate(toward(lowest.x, (simplex[v] as Vertex).x, shrink));
    }
    simplex.sort((p, q) => p.value - q.value);
    best = simplex[0] as Vertex;
    const improvement = startValue - best.value;
    if (run > 0 && converged && improvement <= functionTolerance * Math.max(1, Math.abs(best.value))) break;
  }
  return { x: best.x, value: best.value, evaluations, converged };
}

function hasConverged(
  simplex: readonly Vertex[],
  functionTolerance: number,
  pointTolerance: number,
): boolean {
  const lowest = simplex[0] as Vertex;
  const highest = simplex[simplex.length - 1] as Vertex;
  if (!Number.isFinite(highest.value)) return false;
  if (highest.value - lowest.value > functionTolerance * Math.max(1, Math.abs(lowest.value))) return false;
  for (const vertex of simplex) {
    for (let i = 0; i < vertex.x.length; i++) {
      const reference = lowest.x[i] as number;
      if (Math.abs((vertex.x[i] as number) - reference) > pointTolerance * Math.max(1, Math.abs(reference)))
        return false;
    }
  }
  return true;
}
