/**
 * A digest's HTML part, written for mail clients: nested tables, inline CSS only, no script, no
 * SVG, no images, so Gmail and Outlook (Word's renderer) show it as designed.
 */

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
import { shortDate } from './dashboard-charts.ts';
import { type DigestContent, FLAGGED_PARTNERS_SHOWN, type Mover, TRACKING_ISSUES_SHOWN } from './digest.ts';
import { escapeHtml as e, formatChange, formatCount, formatUsd } from './format.ts';
import { changeView, DAY_METRIC_KEYS, WEEK_METRICS } from './kpi-display.ts';
import { flaggedPartnerEvidence, QUALITY_CONSEQUENCE, qualitySubject } from './quality-display.ts';
import { formatSignupGap, trackingSubject } from './tracking-display.ts';

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const TEXT = `${FONT}font-size:14px;line-height:20px;color:#0f172a;`;
const SMALL = `${FONT}font-size:12px;line-height:17px;color:#64748b;`;
const CELL = `${TEXT}padding:7px 6px;border-bottom:1px solid #e2e8f0;`;
const HEAD = `${FONT}font-size:11px;line-height:15px;color:#475569;text-transform:uppercase;letter-spacing:0.5px;padding:7px 6px;background-color:#f8fafc;border-bottom:1px solid #e2e8f0;`;
const TONE_COLOURS = { good: '#166534', bad: '#b91c1c', neutral: '#334155' } as const;

function headCell(text: string, align: 'left' | 'right' = 'left'): string {
  return `<th align="${align}" style="${HEAD}text-align:${align};">${e(text)}</th>`;
}

function cell(html: string, align: 'left' | 'right' = 'left', extra = ''): string {
  return `<td align="${align}" style="${CELL}text-align:${align};${extra}">${html}</td>`;
}

function dataTable(headers: string, rows: string): string {
  return (
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">' +
    `<tr>${headers}</tr>${rows}</table>`
  );
}

function section(title: string, body: string): string {
  return (
    `<tr><td style="padding:18px 16px 0 16px;"><h2 style="${FONT}font-size:16px;line-height:22px;margin:0 0 8px 0;color:#0f172a;">${e(title)}</h2>` +
    `${body}</td></tr>`
  );
}

function changeHtml(arrow: string, text: string, tone: 'good' | 'bad' | 'neutral', sentence: string): string {
  if (arrow === '') return `<span style="color:#64748b;">n/a</span>`;
  return `<span style="color:${TONE_COLOURS[tone]};font-weight:bold;white-space:nowrap;" title="${e(sentence)}">${arrow} ${e(text)}</span>`;
}

function kpiTable(content: DigestContent): string {
  const { day, week } = content.view.kpis;
  const daily = content.recipient.cadence === 'daily';
  const headers =
    headCell('') +
    (daily
      ? headCell(shortDate(day.date), 'right') + headCell(`vs ${shortDate(day.comparedWith)}`, 'right')
      : '') +
    headCell(`7 days to ${shortDate(week.to)}`, 'right') +
    headCell('vs previous 7', 'right');
  const rows = WEEK_METRICS.map((metric) => {
    const weekKpi = week[metric.key];
    const weekView = changeView(weekKpi, metric);
    let dayCells = '';
    if (daily) {
      const dayKey = DAY_METRIC_KEYS.find((key) => key === metric.key);
      if (dayKey === undefined)
        dayCells = cell('<span style="color:#94a3b8;">&mdash;</span>', 'right').repeat(2);
      else {
        const dayKpi = day[dayKey];
        const view = changeView(dayKpi, metric);
        dayCells =
          cell(e(metric.format(dayKpi.current)), 'right') +
          cell(changeHtml(view.arrow, view.text, view.tone, view.sentence), 'right');
      }
    }
    return (
      `<tr>${cell(`<strong>${e(metric.label)}</strong>`)}${dayCells}` +
      `${cell(e(metric.format(weekKpi.current)), 'right')}` +
      `${cell(changeHtml(weekView.arrow, weekView.text, weekView.tone, weekView.sentence), 'right')}</tr>`
    );
  }).join('');
  return dataTable(headers, rows);
}

const MOVER_LABELS = { spend: 'Spend', ftds: 'FTDs', cac: 'CAC' } as const;

function moverValue(mover: Mover, value: number): string {
  return mover.metric === 'ftds' ? formatCount(value) : formatUsd(value);
}

function moversTable(movers: readonly Mover[]): string {
  if (movers.length === 0)
    return `<p style="${SMALL}margin:0;">No week-over-week changes among your partners.</p>`;
  const polarity = { spend: 'neutral', ftds: 'higher-is-better', cac: 'lower-is-better' } as const;
  const rows = movers
    .map((mover) => {
      const view = changeView(
        { current: mover.current, previous: mover.previous, change: mover.change },
        {
          polarity: polarity[mover.metric],
          format: (v) => (v === null ? 'n/a' : moverValue(mover, v)),
          formatChange,
        },
      );
      const change =
        mover.change === null
          ? '<span style="color:#64748b;">new</span>'
          : changeHtml(view.arrow, view.text, view.tone, view.sentence);
      return (
        `<tr>${cell(e(MOVER_LABELS[mover.metric]))}${cell(e(mover.partnerName))}` +
        `${cell(e(moverValue(mover, mover.previous)), 'right')}${cell(e(moverValue(mover, mover.current)), 'right')}${cell(change, 'right')}</tr>`
      );
    })
    .join('');
  return dataTable(
    headCell('Metric') +
      headCell('Partner') +
      headCell('Previous 7d', 'right') +
      headCell('Last 7d', 'right') +
      headCell('Change', 'right'),
    rows,
  );
}

/** One alert box: a red or amber bar with its label. */
function alertBox(label: string, text: string, tone: 'critical' | 'warn'): string {
  const [background, bar, strong] =
    tone === 'critical' ? ['#fef2f2', '#dc2626', '#991b1b'] : ['#fffbeb', '#d97706', '#92400e'];
  return (
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 6px 0;">' +
    `<tr><td style="${TEXT}padding:8px 12px;background-color:${background};border-left:4px solid ${bar};">` +
    `<strong style="color:${strong};">${e(label)}:</strong> ${e(text)}</td></tr></table>`
  );
}

function alertsList(content: DigestContent): string {
  if (content.kpiAlerts.length === 0 && content.alerts.length === 0)
    return `<p style="${SMALL}margin:0;">${NO_ALERTS}</p>`;
  const more = content.kpiAlerts.length - KPI_ALERTS_SHOWN;
  return (
    content.kpiAlerts
      .slice(0, KPI_ALERTS_SHOWN)
      .map((alert) => alertBox(severityLabel(alert), alertLine(content.view, alert), alert.severity))
      .join('') +
    (more > 0
      ? `<p style="${SMALL}margin:0 0 6px 0;">… and ${e(formatCount(more))} more on the dashboard.</p>`
      : '') +
    content.alerts.map((alert) => alertBox('ROI below target', alert.message, 'critical')).join('')
  );
}

function recommendationsTable(content: DigestContent): string {
  if (content.hasNoRecommendationsYet) return `<p style="${SMALL}margin:0;">No recommendations yet.</p>`;
  if (content.recommendations.length === 0)
    return `<p style="${SMALL}margin:0;">No recommendations for your partners today.</p>`;
  const rows = content.recommendations
    .map(
      (row) =>
        `<tr>${cell(`<strong>${e(row.partnerName)}</strong> <span style="${SMALL}">${e(row.partnerId)}</span><br><span style="${SMALL}">${e(row.reason)}</span>${row.roiNote === null ? '' : `<br><span style="${SMALL}">${e(row.roiNote)}</span>`}`)}` +
        `${cell(e(formatUsd(row.currentDailySpendUsd)), 'right')}${cell(`<strong>${e(formatUsd(row.recommendedDailySpendUsd))}</strong>`, 'right')}` +
        `${cell(e(row.changePct === null ? 'n/a' : formatChange(row.changePct)), 'right')}</tr>`,
    )
    .join('');
  return dataTable(
    headCell('Partner and why') +
      headCell('Now / day', 'right') +
      headCell('Recommended', 'right') +
      headCell('Change', 'right'),
    rows,
  );
}

/** The box colours of a tracking status: red for broken, amber for warn. */
const TRACKING_COLOURS = {
  broken: { background: '#fef2f2', border: '#dc2626', text: '#991b1b' },
  warn: { background: '#fffbeb', border: '#d97706', text: '#92400e' },
  ok: { background: '#f8fafc', border: '#94a3b8', text: '#334155' },
} as const;

/** The growth digest's plan section; none at all without a target for R. */
function planSection(content: DigestContent): string {
  if (content.planLines.length === 0) return '';
  const items = content.planLines.map((line) => `<li style="margin:0 0 4px 0;">${e(line)}</li>`).join('');
  return section(
    'Plan: forecast at period end',
    `<ul style="${TEXT}margin:0;padding-left:18px;">${items}</ul>`,
  );
}

/** The growth digest's tracking section; none at all when every tracker agrees. */
function trackingSection(content: DigestContent): string {
  if (content.trackingIssues.length === 0) return '';
  const boxes = content.trackingIssues
    .slice(0, TRACKING_ISSUES_SHOWN)
    .map((issue) => {
      const colours = TRACKING_COLOURS[issue.window.status];
      return (
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 6px 0;">' +
        `<tr><td style="${TEXT}padding:8px 12px;background-color:${colours.background};border-left:4px solid ${colours.border};">` +
        `<strong style="color:${colours.text};">${e(trackingSubject(issue.row, issue.partnerName))}: ${e(issue.window.status)}</strong>, ` +
        `${e(formatSignupGap(issue.window))}; ${e(issue.cause.text)}.</td></tr></table>`
      );
    })
    .join('');
  const more = content.trackingIssues.length - TRACKING_ISSUES_SHOWN;
  const moreLine =
    more > 0 ? `<p style="${SMALL}margin:6px 0 0 0;">… and ${more} more on the dashboard.</p>` : '';
  return section('Tracking: trackers vs the platform, last 7 days', `${boxes}${moreLine}`);
}

/** The growth digest's traffic-quality section, in red boxes like broken tracking; none when no partner is flagged. */
function qualitySection(content: DigestContent): string {
  if (content.flaggedPartners.length === 0) return '';
  const colours = TRACKING_COLOURS.broken;
  const boxes = content.flaggedPartners
    .slice(0, FLAGGED_PARTNERS_SHOWN)
    .map(
      (partner) =>
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 6px 0;">' +
        `<tr><td style="${TEXT}padding:8px 12px;background-color:${colours.background};border-left:4px solid ${colours.border};">` +
        `<strong style="color:${colours.text};">${e(qualitySubject(partner.quality.partnerId, partner.partnerName))}</strong>: ` +
        `${e(flaggedPartnerEvidence(partner.quality))}.</td></tr></table>`,
    )
    .join('');
  const more = content.flaggedPartners.length - FLAGGED_PARTNERS_SHOWN;
  const moreLine =
    more > 0 ? `<p style="${SMALL}margin:6px 0 0 0;">… and ${more} more on the dashboard.</p>` : '';
  return section(
    'Traffic quality: flagged partners, sign-ups of the last 30 days',
    `${boxes}${moreLine}<p style="${SMALL}margin:6px 0 0 0;">${e(QUALITY_CONSEQUENCE)}</p>`,
  );
}

const VERDICT_COLOURS = { win: '#166534', loss: '#b91c1c', inconclusive: '#334155', srm: '#92400e' } as const;

/** The user-operations lead's churn and campaign sections; none at all when there is nothing to say. */
function campaignSections(content: DigestContent): string {
  let html =
    content.churnLine === null
      ? ''
      : section('Churn risk', `<p style="${TEXT}margin:0;">${e(content.churnLine)}</p>`);
  if (content.campaignVerdicts.length > 0) {
    const rows = content.campaignVerdicts
      .map(
        ({ campaign, result }) =>
          `<tr>${cell(`<strong>${e(campaignLabel(campaign))}</strong><br><span style="${SMALL}">${e(CAMPAIGN_METRIC_DISPLAY[result.metric].label)}</span>`)}` +
          `${cell(`<strong>${e(formatUplift(result.metric, result.upliftAbs))}</strong><br><span style="${SMALL}">95% CI ${e(formatInterval(result.metric, result.ciLow, result.ciHigh))}</span>`, 'right')}` +
          `${cell(`<strong style="color:${VERDICT_COLOURS[result.verdict]};">${e(VERDICT_LABELS[result.verdict])}</strong>`)}` +
          `${cell(e(formatIncremental(result.metric, result.incrementalTotal)), 'right')}</tr>`,
      )
      .join('');
    html += section(
      'Campaign verdicts since yesterday',
      dataTable(
        headCell('Campaign and primary metric') +
          headCell('Uplift', 'right') +
          headCell('Verdict') +
          headCell('Incremental', 'right'),
        rows,
      ),
    );
  }
  if (content.srmCampaigns.length > 0) {
    const boxes = content.srmCampaigns
      .map(
        (campaign) =>
          '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 6px 0;">' +
          `<tr><td style="${TEXT}padding:8px 12px;background-color:#fffbeb;border-left:4px solid #d97706;">` +
          `<strong style="color:#92400e;">${e(campaignLabel(campaign))}:</strong> ${e(formatCount(campaign.nTreatment))} treatment / ${e(formatCount(campaign.nControl))} control users (p ${e(formatPValue(campaign.srmPValue))}).</td></tr></table>`,
      )
      .join('');
    html += section(
      'Campaigns with a sample-ratio mismatch',
      `${boxes}<p style="${SMALL}margin:6px 0 0 0;">${e(SRM_EXPLANATION)}</p>`,
    );
  }
  return html;
}

/** Renders the HTML part of a digest. */
export function renderDigestHtml(content: DigestContent): string {
  const weekly = content.recipient.cadence === 'weekly';
  const title = weekly ? 'Weekly digest' : 'Daily digest';
  const period = weekly
    ? `over the 7 days to ${shortDate(content.runDate)}`
    : `on ${shortDate(content.runDate)} and over the 7 days to it`;
  const button =
    '<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>' +
    `<td bgcolor="#1d4ed8" style="border-radius:6px;"><a href="${e(content.dashboardUrl)}" style="${FONT}display:inline-block;padding:11px 20px;font-size:14px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;">Open the dashboard</a></td>` +
    '</tr></table>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(content.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f1f5f9;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f1f5f9" style="background-color:#f1f5f9;">
<tr><td align="center" style="padding:20px 8px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:100%;max-width:640px;background-color:#ffffff;">
<tr><td bgcolor="#0f172a" style="padding:18px 16px;background-color:#0f172a;">
<p style="${FONT}font-size:11px;line-height:14px;letter-spacing:1.5px;text-transform:uppercase;color:#94a3b8;margin:0;">growthlake · ${e(title)}</p>
<h1 style="${FONT}font-size:20px;line-height:26px;color:#ffffff;margin:4px 0 0 0;">${e(content.runDate)} · ${e(content.scopeLabel)}</h1>
</td></tr>
<tr><td style="${TEXT}padding:18px 16px 0 16px;">Hi ${e(content.recipient.name)}, here is how ${e(content.scopeLabel)} did ${e(period)} (${e(formatCount(content.view.partners.length))} partner${content.view.partners.length === 1 ? '' : 's'}).</td></tr>
${section('Headline', kpiTable(content))}
${section('Alerts', alertsList(content))}
${planSection(content)}${trackingSection(content)}${qualitySection(content)}${campaignSections(content)}${section('Top movers, week over week', moversTable(content.movers))}
${section('Budget recommendations', recommendationsTable(content))}
<tr><td style="padding:22px 16px 8px 16px;">${button}</td></tr>
<tr><td style="${SMALL}padding:12px 16px 22px 16px;">The dashboard has trends, cohort LTV, the funnel, segments, campaigns, tracking and traffic quality: <a href="${e(content.dashboardUrl)}" style="color:#1d4ed8;">${e(content.dashboardUrl)}</a><br>
You get this ${weekly ? 'weekly digest on Mondays' : 'digest every day'} for ${e(content.scopeLabel)}. CAC = spend / first-time depositors; ROI = (net revenue − spend) / spend of matured cohorts.</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
