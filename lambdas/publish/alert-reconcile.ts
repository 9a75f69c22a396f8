/**
 * A day's alert and a recommendation about the same partner can point opposite ways: sign-ups fell
 * today while the budget goes up, or CAC fell today while the budget goes down. Both can be right
 * (the alert reads one day against its usual range; the recommendation reads weeks of spend against
 * acquisition valued at the horizon), but a manager cannot act on both unless the digest says how
 * they fit. This is the sentence that says it.
 */
import type { Recommendation } from './model.ts';
import { cuts, marginalReturn, raises } from './roi-display.ts';

/** What the reconciliation needs of an alert. */
export interface DirectedAlert {
  readonly metric: string;
  readonly direction: 'up' | 'down';
}

/** Whether an alert is bad news for the partner (CAC up, sign-ups, FTDs or revenue down, tracking). */
export function isBadNews(alert: DirectedAlert): boolean {
  if (alert.metric === 'tracking') return true;
  if (alert.metric === 'cac_usd') return alert.direction === 'up';
  if (alert.metric === 'spend_usd') return false;
  return alert.direction === 'down';
}

/** Whether an alert is good news for the partner (CAC down, sign-ups, FTDs or revenue up). */
export function isGoodNews(alert: DirectedAlert): boolean {
  if (alert.metric === 'tracking' || alert.metric === 'spend_usd') return false;
  return !isBadNews(alert);
}

/**
 * The sentence that reconciles a partner-level alert with the partner's recommendation when they
 * point opposite ways; null when they agree or there is no recommendation.
 */
export function reconcileAlert(
  alert: DirectedAlert,
  recommendation: Recommendation | undefined,
): string | null {
  if (recommendation === undefined) return null;
  if (isBadNews(alert) && raises(recommendation)) {
    if (recommendation.bindingConstraint === 'registry_min')
      return 'Its recommendation raises it only because its registry minimum requires it.';
    const marginal = marginalReturn(recommendation);
    if (alert.metric === 'tracking')
      return 'Hold its recommended raise until tracking is back: the raise rests on sign-ups the platform no longer records.';
    return `One day does not move its recommendation to raise it, which reads weeks of spend against acquisition valued at the horizon${marginal === null ? '' : ` (${marginal})`}; if this lasts, the next runs will lower it.`;
  }
  if (isGoodNews(alert) && cuts(recommendation)) {
    return 'One good day does not move its recommendation to cut it, which reads weeks of spend against acquisition valued at the horizon; if this lasts, the next runs will raise it.';
  }
  return null;
}
