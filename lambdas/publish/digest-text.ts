/** A digest's plain-text part: the same content as the HTML part, in aligned columns. */

import { alertLine, KPI_ALERTS_SHOWN, NO_ALERTS, severityLabel } from './alert-display.ts';
import {
  CAMPAIGN_METRIC_DISPLAY,
  campaignLabel,
  formatIncremental,
  formatInterval,
  formatPValue,
  formatUplift,
  SRM_EXPLANATION,
  VERDICT_LABELS,
} from './campaign-display.ts';
import { type DigestContent, FLAGGED_PARTNERS_SHOWN, type Mover, TRACKING_ISSUES_SHOWN } from './digest.ts';
import { formatChange, formatCount, formatUsd } from './format.ts';
import { changeView, DAY_METRIC_KEYS, WEEK_METRICS } from './kpi-display.ts';
import { flaggedPartnerEvidence, QUALITY_CONSEQUENCE, qualitySubject } from './quality-display.ts';
import { formatSignupGap, trackingSubject } from './tracking-display.ts';

/** Aligns rows into columns: the first `leftColumns` padded on the right, the rest (numbers) on the left. */
function columns(rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = rows[0]?.map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((value, index) =>
          index < leftColumns ? value.padEnd(widths[index] ?? 0) : value.padStart(widths[index] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function heading(title: string): string {
  return `${title}\n${'-'.repeat(title.length)}`;
}

function kpiBlock(content: DigestContent): string {
  const { day, week } = content.view.kpis;
  const daily = content.recipient.cadence === 'daily';
  const header = [
    '',
    ...(daily ? [day.date, `vs ${day.comparedWith}`] : []),
    `7d to ${week.to}`,
    'vs prev 7d',
  ];
  const rows = WEEK_METRICS.map((metric) => {
    const weekKpi = week[metric.key];
    const cells = [metric.label];
    if (daily) {
      const dayKey = DAY_METRIC_KEYS.find((key) => key === metric.key);
      if (dayKey === undefined) cells.push('-', '-');
      else cells.push(metric.format(day[dayKey].current), metric.formatChange(day[dayKey].change));
    }
    cells.push(metric.format(weekKpi.current), metric.formatChange(weekKpi.change));
    return cells;
  });
  const worse = WEEK_METRICS.filter((metric) => changeView(week[metric.key], metric).tone === 'bad').map(
    (m) => m.label,
  );
  const note = worse.length === 0 ? '' : `\nWorse than the previous 7 days: ${worse.join(', ')}.`;
  return `${columns([header, ...rows])}${note}`;
}

function moverValue(mover: Mover, value: number): string {
  return mover.metric === 'ftds' ? formatCount(value) : formatUsd(value);
}

function moversBlock(movers: readonly Mover[]): string {
  if (movers.length === 0) return 'No week-over-week changes among your partners.';
  const labels = { spend: 'Spend', ftds: 'FTDs', cac: 'CAC' } as const;
  return columns(
    [
      ['Metric', 'Partner', 'Previous 7d', 'Last 7d', 'Change'],
      ...movers.map((mover) => [
        labels[mover.metric],
        mover.partnerName,
        moverValue(mover, mover.previous),
        moverValue(mover, mover.current),
        mover.change === null ? 'new' : formatChange(mover.change),
      ]),
    ],
    2,
  );
}

function recommendationsBlock(content: DigestContent): string {
  if (content.hasNoRecommendationsYet) return 'No recommendations yet.';
  if (content.recommendations.length === 0) return 'No recommendations for your partners today.';
  return content.recommendations
    .map(
      (row) =>
        `* ${row.partnerName} (${row.partnerId}): ${formatUsd(row.currentDailySpendUsd)} -> ${formatUsd(row.recommendedDailySpendUsd)} a day` +
        `${row.changePct === null ? '' : ` (${formatChange(row.changePct)})`}, ${row.confidence.replace(/_/g, ' ')} confidence.\n  ${row.reason}` +
        (row.roiNote === null ? '' : `\n  ${row.roiNote}`),
    )
    .join('\n');
}

/** The user-operations lead's churn and campaign blocks; none at all when there is nothing to say. */
function campaignBlocks(content: DigestContent): string[] {
  const blocks: string[] = [];
  if (content.churnLine !== null) blocks.push(heading('Churn risk'), content.churnLine, '');
  if (content.campaignVerdicts.length > 0) {
    const lines = content.campaignVerdicts.map(({ campaign, result }) => {
      const metric = CAMPAIGN_METRIC_DISPLAY[result.metric].label;
      return (
        `* ${campaignLabel(campaign)}, ${metric}: ${formatUplift(result.metric, result.upliftAbs)} ` +
        `(95% CI ${formatInterval(result.metric, result.ciLow, result.ciHigh)}), ${VERDICT_LABELS[result.verdict]}; ` +
        `${formatIncremental(result.metric, result.incrementalTotal)} in all.`
      );
    });
    blocks.push(heading('Campaign verdicts since yesterday'), ...lines, '');
  }
  if (content.srmCampaigns.length > 0) {
    const lines = content.srmCampaigns.map(
      (campaign) =>
        `* ${campaignLabel(campaign)}: ${formatCount(campaign.nTreatment)} treatment / ${formatCount(campaign.nControl)} control users (p ${formatPValue(campaign.srmPValue)}).`,
    );
    blocks.push(heading('Campaigns with a sample-ratio mismatch'), ...lines, SRM_EXPLANATION, '');
  }
  return blocks;
}

/** The growth digest's tracking lines; no heading at all when every tracker agrees. */
function trackingBlock(content: DigestContent): string[] {
  if (content.trackingIssues.length === 0) return [];
  const lines = content.trackingIssues
    .slice(0, TRACKING_ISSUES_SHOWN)
    .map(
      (issue) =>
        `* ${trackingSubject(issue.row, issue.partnerName)}: ${issue.window.status}, ${formatSignupGap(issue.window)}; ${issue.cause.text}.`,
    );
  const more = content.trackingIssues.length - TRACKING_ISSUES_SHOWN;
  return [
    heading('Tracking: trackers vs the platform, last 7 days'),
    ...lines,
    ...(more > 0 ? [`... and ${more} more on the dashboard.`] : []),
    '',
  ];
}

/** The growth digest's traffic-quality lines; no heading at all when no partner is flagged. */
function qualityBlock(content: DigestContent): string[] {
  if (content.flaggedPartners.length === 0) return [];
  const lines = content.flaggedPartners
    .slice(0, FLAGGED_PARTNERS_SHOWN)
    .map(
      (partner) =>
        `* ${qualitySubject(partner.quality.partnerId, partner.partnerName)}: ${flaggedPartnerEvidence(partner.quality)}.`,
    );
  const more = content.flaggedPartners.length - FLAGGED_PARTNERS_SHOWN;
  return [
    heading('Traffic quality: flagged partners, sign-ups of the last 30 days'),
    ...lines,
    ...(more > 0 ? [`... and ${more} more on the dashboard.`] : []),
    QUALITY_CONSEQUENCE,
    '',
  ];
}

/** The growth digest's plan lines; none at all without a target for R. */
function planBlock(content: DigestContent): string[] {
  if (content.planLines.length === 0) return [];
  return [heading('Plan: forecast at period end'), ...content.planLines.map((line) => `* ${line}`), ''];
}

/** Renders the plain-text part of a digest. */
export function renderDigestText(content: DigestContent): string {
  const weekly = content.recipient.cadence === 'weekly';
  const more = content.kpiAlerts.length - KPI_ALERTS_SHOWN;
  const alerts =
    content.kpiAlerts.length === 0 && content.alerts.length === 0
      ? NO_ALERTS
      : [
          ...content.kpiAlerts
            .slice(0, KPI_ALERTS_SHOWN)
            .map((alert) => `! ${severityLabel(alert)}: ${alertLine(content.view, alert)}`),
          ...(more > 0 ? [`... and ${more} more on the dashboard.`] : []),
          ...content.alerts.map((alert) => `! ${alert.message}`),
        ].join('\n');
  return [
    `growthlake ${weekly ? 'weekly' : 'daily'} digest - ${content.runDate} - ${content.scopeLabel}`,
    '',
    `Hi ${content.recipient.name}, here is how ${content.scopeLabel} did ${weekly ? '' : `on ${content.runDate} and `}over the 7 days to ${content.runDate} (${content.view.partners.length} partner${content.view.partners.length === 1 ? '' : 's'}).`,
    '',
    heading('Headline'),
    kpiBlock(content),
    '',
    heading('Alerts'),
    alerts,
    '',
    ...planBlock(content),
    ...trackingBlock(content),
    ...qualityBlock(content),
    ...campaignBlocks(content),
    heading('Top movers, week over week'),
    moversBlock(content.movers),
    '',
    heading('Budget recommendations'),
    recommendationsBlock(content),
    '',
    `Dashboard: ${content.dashboardUrl}`,
    '',
    'CAC = spend / first-time depositors; ROI = (net revenue - spend) / spend of matured cohorts.',
    '',
  ].join('\n');
}
