import { RecommendError } from '../../lambdas/recommend/errors.ts';

/**
 * A series or root search did not converge within its iteration budget. A kind of RecommendError,
 * like the fitting errors the bench models share with the product's, so one catch handles both.
 */
export class NumericalError extends RecommendError {
  public override readonly name = 'NumericalError';
}
