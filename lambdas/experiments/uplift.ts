import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { z } from 'zod';
import { ArmStatisticsError } from './errors.ts';

/** The two-sided 97.5% normal quantile the contract fixes for the 95% interval. */
export const Z_95 = 1.959964;

/** The confidence sequence's error rate and its tuning (GrowthBook's default, S = 5000). */
export const SEQUENCE_ALPHA = 0.05;
export const SEQUENCE_TUNING = 5000;

/** The sample-ratio check flags a campaign whose arms' split has p below this. */
export const SRM_THRESHOLD = 0.001;

/**
 * One arm's sufficient statistics for a metric Y and its pre-window covariate X: the count and
 * the sums, sums of squares and cross-product the SQL hands over (never the users themselves).
 */
export const ArmSumsSchema = z.object({
  n: z.number().int().nonnegative(),
  sumY: z.number().finite(),
  sumX: z.number().finite(),
  sumYY: z.number().finite().nonnegative(),
  sumXX: z.number().finite().nonnegative(),
  sumXY: z.number().finite(),
});
export type ArmSums = z.infer<typeof ArmSumsSchema>;

/** What the statistics need of the campaign besides its arms. */
export const UpliftDesignSchema = z.object({
  /** The designed control share h, 0 < h < 1. */
  holdoutShare: z.number().gt(0).lt(1),
  /** Days of the covariate window; 0 turns CUPED off. */
  preDays: z.number().int().nonnegative(),
  /** Incentive or message cost per treated user. */
  costPerTreatedUsd: z.number().nonnegative(),
  /** ROI is defined for net revenue only. */
  isRevenueMetric: z.boolean(),
});
export type UpliftDesign = z.infer<typeof UpliftDesignSchema>;

/** The decision a reader takes from a result (docs/contract.md, campaign_results). */
export type Verdict = 'win' | 'loss' | 'inconclusive' | 'srm';

/** The statistics of one campaign and metric, as `campaign_results` stores them. */
export interface UpliftResult {
  readonly nTreatment: number;
  readonly nControl: number;
  readonly meanTreatment: number | null;
  readonly meanControl: number | null;
  readonly cupedTheta: number;
  readonly upliftAbs: number | null;
  readonly upliftRel: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly pValue: number | null;
  readonly csLow: number | null;
  readonly csHigh: number | null;
  readonly srmPValue: number | null;
  readonly srmFlag: boolean;
  readonly incrementalTotal: number | null;
  readonly costUsd: number;
  readonly roi: number | null;
  readonly verdict: Verdict;
}

/** Centered sums of one group: sum of squares of Y and X about their means, and of their product. */
interface Centered {
  readonly n: number;
  readonly meanY: number;
  readonly meanX: number;
  readonly ssY: number;
  readonly ssX: number;
  readonly spXY: number;
}

function centered(arm: ArmSums): Centered {
  const { n } = arm;
  if (n === 0) return { n, meanY: 0, meanX: 0, ssY: 0, ssX: 0, spXY: 0 };
  return {
    n,
    meanY: arm.sumY / n,
    meanX: arm.sumX / n,
    // Clamped at 0: a sum of squares less its mean's share is >= 0 but for rounding.
    ssY: Math.max(0, arm.sumYY - (arm.sumY * arm.sumY) / n),
    ssX: Math.max(0, arm.sumXX - (arm.sumX * arm.sumX) / n),
    spXY: arm.sumXY - (arm.sumX * arm.sumY) / n,
  };
}

function pooled(a: ArmSums, b: ArmSums): ArmSums {
  return {
    n: a.n + b.n,
    sumY: a.sumY + b.sumY,
    sumX: a.sumX + b.sumX,
    sumYY: a.sumYY + b.sumYY,
    sumXX: a.sumXX + b.sumXX,
    sumXY: a.sumXY + b.sumXY,
  };
}

/** θ = cov(Y, X) / var(X) over both arms pooled; 0 without a covariate window or a spread in X. */
function cupedTheta(all: Centered, preDays: number): number {
  if (preDays === 0 || all.n < 2 || all.ssX === 0) return 0;
  // cov and var share their n - 1, so it cancels.
  return all.spXY / all.ssX;
}

/** Sample variance (n - 1) of Y' = Y - θ (X - c) within one arm; the shift c does not change it. */
function adjustedVariance(arm: Centered, theta: number): number {
  const ss = arm.ssY - 2 * theta * arm.spXY + theta * theta * arm.ssX;
  return Math.max(0, ss) / (arm.n - 1);
}

/**
 * Half-width of the 95% always-valid confidence sequence for the difference of two means: the
 * normal-mixture boundary of Howard et al. in the asymptotic form of Waudby-Smith et al. (2023,
 * eq. 9), with the mixing parameter ρ tuned for S users (eq. 161), as GrowthBook computes it. With
 * N users in all and the estimate's standard error se, the boundary's variance term is se² N.
 */
export function sequenceHalfWidth(se: number, totalUsers: number): number {
  const alpha = SEQUENCE_ALPHA;
  const rhoSquared = (-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / SEQUENCE_TUNING;
  const n = totalUsers;
  const nRho = n * rhoSquared;
  const spread = Math.sqrt(se * se * n);
  return (
    spread * Math.sqrt(((2 * (nRho + 1)) / (n * n * rhoSquared)) * Math.log(Math.sqrt(nRho + 1) / alpha))
  );
}

/**
 * The chi-square goodness-of-fit p-value (1 degree of freedom) of the arms' sizes against the
 * designed split (1 - h, h); null without users.
 */
export function sampleRatioPValue(nTreatment: number, nControl: number, holdoutShare: number): number | null {
  const n = nTreatment + nControl;
  if (n === 0) return null;
  const expectedTreatment = n * (1 - holdoutShare);
  const expectedControl = n * holdoutShare;
  const statistic =
    (nTreatment - expectedTreatment) ** 2 / expectedTreatment +
    (nControl - expectedControl) ** 2 / expectedControl;
  return 1 - chisquareCdf(statistic, 1);
}

function checked(arm: ArmSums, name: string): ArmSums {
  const parsed = ArmSumsSchema.safeParse(arm);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArmStatisticsError(
      `${name} arm: ${issue?.path.join('.') ?? 'value'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  return parsed.data;
}

/**
 * The uplift of treatment over control for one metric, with CUPED on the pre-window covariate,
 * the fixed 95% interval, the always-valid confidence sequence, the sample-ratio check, and what
 * the uplift is worth (docs/contract.md, campaign_results). Null fields are the ones the contract
 * leaves undefined for the data at hand (an empty arm, an arm of one, a zero standard error).
 */
export function upliftOf(treatment: ArmSums, control: ArmSums, design: UpliftDesign): UpliftResult {
  const t = centered(checked(treatment, 'treatment'));
  const c = centered(checked(control, 'control'));
  const all = centered(pooled(treatment, control));
  const theta = cupedTheta(all, design.preDays);
  const bothArms = t.n > 0 && c.n > 0;
  // Y' = Y - θ (X - mean X over both arms): the arms' means of Y' differ by this.
  const upliftAbs = bothArms ? t.meanY - c.meanY - theta * (t.meanX - c.meanX) : null;
  const meanControl = c.n > 0 ? c.meanY : null;
  const se =
    t.n >= 2 && c.n >= 2
      ? Math.sqrt(adjustedVariance(t, theta) / t.n + adjustedVariance(c, theta) / c.n)
      : null;
  const ciHalf = se === null ? null : Z_95 * se;
  const pValue =
    upliftAbs !== null && se !== null && se > 0 ? 2 * (1 - normalCdf(Math.abs(upliftAbs) / se, 0, 1)) : null;
  // Defined wherever the interval is (at se = 0 both are the point), and never narrower than it:
  // early on the boundary can dip below it.
  const csHalf = se === null ? null : Math.max(sequenceHalfWidth(se, t.n + c.n), ciHalf as number);
  const srmPValue = sampleRatioPValue(t.n, c.n, design.holdoutShare);
  const srmFlag = srmPValue !== null && srmPValue < SRM_THRESHOLD;
  const csLow = csHalf === null ? null : (upliftAbs as number) - csHalf;
  const csHigh = csHalf === null ? null : (upliftAbs as number) + csHalf;
  const incrementalTotal = upliftAbs === null ? null : upliftAbs * t.n;
  const costUsd = design.costPerTreatedUsd * t.n;
  let verdict: Verdict = 'inconclusive';
  if (srmFlag) verdict = 'srm';
  else if (csLow !== null && csLow > 0) verdict = 'win';
  else if (csHigh !== null && csHigh < 0) verdict = 'loss';
  return {
    nTreatment: t.n,
    nControl: c.n,
    meanTreatment: t.n > 0 ? t.meanY : null,
    meanControl,
    cupedTheta: theta,
    upliftAbs,
    upliftRel:
      upliftAbs === null || meanControl === null || meanControl === 0 ? null : upliftAbs / meanControl,
    ciLow: ciHalf === null || upliftAbs === null ? null : upliftAbs - ciHalf,
    ciHigh: ciHalf === null || upliftAbs === null ? null : upliftAbs + ciHalf,
    pValue,
    csLow,
    csHigh,
    srmPValue,
    srmFlag,
    incrementalTotal,
    costUsd,
    roi:
      design.isRevenueMetric && incrementalTotal !== null && costUsd > 0
        ? (incrementalTotal - costUsd) / costUsd
        : null,
    verdict,
  };
}
