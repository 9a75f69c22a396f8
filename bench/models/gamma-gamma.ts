import gammaln from '@stdlib/math-base-special-gammaln';
import { z } from 'zod';
import { ModelFitError, RecommendInputError } from '../../lambdas/recommend/errors.ts';
import { minimizeNelderMead } from '../../lambdas/recommend/nelder-mead.ts';
import { parseInput } from '../../lambdas/recommend/parse-input.ts';

/**
 * Gamma-Gamma model of monetary value, Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary
 * Value" (brucehardie.com/notes/025). A customer's transaction values are Gamma(p, ν) around a mean
 * p/ν, and ν varies across customers as Gamma(q, γ); `v` below is the note's γ. The model assumes
 * value is independent of the transaction process, so it pairs with BG/NBD.
 */

/** The three Gamma-Gamma parameters, all > 0. */
export const GammaGammaParametersSchema = z.object({
  /** Shape of the Gamma distribution of one customer's transaction values. */
  p: z.number().positive(),
  /** Shape of the Gamma distribution of ν across customers. */
  q: z.number().positive(),
  /** The note's γ: scale of the Gamma distribution of ν across customers, in value units. */
  v: z.number().positive(),
});
export type GammaGammaParameters = z.infer<typeof GammaGammaParametersSchema>;

/** A customer with at least one repeat transaction, the only kind the model is fitted on. */
export const RepeatCustomerSchema = z.object({
  /** x: repeat transactions, >= 1. */
  frequency: z.number().int().min(1, 'frequency must be at least 1 repeat transaction'),
  /** z̄: mean value of those repeat transactions, > 0. */
  meanValue: z.number().positive('meanValue must be > 0'),
});
export type RepeatCustomer = z.infer<typeof RepeatCustomerSchema>;

/** A fitted Gamma-Gamma model. */
export interface GammaGammaFit {
  /** The maximum-likelihood estimates. */
  readonly parameters: GammaGammaParameters;
  /** The log-likelihood at `parameters`, summed over customers. */
  readonly logLikelihood: number;
  /** Customers the fit used. */
  readonly customers: number;
}

/**
 * ln f(z̄ | p, q, γ; x) for one customer, the note's equation (5):
 * ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄).
 */
export function gammaGammaLogLikelihood(parameters: GammaGammaParameters, customer: RepeatCustomer): number {
  const { p, q, v } = parameters;
  const x = customer.frequency;
  const zbar = customer.meanValue;
  const px = p * x;
  return (
    gammaln(px + q) -
    gammaln(px) -
    gammaln(q) +
    q * Math.log(v) +
    (px - 1) * Math.log(zbar) +
    px * Math.log(x) -
    (px + q) * Math.log(v + x * zbar)
  );
}

/**
 * Fits the Gamma-Gamma model by maximum likelihood: Nelder-Mead with restarts on log p, log q, log γ.
 * The starting point is γ = q = 2 and p matched to the mean of z̄ by the model's E(Z) = pγ/(q−1).
 *
 * @throws RecommendInputError when a customer has no repeat transaction or a non-positive mean value
 * @throws ModelFitError when there are no customers or the likelihood has no finite maximum
 */
export function fitGammaGamma(customers: readonly RepeatCustomer[]): GammaGammaFit {
  const parsed = parseInput(z.array(RepeatCustomerSchema), customers, 'repeat customers');
  if (parsed.length === 0)
    throw new ModelFitError('Cannot fit the Gamma-Gamma model on zero repeat customers.');
  const meanOfMeans = parsed.reduce((sum, c) => sum + c.meanValue, 0) / parsed.length;
  const fromLog = (theta: ArrayLike<number>): GammaGammaParameters => ({
    p: Math.exp(theta[0] as number),
    q: Math.exp(theta[1] as number),
    v: Math.exp(theta[2] as number),
  });
  const negativeLogLikelihood = (theta: ArrayLike<number>): number => {
    const parameters = fromLog(theta);
    let total = 0;
    for (const customer of parsed) total += gammaGammaLogLikelihood(parameters, customer);
    return -total;
  };
  const result = minimizeNelderMead(
    negativeLogLikelihood,
    [Math.log(meanOfMeans / 2), Math.log(2), Math.log(2)],
    {
      initialStep: 0.5,
      maxEvaluations: 20_000,
      restarts: 5,
    },
  );
  if (!Number.isFinite(result.value) || !result.converged) {
    throw new ModelFitError(
      `The Gamma-Gamma fit on ${parsed.length} repeat customers did not converge (log-likelihood ${-result.value}).`,
    );
  }
  return { parameters: fromLog(result.x), logLikelihood: -result.value, customers: parsed.length };
}

/**
 * E(M): the population mean transaction value pγ/(q−1), the expected value per transaction of a
 * customer about whom nothing is known yet.
 *
 * @throws RecommendInputError when q <= 1, where the model's mean is infinite
 */
export function gammaGammaPopulationMeanValue(parameters: GammaGammaParameters): number {
  const { p, q, v } = parameters;
  if (q <= 1) {
    throw new RecommendInputError(`The Gamma-Gamma mean value is infinite for q = ${q}; it needs q > 1.`);
  }
  return (p * v) / (q - 1);
}

/**
 * E(M | p, q, γ; x, z̄): the expected value per transaction of a customer with `frequency` repeat
 * transactions of mean `meanValue`, the note's equation (6):
 *
 *   (p(γ + x z̄)) / (px + q − 1) = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · z̄,
 *
 * a credibility-weighted average of the population mean and the customer's own mean. With no repeat
 * transaction it is the population mean.
 *
 * @throws RecommendInputError when q <= 1 and the customer has no repeat transaction
 */
export function gammaGammaConditionalExpectedValue(
  parameters: GammaGammaParameters,
  frequency: number,
  meanValue: number,
): number {
  if (frequency === 0) return gammaGammaPopulationMeanValue(parameters);
  const { p, q, v } = parameters;
  return (p * (v + frequency * meanValue)) / (p * frequency + q - 1);
}
