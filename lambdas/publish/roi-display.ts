/**
 * One ROI story in the publications (docs/contract.md, partner_roi_forecast): ROI is judged by the
 * projection at the recommender's value horizon once a partner has one, matured day-30 ROI only
 * before, and a partner whose day-30 ROI looks bad but whose cohorts are on course to pay back is
 * explained beside its recommendation instead of raising an alert.
 */
import { KEEP_BAND } from '../contract/recommend-config.ts';
import { formatPercent, formatUsd } from './format.ts';
import type { PartnerRoi, Recommendation } from './model.ts';

/** `day 135 (61 to 180)`, `day 135 (61 or later)`, `not within 365 days`. */
export function paybackText(roi: PartnerRoi): string {
  if (roi.paybackDay === null) return roi.projectedRoi === null ? 'n/a' : 'not within 365 days';
  const earliest = roi.paybackDayEarliest;
  const latest = roi.paybackDayLatest;
  if (earliest === null) return `day ${roi.paybackDay}`;
  return latest === null
    ? `day ${roi.paybackDay} (${earliest} or later)`
    : `day ${roi.paybackDay} (${earliest} to ${latest})`;
}

/** `+24% at 180 days (95%: -5% to +53%)`. */
export function projectedRoiText(roi: PartnerRoi): string {
  const interval =
    roi.projectedRoiLow === null || roi.projectedRoiHigh === null
      ? ''
      : ` (95%: ${formatPercent(roi.projectedRoiLow)} to ${formatPercent(roi.projectedRoiHigh)})`;
  return `${formatPercent(roi.projectedRoi)} at ${roi.horizonDays} days${interval}`;
}

/** Whether a recommendation raises the partner's spend (or starts it). */
export function raises(recommendation: Recommendation | undefined): boolean {
  if (recommendation === undefined) return false;
  if (recommendation.changePct === null)
    return recommendation.recommendedDailySpendUsd > recommendation.currentDailySpendUsd;
  return recommendation.changePct >= KEEP_BAND;
}

/** Whether a recommendation cuts the partner's spend. */
export function cuts(recommendation: Recommendation): boolean {
  return (recommendation.changePct ?? 0) <= -KEEP_BAND;
}

/** `each extra $100 returns about $706`; null when the recommendation has no marginal return. */
export function marginalReturn(recommendation: Recommendation | undefined): string | null {
  const roas = recommendation?.expectedMarginalRoas;
  return roas === null || roas === undefined
    ? null
    : `each extra $100 returns about ${formatUsd(100 * roas)}`;
}

/** An ROI alert of one partner, in words. */
export interface RoiAlert {
  readonly partnerId: string;
  readonly message: string;
}

/**
 * The ROI alert of one partner, or null: below `target` when the projection's whole 95% interval
 * is below it (or, without an interval, the projection itself); by matured day-30 ROI only when
 * there is no projection. A raise recommended for the same partner is reconciled in a sentence.
 */
export function roiAlert(
  name: string,
  roi: PartnerRoi | undefined,
  roiD30: number | null,
  recommendation: Recommendation | undefined,
  target: number,
): RoiAlert | null {
  const partnerId = roi?.partnerId ?? recommendation?.partnerId ?? name;
  if (roi === undefined || roi.projectedRoi === null) {
    if (roiD30 === null || roiD30 >= target) return null;
    return {
      partnerId,
      message: `ROI at day 30 of ${name} is ${formatPercent(roiD30)}, below the ${formatPercent(target)} target (no projection yet: too little trading history).`,
    };
  }
  const best = roi.projectedRoiHigh ?? roi.projectedRoi;
  if (best >= target) return null;
  const matured =
    roi.roiD30 === null ? '' : `; its matured cohorts made ${formatPercent(roi.roiD30)} by day 30`;
  const payback =
    roi.paybackDay === null ? ' and do not pay back within 365 days' : `, paying back on ${paybackText(roi)}`;
  let reconcile = '';
  if (raises(recommendation) && recommendation?.bindingConstraint === 'registry_min')
    reconcile = ' The recommendation raises it only because its registry minimum requires it.';
  else if (raises(recommendation))
    reconcile = ` The recommendation still raises it: it values the next dollar on the partner's response curve over recent weeks of spend (${marginalReturn(recommendation) ?? 'its marginal return'} at ${roi.horizonDays} days), while this is the average of the last 30 days' dollars; watch the next runs before raising it further.`;
  return {
    partnerId,
    message: `Cohorts of the last 30 days of ${name} are projected to return ${projectedRoiText(roi)}, below the ${formatPercent(target)} target${payback}${matured}.${reconcile}`,
  };
}

/**
 * The sentence beside a recommendation that raises or keeps a partner whose matured day-30 ROI is
 * below `target` while its cohorts are projected to reach it: why the two do not disagree. Null
 * otherwise (a cut needs no such word: it judges the marginal dollar, which can lose money while
 * the average makes it; nor does a paused partner).
 */
export function roiNote(
  roi: PartnerRoi | undefined,
  recommendation: Recommendation,
  target: number,
): string | null {
  if (roi === undefined || roi.projectedRoi === null || roi.roiD30 === null) return null;
  if (roi.roiD30 >= target || roi.projectedRoi < target) return null;
  if (cuts(recommendation) || recommendation.bindingConstraint === 'paused') return null;
  const payback = roi.paybackDay === null ? '' : `, paying back on ${paybackText(roi)}`;
  return `Day-30 ROI of ${formatPercent(roi.roiD30)} is not the last word: its last 30 days of cohorts are projected to return ${projectedRoiText(roi)}${payback}.`;
}
