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

/**
 * Minimizes `objective` by the Nelder-Mead simplex method with the dimension-adaptive coefficients of
 * Gao & Han (2012), which keep the method effective beyond two or three dimensions, restarting from a
 * fresh simplex after each convergence because a simplex can collapse before reaching a minimum.
 * A non-finite objective value counts as +Infinity, so the objective may refuse points by returning NaN.
 *
 * The vertices and trial points live in preallocated buffers, and the simplex is ordered by a
 * stable insertion sort of slot numbers (the order Array.prototype.sort gave, so results are the
 * same to the bit): the response-curve bootstrap runs this 200 times per partner on a cheap
 * objective, where a fresh array per trial point was a good part of the cost. The objective must
 * not keep the point it is given: the buffer is reused.
 */
export function minimizeNelderMead(
  objective: (x: ArrayLike<number>) => number,
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
  const evaluate = (x: Float64Array): number => {
    evaluations++;
    const value = objective(x);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };

  const simplex = new Simplex(n);
  const best = Float64Array.from(x0);
  let bestValue = evaluate(best);
  if (n === 0) return { x: [], value: bestValue, evaluations, converged: true };

  const reflect = 1;
  const expand = 1 + 2 / n;
  const contract = 0.75 - 1 / (2 * n);
  const shrink = 1 - 1 / n;
  const centroid = new Float64Array(n);
  const reflected = new Float64Array(n);
  const trial = new Float64Array(n);
  /** out = from + t · (to − from), element by element. */
  const toward = (out: Float64Array, from: Float64Array, to: Float64Array, t: number): Float64Array => {
    for (let i = 0; i < n; i++) out[i] = (from[i] as number) + t * ((to[i] as number) - (from[i] as number));
    return out;
  };

  let converged = false;
  for (let run = 0; run <= restarts && evaluations < maxEvaluations; run++) {
    const startValue = bestValue;
    simplex.reset();
    simplex.set(0, best, bestValue);
    for (let i = 0; i < n; i++) {
      const x = simplex.vertex(i + 1);
      x.set(best);
      x[i] = (x[i] as number) + (steps[i] as number);
      simplex.setValueAt(i + 1, evaluate(x));
    }
    converged = false;
    while (evaluations < maxEvaluations) {
      simplex.sort();
      const lowest = simplex.vertex(0);
      const lowestValue = simplex.valueAt(0);
      const highest = simplex.vertex(n);
      const highestValue = simplex.valueAt(n);
      if (simplex.hasConverged(functionTolerance, pointTolerance)) {
        converged = true;
        break;
      }
      centroid.fill(0);
      for (let v = 0; v < n; v++) {
        const vx = simplex.vertex(v);
        for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (vx[i] as number) / n;
      }
      const secondHighestValue = simplex.valueAt(n - 1);
      const reflectedValue = evaluate(toward(reflected, centroid, highest, -reflect));
      if (reflectedValue < lowestValue) {
        const expandedValue = evaluate(toward(trial, centroid, highest, -expand));
        if (expandedValue < reflectedValue) simplex.set(n, trial, expandedValue);
        else simplex.set(n, reflected, reflectedValue);
        continue;
      }
      if (reflectedValue < secondHighestValue) {
        simplex.set(n, reflected, reflectedValue);
        continue;
      }
      const outside = reflectedValue < highestValue;
      const contractedValue = evaluate(
        toward(trial, centroid, highest, outside ? -contract * reflect : contract),
      );
      if (contractedValue < (outside ? reflectedValue : highestValue)) {
        simplex.set(n, trial, contractedValue);
        continue;
      }
      for (let v = 1; v <= n; v++) {
        const x = simplex.vertex(v);
        simplex.setValueAt(v, evaluate(toward(x, lowest, x, shrink)));
      }
    }
    simplex.sort();
    best.set(simplex.vertex(0));
    bestValue = simplex.valueAt(0);
    const improvement = startValue - bestValue;
    if (run > 0 && converged && improvement <= functionTolerance * Math.max(1, Math.abs(bestValue))) break;
  }
  return { x: Array.from(best), value: bestValue, evaluations, converged };
}

/**
 * The n + 1 vertices of a simplex, each in a fixed slot, and their ranks: the order of the slots
 * from the lowest value up, which only {@link Simplex.sort} changes.
 */
class Simplex {
  readonly #n: number;
  readonly #values: Float64Array;
  readonly #points: Float64Array[];
  readonly #order: Int32Array;

  public constructor(n: number) {
    this.#n = n;
    this.#points = Array.from({ length: n + 1 }, () => new Float64Array(n));
    this.#values = new Float64Array(n + 1);
    this.#order = new Int32Array(n + 1);
  }

  /** Ranks each slot as itself, as a fresh simplex's vertices are listed before the first sort. */
  public reset(): void {
    for (let s = 0; s <= this.#n; s++) this.#order[s] = s;
  }

  /** The coordinates of the vertex at rank `rank` (0: the lowest value), to read or fill in place. */
  public vertex(rank: number): Float64Array {
    return this.#points[this.#order[rank] as number] as Float64Array;
  }

  public valueAt(rank: number): number {
    return this.#values[this.#order[rank] as number] as number;
  }

  public setValueAt(rank: number, value: number): void {
    this.#values[this.#order[rank] as number] = value;
  }

  /** Replaces the vertex at rank `rank` by a copy of `x`, of value `value`. */
  public set(rank: number, x: Float64Array, value: number): void {
    this.vertex(rank).set(x);
    this.setValueAt(rank, value);
  }

  /**
   * Orders the ranks by value, stably (ties, including two infinite values, keep their order), as
   * Array.prototype.sort with `(p, q) => p.value - q.value` does.
   */
  public sort(): void {
    const order = this.#order;
    const values = this.#values;
    for (let i = 1; i <= this.#n; i++) {
      const slot = order[i] as number;
      const value = values[slot] as number;
      let j = i - 1;
      while (j >= 0 && (values[order[j] as number] as number) - value > 0) {
        order[j + 1] = order[j] as number;
        j--;
      }
      order[j + 1] = slot;
    }
  }

  /**
   * Whether the sorted simplex's values lie within `functionTolerance` of the lowest, relative to
   * max(1, |lowest|), and its vertices within `pointTolerance` of the lowest on every axis,
   * relative to max(1, |x_i|).
   */
  public hasConverged(functionTolerance: number, pointTolerance: number): boolean {
    const lowestValue = this.valueAt(0);
    const highestValue = this.valueAt(this.#n);
    if (!Number.isFinite(highestValue)) return false;
    if (highestValue - lowestValue > functionTolerance * Math.max(1, Math.abs(lowestValue))) return false;
    const lowest = this.vertex(0);
    for (let rank = 0; rank <= this.#n; rank++) {
      const vertex = this.vertex(rank);
      for (let i = 0; i < this.#n; i++) {
        const reference = lowest[i] as number;
        if (Math.abs((vertex[i] as number) - reference) > pointTolerance * Math.max(1, Math.abs(reference)))
          return false;
      }
    }
    return true;
  }
}
