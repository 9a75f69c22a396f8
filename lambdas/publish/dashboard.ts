/**
 * The run's dashboard: one self-contained HTML page (CSS, Chart.js and data inline; a
 * Content-Security-Policy that forbids any network request) readable on a laptop and a phone.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { addDays } from '../contract/dates.ts';
import { ALERT_METRICS, alertLine, alertScopeLabel, sortedAlerts } from './alert-display.ts';
import {
  CAMPAIGN_METRIC_DISPLAY,
  campaignLabel,
  formatIncremental,
  formatInterval,
  formatPValue,
  formatUplift,
  primaryResult,
  SRM_EXPLANATION,
  VERDICT_LABELS,
} from './campaign-display.ts';
import {
  byCanonicalOrder,
  type ChartSpec,
  campaignUpliftChart,
  FUNNEL_STAGES,
  funnelByChannel,
  funnelCharts,
  funnelTotals,
  ltvChart,
  NO_CHANNEL_LABEL,
  roiChart,
  SEGMENT_ORDER,
  segmentCharts,
  shortDate,
  trendCharts,
} from './dashboard-charts.ts';
import { DASHBOARD_CLIENT_SCRIPT } from './dashboard-client.ts';
import { DASHBOARD_STYLES } from './dashboard-styles.ts';
import { PublishError } from './errors.ts';
import {
  escapeHtml,
  formatChange,
  formatCount,
  formatPercent,
  formatUsd,
  NOT_AVAILABLE,
  type Polarity,
} from './format.ts';
import { type ChangeView, changeView, DAY_METRIC_KEYS, WEEK_METRICS } from './kpi-display.ts';
import { ratio } from './kpis.ts';
import {
  type CampaignResults,
  type CampaignVerdict,
  FUNNEL_WEEKS,
  LTV_COHORT_DAYS,
  type PartnerQuality,
  type PartnerRoi,
  type PublishModel,
  SERIES_DAYS,
  type TrackerReconciliation,
  type TrackerStatus,
  type TrackerWindow,
} from './model.ts';
import { PLAN_METRICS, PLAN_STATUSES, planScopeLabel, sortedPlan } from './plan-display.ts';
import {
  byConcern,
  flaggedSignals,
  flaggedUserText,
  formatScore,
  isWorseThanMedian,
  QUALITY_CONSEQUENCE,
  QUALITY_MIN_SIGNUPS,
  QUALITY_RULES,
  QUALITY_SIGNALS,
  type QualitySignalDisplay,
} from './quality-display.ts';
import { paybackText } from './roi-display.ts';
import {
  bySeverity,
  TRACKER_SOURCE_LABELS,
  TRACKING_STATUS_NOTE,
  trackingCause,
} from './tracking-display.ts';

let chartJsSource: string | undefined;

/** Chart.js's UMD build, read once from node_modules (its source-map comment dropped: the page fetches nothing). */
function chartJs(): string {
  if (chartJsSource === undefined) {
    try {
      const main = createRequire(import.meta.url).resolve('chart.js');
      chartJsSource = readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8').replace(
        /\n\/\/# sourceMappingURL=\S+\s*$/,
        '\n',
      );
    } catch (error) {
      throw new PublishError(
        `cannot read Chart.js to inline it into the dashboard: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  return chartJsSource;
}

/** Text that is safe inside a `<script>` element. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1');
}

const e = escapeHtml;

/** `2026-11-22` -> `Sun 22 Nov 2026`. */
function longDate(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function changeBadge(view: ChangeView, comparison: string): string {
  if (view.arrow === '') return `<span class="muted">${e(view.sentence)}</span>`;
  return (
    `<span class="change tone-${view.tone}" title="${e(`${view.sentence} ${comparison}`)}">` +
    `<span aria-hidden="true">${view.arrow}</span> ${e(view.text)}` +
    `<span class="sr-only">, ${e(view.sentence)} ${e(comparison)}</span></span>`
  );
}

function kpiCards(model: PublishModel): string {
  const { week, day } = model.kpis;
  return WEEK_METRICS.map((metric) => {
    const kpi = week[metric.key];
    const view = changeView(kpi, metric);
    const dayKey = DAY_METRIC_KEYS.find((key) => key === metric.key);
    let dayLine = '';
    if (dayKey !== undefined) {
      const dayKpi = day[dayKey];
      const dayView = changeView(dayKpi, metric);
      dayLine =
        `<p class="kpi-day"><span class="muted">${e(shortDate(day.date))}</span> <strong>${e(metric.format(dayKpi.current))}</strong> ` +
        `${changeBadge(dayView, `vs ${shortDate(day.comparedWith)}`)}</p>`;
    }
    return (
      `<article class="kpi"><h3>${e(metric.label)}</h3>` +
      `<p class="kpi-value">${e(metric.format(kpi.current))}</p>` +
      `<p class="kpi-change">${changeBadge(view, 'vs the previous 7 days')}` +
      `${kpi.previous === null ? '' : ` <span class="muted">vs ${e(metric.format(kpi.previous))}</span>`}</p>${dayLine}</article>`
    );
  }).join('');
}

/** A chart panel; `charts` collects the spec under the canvas's `data-chart` id. */
function chartPanel(
  charts: Record<string, ChartSpec>,
  id: string,
  title: string,
  spec: ChartSpec | null,
  note: string,
  height = 260,
): string {
  const body =
    spec === null
      ? '<p class="empty">No data yet.</p>'
      : `<div class="chart" style="height:${height}px"><canvas data-chart="${e(id)}" role="img" aria-label="${e(title)}">` +
        `${e(title)}</canvas></div>`;
  if (spec !== null) charts[id] = spec;
  return `<figure class="panel"><figcaption><h3>${e(title)}</h3><p class="muted">${e(note)}</p></figcaption>${body}</figure>`;
}

/** How {@link table} lays a table out. */
interface TableOptions {
  /** Indexes of right-aligned (numeric) columns. */
  readonly numeric: readonly number[];
  readonly caption?: string;
  /** On a phone, show each row as a card of label / value lines instead of scrolling sideways. */
  readonly stackOnPhone?: boolean;
  /** Indexes of columns whose text wraps at full width in a card (long sentences). */
  readonly wide?: readonly number[];
}

/** A data table; the first cell of a row is its header. */
function table(headers: readonly string[], rows: readonly string[][], options: TableOptions): string {
  const classes = (index: number) => {
    const names = [
      options.numeric.includes(index) ? 'num' : '',
      options.wide?.includes(index) ? 'wide' : '',
    ].filter(Boolean);
    return names.length === 0 ? '' : ` class="${names.join(' ')}"`;
  };
  const head = headers.map((header, index) => `<th scope="col"${classes(index)}>${e(header)}</th>`).join('');
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells
          .map((cell, index) =>
            index === 0
              ? `<th scope="row">${cell}</th>`
              : `<td${classes(index)} data-label="${e(headers[index] ?? '')}">${cell}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  const caption = options.caption === undefined ? '' : `<caption>${e(options.caption)}</caption>`;
  const stack = options.stackOnPhone === true ? ' class="stack"' : '';
  return `<div class="table-scroll"><table${stack}>${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function partnerLabel(model: PublishModel, partnerId: string): string {
  const partner = model.partners.find((candidate) => candidate.partnerId === partnerId);
  const name = partner?.name ?? partnerId;
  return name === partnerId
    ? `<span class="partner">${e(name)}</span>`
    : `<span class="partner">${e(name)}</span> <span class="muted id">${e(partnerId)}</span>`;
}

/** A relative change in a table cell: arrow, signed text and colour. */
function inlineChange(change: number | null, polarity: Polarity): string {
  const view = changeView(
    { current: null, previous: null, change },
    { polarity, format: () => '', formatChange },
  );
  if (view.arrow === '') return '<span class="muted">n/a</span>';
  return `<span class="change tone-${view.tone}"><span aria-hidden="true">${view.arrow}</span> ${e(view.text)}</span>`;
}

/** `+24% (-5% to +53%)`: the projected ROI at the horizon and its 95% interval. */
function projectedRoiCell(roi: PartnerRoi): string {
  if (roi.projectedRoi === null) return e('n/a');
  const interval =
    roi.projectedRoiLow === null || roi.projectedRoiHigh === null
      ? ''
      : ` <span class="muted">(${e(formatPercent(roi.projectedRoiLow))} to ${e(formatPercent(roi.projectedRoiHigh))})</span>`;
  return `${e(formatPercent(roi.projectedRoi))}${interval}`;
}

function partnerTable(model: PublishModel): string {
  const horizon = model.roi[0]?.horizonDays;
  const projected = horizon === undefined ? 'ROI projected' : `ROI ${horizon}d projected`;
  const rows = [...model.performance]
    .filter(
      (row) =>
        row.week.spendUsd > 0 || row.week.signups > 0 || row.week.ftds > 0 || row.previousWeek.spendUsd > 0,
    )
    .sort(
      (a, b) =>
        b.week.spendUsd - a.week.spendUsd ||
        b.week.signups - a.week.signups ||
        a.partnerId.localeCompare(b.partnerId),
    );
  if (rows.length === 0) return '<p class="empty">No partner activity in the last 14 days.</p>';
  const partner = (id: string) => model.partners.find((candidate) => candidate.partnerId === id);
  return table(
    [
      'Partner',
      'Channel',
      'Spend 7d',
      'w/w',
      'Sign-ups',
      'FTDs',
      'w/w',
      'CAC',
      'w/w',
      'Net revenue',
      'ROI d7',
      'ROI d30',
      projected,
      'Payback',
    ],
    rows.map((row) => {
      const info = partner(row.partnerId);
      const roi = model.roi.find((candidate) => candidate.partnerId === row.partnerId);
      const cac = ratio(row.week.spendUsd, row.week.ftds);
      const previousCac = ratio(row.previousWeek.spendUsd, row.previousWeek.ftds);
      const relative = (current: number | null, previous: number | null) => {
        const quotient = ratio(current, previous);
        return quotient === null ? null : quotient - 1;
      };
      const status = info?.status === 'paused' ? ' <span class="tag">paused</span>' : '';
      return [
        `${partnerLabel(model, row.partnerId)}${status}`,
        e(info?.channel ?? NO_CHANNEL_LABEL),
        e(formatUsd(row.week.spendUsd)),
        inlineChange(relative(row.week.spendUsd, row.previousWeek.spendUsd), 'neutral'),
        e(formatCount(row.week.signups)),
        e(formatCount(row.week.ftds)),
        inlineChange(relative(row.week.ftds, row.previousWeek.ftds), 'higher-is-better'),
        e(formatUsd(cac)),
        inlineChange(relative(cac, previousCac), 'lower-is-better'),
        e(formatUsd(row.week.netRevenueUsd)),
        e(formatPercent(row.month.roiD7)),
        e(formatPercent(row.month.roiD30)),
        roi === undefined ? e('n/a') : projectedRoiCell(roi),
        e(roi === undefined ? 'n/a' : paybackText(roi)),
      ];
    }),
    {
      numeric: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
      caption: `Spend, sign-ups, FTDs, CAC and net revenue: the last 7 days, changes against the 7 days before. ROI d7 and d30: cohorts matured within the last 30 days. Projected: the last 30 days' cohorts valued at ${horizon === undefined ? 'the value horizon' : `${horizon} days`} from signup against their spend, with its 95% interval, and the day they pay back.`,
    },
  );
}

function funnelTable(model: PublishModel): string {
  const groups = [{ channel: 'All partners', totals: funnelTotals(model.funnel) }, ...funnelByChannel(model)];
  return table(
    ['Channel', ...FUNNEL_STAGES.map((stage) => stage.label)],
    groups.map((group) => [
      e(group.channel),
      ...FUNNEL_STAGES.map((stage, index) => {
        const users = group.totals[stage.key];
        const share =
          index === 0
            ? ''
            : ` <span class="muted">${e(formatPercent(ratio(users, group.totals.signups)))}</span>`;
        return `${e(formatCount(users))}${share}`;
      }),
    ]),
    { numeric: [1, 2, 3, 4] },
  );
}

function transitionsTable(model: PublishModel): string {
  const transitions = model.segments?.transitions ?? [];
  if (transitions.length === 0) return '<p class="empty">No lifecycle transitions yet.</p>';
  const lifecycles = SEGMENT_ORDER.lifecycle ?? [];
  const from = byCanonicalOrder(
    [...new Set(transitions.map((t) => t.from))],
    ['none', ...lifecycles],
    (x) => x,
  );
  const to = byCanonicalOrder([...new Set(transitions.map((t) => t.to))], lifecycles, (x) => x);
  const users = (a: string, b: string) =>
    transitions.filter((t) => t.from === a && t.to === b).reduce((sum, t) => sum + t.users, 0);
  const head = `<tr><th scope="col">From \\ to</th>${to.map((b) => `<th scope="col" class="num">${e(b)}</th>`).join('')}<th scope="col" class="num">Total</th></tr>`;
  const body = from
    .map((a) => {
      const total = to.reduce((sum, b) => sum + users(a, b), 0);
      const cells = to
        .map((b) => {
          const count = users(a, b);
          const share = total === 0 ? 0 : count / total;
          const style =
            count === 0
              ? ''
              : ` style="background:rgba(66,105,208,${(0.08 + share * 0.72).toFixed(2)});${share > 0.55 ? 'color:#fff' : ''}"`;
          const stay = a === b && count > 0 ? ' stay' : '';
          return `<td class="num heat${stay}"${style} title="${e(`${a} → ${b}: ${formatCount(count)} users (${formatPercent(share)} of ${a})`)}">${count === 0 ? '<span class="muted">·</span>' : e(formatCount(count))}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${e(a === 'none' ? 'none (new)' : a)}</th>${cells}<td class="num">${e(formatCount(total))}</td></tr>`;
    })
    .join('');
  return `<div class="table-scroll"><table class="heatmap"><caption>Users by lifecycle on the day before (rows) and on ${e(shortDate(model.runDate))} (columns); darker cells hold a larger share of the row.</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

function recommendationsTable(model: PublishModel): string {
  if (model.recommendations.length === 0) return '<p class="empty">No recommendations yet.</p>';
  const rows = [...model.recommendations].sort(
    (a, b) =>
      Math.abs(b.changePct ?? 0) - Math.abs(a.changePct ?? 0) || a.partnerId.localeCompare(b.partnerId),
  );
  const channel = (id: string) =>
    model.partners.find((partner) => partner.partnerId === id)?.channel ?? NO_CHANNEL_LABEL;
  return table(
    ['Partner', 'Channel', 'Now / day', 'Recommended / day', 'Change', 'Marginal ROAS', 'Confidence', 'Why'],
    rows.map((row) => [
      partnerLabel(model, row.partnerId),
      e(channel(row.partnerId)),
      e(formatUsd(row.currentDailySpendUsd)),
      `<strong>${e(formatUsd(row.recommendedDailySpendUsd))}</strong>`,
      inlineChange(row.changePct, 'neutral'),
      e(row.expectedMarginalRoas === null ? 'n/a' : row.expectedMarginalRoas.toFixed(2)),
      `<span class="tag confidence-${e(row.confidence.replace(/[^a-z_]/g, ''))}">${e(row.confidence.replace(/_/g, ' '))}</span>`,
      `<span class="reason">${e(row.reason)}</span>`,
    ]),
    { numeric: [2, 3, 4, 5], stackOnPhone: true, wide: [7] },
  );
}

function verdictBadge(verdict: CampaignVerdict): string {
  return `<span class="tag verdict-${verdict}">${e(VERDICT_LABELS[verdict])}</span>`;
}

/** A campaign's card: who and how many, the primary uplift as a chart, every metric in a table. */
function campaignCard(charts: Record<string, ChartSpec>, campaign: CampaignResults, id: string): string {
  const primary = primaryResult(campaign);
  const name =
    campaign.name === campaign.campaignId
      ? `<span class="partner">${e(campaign.name)}</span>`
      : `<span class="partner">${e(campaign.name)}</span> <span class="muted id">${e(campaign.campaignId)}</span>`;
  const owner = campaign.owner === null ? '' : ` <span class="muted">· ${e(campaign.owner)}</span>`;
  const playbook = campaign.isRegistered ? '' : ' <span class="tag">playbook holdout</span>';
  const netRevenue = campaign.metrics.find((result) => result.metric === 'net_revenue_usd');
  const facts = [
    `Treatment <strong>${e(formatCount(campaign.nTreatment))}</strong>`,
    `control <strong>${e(formatCount(campaign.nControl))}</strong>`,
    `in both arms ${e(formatCount(campaign.nSwitched))}`,
    `cost ${e(formatUsd(campaign.costUsd))}`,
    ...(netRevenue?.roi === null || netRevenue === undefined
      ? []
      : [`ROI on net revenue ${e(formatPercent(netRevenue.roi))}`]),
  ].join(' · ');
  const srm = campaign.srmFlag
    ? `<p class="warning"><strong>Sample-ratio mismatch</strong> (p ${e(formatPValue(campaign.srmPValue))}): ${e(SRM_EXPLANATION)}</p>`
    : '';
  let chart = '';
  if (primary !== null) {
    const display = CAMPAIGN_METRIC_DISPLAY[primary.metric];
    const spec = campaignUpliftChart(display.label, display.valueFormat, primary);
    const title = `${campaignLabel(campaign)}: uplift on ${display.label.toLowerCase()} with its intervals`;
    if (spec !== null) {
      charts[id] = spec;
      chart =
        `<div class="chart chart-interval"><canvas data-chart="${e(id)}" role="img" aria-label="${e(title)}: ${e(formatUplift(primary.metric, primary.upliftAbs))}, 95% CI ${e(formatInterval(primary.metric, primary.ciLow, primary.ciHigh))}, always-valid ${e(formatInterval(primary.metric, primary.csLow, primary.csHigh))}">` +
        `${e(title)}</canvas></div>`;
    }
  }
  const rows = campaign.metrics.map((result) => [
    `${e(CAMPAIGN_METRIC_DISPLAY[result.metric].label)}${result.isPrimary ? ' <span class="tag">primary</span>' : ''}`,
    `<strong>${e(formatUplift(result.metric, result.upliftAbs))}</strong>`,
    e(formatInterval(result.metric, result.ciLow, result.ciHigh)),
    e(formatInterval(result.metric, result.csLow, result.csHigh)),
    e(result.upliftRel === null ? 'n/a' : formatChange(result.upliftRel)),
    e(formatPValue(result.pValue)),
    e(formatIncremental(result.metric, result.incrementalTotal)),
    verdictBadge(result.verdict),
  ]);
  return (
    `<article class="campaign panel" aria-labelledby="${e(id)}-title">` +
    `<h3 id="${e(id)}-title">${name}${owner}${playbook} ${primary === null ? '' : verdictBadge(primary.verdict)}</h3>` +
    `<p class="campaign-facts">${facts}</p>${srm}${chart}` +
    table(
      [
        'Metric',
        'Uplift',
        'Fixed 95% CI',
        'Always-valid 95%',
        'Relative',
        'p-value',
        'Incremental',
        'Verdict',
      ],
      rows,
      { numeric: [1, 2, 3, 4, 5, 6], stackOnPhone: true },
    ) +
    '</article>'
  );
}

/**
 * Element and chart ids from campaign ids, which may hold any character: `playbook:winback` ->
 * `campaign-playbook-winback`, numbered when two campaign ids read the same once cleaned.
 */
function campaignIds(): { next(campaignId: string): string } {
  const used = new Set<string>();
  return {
    next(campaignId) {
      const base = `campaign-${campaignId.replace(/[^A-Za-z0-9_-]/g, '-')}`;
      let id = base;
      for (let n = 2; used.has(id); n += 1) id = `${base}-${n}`;
      used.add(id);
      return id;
    },
  };
}

function campaignsSection(charts: Record<string, ChartSpec>, model: PublishModel): string {
  if (model.campaigns.length === 0)
    return '<p class="empty">No campaign results yet: ingest a campaign registry and exposures, or enable playbook holdouts.</p>';
  const ids = campaignIds();
  return (
    `<div class="campaigns">${model.campaigns.map((campaign) => campaignCard(charts, campaign, ids.next(campaign.campaignId))).join('')}</div>` +
    '<p class="note">Uplift: treatment minus control, CUPED-adjusted; shares in percentage points. The verdict reads the always-valid interval (light bar), which stays right however often it is looked at: win when it is above 0, loss when below. The fixed 95% CI (dark bar) is for a single look.</p>'
  );
}

function statusBadge(status: TrackerStatus): string {
  return `<span class="tag status-${status}">${e(status)}</span>`;
}

/** R's kpi_alerts, most severe first: each value against its expected range. */
function alertsSection(model: PublishModel): string {
  if (model.alerts.length === 0)
    return '<p class="empty">No alert: every KPI of the day is within its expected range.</p>';
  return (
    table(
      ['Metric', 'Severity', 'Value', 'Expected', 'Range', 'Why'],
      sortedAlerts(model.alerts).map((alert) => {
        const metric = ALERT_METRICS[alert.metric];
        return [
          `<span class="partner">${e(metric.label)}</span> <span class="muted">${e(alertScopeLabel(model, alert))}</span>`,
          `<span class="tag status-${alert.severity === 'critical' ? 'broken' : 'warn'}">${e(alert.severity)}</span> ${e(alert.direction === 'up' ? '▲' : '▼')}`,
          e(metric.format(alert.value)),
          e(metric.format(alert.expected)),
          e(`${metric.format(alert.lower)}–${metric.format(alert.upper)}`),
          e(alertLine(model, alert)),
        ];
      }),
      { numeric: [2, 3, 4], wide: [5], stackOnPhone: true },
    ) +
    '<p class="note">Each scope and metric of the day against the same weekday of the last four weeks and their level; an alert needs volume, a large relative change and a value outside the range the day-to-day noise allows. Tracking: a partner of at least 5 sign-ups a day with spend and no sign-up.</p>'
  );
}

/** The targets whose period contains R, worst first: actual and forecast against target. */
function planSection(model: PublishModel): string {
  if (model.plan.length === 0)
    return '<p class="empty">No target for this date. Ingest targets with growthlake ingest targets.</p>';
  return table(
    [
      'Metric',
      'Period',
      'Status',
      'Target',
      'Actual to date',
      'Expected to date',
      'Run rate / day',
      'Forecast at end',
      'Attainment',
    ],
    sortedPlan(model.plan).map((row) => {
      const metric = PLAN_METRICS[row.metric];
      const status = PLAN_STATUSES[row.status];
      return [
        `<span class="partner">${e(metric.label)}</span> <span class="muted">${e(planScopeLabel(model, row.scope))}</span>`,
        `${e(row.period)} <span class="muted">day ${e(formatCount(row.daysElapsed))} of ${e(formatCount(row.daysInPeriod))}</span>`,
        `<span class="tag status-${status.tone}">${e(status.words)}</span>`,
        e(metric.format(row.target)),
        e(metric.format(row.actualToDate)),
        e(metric.format(row.expectedToDate)),
        e(
          row.metric === 'signups' || row.metric === 'ftds'
            ? row.runRate7d.toFixed(1)
            : formatUsd(row.runRate7d),
        ),
        e(metric.format(row.forecastEnd)),
        e(formatPercent(row.forecastAttainment)),
      ];
    }),
    { numeric: [3, 4, 5, 6, 7, 8], stackOnPhone: true },
  );
}

/** One window's reconciliation table, most severe first, with the likely cause of each warn or broken row. */
function trackingTable(model: PublishModel, window: (row: TrackerReconciliation) => TrackerWindow): string {
  const rows = [...model.tracking].sort(bySeverity(window));
  const html = table(
    [
      'Partner',
      'Source',
      'Status',
      'Sign-ups tracker / platform',
      'Gap',
      'Conflicting',
      'FTDs tracker / platform',
      'Impact payout',
      'Likely cause',
    ],
    rows.map((row) => {
      const figures = window(row);
      const cause = figures.status === 'ok' ? '' : trackingCause(row, figures).text;
      return [
        partnerLabel(model, row.partnerId),
        e(TRACKER_SOURCE_LABELS[row.source]),
        statusBadge(figures.status),
        `${e(formatCount(figures.trackerSignups))} / ${e(formatCount(figures.platformSignups))}`,
        e(figures.signupGapRate === null ? NOT_AVAILABLE : formatChange(figures.signupGapRate)),
        e(formatCount(figures.conflictingUsers)),
        `${e(formatCount(figures.trackerFtds))} / ${e(formatCount(figures.platformFtds))}`,
        figures.payoutUsd === null ? '<span class="muted">—</span>' : e(formatUsd(figures.payoutUsd)),
        cause === '' ? '<span class="muted">—</span>' : `<span class="reason">${e(cause)}</span>`,
      ];
    }),
    { numeric: [3, 4, 5, 6, 7], stackOnPhone: true, wide: [8] },
  );
  // Its headers wrap, so that the likely cause fits beside the numbers on a laptop.
  return `<div class="tracking-table">${html}</div>`;
}

/** `2 broken · 1 warn · 5 ok`: the 7-day statuses at a glance. */
function trackingSummary(model: PublishModel): string {
  const counts = (['broken', 'warn', 'ok'] as const)
    .map((status) => [status, model.tracking.filter((row) => row.week.status === status).length] as const)
    .filter(([, count]) => count > 0);
  return `<p class="tracking-summary">Last 7 days: ${counts.map(([status, count]) => `<span class="tag status-${status}">${count} ${status}</span>`).join(' ')}</p>`;
}

function trackingSection(model: PublishModel): string {
  if (model.tracking.length === 0)
    return '<p class="empty">No tracker data yet: ingest AppsFlyer, Adjust or Impact exports and a tracker map to see each partner\'s tracked sign-ups and FTDs against the platform\'s.</p>';
  const week = `${shortDate(addDays(model.runDate, -6))}–${shortDate(model.runDate)}`;
  const month = `${shortDate(addDays(model.runDate, -29))}–${shortDate(model.runDate)}`;
  return (
    trackingSummary(model) +
    `<h3 class="subhead">Last 7 days <span class="muted">${e(week)}</span></h3>` +
    trackingTable(model, (row) => row.week) +
    `<h3 class="subhead">Last 30 days <span class="muted">${e(month)}</span></h3>` +
    trackingTable(model, (row) => row.month) +
    `<p class="note">Tracker: distinct users the source reports for the partner; platform: users growthlake attributes to it. ${e(TRACKING_STATUS_NOTE)} Conflicting: users the tracker credits here whom the platform attributes to another partner. Impact payout: non-reversed actions, USD. Unmapped: source keys without a tracker-map row.</p>`
  );
}

function flagTag(flag: string): string {
  return `<span class="tag flag">${e(flag)}</span>`;
}

/** A partner's signal: red when a flag was raised on it, amber when worse than the program's median. */
function signalCell(model: PublishModel, partner: PartnerQuality, display: QualitySignalDisplay): string {
  const value = partner[display.key];
  const text = e(display.format(value));
  if (flaggedSignals(partner).has(display.key))
    return `<span class="signal-flagged">${text}<span class="sr-only"> (flagged)</span></span>`;
  if (isWorseThanMedian(display, value, model.quality.medians[display.key]))
    return `<span class="signal-worse">${text}<span class="sr-only"> (worse than the median)</span></span>`;
  return text;
}

/** Each partner's signals, flags and score, flagged partners first, under the program's medians. */
function qualityTable(model: PublishModel): string {
  const { medians, medianPartners } = model.quality;
  const medianRow = [
    `<span class="partner">Program median</span> <span class="muted id">${e(formatCount(medianPartners))} partner${medianPartners === 1 ? '' : 's'}</span>`,
    '<span class="muted">—</span>',
    ...QUALITY_SIGNALS.map(
      (display) => `<span class="muted">${e(display.format(medians[display.key]))}</span>`,
    ),
    `<span class="muted">${e(formatScore(medians.qualityScore))}</span>`,
    '<span class="muted">—</span>',
  ];
  const rows = [...model.quality.partners]
    .sort(byConcern)
    .map((partner) => [
      partnerLabel(model, partner.partnerId),
      e(formatCount(partner.signups)),
      ...QUALITY_SIGNALS.map((display) => signalCell(model, partner, display)),
      e(formatScore(partner.qualityScore)),
      partner.flags.length === 0 ? '<span class="muted">—</span>' : partner.flags.map(flagTag).join(' '),
    ]);
  const html = table(
    ['Partner', 'Sign-ups', ...QUALITY_SIGNALS.map((display) => display.label), 'Score', 'Flags'],
    [medianRow, ...rows],
    { numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9], stackOnPhone: true, wide: [10] },
  );
  return `<div class="quality-table">${html}</div>`;
}

/** The users behind each flag of a flagged partner: a few with their evidence, and how many more. */
function flaggedUsersCard(model: PublishModel, partner: PartnerQuality): string {
  const items = partner.flags.map((flag) => {
    const users = partner.flaggedUsers.find((entry) => entry.flag === flag);
    if (users === undefined)
      return `<li>${flagTag(flag)} <span class="muted">no users listed for this date</span></li>`;
    const more = users.users - users.shown.length;
    const shown = users.shown.map((user) => e(flaggedUserText(flag, user))).join(', ');
    return `<li>${flagTag(flag)} ${e(formatCount(users.users))} user${users.users === 1 ? '' : 's'}: ${shown}${more > 0 ? ` <span class="muted">and ${e(formatCount(more))} more</span>` : ''}</li>`;
  });
  return `<article class="quality-users"><h3>${partnerLabel(model, partner.partnerId)}</h3><ul>${items.join('')}</ul></article>`;
}

function qualitySection(model: PublishModel): string {
  if (model.quality.partners.length === 0)
    return '<p class="empty">No traffic-quality data for this date yet: partner_quality is built by the daily run from sign-ups, clicks, devices and funding accounts.</p>';
  const flagged = [...model.quality.partners].filter((p) => p.flags.length > 0).sort(byConcern);
  const rules = Object.entries(QUALITY_RULES)
    .map(([flag, rule]) => `${flag} > ${formatPercent(rule.threshold)}`)
    .join(', ');
  const summary =
    flagged.length === 0
      ? '<p class="quality-summary">No partner is flagged.</p>'
      : `<p class="quality-summary">${flagged.length} of ${model.quality.partners.length} partners flagged: ${flagged.map((p) => `<span class="tag flag">${e(p.partnerId)}</span>`).join(' ')}</p>`;
  return (
    summary +
    qualityTable(model) +
    (flagged.length === 0
      ? ''
      : `<h3 class="subhead">Users behind the flags <span class="muted">the first five by user id</span></h3>${flagged.map((p) => flaggedUsersCard(model, p)).join('')}`) +
    `<p class="note">Shares are of the partner's sign-ups of the 30 days to ${e(shortDate(model.runDate))}. Program median: over partners with at least ${QUALITY_MIN_SIGNUPS} sign-ups, organic and unattributed left out. Red: the share that raised a flag (${e(rules)}; partners with at least ${QUALITY_MIN_SIGNUPS} sign-ups); amber: worse than the median. Score: 0-100, higher is better. ${e(QUALITY_CONSEQUENCE)}</p>`
  );
}

/** Renders the dashboard page of a model (normally the unscoped one). */
export function renderDashboard(model: PublishModel): string {
  const charts: Record<string, ChartSpec> = {};
  const { week } = model.kpis;
  const trends = trendCharts(model.series);
  const funnel = funnelCharts(model);
  const roi = roiChart(model);
  const segments = segmentCharts(model.segments);
  const seriesFrom = model.series[0]?.date ?? model.runDate;
  const previousNote =
    model.previousWeekSource === 'derived'
      ? ' The run of the previous week left no partner performance, so its spend, sign-ups and FTDs are recomputed and its revenue and ROI are unknown.'
      : '';

  const sections = [
    `<section id="kpis" aria-labelledby="kpis-title"><h2 id="kpis-title">Last 7 days <span class="muted">${e(shortDate(week.from))}–${e(shortDate(week.to))} vs ${e(shortDate(week.previousFrom))}–${e(shortDate(week.previousTo))}</span></h2>` +
      `<div class="kpis">${kpiCards(model)}</div>` +
      `<p class="note">CAC = spend / first-time depositors. ROI at day 7 pools the cohorts that reached day 7 in the window, weighted by their spend. The smaller line compares ${e(shortDate(model.kpis.day.date))} with the same weekday a week earlier.${e(previousNote)}</p></section>`,
    `<section id="alerts" aria-labelledby="alerts-title"><h2 id="alerts-title">Alerts <span class="muted">${e(shortDate(model.runDate))} against its expected range</span></h2>${alertsSection(model)}</section>`,
    `<section id="trends" aria-labelledby="trends-title"><h2 id="trends-title">Trends <span class="muted">${e(shortDate(seriesFrom))}–${e(shortDate(model.runDate))}, ${SERIES_DAYS} days</span></h2><div class="grid">` +
      chartPanel(charts, 'spend', 'Spend per day', trends.spend, 'All partners, USD.') +
      chartPanel(
        charts,
        'signups',
        'Sign-ups and FTDs per day',
        trends.signups,
        'Sign-ups by cohort date; FTDs by first-deposit date.',
      ) +
      chartPanel(charts, 'cac', 'CAC', trends.cac, 'Trailing 7-day spend / FTDs; dots are single days.') +
      '</div></section>',
    `<section id="cohorts" aria-labelledby="cohorts-title"><h2 id="cohorts-title">Cohorts and ROI</h2><div class="grid">` +
      chartPanel(
        charts,
        'ltv',
        'LTV by cohort age',
        ltvChart(model),
        `Net revenue per user, cohorts of the last ${LTV_COHORT_DAYS} days that have reached each age; the largest partners.`,
      ) +
      chartPanel(
        charts,
        'roi',
        'ROI by partner',
        roi,
        'Matured cohorts of the last 30 days: (net revenue − spend) / spend. Dashed line: break-even.',
        Math.max(220, 70 + 34 * (roi?.labels.length ?? 0)),
      ) +
      '</div></section>',
    `<section id="partners" aria-labelledby="partners-title"><h2 id="partners-title">Partners <span class="muted">last 7 days vs the 7 before</span></h2>${partnerTable(model)}</section>`,
    `<section id="funnel" aria-labelledby="funnel-title"><h2 id="funnel-title">Funnel <span class="muted">cohorts of the last ${FUNNEL_WEEKS} weeks</span></h2>` +
      (funnel === null
        ? '<p class="empty">No sign-ups in these weeks yet.</p>'
        : `<div class="grid">${chartPanel(charts, 'funnel', 'Sign-up to first trade', funnel.funnel, 'All partners pooled.')}${chartPanel(charts, 'funnel-channels', 'Conversion by channel', funnel.byChannel, 'Share of sign-ups reaching each step.')}</div>${funnelTable(model)}`) +
      '</section>',
    `<section id="segments" aria-labelledby="segments-title"><h2 id="segments-title">Segments <span class="muted">users on ${e(shortDate(model.runDate))}</span></h2>` +
      (segments.length === 0
        ? '<p class="empty">No segment snapshot for this date yet.</p>'
        : `<div class="grid grid-small">${segments.map(({ dimension, chart }) => chartPanel(charts, `segment-${dimension}`, dimension.replace(/_/g, ' '), chart, '', Math.max(160, 50 + 26 * chart.labels.length))).join('')}</div>`) +
      `<h3 class="subhead">Lifecycle transitions</h3>${transitionsTable(model)}</section>`,
    `<section id="recommendations" aria-labelledby="recommendations-title"><h2 id="recommendations-title">Budget recommendations <span class="muted">for tomorrow</span></h2>${recommendationsTable(model)}</section>`,
    `<section id="plan" aria-labelledby="plan-title"><h2 id="plan-title">Plan <span class="muted">targets paced to ${e(shortDate(model.runDate))}, forecast at the last 7 days' rate</span></h2>${planSection(model)}</section>`,
    `<section id="tracking" aria-labelledby="tracking-title"><h2 id="tracking-title">Tracking <span class="muted">trackers vs the platform, as of ${e(shortDate(model.runDate))}</span></h2>${trackingSection(model)}</section>`,
    `<section id="quality" aria-labelledby="quality-title"><h2 id="quality-title">Traffic quality <span class="muted">sign-ups of ${e(shortDate(addDays(model.runDate, -29)))}–${e(shortDate(model.runDate))}</span></h2>${qualitySection(model)}</section>`,
    `<section id="campaigns" aria-labelledby="campaigns-title"><h2 id="campaigns-title">Campaigns <span class="muted">treatment vs holdout, as of ${e(shortDate(model.runDate))}</span></h2>${campaignsSection(charts, model)}</section>`,
  ];

  const nav = [
    ['kpis', 'KPIs'],
    ['alerts', 'Alerts'],
    ['trends', 'Trends'],
    ['cohorts', 'Cohorts'],
    ['partners', 'Partners'],
    ['funnel', 'Funnel'],
    ['segments', 'Segments'],
    ['recommendations', 'Recommendations'],
    ['plan', 'Plan'],
    ['tracking', 'Tracking'],
    ['quality', 'Quality'],
    ['campaigns', 'Campaigns'],
  ]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`)
    .join('');
  const data = JSON.stringify({ runDate: model.runDate, charts }).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light">
<title>growthlake · ${e(model.runDate)}</title>
<style>${DASHBOARD_STYLES}</style>
</head>
<body>
<header class="top"><div class="wrap"><div><p class="brand">growthlake</p><h1>Growth dashboard · ${e(longDate(model.runDate))}</h1></div><nav aria-label="Sections">${nav}</nav></div></header>
<main class="wrap">
${sections.join('\n')}
</main>
<footer class="wrap muted">Run date ${e(model.runDate)} (UTC). Built from partner_performance, spend, users, cohort_ltv, funnel, segment_summary, budget_recommendations, plan_pacing, kpi_alerts, tracker_reconciliation, tracker_conversions, partner_quality, user_risk_flags and campaign_results.</footer>
<script type="application/json" id="dashboard-data">${data}</script>
<script>${scriptSafe(chartJs())}</script>
<script>${scriptSafe(DASHBOARD_CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}
