import { describe, expect, it } from 'vitest';
import type { CampaignArms, SimulatedCampaign } from '../../bench/campaign-simulation.ts';
import { type MetricReads, readCampaign, summariseMetric, wilsonInterval } from '../../bench/campaigns.ts';
import type { ArmSums } from '../../lambdas/experiments/uplift.ts';

/** Sums of outcomes with no covariate (X = 0), as the simulator hands them over. */
function sums(ys: readonly number[]): ArmSums {
  return {
    n: ys.length,
    sumY: ys.reduce((s, y) => s + y, 0),
    sumX: 0,
    sumYY: ys.reduce((s, y) => s + y * y, 0),
    sumXX: 0,
    sumXY: 0,
  };
}

/** A campaign of two reads with the same arms for every metric, and no true uplift. */
function stubCampaign(reads: readonly CampaignArms[]): SimulatedCampaign {
  return {
    spec: {
      campaignId: 'stub',
      seed: 1,
      holdoutShare: 0.5,
      usersPerDay: 1,
      exposureDays: 1,
      windowDays: reads.length,
      preDays: 30,
      uplift: { traded: 0, active_days: 0, net_revenue_usd: 0 },
    },
    reads: reads.length,
    armsAt: (read) => reads[read] as CampaignArms,
    trueUpliftAt: () => 0,
  };
}

describe('readCampaign', () => {
  it('counts a read without a sequence as covering, and a clear miss with its smaller arm', () => {
    const campaign = stubCampaign([
      // Read 0: an arm of one user has no interval and no sequence: it claims nothing.
      { treatment: sums([10]), control: sums([0]) },
      // Read 1: means 10.5 and 0.5, variances 1.5/5 = 0.3 and 1/3: se = sqrt(0.3/6 + (1/3)/4) = 0.365148.
      // The sequence of 10 users is 7.16 either side of the uplift of 10 (uplift.test.ts shows the
      // arithmetic): [2.84, 17.16] misses the A/A truth 0 and says `win`.
      {
        treatment: sums([10, 11, 10, 11, 10, 11]),
        control: sums([0, 1, 0, 1]),
      },
    ]);

    const reads = readCampaign(campaign).metrics.active_days;

    expect(reads).toMatchObject({
      lastMissArmSize: 4,
      lastDecisionArmSize: 4,
      wonOnSomeRead: true,
      lostOnSomeRead: false,
      intervalCoversAtEnd: false,
      plainIntervalCoversAtEnd: false,
      intervalExcludesZeroAtEnd: true,
      intervalExcludesZeroOnSomeRead: true,
      uplift: 10,
      plainUplift: 10,
    });
    expect(reads.se).toBeCloseTo(0.365148, 6);
    // Both arms: 10 users, ΣY = 63 + 2 = 65, mean 6.5; ΣY² = 663 + 2 = 665, ss = 665 - 65²/10 = 242.5,
    // sd = sqrt(242.5 / 9) = 5.190804. X is 0 throughout: no correlation to speak of (0 / 0).
    expect(reads.meanY).toBe(6.5);
    expect(reads.sdY).toBeCloseTo(5.190804, 6);
    expect(reads.correlation).toBeNaN();
  });
});

describe('summariseMetric', () => {
  const read = (lastMissArmSize: number | null, uplift: number, plainSe: number): MetricReads => ({
    intervalCoversAtEnd: true,
    plainIntervalCoversAtEnd: lastMissArmSize === null,
    lastMissArmSize,
    lastDecisionArmSize: lastMissArmSize,
    wonOnSomeRead: lastMissArmSize !== null,
    lostOnSomeRead: false,
    intervalExcludesZeroAtEnd: false,
    intervalExcludesZeroOnSomeRead: lastMissArmSize !== null,
    uplift,
    plainUplift: 2 * uplift,
    se: 1,
    plainSe,
    meanY: 0,
    sdY: 1,
    correlation: 0,
  });
  const reads = [read(null, 1, 2), read(50, -1, 2), read(300, 1, 4), read(null, -1, 4)];

  it('counts the sequence over every read, or only once both arms reach a size', () => {
    // Every read: two campaigns missed (their last misses at arms of 50 and 300): 2/4.
    expect(summariseMetric(reads)).toMatchObject({ sequenceCoverage: 0.5, decidedRate: 0.5, wonRate: 0.5 });
    // From arms of 100: the miss at 50 is before the burn-in, the one at 300 after: 3/4.
    expect(summariseMetric(reads, 100)).toMatchObject({ sequenceCoverage: 0.75, decidedRate: 0.25 });
    // From arms of 500 neither counts; the win rate still counts every read.
    expect(summariseMetric(reads, 500)).toMatchObject({ sequenceCoverage: 1, decidedRate: 0, wonRate: 0.5 });
  });

  it('measures the variance reduction across campaigns and the mean se ratio', () => {
    const summary = summariseMetric(reads);
    // Uplifts 1, -1, 1, -1: variance 4/3; without CUPED twice as far: 16/3; 1 - 4/16 = 0.75.
    expect(summary.varianceReduction).toBeCloseTo(0.75, 12);
    // se ratios 1/2, 1/2, 1/4, 1/4: mean 0.375.
    expect(summary.seRatio).toBeCloseTo(0.375, 12);
    expect(summary.plainIntervalCoverage).toBe(0.5);
  });
});

describe('wilsonInterval', () => {
  it('gives the 95% Wilson interval of a rate', () => {
    // 190/200 = 0.95; z² = 3.841459; centre (0.95 + 3.841459/400) / (1 + 3.841459/200)
    // = 0.959604 / 1.019207 = 0.941520; half 1.959964 sqrt(0.95 * 0.05/200 + 3.841459/160000) / 1.019207
    // = 1.959964 * 0.016171 / 1.019207 = 0.031098.
    const [low, high] = wilsonInterval(190, 200);
    expect(low).toBeCloseTo(0.910422, 6);
    expect(high).toBeCloseTo(0.972617, 6);
    // 0 of 200: [0, z² / (200 + z²)] = [0, 3.841459 / 203.841459] = [0, 0.018845].
    const [zeroLow, zeroHigh] = wilsonInterval(0, 200);
    expect(zeroLow).toBeCloseTo(0, 12);
    expect(zeroHigh).toBeCloseTo(0.018845, 6);
  });
});
