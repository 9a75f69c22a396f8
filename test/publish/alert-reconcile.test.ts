/** The sentence that reconciles a day's alert with a recommendation pointing the other way. */
import { describe, expect, it } from 'vitest';
import { isBadNews, isGoodNews, reconcileAlert } from '../../lambdas/publish/alert-reconcile.ts';
import { recommendation } from './recommendation.ts';

describe('isBadNews and isGoodNews', () => {
  it('reads CAC up, volumes down and tracking as bad, their opposites as good, spend as neither', () => {
    expect(isBadNews({ metric: 'cac_usd', direction: 'up' })).toBe(true);
    expect(isBadNews({ metric: 'signups', direction: 'down' })).toBe(true);
    expect(isBadNews({ metric: 'tracking', direction: 'down' })).toBe(true);
    expect(isGoodNews({ metric: 'cac_usd', direction: 'down' })).toBe(true);
    expect(isGoodNews({ metric: 'ftds', direction: 'up' })).toBe(true);
    expect(isBadNews({ metric: 'spend_usd', direction: 'up' })).toBe(false);
    expect(isGoodNews({ metric: 'spend_usd', direction: 'down' })).toBe(false);
  });
});

describe('reconcileAlert', () => {
  it('explains bad news beside a raise', () => {
    expect(reconcileAlert({ metric: 'ftds', direction: 'down' }, recommendation({}))).toBe(
      'One day does not move its recommendation to raise it, which reads weeks of spend against acquisition valued at the horizon (each extra $100 returns about $706); if this lasts, the next runs will lower it.',
    );
    expect(reconcileAlert({ metric: 'tracking', direction: 'down' }, recommendation({}))).toBe(
      'Hold its recommended raise until tracking is back: the raise rests on sign-ups the platform no longer records.',
    );
    expect(
      reconcileAlert(
        { metric: 'cac_usd', direction: 'up' },
        recommendation({ bindingConstraint: 'registry_min' }),
      ),
    ).toBe('Its recommendation raises it only because its registry minimum requires it.');
  });

  it('explains good news beside a cut', () => {
    expect(
      reconcileAlert({ metric: 'signups', direction: 'up' }, recommendation({ changePct: -0.2 })),
    ).toMatch(/^One good day does not move its recommendation to cut it/);
  });

  it('says nothing when they agree, for spend, or without a recommendation', () => {
    expect(
      reconcileAlert({ metric: 'cac_usd', direction: 'up' }, recommendation({ changePct: -0.2 })),
    ).toBeNull();
    expect(reconcileAlert({ metric: 'signups', direction: 'up' }, recommendation({}))).toBeNull();
    expect(
      reconcileAlert({ metric: 'ftds', direction: 'down' }, recommendation({ changePct: 0 })),
    ).toBeNull();
    expect(
      reconcileAlert({ metric: 'spend_usd', direction: 'up' }, recommendation({ changePct: -0.2 })),
    ).toBeNull();
    expect(reconcileAlert({ metric: 'ftds', direction: 'down' }, undefined)).toBeNull();
  });
});
