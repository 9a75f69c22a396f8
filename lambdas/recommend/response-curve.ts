import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { z } from 'zod';
import { ModelFitError } from './errors.ts';
import { minimizeNelderMead } from './nelder-mead.ts';
import { parseInput } from './parse-input.ts';

/** Bounds on the Hill exponent k: below 0.5 the curve is implausibly flat, above 3 a near step. */
export const HILL_EXPONENT_RANGE = { min: 0.5, max: 3 } as const;

/** Bounds on the half-saturation spend, as multiples of the median observed positive spend. */
export const HILL_EC50_RANGE_OF_MEDIAN = { min: 0.2, max: 5 } as const;

/** How far beyond the observed spend the curve is trusted, as multiples of the observed minimum and maximum. */
export const TRUSTED_SPEND_FACTORS = { belowMin: 0.5, aboveMax: 1.5 } as const;

/** One day of a partner: what was spent and the value it acquired (new users × forecast LTV). */
export const SpendValuePointSchema = z.object({
  /** Spend of the day, USD. */
  spendUsd: z.number().nonnegative(),
  /** Value acquired that day, USD. */
  valueUsd: z.number(),
});
export type SpendValuePoint = z.infer<typeof SpendValuePointSchema>;

/** The Hill curve value(spend) = vmax · spend^k / (spend^k + ec50^k). */
export const HillParametersSchema = z.object({
  /** Value approached as spend grows without bound, USD per day. */
  vmaxUsd: z.number().positive(),
  /** Steepness; above 1 the curve is S-shaped. */
  k: z.number().min(HILL_EXPONENT_RANGE.min).max(HILL_EXPONENT_RANGE.max),
  /** Spend at which half of `vmaxUsd` is reached, USD per day. */
  ec50Usd: z.number().positive(),
});
export type HillParameters = z.infer<typeof HillParametersSchema>;

/** A closed interval of daily spend, USD. */
export interface SpendRange {
  readonly minUsd: number;
  readonly maxUsd: number;
}

/** A partner's fitted response curve. */
export interface ResponseCurveFit {
  /** The least-squares parameters. */
  readonly parameters: HillParameters;
  /** Lowest and highest daily spend in the data. */
  readonly observedSpendRange: SpendRange;
  /** The spend over which the curve may be used: 0.5 × the observed minimum to 1.5 × the observed maximum. */
  readonly trustedSpendRange: SpendRange;
  /** Share of the variance of daily value the curve explains; 0 when the value never varies. */
  readonly rSquared: number;
  /** Days of data the curve was fitted on. */
  readonly points: number;
  /** Parameters refitted on residual-bootstrap resamples, for uncertainty intervals. */
  readonly bootstrapParameters: readonly HillParameters[];
}

/** Options of {@link fitResponseCurve}. */
export interface ResponseCurveFitOptions {
  /**
   * Residual-bootstrap resamples drawn for the uncertainty interval.
   * @default 200
   */
  readonly bootstrapSamples?: number;
  /**
   * Seed of the resampling, so that the same data always gives the same interval.
   * @default 1
   */
  readonly seed?: number;
}

/** A percentile interval. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** value(spend) of the Hill curve, USD per day. */
export function hillValue(parameters: HillParameters, spendUsd: number): number {
  if (spendUsd <= 0) return 0;
  return parameters.vmaxUsd / (1 + (parameters.ec50Usd / spendUsd) ** parameters.k);
}

/**
 * d value / d spend of the Hill curve: vmax · k · s^(k−1) · ec50^k / (s^k + ec50^k)², the marginal ROAS.
 * At zero spend it is +∞ for k < 1, vmax/ec50 for k = 1 and 0 for k > 1.
 */
export function hillMarginalValue(parameters: HillParameters, spendUsd: number): number {
  const { vmaxUsd, k, ec50Usd } = parameters;
  if (spendUsd <= 0) return k < 1 ? Number.POSITIVE_INFINITY : k === 1 ? vmaxUsd / ec50Usd : 0;
  const ratio = (ec50Usd / spendUsd) ** k;
  return (vmaxUsd * k * ratio) / (spendUsd * (1 + ratio) ** 2);
}

/** The spend where an S-shaped Hill curve turns from convex to concave: ec50 · ((k−1)/(k+1))^(1/k); 0 when k <= 1. */
export function hillInflectionSpend(parameters: HillParameters): number {
  const { k, ec50Usd } = parameters;
  return k <= 1 ? 0 : ec50Usd * ((k - 1) / (k + 1)) ** (1 / k);
}

/**
 * Fits a Hill curve to a partner's daily (spend, value) points by least squares with k in [0.5, 3],
 * ec50 in [0.2, 5] × the median positive spend and vmax > 0. For fixed (k, ec50) the best vmax is a
 * linear least-squares coefficient, so only (k, ec50) are searched: a grid first, as the surface has
 * long flat valleys, then Nelder-Mead on a logistic reparametrisation that keeps both inside their
 * bounds. The uncertainty comes from a residual bootstrap: the centred residuals are resampled onto
 * the fitted values and the curve refitted, with a seeded generator so results are reproducible.
 *
 * @throws RecommendInputError when a point is malformed
 * @throws ModelFitError with fewer than 3 points or fewer than 2 distinct positive spends
 */
export function fitResponseCurve(
  points: readonly SpendValuePoint[],
  options: ResponseCurveFitOptions = {},
): ResponseCurveFit {
  const parsed = parseInput(z.array(SpendValuePointSchema), points, 'spend and value points');
  const spends = parsed.map((p) => p.spendUsd);
  const values = parsed.map((p) => p.valueUsd);
  const positiveSpends = spends.filter((s) => s > 0).sort((x, y) => x - y);
  if (parsed.length < 3 || new Set(positiveSpends).size < 2) {
    throw new ModelFitError(
      `A response curve needs at least 3 days with 2 distinct positive spends; got ${parsed.length} days ` +
        `with ${new Set(positiveSpends).size} distinct positive spends.`,
    );
  }
  const medianSpend = quantile(positiveSpends, 0.5);
  const search = new HillSearch(spends, medianSpend);
  const parameters = search.fit(values);

  const fitted = spends.map((s) => hillValue(parameters, s));
  const residuals = values.map((v, i) => v - (fitted[i] as number));
  const meanResidual = mean(residuals);
  const centred = residuals.map((r) => r - meanResidual);
  const rng = xoroshiro128plus(options.seed ?? 1);
  const bootstrapParameters: HillParameters[] = [];
  for (let b = 0; b < (options.bootstrapSamples ?? 200); b++) {
    const resample = fitted.map((f) => f + (centred[uniformInt(rng, 0, centred.length - 1)] as number));
    bootstrapParameters.push(search.refine(resample, parameters, BOOTSTRAP_TOLERANCE));
  }

  const meanValue = mean(values);
  const totalSquares = values.reduce((sum, v) => sum + (v - meanValue) ** 2, 0);
  const residualSquares = residuals.reduce((sum, r) => sum + r * r, 0);
  const minSpend = Math.min(...spends);
  const maxSpend = Math.max(...spends);
  return {
    parameters,
    observedSpendRange: { minUsd: minSpend, maxUsd: maxSpend },
    trustedSpendRange: {
      minUsd: TRUSTED_SPEND_FACTORS.belowMin * minSpend,
      maxUsd: TRUSTED_SPEND_FACTORS.aboveMax * maxSpend,
    },
    rSquared: totalSquares > 0 ? 1 - residualSquares / totalSquares : 0,
    points: parsed.length,
    bootstrapParameters,
  };
}

/**
 * The percentile interval of the marginal ROAS at `spendUsd` over the fit's bootstrap resamples, e.g.
 * the 5th to 95th percentile for `level` 0.9. Without resamples it collapses to the point estimate.
 */
export function marginalRoasInterval(fit: ResponseCurveFit, spendUsd: number, level = 0.9): Interval {
  if (fit.bootstrapParameters.length === 0) {
    const point = hillMarginalValue(fit.parameters, spendUsd);
    return { low: point, high: point };
  }
  const draws = fit.bootstrapParameters.map((p) => hillMarginalValue(p, spendUsd)).sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  return { low: quantile(draws, tail), high: quantile(draws, 1 - tail) };
}

/** How precisely Nelder-Mead pins a fit down, in the logistic coordinates, and how often it restarts. */
interface RefineTolerance {
  readonly pointTolerance: number;
  readonly restarts: number;
}

/** The point estimate: tight, with a restart to escape a collapsed simplex. */
const FIT_TOLERANCE: RefineTolerance = { pointTolerance: 1e-7, restarts: 1 };

/**
 * A bootstrap refit, which only feeds a 5th-95th percentile interval: 1e-4 in the logistic
 * coordinates moves k and ec50 by well under 0.1%, while resamples differ by tens of percent; and
 * it starts at the point estimate, so no restart is needed. It halves the time of a fit.
 */
const BOOTSTRAP_TOLERANCE: RefineTolerance = { pointTolerance: 1e-4, restarts: 0 };

/** Least-squares search over (k, ec50) with vmax profiled out, for one partner's spends. */
class HillSearch {
  private readonly logEc50Min: number;
  private readonly logEc50Max: number;
  /** ln of each spend (−∞ for none). */
  private readonly logSpends: Float64Array;
  /** The curve's shape at each spend for the (k, ec50) last fitted. */
  private readonly shapes: Float64Array;

  public constructor(spends: readonly number[], medianSpend: number) {
    this.logEc50Min = Math.log(HILL_EC50_RANGE_OF_MEDIAN.min * medianSpend);
    this.logEc50Max = Math.log(HILL_EC50_RANGE_OF_MEDIAN.max * medianSpend);
    this.logSpends = Float64Array.from(spends, (s) => Math.log(s));
    this.shapes = new Float64Array(spends.length);
  }

  /** The global fit: the best point of a 26 × 41 grid, refined by Nelder-Mead. */
  public fit(values: readonly number[]): HillParameters {
    let best: { k: number; logEc50: number; sse: number } = {
      k: HILL_EXPONENT_RANGE.min,
      logEc50: this.logEc50Min,
      sse: Number.POSITIVE_INFINITY,
    };
    for (let i = 0; i <= 25; i++) {
      const k = HILL_EXPONENT_RANGE.min + (i / 25) * (HILL_EXPONENT_RANGE.max - HILL_EXPONENT_RANGE.min);
      for (let j = 0; j <= 40; j++) {
        const logEc50 = this.logEc50Min + (j / 40) * (this.logEc50Max - this.logEc50Min);
        const sse = this.sse(values, k, Math.exp(logEc50));
        if (sse < best.sse) best = { k, logEc50, sse };
      }
    }
    const ec50Usd = Math.exp(best.logEc50);
    return this.refine(values, { vmaxUsd: this.fitVmax(values, best.k, ec50Usd), k: best.k, ec50Usd });
  }

  /** A local fit by Nelder-Mead from `start`, enough for a bootstrap resample close to the original data. */
  public refine(
    values: readonly number[],
    start: HillParameters,
    tolerance: RefineTolerance = FIT_TOLERANCE,
  ): HillParameters {
    const kSpan = HILL_EXPONENT_RANGE.max - HILL_EXPONENT_RANGE.min;
    const ec50Span = this.logEc50Max - this.logEc50Min;
    const boundedK = (u: number) => HILL_EXPONENT_RANGE.min + kSpan * logistic(u);
    const boundedEc50 = (w: number) => Math.exp(this.logEc50Min + ec50Span * logistic(w));
    const x0 = [
      logit((start.k - HILL_EXPONENT_RANGE.min) / kSpan),
      logit((Math.log(start.ec50Usd) - this.logEc50Min) / ec50Span),
    ];
    const result = minimizeNelderMead(
      (theta) => this.sse(values, boundedK(theta[0] as number), boundedEc50(theta[1] as number)),
      x0,
      { initialStep: 0.5, maxEvaluations: 1500, ...tolerance },
    );
    const k = boundedK(result.x[0] as number);
    const ec50 = boundedEc50(result.x[1] as number);
    return { vmaxUsd: this.fitVmax(values, k, ec50), k, ec50Usd: ec50 };
  }

  /**
   * The sum of squared errors of the least-squares curve for fixed (k, ec50), its vmax kept
   * positive. It runs a few hundred thousand times per partner (the grid, then Nelder-Mead on every
   * bootstrap resample), so it reuses one buffer, loops plainly and allocates nothing.
   */
  private sse(values: readonly number[], k: number, ec50: number): number {
    return this.squaredErrors(values, this.fitVmax(values, k, ec50));
  }

  /** The best positive vmax for (k, ec50), leaving the curve's shape at each spend in `shapes`. */
  private fitVmax(values: readonly number[], k: number, ec50: number): number {
    const logSpends = this.logSpends;
    const shapes = this.shapes;
    const logEc50 = Math.log(ec50);
    let hv = 0;
    let hh = 0;
    for (let i = 0; i < logSpends.length; i++) {
      // (ec50 / s)^k as exp(k · (ln ec50 − ln s)): one exp instead of a pow per point; ln 0 is −∞, so h is 0.
      const h = 1 / (1 + Math.exp(k * (logEc50 - (logSpends[i] as number))));
      shapes[i] = h;
      hv += h * (values[i] as number);
      hh += h * h;
    }
    return Math.max(hv / hh, Number.MIN_VALUE);
  }

  /** Σ (value − vmax · shape)² over the shapes {@link fitVmax} left. */
  private squaredErrors(values: readonly number[], vmax: number): number {
    const shapes = this.shapes;
    let sse = 0;
    for (let i = 0; i < shapes.length; i++)
      sse += ((values[i] as number) - vmax * (shapes[i] as number)) ** 2;
    return sse;
  }
}

/** Keeps a bounded coordinate off the logistic's asymptotes when a start sits exactly on a bound. */
const LOGIT_EDGE = 1e-6;

function logistic(u: number): number {
  return 1 / (1 + Math.exp(-u));
}

function logit(fraction: number): number {
  const f = Math.min(Math.max(fraction, LOGIT_EDGE), 1 - LOGIT_EDGE);
  return Math.log(f / (1 - f));
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** The `q` quantile of ascending `sorted` values, interpolating linearly between order statistics. */
function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}
