/**
 * One ROI story in the digest (docs/contract.md, partner_roi_forecast): when an ROI alert is raised,
 * by what, and the sentences that reconcile it with the partner's recommendation.
 */
import { describe, expect, it } from 'vitest';
import type { PartnerRoi } from '../../lambdas/publish/model.ts';
import { paybackText, roiAlert, roiNote } from '../../lambdas/publish/roi-display.ts';
import { recommendation } from './recommendation.ts';

const roi = (values: Partial<PartnerRoi>): PartnerRoi => ({
  partnerId: 'kol-003',
  horizonDays: 180,
  spendUsd: 3000,
  roiD7: -0.9,
  roiD30: -0.56,
  projectedRoi: 0.4,
  projectedRoiLow: 0.1,
  projectedRoiHigh: 0.7,
  paybackDay: 95,
  paybackDayEarliest: 80,
  paybackDayLatest: 130,
  ...values,
});

describe('roiAlert', () => {
  it("raises nothing for the issue's case: -56% at day 30, on course at 180 days, raised", () => {
    expect(roiAlert('Kenji Trades', roi({}), -0.56, recommendation({}), 0)).toBeNull();
  });

  it('raises nothing while the interval reaches the target, even with the estimate below it', () => {
    const straddling = roi({ projectedRoi: -0.1, projectedRoiLow: -0.4, projectedRoiHigh: 0.2 });
    expect(roiAlert('Kenji Trades', straddling, -0.56, undefined, 0)).toBeNull();
  });

  it('alerts when the whole interval is below target, reconciling a raise', () => {
    const below = roi({
      projectedRoi: -0.3,
      projectedRoiLow: -0.5,
      projectedRoiHigh: -0.1,
      paybackDay: null,
    });
    expect(roiAlert('Kenji Trades', below, -0.56, recommendation({}), 0)?.message).toBe(
      'Cohorts of the last 30 days of Kenji Trades are projected to return -30% at 180 days (95%: -50% to -10%), ' +
        'below the 0% target and do not pay back within 365 days; its matured cohorts made -56% by day 30. ' +
        "The recommendation still raises it: it values the next dollar on the partner's response curve over recent " +
        "weeks of spend (each extra $100 returns about $706 at 180 days), while this is the average of the last 30 days' " +
        'dollars; watch the next runs before raising it further.',
    );
  });

  it('says a raise to the registry minimum is only that, and adds nothing to a cut', () => {
    const below = roi({ projectedRoi: -0.3, projectedRoiLow: -0.5, projectedRoiHigh: -0.1 });
    const minimum = roiAlert(
      'Kenji Trades',
      below,
      -0.56,
      recommendation({ bindingConstraint: 'registry_min' }),
      0,
    );
    expect(minimum?.message).toMatch(
      / The recommendation raises it only because its registry minimum requires it\.$/,
    );
    const cut = roiAlert('Kenji Trades', below, -0.56, recommendation({ changePct: -0.3 }), 0);
    expect(cut?.message).toMatch(
      /paying back on day 95 \(80 to 130\); its matured cohorts made -56% by day 30\.$/,
    );
  });

  it('falls back to day-30 ROI, and says so, when there is no projection', () => {
    expect(roiAlert('Kenji Trades', roi({ projectedRoi: null }), -0.56, undefined, 0)?.message).toBe(
      'ROI at day 30 of Kenji Trades is -56%, below the 0% target (no projection yet: too little trading history).',
    );
    expect(roiAlert('Kenji Trades', undefined, 0.1, undefined, 0)).toBeNull();
  });
});

describe('roiNote', () => {
  it('explains a day-30 ROI below target beside a raise whose cohorts are on course', () => {
    expect(roiNote(roi({}), recommendation({}), 0)).toBe(
      'Day-30 ROI of -56% is not the last word: its last 30 days of cohorts are projected to return 40% at 180 days ' +
        '(95%: 10% to 70%), paying back on day 95 (80 to 130).',
    );
  });

  it('says nothing beside a cut or a paused partner, when day 30 is on target, or when the projection is below it', () => {
    expect(roiNote(roi({}), recommendation({ changePct: -0.1 }), 0)).toBeNull();
    expect(
      roiNote(
        roi({}),
        recommendation({
          changePct: 0,
          recommendedDailySpendUsd: 0,
          currentDailySpendUsd: 0,
          bindingConstraint: 'paused',
        }),
        0,
      ),
    ).toBeNull();
    expect(roiNote(roi({ roiD30: 0.05 }), recommendation({}), 0)).toBeNull();
    expect(roiNote(roi({ projectedRoi: -0.05 }), recommendation({}), 0)).toBeNull();
  });
});

describe('paybackText', () => {
  it('reads the payback day and its range', () => {
    expect(paybackText(roi({}))).toBe('day 95 (80 to 130)');
    expect(paybackText(roi({ paybackDayLatest: null }))).toBe('day 95 (80 or later)');
    expect(paybackText(roi({ paybackDayEarliest: null, paybackDayLatest: null }))).toBe('day 95');
    expect(paybackText(roi({ paybackDay: null }))).toBe('not within 365 days');
    expect(paybackText(roi({ paybackDay: null, projectedRoi: null }))).toBe('n/a');
  });
});
