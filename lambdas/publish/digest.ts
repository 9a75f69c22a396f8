/**
 * A recipient's digest: the model filtered to the partners they own, and every number in it
 * (headline, movers, alerts, recommendations) computed only from those partners' rows (the
 * alerts are kpi_alerts of the view's partners and channels, and ROI below target).
 */

import type { AlertThresholds, Recipient, Scope } from '../contract/recipients-config.ts';
import { sortedAlerts } from './alert-display.ts';
import { primaryResult } from './campaign-display.ts';
import { formatChange, formatCount, formatPercent, formatUsd } from './format.ts';
import { ratio } from './kpis.ts';
import type {
  CampaignMetricResult,
  CampaignResults,
  Kpi,
  KpiAlert,
  PartnerQuality,
  PublishModel,
  Recommendation,
  TrackerReconciliation,
  TrackerWindow,
} from './model.ts';
import { planLine, sortedPlan } from './plan-display.ts';
import { byConcern } from './quality-display.ts';
import { roiAlert, roiNote } from './roi-display.ts';
import { scopeModel } from './scope.ts';
import { digestWindow, type TrackingCause, trackingCause, trackingIssues } from './tracking-display.ts';

/** A partner whose week-over-week change is among the largest of the recipient's partners. */
export interface Mover {
  readonly metric: 'spend' | 'ftds' | 'cac';
  readonly partnerId: string;
  readonly partnerName: string;
  readonly previous: number;
  readonly current: number;
  /** `current / previous - 1`; null when previous is 0. */
  readonly change: number | null;
}

/** A partner whose ROI at day 30 is below the recipients' target. */
export interface Alert {
  readonly kind: 'roi_below_target';
  /** Null for the recipient's partners as a whole. */
  readonly partnerId: string | null;
  readonly message: string;
}

/** A recommendation with the partner's name. */
export interface DigestRecommendation extends Recommendation {
  readonly partnerName: string;
  /** Why a day-30 ROI below target does not contradict the recommendation (see roiNote); null when it needs no word. */
  readonly roiNote: string | null;
}

/** A campaign whose primary metric turned `win` or `loss` on R after `inconclusive` or no result on R - 1. */
export interface CampaignVerdictNews {
  readonly campaign: CampaignResults;
  /** The primary metric's result. */
  readonly result: CampaignMetricResult;
}

/** A source and partner whose tracker disagrees with the platform over the 7 days ending on R. */
export interface TrackingIssue {
  readonly row: TrackerReconciliation;
  readonly partnerName: string;
  /** The 7-day window (see {@link digestWindow}). */
  readonly window: TrackerWindow;
  readonly cause: TrackingCause;
}

/** A partner whose traffic raised partner_quality flags on R. */
export interface FlaggedPartner {
  readonly quality: PartnerQuality;
  readonly partnerName: string;
}

/** Everything a digest says, before it is rendered as HTML and text. */
export interface DigestContent {
  readonly recipient: Recipient;
  readonly runDate: string;
  /** The recipient's view of the model. */
  readonly view: PublishModel;
  readonly scopeLabel: string;
  readonly subject: string;
  readonly movers: readonly Mover[];
  /**
   * The view's kpi_alerts of R, most severe first (see sortedAlerts); the digest shows the first
   * {@link KPI_ALERTS_SHOWN}.
   */
  readonly kpiAlerts: readonly KpiAlert[];
  /** ROI below target. */
  readonly alerts: readonly Alert[];
  readonly recommendations: readonly DigestRecommendation[];
  /** True when the run has no recommendations at all (not only none in scope). */
  readonly hasNoRecommendationsYet: boolean;
  /** Campaigns that reached a verdict since yesterday; only for the `user_operations` role. */
  readonly campaignVerdicts: readonly CampaignVerdictNews[];
  /** Campaigns with a sample-ratio mismatch; only for the `user_operations` role. */
  readonly srmCampaigns: readonly CampaignResults[];
  /**
   * Users per churn_risk band on R, in one sentence; only for the `user_operations` role, and null
   * before the churn model's first run date (or in a view scoped to partners: bands are not kept per partner).
   */
  readonly churnLine: string | null;
  /**
   * The recipient's partners whose tracking is `broken` or `warn` over 7 days, most severe first;
   * only for the `growth` role. The digest shows the first {@link TRACKING_ISSUES_SHOWN}.
   */
  readonly trackingIssues: readonly TrackingIssue[];
  /**
   * The recipient's partners with traffic-quality flags on R, lowest quality score first; only for
   * the `growth` role. The digest shows the first {@link FLAGGED_PARTNERS_SHOWN}.
   */
  readonly flaggedPartners: readonly FlaggedPartner[];
  /** The view's targets whose period contains R, one line each, worst first; only for the `growth` role. */
  readonly planLines: readonly string[];
  readonly dashboardUrl: string;
}

/** Flagged partners a digest lists before `and N more on the dashboard`. */
export const FLAGGED_PARTNERS_SHOWN = 10;

/** Tracking issues a digest lists before `and N more on the dashboard`. */
export const TRACKING_ISSUES_SHOWN = 10;

/** Movers shown per metric. */
export const MOVERS_PER_METRIC = 3;

const MOVER_METRICS = ['spend', 'ftds', 'cac'] as const;

/** How a scope reads: `all partners`, `kol`, `affiliate + content`, `3 partners`. */
export function describeScope(scope: Scope): string {
  switch (scope.kind) {
    case 'all':
      return 'all partners';
    case 'channels':
      return scope.channels.join(' + ');
    case 'partners':
      return scope.partnerIds.length === 1
        ? `partner ${scope.partnerIds[0]}`
        : `${scope.partnerIds.length} partners`;
  }
}

/** `1 FTD`, `57 FTDs`. */
function counted(value: number | null, noun: string): string {
  return `${formatCount(value)} ${noun}${value === 1 ? '' : 's'}`;
}

function changeSuffix(kpi: Kpi): string {
  return kpi.change === null ? '' : ` (${formatChange(kpi.change)} w/w)`;
}

/**
 * The subject: the day's numbers for a daily digest, the week's for a weekly one, each CAC
 * against the same period a week earlier.
 */
export function digestSubject(view: PublishModel, recipient: Recipient): string {
  const scope = recipient.scope.kind === 'all' ? '' : ` (${describeScope(recipient.scope)})`;
  const period = recipient.cadence === 'weekly' ? view.kpis.week : view.kpis.day;
  const when = recipient.cadence === 'weekly' ? `week to ${view.runDate}` : view.runDate;
  return (
    `growthlake ${when}${scope} · spend ${formatUsd(period.spendUsd.current)} · ` +
    `${counted(period.signups.current, 'sign-up')} · ${counted(period.ftds.current, 'FTD')} · ` +
    `CAC ${formatUsd(period.cacUsd.current)}${changeSuffix(period.cacUsd)}`
  );
}

/** The largest absolute week-over-week changes in spend, FTDs and CAC among the view's partners. */
export function topMovers(view: PublishModel, perMetric = MOVERS_PER_METRIC): Mover[] {
  const names = new Map(view.partners.map((partner) => [partner.partnerId, partner.name]));
  return MOVER_METRICS.flatMap((metric) => {
    const candidates: Mover[] = [];
    for (const row of view.performance) {
      let current: number | null;
      let previous: number | null;
      if (metric === 'spend') [current, previous] = [row.week.spendUsd, row.previousWeek.spendUsd];
      else if (metric === 'ftds') [current, previous] = [row.week.ftds, row.previousWeek.ftds];
      else
        [current, previous] = [
          ratio(row.week.spendUsd, row.week.ftds),
          ratio(row.previousWeek.spendUsd, row.previousWeek.ftds),
        ];
      if (current === null || previous === null || current === previous) continue;
      const quotient = ratio(current, previous);
      candidates.push({
        metric,
        partnerId: row.partnerId,
        partnerName: names.get(row.partnerId) ?? row.partnerId,
        previous,
        current,
        change: quotient === null ? null : quotient - 1,
      });
    }
    return candidates
      .sort(
        (a, b) =>
          Math.abs(b.current - b.previous) - Math.abs(a.current - a.previous) ||
          a.partnerId.localeCompare(b.partnerId),
      )
      .slice(0, perMetric);
  });
}

/**
 * The view's partners whose ROI is below the target: by the projection at the value horizon when
 * there is one, by day-30 ROI before (roi-display.ts), by name.
 */
export function digestAlerts(view: PublishModel, thresholds: AlertThresholds): Alert[] {
  const names = new Map(view.partners.map((partner) => [partner.partnerId, partner.name]));
  const alerts: Alert[] = [];
  const byName = [...view.performance].sort((a, b) =>
    (names.get(a.partnerId) ?? a.partnerId).localeCompare(names.get(b.partnerId) ?? b.partnerId),
  );
  const roiByPartner = new Map(view.roi.map((roi) => [roi.partnerId, roi]));
  const recommendationOf = new Map(view.recommendations.map((row) => [row.partnerId, row]));
  for (const row of byName) {
    const alert = roiAlert(
      names.get(row.partnerId) ?? row.partnerId,
      roiByPartner.get(row.partnerId),
      row.month.roiD30,
      recommendationOf.get(row.partnerId),
      thresholds.targetRoiD30,
    );
    if (alert !== null)
      alerts.push({ kind: 'roi_below_target', partnerId: row.partnerId, message: alert.message });
  }
  return alerts;
}

/**
 * `Churn risk over the next 30 days: 4,765 users high (29%), 2,581 medium (16%), 9,104 low (55%). ...`,
 * from the churn_risk sizes of the segments; null when there are none.
 */
export function churnLine(view: PublishModel): string | null {
  const bands = (view.segments?.sizes ?? []).filter((size) => size.dimension === 'churn_risk');
  if (bands.length === 0) return null;
  const band = (name: string, noun = '') => {
    const size = bands.find((candidate) => candidate.segment === name);
    return `${formatCount(size?.users ?? 0)} ${noun}${name} (${formatPercent(size?.share ?? 0)})`;
  };
  return (
    `Churn risk over the next 30 days: ${band('high', 'users ')}, ${band('medium')}, ${band('low')}. ` +
    'The retain_at_risk_valuable audience holds the high-risk users with mid value or more who are not yet dormant.'
  );
}

/** The campaigns whose primary metric reached a verdict since yesterday, by campaign id. */
export function campaignVerdictNews(campaigns: readonly CampaignResults[]): CampaignVerdictNews[] {
  return campaigns.flatMap((campaign) => {
    const result = primaryResult(campaign);
    return result?.isNewVerdict === true ? [{ campaign, result }] : [];
  });
}

/** The view's broken and warn tracking, most severe first, each with its partner's name and likely cause. */
export function digestTrackingIssues(view: PublishModel): TrackingIssue[] {
  const names = new Map(view.partners.map((partner) => [partner.partnerId, partner.name]));
  return trackingIssues(view.tracking).map((row) => ({
    row,
    partnerName: names.get(row.partnerId) ?? row.partnerId,
    window: digestWindow(row),
    cause: trackingCause(row, digestWindow(row)),
  }));
}

/** The view's partners with traffic-quality flags, lowest quality score first, each with its name. */
export function digestFlaggedPartners(view: PublishModel): FlaggedPartner[] {
  const names = new Map(view.partners.map((partner) => [partner.partnerId, partner.name]));
  return view.quality.partners
    .filter((quality) => quality.flags.length > 0)
    .sort(byConcern)
    .map((quality) => ({ quality, partnerName: names.get(quality.partnerId) ?? quality.partnerId }));
}

/** Computes what a recipient's digest says. `model` is the unscoped model of the run. */
export function digestContent(
  model: PublishModel,
  recipient: Recipient,
  options: { readonly thresholds: AlertThresholds; readonly dashboardUrl: string },
): DigestContent {
  const view = scopeModel(model, recipient.scope);
  const names = new Map(view.partners.map((partner) => [partner.partnerId, partner.name]));
  const recommendations = [...view.recommendations]
    .sort(
      (a, b) =>
        Math.abs(b.changePct ?? 0) - Math.abs(a.changePct ?? 0) || a.partnerId.localeCompare(b.partnerId),
    )
    .map((row) => ({
      ...row,
      partnerName: names.get(row.partnerId) ?? row.partnerId,
      roiNote: roiNote(
        view.roi.find((roi) => roi.partnerId === row.partnerId),
        row,
        options.thresholds.targetRoiD30,
      ),
    }));
  return {
    recipient,
    runDate: model.runDate,
    view,
    scopeLabel: describeScope(recipient.scope),
    subject: digestSubject(view, recipient),
    movers: topMovers(view),
    kpiAlerts: sortedAlerts(view.alerts),
    alerts: digestAlerts(view, options.thresholds),
    recommendations,
    hasNoRecommendationsYet: model.recommendations.length === 0,
    ...(recipient.role === 'user_operations'
      ? {
          campaignVerdicts: campaignVerdictNews(model.campaigns),
          srmCampaigns: model.campaigns.filter((campaign) => campaign.srmFlag),
          churnLine: churnLine(view),
        }
      : { campaignVerdicts: [], srmCampaigns: [], churnLine: null }),
    trackingIssues: recipient.role === 'growth' ? digestTrackingIssues(view) : [],
    flaggedPartners: recipient.role === 'growth' ? digestFlaggedPartners(view) : [],
    planLines: recipient.role === 'growth' ? sortedPlan(view.plan).map((row) => planLine(view, row)) : [],
    dashboardUrl: options.dashboardUrl,
  };
}
