/**
 * Logistic regression by iteratively reweighted least squares (Newton's method) on grouped data:
 * each group is a row of the design matrix with its count of trials and of successes, the
 * sufficient statistics of a logistic model whose features take few values. An L2 penalty on every
 * coefficient but the first (the intercept) keeps the fit unique when the design has one indicator
 * per level of each dimension (no reference level), and finite when a level's users are all alike.
 */
import { ChurnFitError } from './errors.ts';
import { logistic } from './features.ts';

/** Users sharing one row of the design matrix. */
export interface BinomialGroup {
  /** The design row; its first entry is the intercept's 1. */
  readonly x: readonly number[];
  /** Users in the group. */
  readonly trials: number;
  /** Of those, the users with the outcome (active in the next 30 days). */
  readonly successes: number;
}

/** A fitted model. */
export interface LogisticFit {
  readonly coefficients: readonly number[];
  /** Newton iterations to convergence. */
  readonly iterations: number;
  /** The penalized log-likelihood at the solution. */
  readonly penalizedLogLikelihood: number;
}

/** Options of {@link fitLogistic}. */
export interface LogisticOptions {
  /** The L2 penalty λ: the fit maximizes loglik - λ/2 Σ β_j² over j >= 1. @default 1 */
  readonly l2?: number;
  /** @default 100 */
  readonly maxIterations?: number;
  /** Converged when no coefficient moves by more than this. @default 1e-9 */
  readonly tolerance?: number;
}

/** Solves A x = b for a symmetric positive definite A by Cholesky decomposition. */
export function solveSpd(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = (a[i] as readonly number[])[j] as number;
      for (let k = 0; k < j; k++)
        sum -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      if (i === j) {
        if (!(sum > 0)) throw new ChurnFitError('the logistic fit met a singular Hessian');
        (l[i] as number[])[i] = Math.sqrt(sum);
      } else (l[i] as number[])[j] = sum / ((l[j] as number[])[j] as number);
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= ((l[i] as number[])[k] as number) * (y[k] as number);
    y[i] = sum / ((l[i] as number[])[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= ((l[k] as number[])[i] as number) * (x[k] as number);
    x[i] = sum / ((l[i] as number[])[i] as number);
  }
  return x;
}

function penalizedLogLikelihood(
  groups: readonly BinomialGroup[],
  beta: readonly number[],
  l2: number,
): number {
  let ll = 0;
  for (const group of groups) {
    const eta = group.x.reduce((sum, x, j) => sum + x * (beta[j] as number), 0);
    // log p = -log(1 + e^-eta), log(1 - p) = -log(1 + e^eta), computed without overflow.
    const logP = -softplus(-eta);
    const logQ = -softplus(eta);
    ll += group.successes * logP + (group.trials - group.successes) * logQ;
  }
  const penalty = beta.slice(1).reduce((sum, b) => sum + b * b, 0);
  return ll - (l2 / 2) * penalty;
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * The maximum of the penalized log-likelihood, by Newton's method from all zeros: each step solves
 * (Xᵀ W X + λ D) Δ = Xᵀ (y - n p) - λ D β, with W = n p (1 - p) per group and D the identity but
 * for the intercept; halved while it lowers the objective (it never does near the optimum).
 * @throws ChurnFitError when the design is empty or the fit does not converge
 */
export function fitLogistic(groups: readonly BinomialGroup[], options: LogisticOptions = {}): LogisticFit {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;
  const width = groups[0]?.x.length;
  if (width === undefined) throw new ChurnFitError('the logistic fit has no data');
  let beta = new Array<number>(width).fill(0);
  let objective = penalizedLogLikelihood(groups, beta, l2);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = beta.map((b, j) => (j === 0 ? 0 : -l2 * b));
    const hessian = Array.from({ length: width }, (_, i) =>
      Array.from({ length: width }, (_, j) => (i === j && i > 0 ? l2 : 0)),
    );
    for (const group of groups) {
      const eta = group.x.reduce((sum, x, j) => sum + x * (beta[j] as number), 0);
      const p = logistic(eta);
      const residual = group.successes - group.trials * p;
      const weight = group.trials * p * (1 - p);
      const active = group.x.flatMap((x, j) => (x === 0 ? [] : [j]));
      for (const i of active) {
        const xi = group.x[i] as number;
        gradient[i] = (gradient[i] as number) + xi * residual;
        const row = hessian[i] as number[];
        for (const j of active) row[j] = (row[j] as number) + xi * (group.x[j] as number) * weight;
      }
    }
    const step = solveSpd(hessian, gradient);
    let scale = 1;
    let next = beta.map((b, j) => b + (step[j] as number));
    let nextObjective = penalizedLogLikelihood(groups, next, l2);
    while (nextObjective < objective - 1e-12 && scale > 1e-6) {
      scale /= 2;
      next = beta.map((b, j) => b + scale * (step[j] as number));
      nextObjective = penalizedLogLikelihood(groups, next, l2);
    }
    const moved = Math.max(...next.map((b, j) => Math.abs(b - (beta[j] as number))));
    beta = next;
    objective = nextObjective;
    if (moved < tolerance)
      return { coefficients: beta, iterations: iteration, penalizedLogLikelihood: objective };
  }
  throw new ChurnFitError(`the logistic fit did not converge in ${maxIterations} iterations`);
}
