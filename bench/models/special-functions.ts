import { NumericalError } from './errors.ts';

/** Terms a hypergeometric series may take before it is declared non-convergent. */
const MAX_SERIES_TERMS = 1_000_000;

/** Relative size of a term, against the running sum, below which a series counts as converged. */
const SERIES_TOLERANCE = 1e-15;

/** ln(e^x + e^y) without overflow or underflow. */
export function logSumExp(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY) return y;
  if (y === Number.NEGATIVE_INFINITY) return x;
  const high = Math.max(x, y);
  return high + Math.log1p(Math.exp(Math.min(x, y) - high));
}

/**
 * A bound on every later term ratio of the Gauss series from term `n` on: the ratio tends to |z| and,
 * once past the poles of the Pochhammer quotients, moves monotonically toward it, so the larger of the
 * next ratio and |z| bounds the rest and the tail is at most term · bound / (1 − bound).
 */
function tailRatioBound(a: number, b: number, c: number, z: number, n: number): number {
  return Math.max(Math.abs((((a + n) * (b + n)) / ((c + n) * (n + 1))) * z), Math.abs(z));
}

/**
 * 2F1(a, b; c; z) − 1 by the Gauss series Σ_{n≥1} (a)_n (b)_n / ((c)_n n!) zⁿ for |z| < 1.
 * Returning the sum without its leading 1 keeps full relative precision when the result is small,
 * which is what callers that need 1 − 2F1 rely on. Terms may change sign; convergence is declared
 * once a term is negligible against the sum while the term ratio is below 1, so the tail is bounded
 * by a geometric series.
 *
 * @throws NumericalError when |z| >= 1, `c` is a non-positive integer, or the series does not settle
 */
export function hypergeometric2F1MinusOne(a: number, b: number, c: number, z: number): number {
  if (!(Math.abs(z) < 1)) throw new NumericalError(`The 2F1 series needs |z| < 1, got z = ${z}.`);
  if (c <= 0 && Number.isInteger(c)) {
    throw new NumericalError(`2F1 is undefined for c = ${c}, a non-positive integer.`);
  }
  let term = 1;
  let sum = 0;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return sum;
    const bound = tailRatioBound(a, b, c, z, n + 1);
    if (bound < 1 && Math.abs(term) * (bound / (1 - bound)) <= SERIES_TOLERANCE * Math.abs(sum)) {
      return sum;
    }
  }
  throw new NumericalError(
    `The 2F1(${a}, ${b}; ${c}; ${z}) series did not converge in ${MAX_SERIES_TERMS} terms.`,
  );
}

/**
 * ln 2F1(a, b; c; z) for 0 <= z < 1 and a, b, c > 0, where every term of the Gauss series is positive.
 * The sum is carried in log space: near z = 1 with large a or b the series' terms exceed the range of a
 * double long before they start to shrink, though the callers' product (1 − z)^a · 2F1 stays moderate.
 *
 * @throws NumericalError when the arguments are outside that range or the series does not settle
 */
export function logHypergeometric2F1Positive(a: number, b: number, c: number, z: number): number {
  if (!(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1)) {
    throw new NumericalError(
      `The positive 2F1 series needs a, b, c > 0 and 0 <= z < 1, got ${a}, ${b}, ${c}, ${z}.`,
    );
  }
  if (z === 0) return 0;
  const logZ = Math.log(z);
  let logTerm = 0;
  let logSum = 0;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    logTerm += Math.log(a + n) + Math.log(b + n) - Math.log(c + n) - Math.log(n + 1) + logZ;
    logSum = logSumExp(logSum, logTerm);
    const bound = tailRatioBound(a, b, c, z, n + 1);
    if (bound < 1 && logTerm + Math.log(bound / (1 - bound)) - logSum <= Math.log(SERIES_TOLERANCE)) {
      return logSum;
    }
  }
  throw new NumericalError(
    `The 2F1(${a}, ${b}; ${c}; ${z}) series did not converge in ${MAX_SERIES_TERMS} terms.`,
  );
}
