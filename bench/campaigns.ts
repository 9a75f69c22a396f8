import { z } from 'zod';
import { type UpliftDesign, type UpliftResult, upliftOf, Z_95 } from '../lambdas/experiments/uplift.ts';
import {
  type CampaignSpec,
  SIMULATED_METRICS,
  type SimulatedCampaign,
  type SimulatedMetric,
  simulateCampaign,
} from './campaign-simulation.ts';

/** Campaigns per scenario (at least 200 to judge the rates) and the seed, from the environment. */
const BenchCampaignsEnvSchema = z.object({
  BENCH_CAMPAIGNS: z.coerce.number().int().min(2).default(200),
  BENCH_CAMPAIGNS_SEED: z.coerce.number().int().default(1),
});

/** The true uplift over a full 14-day window of the scenarios with an effect. */
const EFFECT: CampaignSpec['uplift'] = { traded: 0.04, active_days: 0.35, net_revenue_usd: 3 };
const NO_EFFECT: CampaignSpec['uplift'] = { traded: 0, active_days: 0, net_revenue_usd: 0 };

interface Scenario {
  readonly id: string;
  readonly label: string;
  readonly holdoutShare: number;
  readonly uplift: CampaignSpec['uplift'];
}

// The playbook's default holdout (10%) and an even split, each as an A/A test and with an effect.
const SCENARIOS: readonly Scenario[] = [
  { id: 'aa-10', label: 'A/A, holdout 10%', holdoutShare: 0.1, uplift: NO_EFFECT },
  { id: 'effect-10', label: 'effect, holdout 10%', holdoutShare: 0.1, uplift: EFFECT },
  { id: 'aa-50', label: 'A/A, holdout 50%', holdoutShare: 0.5, uplift: NO_EFFECT },
  { id: 'effect-50', label: 'effect, holdout 50%', holdoutShare: 0.5, uplift: EFFECT },
];

/** Two weeks of exposures, read daily until the last user's 14-day window is full: 27 reads. */
const CAMPAIGN_SHAPE = { usersPerDay: 500, exposureDays: 14, windowDays: 14, preDays: 30 } as const;

/**
 * Reads counted in the burn-in rows: only once both arms have at least this many users, as a
 * dashboard that hides results until then would.
 */
const BURN_IN_ARM_SIZES = [100, 500] as const;

/** What one campaign's daily reads of one metric showed, against the truth. */
export interface MetricReads {
  /** The 95% interval (with CUPED) contains the true uplift at the last read. */
  readonly intervalCoversAtEnd: boolean;
  /** The same for the unadjusted interval (θ = 0). */
  readonly plainIntervalCoversAtEnd: boolean;
  /**
   * The smaller arm's size on the last read whose confidence sequence missed that read's true
   * uplift; null when it never did. Arms only grow, so the sequence covers every read whose arms
   * both hold more users than this.
   */
  readonly lastMissArmSize: number | null;
  /** The same for the last read with a `win` or `loss` verdict; null when there was none. */
  readonly lastDecisionArmSize: number | null;
  /** The verdict was `win` on at least one read. */
  readonly wonOnSomeRead: boolean;
  /** The verdict was `loss` on at least one read. */
  readonly lostOnSomeRead: boolean;
  /** The fixed interval excluded 0 at the last read: a test read once, as designed. */
  readonly intervalExcludesZeroAtEnd: boolean;
  /** The fixed interval excluded 0 on at least one read: the same test, peeked at daily. */
  readonly intervalExcludesZeroOnSomeRead: boolean;
  /** Uplift and standard error at the last read, with CUPED and without. */
  readonly uplift: number;
  readonly plainUplift: number;
  readonly se: number;
  readonly plainSe: number;
  /** The users at the last read, both arms together: Y's mean and standard deviation, corr(X, Y). */
  readonly meanY: number;
  readonly sdY: number;
  readonly correlation: number;
}

/** What one campaign's daily reads showed. */
export interface CampaignReads {
  readonly srmAtEnd: boolean;
  readonly srmOnSomeRead: boolean;
  readonly metrics: Readonly<Record<SimulatedMetric, MetricReads>>;
}

const contains = (low: number | null, high: number | null, value: number) =>
  low === null || high === null || (low <= value && value <= high);
const excludesZero = (result: UpliftResult) => !contains(result.ciLow, result.ciHigh, 0);
const seOf = (result: UpliftResult) => ((result.ciHigh ?? 0) - (result.ciLow ?? 0)) / (2 * Z_95);

/**
 * Reads a simulated campaign every day as `campaign_results` would, with CUPED (the campaign's
 * pre-window) and, at the last read, without (θ = 0 on the same users), and scores each read
 * against its truth. A read whose interval or sequence is null (an arm of fewer than 2 users, a zero
 * spread) claims nothing and so counts as covering.
 */
export function readCampaign(campaign: SimulatedCampaign): CampaignReads {
  const { spec } = campaign;
  const design: UpliftDesign = {
    holdoutShare: spec.holdoutShare,
    preDays: spec.preDays,
    costPerTreatedUsd: 0,
    isRevenueMetric: false,
  };
  const last = campaign.reads - 1;
  let srmOnSomeRead = false;
  let srmAtEnd = false;
  const metrics = {} as Record<SimulatedMetric, MetricReads>;
  for (const metric of SIMULATED_METRICS) {
    let lastMissArmSize: number | null = null;
    let lastDecisionArmSize: number | null = null;
    let wonOnSomeRead = false;
    let lostOnSomeRead = false;
    let intervalExcludesZeroOnSomeRead = false;
    let end: UpliftResult | null = null;
    for (let read = 0; read <= last; read++) {
      const { treatment, control } = campaign.armsAt(read, metric);
      const result = upliftOf(treatment, control, design);
      const smallerArm = Math.min(treatment.n, control.n);
      if (!contains(result.csLow, result.csHigh, campaign.trueUpliftAt(read, metric)))
        lastMissArmSize = smallerArm;
      if (result.verdict === 'win' || result.verdict === 'loss') lastDecisionArmSize = smallerArm;
      wonOnSomeRead ||= result.verdict === 'win';
      lostOnSomeRead ||= result.verdict === 'loss';
      intervalExcludesZeroOnSomeRead ||= excludesZero(result);
      srmOnSomeRead ||= result.srmFlag;
      end = result;
    }
    const final = end as UpliftResult;
    const { treatment, control } = campaign.armsAt(last, metric);
    const plain = upliftOf(treatment, control, { ...design, preDays: 0 });
    const truth = campaign.trueUpliftAt(last, metric);
    srmAtEnd = final.srmFlag;
    const n = treatment.n + control.n;
    const sumY = treatment.sumY + control.sumY;
    const sumX = treatment.sumX + control.sumX;
    const ssY = treatment.sumYY + control.sumYY - (sumY * sumY) / n;
    const ssX = treatment.sumXX + control.sumXX - (sumX * sumX) / n;
    const spXY = treatment.sumXY + control.sumXY - (sumX * sumY) / n;
    metrics[metric] = {
      intervalCoversAtEnd: contains(final.ciLow, final.ciHigh, truth),
      plainIntervalCoversAtEnd: contains(plain.ciLow, plain.ciHigh, truth),
      lastMissArmSize,
      lastDecisionArmSize,
      wonOnSomeRead,
      lostOnSomeRead,
      intervalExcludesZeroAtEnd: excludesZero(final),
      intervalExcludesZeroOnSomeRead,
      uplift: final.upliftAbs ?? 0,
      plainUplift: plain.upliftAbs ?? 0,
      se: seOf(final),
      plainSe: seOf(plain),
      meanY: sumY / n,
      sdY: Math.sqrt(ssY / (n - 1)),
      correlation: spXY / Math.sqrt(ssX * ssY),
    };
  }
  return { srmAtEnd, srmOnSomeRead, metrics };
}

/** The scenario's figures for one metric over its campaigns. */
export interface MetricSummary {
  readonly intervalCoverage: number;
  readonly plainIntervalCoverage: number;
  /** Share of campaigns whose sequence contained the truth on every read counted. */
  readonly sequenceCoverage: number;
  /** Share of campaigns with a `win` or `loss` verdict on some read counted. */
  readonly decidedRate: number;
  readonly wonRate: number;
  readonly lostRate: number;
  readonly intervalExcludesZeroAtEnd: number;
  readonly intervalExcludesZeroOnSomeRead: number;
  /** 1 - var(uplift with CUPED) / var(uplift without), across the campaigns. */
  readonly varianceReduction: number;
  /** Mean over campaigns of se with CUPED / se without. */
  readonly seRatio: number;
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const variance = (values: readonly number[]) => {
  const m = mean(values);
  return values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
};
const share = (flags: readonly boolean[]) => flags.filter(Boolean).length / flags.length;
const below = (armSize: number | null, minArmSize: number) => armSize === null || armSize < minArmSize;

/**
 * Rates and CUPED's variance reduction for one metric over a scenario's campaigns (at least 2).
 * The sequence's coverage and the decisions count only the reads whose arms both have at least
 * `minArmSize` users (0: every read); the win and loss rates count every read.
 */
export function summariseMetric(reads: readonly MetricReads[], minArmSize = 0): MetricSummary {
  return {
    intervalCoverage: share(reads.map((r) => r.intervalCoversAtEnd)),
    plainIntervalCoverage: share(reads.map((r) => r.plainIntervalCoversAtEnd)),
    sequenceCoverage: share(reads.map((r) => below(r.lastMissArmSize, minArmSize))),
    decidedRate: share(reads.map((r) => !below(r.lastDecisionArmSize, minArmSize))),
    wonRate: share(reads.map((r) => r.wonOnSomeRead)),
    lostRate: share(reads.map((r) => r.lostOnSomeRead)),
    intervalExcludesZeroAtEnd: share(reads.map((r) => r.intervalExcludesZeroAtEnd)),
    intervalExcludesZeroOnSomeRead: share(reads.map((r) => r.intervalExcludesZeroOnSomeRead)),
    varianceReduction: 1 - variance(reads.map((r) => r.uplift)) / variance(reads.map((r) => r.plainUplift)),
    seRatio: mean(reads.map((r) => r.se / r.plainSe)),
  };
}

/** The 95% Wilson interval of a rate k / n, to judge a measured rate against its target. */
export function wilsonInterval(successes: number, trials: number): readonly [number, number] {
  const p = successes / trials;
  const z2 = Z_95 * Z_95;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return [centre - half, centre + half];
}

const f3 = (x: number) => x.toFixed(3);
const range = (k: number, n: number) => {
  const [low, high] = wilsonInterval(k, n);
  return `${f3(k / n)} [${f3(low)}, ${f3(high)}]`;
};

/**
 * Coverage and error rates of the campaign statistics on simulated campaigns whose true uplift is
 * known: per scenario (holdout share, A/A or effect) and metric, read daily as production reads.
 */
export async function benchCampaigns(): Promise<void> {
  const env = BenchCampaignsEnvSchema.safeParse(process.env);
  if (!env.success)
    throw new Error(
      `bench campaigns: ${env.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')} (BENCH_CAMPAIGNS is a whole number of campaigns per scenario, e.g. 200)`,
    );
  const { BENCH_CAMPAIGNS: campaigns, BENCH_CAMPAIGNS_SEED: seed } = env.data;
  const byScenario = SCENARIOS.map((scenario) => {
    const reads: CampaignReads[] = [];
    for (let k = 0; k < campaigns; k++) {
      const simulated = simulateCampaign({
        ...CAMPAIGN_SHAPE,
        campaignId: `bench-${scenario.id}-${k}`,
        seed,
        holdoutShare: scenario.holdoutShare,
        uplift: scenario.uplift,
      });
      reads.push(readCampaign(simulated));
    }
    return { scenario, reads };
  });

  const table = (
    columns: readonly (readonly [string, number])[],
    cells: (reads: readonly MetricReads[]) => number[],
  ) => [
    `  ${'scenario'.padEnd(20)} ${'metric'.padEnd(16)} ${columns.map(([name, width]) => name.padStart(width)).join(' ')}`,
    ...byScenario.flatMap(({ scenario, reads }) =>
      SIMULATED_METRICS.map((metric) => {
        const values = cells(reads.map((r) => r.metrics[metric]));
        return `  ${scenario.label.padEnd(20)} ${metric.padEnd(16)} ${values.map((v, i) => f3(v).padStart(columns[i]?.[1] ?? 0)).join(' ')}`;
      }),
    ),
  ];
  const main = table(
    [
      ['CI cov', 7],
      ['no CUPED', 9],
      ['CS daily', 9],
      ['win', 6],
      ['loss', 6],
      ['CI!=0 end', 10],
      ['CI!=0 daily', 12],
      ['var red', 8],
      ['se ratio', 9],
    ],
    (reads) => {
      const s = summariseMetric(reads);
      return [
        s.intervalCoverage,
        s.plainIntervalCoverage,
        s.sequenceCoverage,
        s.wonRate,
        s.lostRate,
        s.intervalExcludesZeroAtEnd,
        s.intervalExcludesZeroOnSomeRead,
        s.varianceReduction,
        s.seRatio,
      ];
    },
  );
  const burnIn = table(
    BURN_IN_ARM_SIZES.flatMap((size) => [[`CS >=${size}`, 9] as const, [`decided >=${size}`, 13] as const]),
    (reads) =>
      BURN_IN_ARM_SIZES.flatMap((size) => {
        const s = summariseMetric(reads, size);
        return [s.sequenceCoverage, s.decidedRate];
      }),
  );
  const srm = (pick: (r: CampaignReads) => boolean) => {
    const all = byScenario.flatMap((s) => s.reads);
    return `${all.filter(pick).length}/${all.length}`;
  };
  // Pooled over scenarios, a rate's sampling error is small enough to judge it against its target.
  const pooledRange = (onlyAa: boolean, metric: SimulatedMetric, flag: (r: MetricReads) => boolean) => {
    const all = byScenario
      .filter((s) => !onlyAa || s.scenario.uplift === NO_EFFECT)
      .flatMap((s) => s.reads.map((r) => r.metrics[metric]));
    return range(all.filter(flag).length, all.length);
  };
  const pooled = SIMULATED_METRICS.map((metric) =>
    [
      `  ${metric.padEnd(16)}`,
      `CI ${pooledRange(false, metric, (r) => r.intervalCoversAtEnd)}`,
      `CS daily ${pooledRange(false, metric, (r) => r.lastMissArmSize === null)}`,
      `A/A decided ${pooledRange(true, metric, (r) => r.lastDecisionArmSize !== null)}`,
      `A/A CI!=0 daily ${pooledRange(true, metric, (r) => r.intervalExcludesZeroOnSomeRead)}`,
    ].join('  '),
  );
  const population = SIMULATED_METRICS.map((metric) => {
    const reads = byScenario
      .filter((s) => s.scenario.uplift === NO_EFFECT)
      .flatMap((s) => s.reads.map((r) => r.metrics[metric]));
    const average = (pick: (r: MetricReads) => number) => mean(reads.map(pick)).toFixed(2);
    return `    ${metric.padEnd(16)} mean ${average((r) => r.meanY)}, sd ${average((r) => r.sdY)}, corr(X, Y) ${average((r) => r.correlation)}`;
  });
  const { usersPerDay, exposureDays, windowDays, preDays } = CAMPAIGN_SHAPE;
  process.stdout.write(
    `${[
      `bench campaigns: ${campaigns} campaigns per scenario (seed ${seed}), each Poisson(${usersPerDay}) users exposed a day for ${exposureDays} days,`,
      `  split by the hash rule, ${windowDays}-day outcome windows, ${preDays}-day pre-window, read daily (${exposureDays + windowDays - 1} reads); effect`,
      `  scenarios: traded +${EFFECT.traded}, active_days +${EFFECT.active_days}, net_revenue_usd +${EFFECT.net_revenue_usd} per treated user over a full window`,
      '  CI cov: the 95% interval (CUPED) holds the true uplift at the last read; no CUPED: the same with θ = 0;',
      "  CS daily: the sequence holds each read's truth on every read; win, loss: that verdict on some read;",
      '  CI!=0 end / daily: the fixed interval excludes 0 at the last read / on some read; var red: 1 - var(uplift)',
      '  / var(uplift with θ = 0) across campaigns; se ratio: mean se / se with θ = 0, at the last read',
      '  the users at the last read of the A/A campaigns (both arms, averages over campaigns):',
      ...population,
      ...main,
      `  SRM flags (every split is correct): at the last read ${srm((r) => r.srmAtEnd)}, on some read ${srm((r) => r.srmOnSomeRead)}`,
      `  burn-in: the sequence read daily, counting only reads whose arms both have at least ${BURN_IN_ARM_SIZES.join(' / ')} users`,
      ...burnIn,
      '  pooled over the scenarios, 95% Wilson ranges (targets: CI 0.93-0.97, CS daily >= 0.95, A/A decided <= 0.05):',
      ...pooled,
    ].join('\n')}\n`,
  );
}
