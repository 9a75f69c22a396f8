import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import { z } from 'zod';
import { ModelFitError } from '../../lambdas/recommend/errors.ts';
import { minimizeNelderMead } from '../../lambdas/recommend/nelder-mead.ts';
import { parseInput } from '../../lambdas/recommend/parse-input.ts';
import { hypergeometric2F1MinusOne, logHypergeometric2F1Positive, logSumExp } from './special-functions.ts';

/**
 * BG/NBD model of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An Alternative
 * to the Pareto/NBD Model", Marketing Science 24(2). While alive a customer transacts as a Poisson
 * process with rate λ ~ Gamma(r, α); after each transaction the customer drops out with probability
 * p ~ Beta(a, b). Time is in whatever unit the summaries use (weeks for CDNOW, days in growthlake).
 */

/** The four BG/NBD parameters, all > 0. */
export const BgNbdParametersSchema = z.object({
  /** Shape of the Gamma distribution of transaction rates. */
  r: z.number().positive(),
  /** Scale of the Gamma distribution of transaction rates, in time units. */
  alpha: z.number().positive(),
  /** First shape of the Beta distribution of drop-out probabilities. */
  a: z.number().positive(),
  /** Second shape of the Beta distribution of drop-out probabilities. */
  b: z.number().positive(),
});
export type BgNbdParameters = z.infer<typeof BgNbdParametersSchema>;

/** One customer's history as the model sees it: the paper's (x, t_x, T). */
export const CustomerHistorySchema = z
  .object({
    /** x: repeat transactions, i.e. all transactions after the first. */
    frequency: z.number().int().nonnegative(),
    /** t_x: time from the first transaction to the last one; 0 when `frequency` is 0. */
    recency: z.number().nonnegative(),
    /** T: time from the first transaction to the end of the observation period. */
    age: z.number().nonnegative(),
  })
  .refine((h) => h.recency <= h.age, { message: 'recency must not exceed age', path: ['recency'] })
  .refine((h) => h.frequency > 0 || h.recency === 0, {
    message: 'recency must be 0 when frequency is 0',
    path: ['recency'],
  });
export type CustomerHistory = z.infer<typeof CustomerHistorySchema>;

/** Options of {@link fitBgNbd}. */
export interface BgNbdFitOptions {
  /**
   * Where the search starts.
   * @default - r = α = a = b = 1
   */
  readonly initial?: BgNbdParameters;
}

/** A fitted BG/NBD model. */
export interface BgNbdFit {
  /** The maximum-likelihood estimates. */
  readonly parameters: BgNbdParameters;
  /** The log-likelihood at `parameters`, summed over customers. */
  readonly logLikelihood: number;
  /** Customers the fit used. */
  readonly customers: number;
}

/**
 * ln L(r, α, a, b | x, t_x, T) for one customer, the paper's equation (6) in the log-space form of
 * Fader & Hardie's note "Overcoming the BG/NBD Model's #NUM! Error Problem" (2013): with
 * A₁ = ln Γ(r+x) − ln Γ(r) + r ln α, A₂ = ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T) and, when x > 0,
 * A₃ = ln B(a+1, b+x−1) − ln B(a, b) − (r+x) ln(α+t_x), the log-likelihood is A₁ + ln(e^A₂ + e^A₃).
 */
export function bgNbdLogLikelihood(parameters: BgNbdParameters, history: CustomerHistory): number {
  return totalLogLikelihood(parameters, [{ ...history, count: 1 }]);
}

/**
 * The BG/NBD log-likelihood summed over `histories`. Customers sharing (x, t_x, T) are evaluated once
 * and the Gamma and Beta terms once per distinct x, which makes a fit over thousands of customers cheap.
 */
export function bgNbdTotalLogLikelihood(
  parameters: BgNbdParameters,
  histories: readonly CustomerHistory[],
): number {
  return totalLogLikelihood(parameters, groupHistories(histories));
}

/**
 * Fits the BG/NBD model by maximum likelihood: Nelder-Mead with restarts on the logarithms of the
 * parameters, which keeps them positive without bounds.
 *
 * @throws RecommendInputError when a history is malformed
 * @throws ModelFitError when there are no histories or the likelihood has no finite maximum
 */
export function fitBgNbd(histories: readonly CustomerHistory[], options: BgNbdFitOptions = {}): BgNbdFit {
  const parsed = parseInput(z.array(CustomerHistorySchema), histories, 'customer histories');
  if (parsed.length === 0) throw new ModelFitError('Cannot fit the BG/NBD model on zero customers.');
  const groups = groupHistories(parsed);
  const initial = options.initial ?? { r: 1, alpha: 1, a: 1, b: 1 };
  const fromLog = (theta: ArrayLike<number>): BgNbdParameters => ({
    r: boundedExp(theta[0] as number),
    alpha: boundedExp(theta[1] as number),
    a: boundedExp(theta[2] as number),
    b: boundedExp(theta[3] as number),
  });
  const start = [initial.r, initial.alpha, initial.a, initial.b].map(Math.log);
  const result = minimizeNelderMead((theta) => -totalLogLikelihood(fromLog(theta), groups), start, {
    initialStep: 0.5,
    maxEvaluations: 20_000,
    restarts: 5,
  });
  if (!Number.isFinite(result.value) || !result.converged) {
    throw new ModelFitError(
      `The BG/NBD fit on ${parsed.length} customers did not converge (log-likelihood ${-result.value}); ` +
        'the data may have too few repeat customers.',
    );
  }
  return { parameters: fromLog(result.x), logLikelihood: -result.value, customers: parsed.length };
}

/**
 * The parameter range the fit searches, in log space. When dropout hardly varies between customers,
 * the likelihood keeps rising as a and b grow together (the beta distribution of the dropout
 * probability tends to a point mass at a/(a+b)); capping them at 1e5 stops the search at a point
 * indistinguishable from that limit instead of drifting until the optimizer gives up.
 */
const LOG_PARAMETER_RANGE = { min: Math.log(1e-6), max: Math.log(1e5) } as const;

function boundedExp(logValue: number): number {
  return Math.exp(Math.min(LOG_PARAMETER_RANGE.max, Math.max(LOG_PARAMETER_RANGE.min, logValue)));
}

/**
 * E[X(t)]: expected transactions in a period of length `t` for a customer just acquired, the paper's
 * equation (9): (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]. It equals the
 * conditional expectation for a history with x = t_x = T = 0.
 */
export function bgNbdExpectedTransactions(parameters: BgNbdParameters, t: number): number {
  return bgNbdConditionalExpectedTransactions(parameters, { frequency: 0, recency: 0, age: 0 }, t);
}

/**
 * E[Y(t) | x, t_x, T]: expected transactions in (T, T+t] for a customer with the given history, the
 * paper's equation (10):
 *
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / [1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)].
 *
 * With u = t/(α+T), Pfaff's transformation (Abramowitz & Stegun 15.3.5) rewrites the bracketed
 * product as 2F1(r+x, a−1; a+b+x−1; −u). For u <= 1/2 that series converges fast and, summed
 * without its leading 1, gives 1 − 2F1 with no cancellation, so short horizons stay accurate. For
 * longer horizons the original series in z = u/(1+u) < 1 is summed in log space (its terms can exceed
 * a double for frequent customers), with a convergence check that fails loudly rather than return a
 * truncated sum.
 *
 * @throws NumericalError if the series does not converge (z within about 1e-6 of 1)
 */
export function bgNbdConditionalExpectedTransactions(
  parameters: BgNbdParameters,
  history: CustomerHistory,
  t: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = parameters;
  // The expectation is continuous in a, but the closed form is 0/0 at a = 1 exactly.
  const a = Math.abs(parameters.a - 1) < 1e-9 ? 1 + 1e-9 : parameters.a;
  const x = history.frequency;
  const c = a + b + x - 1;
  const u = t / (alpha + history.age);
  let oneMinusProduct: number;
  if (u <= 0.5) {
    oneMinusProduct = -hypergeometric2F1MinusOne(r + x, a - 1, c, -u);
  } else {
    const zArg = u / (1 + u);
    const logPrefactor = (r + x) * Math.log1p(-zArg);
    oneMinusProduct =
      c > 0
        ? -Math.expm1(logPrefactor + logHypergeometric2F1Positive(r + x, b + x, c, zArg))
        : 1 - Math.exp(logPrefactor) * (1 + hypergeometric2F1MinusOne(r + x, b + x, c, zArg));
  }
  return ((c / (a - 1)) * oneMinusProduct) / (1 + Math.exp(logDropOutOdds(parameters, history)));
}

/**
 * P(alive | x, t_x, T), Fader, Hardie & Lee's note "Computing P(alive) Using the BG/NBD Model" (2008):
 * 1 / [1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)]. A customer with no repeat transaction is alive
 * for certain, because under the model drop-out happens only right after a transaction.
 */
export function bgNbdProbabilityAlive(parameters: BgNbdParameters, history: CustomerHistory): number {
  return 1 / (1 + Math.exp(logDropOutOdds(parameters, history)));
}

/** ln of the odds that the customer dropped out after the last transaction; −∞ when x = 0. */
function logDropOutOdds(parameters: BgNbdParameters, history: CustomerHistory): number {
  const { r, alpha, a, b } = parameters;
  const x = history.frequency;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  return (
    Math.log(a) -
    Math.log(b + x - 1) +
    (r + x) * (Math.log(alpha + history.age) - Math.log(alpha + history.recency))
  );
}

interface HistoryGroup {
  readonly frequency: number;
  readonly recency: number;
  readonly age: number;
  readonly count: number;
}

function groupHistories(histories: readonly CustomerHistory[]): HistoryGroup[] {
  const counts = new Map<string, HistoryGroup>();
  for (const h of histories) {
    const key = `${h.frequency}|${h.recency}|${h.age}`;
    const seen = counts.get(key);
    counts.set(key, {
      frequency: h.frequency,
      recency: h.recency,
      age: h.age,
      count: (seen?.count ?? 0) + 1,
    });
  }
  return [...counts.values()];
}

function totalLogLikelihood(parameters: BgNbdParameters, groups: readonly HistoryGroup[]): number {
  const { r, alpha, a, b } = parameters;
  const logAlpha = Math.log(alpha);
  const logBetaAB = betaln(a, b);
  const gammaR = gammaln(r);
  const byFrequency = new Map<number, { purchase: number; aliveAtEnd: number; droppedAfterLast: number }>();
  let total = 0;
  for (const group of groups) {
    const x = group.frequency;
    let terms = byFrequency.get(x);
    if (terms === undefined) {
      terms = {
        purchase: gammaln(r + x) - gammaR + r * logAlpha,
        aliveAtEnd: betaln(a, b + x) - logBetaAB,
        droppedAfterLast: x > 0 ? betaln(a + 1, b + x - 1) - logBetaAB : Number.NEGATIVE_INFINITY,
      };
      byFrequency.set(x, terms);
    }
    const aliveAtEnd = terms.aliveAtEnd - (r + x) * Math.log(alpha + group.age);
    const droppedAfterLast = terms.droppedAfterLast - (r + x) * Math.log(alpha + group.recency);
    total += group.count * (terms.purchase + logSumExp(aliveAtEnd, droppedAfterLast));
  }
  return total;
}
