import { describe, expect, it } from 'vitest';
import {
  type CampaignSpec,
  SIMULATED_METRICS,
  simulateCampaign,
  windowShareAt,
} from '../../bench/campaign-simulation.ts';
import { isHeldOut } from '../../lambdas/experiments/holdout.ts';
import { upliftOf } from '../../lambdas/experiments/uplift.ts';

const NO_EFFECT = { traded: 0, active_days: 0, net_revenue_usd: 0 };
const SMALL: CampaignSpec = {
  campaignId: 'sim-small',
  seed: 7,
  holdoutShare: 0.3,
  usersPerDay: 40,
  exposureDays: 3,
  windowDays: 2,
  preDays: 30,
  uplift: { traded: 0.02, active_days: 0.1, net_revenue_usd: 1.5 },
};

describe('windowShareAt', () => {
  it('averages the share of the window each exposure day has seen', () => {
    // Two users on day 0, one on day 1, a 2-day window.
    // Read 0: day 0 seen 1 of 2 days: 2 * 1 / (2 * 2) = 0.5.
    expect(windowShareAt([2, 1], 0, 2)).toBe(0.5);
    // Read 1: day 0 seen 2 days, day 1 seen 1: (2 * 2 + 1 * 1) / (3 * 2) = 5/6.
    expect(windowShareAt([2, 1], 1, 2)).toBeCloseTo(5 / 6, 15);
    // Read 2: both full (day 0 would be 3 days but the window stops at 2): (2 * 2 + 1 * 2) / 6 = 1.
    expect(windowShareAt([2, 1], 2, 2)).toBe(1);
  });

  it('has no share before anyone arrives', () => {
    expect(windowShareAt([0, 3], 0, 14)).toBeNull();
  });
});

describe('simulateCampaign', () => {
  it('splits users by the hash rule and reads every day until the last window is full', () => {
    const campaign = simulateCampaign(SMALL);
    // 3 exposure days + a 2-day window - 1: reads on days 0, 1, 2 and 3.
    expect(campaign.reads).toBe(4);
    const { treatment, control } = campaign.armsAt(3, 'traded');
    const users = treatment.n + control.n;
    const heldOut = Array.from({ length: users }, (_, i) => isHeldOut('sim-small', `u${i}`, 0.3)).filter(
      Boolean,
    ).length;
    expect(control.n).toBe(heldOut);
    // Arms only grow, and no one is exposed after the last exposure day (read 2).
    const sizes = [0, 1, 2, 3].map((read) => {
      const arms = campaign.armsAt(read, 'active_days');
      return arms.treatment.n + arms.control.n;
    });
    expect(sizes[0]).toBeGreaterThan(0);
    expect(sizes[1]).toBeGreaterThan(sizes[0] as number);
    expect(sizes[2]).toBeGreaterThan(sizes[1] as number);
    expect(sizes[3]).toBe(sizes[2]);
    expect(sizes[3]).toBe(users);
  });

  it('gives the full uplift once every window is full, and a share of it before', () => {
    const campaign = simulateCampaign(SMALL);
    for (const metric of SIMULATED_METRICS) {
      // Read 0: every user has seen 1 of 2 days, so half the uplift.
      expect(campaign.trueUpliftAt(0, metric)).toBeCloseTo(SMALL.uplift[metric] / 2, 15);
      expect(campaign.trueUpliftAt(3, metric)).toBeCloseTo(SMALL.uplift[metric], 15);
    }
  });

  it('is the same campaign for the same seed and another for another seed', () => {
    const first = simulateCampaign(SMALL).armsAt(3, 'net_revenue_usd');
    const again = simulateCampaign(SMALL).armsAt(3, 'net_revenue_usd');
    const other = simulateCampaign({ ...SMALL, seed: 8 }).armsAt(3, 'net_revenue_usd');

    expect(again).toEqual(first);
    expect(other.treatment.sumY).not.toBe(first.treatment.sumY);
  });

  it('refuses an effect its draws cannot deliver to every user', () => {
    // Daily activity is capped at 0.9: at most 0.1 extra active day a day, 0.2 over 2 days.
    expect(() => simulateCampaign({ ...SMALL, uplift: { ...NO_EFFECT, active_days: 0.3 } })).toThrow(
      /active_days uplift 0.3: set it in \[0, 0\.2000\]/,
    );
    // Daily trading is capped at 0.2: (1 - 0.2)^2 = 0.64 of users at most would not trade.
    expect(() => simulateCampaign({ ...SMALL, uplift: { ...NO_EFFECT, traded: 0.7 } })).toThrow(
      /traded uplift 0.7: set it in \[0, 0\.6400\]/,
    );
  });

  it('shows the uplift it was given, and a covariate that predicts the outcome (fixed seed)', () => {
    // 7 days of 3,000 users, an even split: about 10,500 users per arm.
    const spec: CampaignSpec = {
      campaignId: 'sim-large',
      seed: 11,
      holdoutShare: 0.5,
      usersPerDay: 3000,
      exposureDays: 7,
      windowDays: 14,
      preDays: 30,
      uplift: { traded: 0.04, active_days: 0.35, net_revenue_usd: 3 },
    };
    const campaign = simulateCampaign(spec);
    const design = { holdoutShare: 0.5, preDays: 30, costPerTreatedUsd: 0, isRevenueMetric: false };
    for (const metric of SIMULATED_METRICS) {
      const { treatment, control } = campaign.armsAt(campaign.reads - 1, metric);
      const cuped = upliftOf(treatment, control, design);
      const plain = upliftOf(treatment, control, { ...design, preDays: 0 });
      const se = (Number(cuped.ciHigh) - Number(cuped.ciLow)) / (2 * 1.959964);
      const plainSe = (Number(plain.ciHigh) - Number(plain.ciLow)) / (2 * 1.959964);

      expect(Math.abs(Number(cuped.upliftAbs) - spec.uplift[metric])).toBeLessThan(3 * se);
      expect(cuped.cupedTheta).toBeGreaterThan(0);
      expect(se).toBeLessThan(0.95 * plainSe);
    }
  });
});
