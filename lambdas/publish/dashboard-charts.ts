/**
 * The dashboard's charts as plain data: labels, series, colours and the value format. The page's
 * script (dashboard-client.ts) turns each into a Chart.js chart; nothing here knows Chart.js.
 */
import { ratio } from './kpis.ts';
import type { CampaignMetricResult, FunnelRow, PublishModel, Segments, SeriesPoint } from './model.ts';

/**
 * How a chart's values are written on its axis and tooltips: `points` are shares as percentage
 * points (a campaign's uplift on a share metric), `decimal` two decimals (active days).
 */
export type ValueFormat = 'usd' | 'count' | 'percent' | 'points' | 'decimal';

/** One series of a chart. */
export interface ChartSeries {
  readonly label: string;
  /** One value per label; a `range` series has a `[low, high]` pair per label instead. */
  readonly data: readonly (number | null | readonly [number, number])[];
  readonly color: string;
  /**
   * How the series is drawn: bars, a line, points without a line, or `range` bars from low to high
   * drawn over one another (an interval inside a wider one). @default - the chart's type
   */
  readonly draw?: 'bar' | 'line' | 'points' | 'range';
  /** A range bar's thickness as a share of its category's band. @default - Chart.js's 0.9 */
  readonly thickness?: number;
  /** A thicker line, for the series the others are read against. */
  readonly emphasis?: boolean;
}

/** A chart, ready to draw. */
export interface ChartSpec {
  readonly type: 'bar' | 'line';
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly valueFormat: ValueFormat;
  /** Bars run left to right, categories down the side. */
  readonly horizontal?: boolean;
  /** Draw a line at this value (e.g. ROI break-even). */
  readonly referenceLine?: number;
  /** Join a line across missing values (an age no cohort has reached yet). @default false */
  readonly spanGaps?: boolean;
}

/** Categorical colours that stay apart for colour-blind readers (Observable 10). */
export const PALETTE = [
  '#4269d0',
  '#efb118',
  '#ff725c',
  '#6cc5b0',
  '#3ca951',
  '#ff8ab7',
  '#a463f2',
  '#97bbf5',
  '#9c6b4e',
  '#9498a0',
] as const;

const INK = '#1e293b';

/** The first colours, by role, used across the page so a metric keeps its colour. */
const METRIC_COLOURS = { spend: '#4269d0', signups: '#6cc5b0', ftds: '#3ca951', cac: '#ff725c' } as const;

/** Most partners drawn on one LTV chart; the rest are in the pooled line. */
const MAX_LTV_PARTNERS = 8;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-22` -> `Nov 22`. */
export function shortDate(date: string): string {
  const [, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${MONTHS[month - 1]} ${day}`;
}

/** A stable colour per partner: by position in the model's partner list. */
export function partnerColours(model: PublishModel): Map<string, string> {
  return new Map(
    model.partners.map((partner, index) => [partner.partnerId, PALETTE[index % PALETTE.length] as string]),
  );
}

/** Longest partner name on a chart axis or legend; longer names are cut with an ellipsis. */
const MAX_LABEL_LENGTH = 24;

function partnerName(model: PublishModel, partnerId: string): string {
  const name = model.partners.find((partner) => partner.partnerId === partnerId)?.name ?? partnerId;
  return name.length <= MAX_LABEL_LENGTH ? name : `${name.slice(0, MAX_LABEL_LENGTH - 1)}…`;
}

/** Spend, sign-ups and FTDs, and CAC per day (null while no day has an FTD). */
export function trendCharts(series: readonly SeriesPoint[]): {
  spend: ChartSpec;
  signups: ChartSpec;
  cac: ChartSpec | null;
} {
  const labels = series.map((point) => shortDate(point.date));
  const hasCac = series.some((point) => point.cacUsd !== null);
  return {
    spend: {
      type: 'bar',
      labels,
      valueFormat: 'usd',
      series: [{ label: 'Spend', data: series.map((p) => p.spendUsd), color: METRIC_COLOURS.spend }],
    },
    signups: {
      type: 'line',
      labels,
      valueFormat: 'count',
      series: [
        { label: 'Sign-ups', data: series.map((p) => p.signups), color: METRIC_COLOURS.signups },
        { label: 'FTDs', data: series.map((p) => p.ftds), color: METRIC_COLOURS.ftds, emphasis: true },
      ],
    },
    cac: !hasCac
      ? null
      : {
          type: 'line',
          labels,
          valueFormat: 'usd',
          series: [
            {
              label: 'CAC, trailing 7 days',
              data: series.map((p) => p.cac7dUsd),
              color: METRIC_COLOURS.cac,
              emphasis: true,
            },
            { label: 'CAC that day', data: series.map((p) => p.cacUsd), color: '#f4a28c', draw: 'points' },
          ],
        },
  };
}

/** LTV by age: the pooled curve and the largest partners' curves. */
export function ltvChart(model: PublishModel): ChartSpec | null {
  const ages = [...new Set(model.cohortLtv.map((point) => point.ageDay))].sort((a, b) => a - b);
  if (ages.length === 0) return null;
  const colours = partnerColours(model);
  const usersAtStart = new Map<string, number>();
  for (const point of model.cohortLtv) {
    if (point.ageDay === ages[0]) usersAtStart.set(point.partnerId, point.cohortUsers);
  }
  const largest = [...usersAtStart.entries()]
    .filter(([, users]) => users > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_LTV_PARTNERS)
    .map(([partnerId]) => partnerId);
  const curve = (keep: (partnerId: string) => boolean) =>
    ages.map((age) => {
      const points = model.cohortLtv.filter((point) => point.ageDay === age && keep(point.partnerId));
      return ratio(
        points.reduce((sum, point) => sum + point.cumNetRevenueUsd, 0),
        points.reduce((sum, point) => sum + point.cohortUsers, 0),
      );
    });
  return {
    type: 'line',
    labels: ages.map((age) => `day ${age}`),
    valueFormat: 'usd',
    spanGaps: true,
    series: [
      { label: 'All partners', data: curve(() => true), color: INK, emphasis: true },
      ...largest.map((partnerId) => ({
        label: partnerName(model, partnerId),
        data: curve((id) => id === partnerId),
        color: colours.get(partnerId) ?? INK,
      })),
    ],
  };
}

/** The partners with an ROI in the 30-day window, best first. */
export function roiPartners(model: PublishModel) {
  return model.performance
    .filter((row) => row.month.roiD7 !== null || row.month.roiD30 !== null)
    .sort(
      (a, b) =>
        (b.month.roiD30 ?? Number.NEGATIVE_INFINITY) - (a.month.roiD30 ?? Number.NEGATIVE_INFINITY) ||
        (b.month.roiD7 ?? Number.NEGATIVE_INFINITY) - (a.month.roiD7 ?? Number.NEGATIVE_INFINITY) ||
        a.partnerId.localeCompare(b.partnerId),
    );
}

/** ROI at day 7 and day 30 by partner (30-day window), with break-even marked. */
export function roiChart(model: PublishModel): ChartSpec | null {
  const rows = roiPartners(model);
  if (rows.length === 0) return null;
  return {
    type: 'bar',
    horizontal: true,
    labels: rows.map((row) => partnerName(model, row.partnerId)),
    valueFormat: 'percent',
    referenceLine: 0,
    series: [
      { label: 'ROI at day 7', data: rows.map((row) => row.month.roiD7), color: '#97bbf5' },
      { label: 'ROI at day 30', data: rows.map((row) => row.month.roiD30), color: '#4269d0' },
    ],
  };
}

/** Funnel counts pooled over rows. */
export interface FunnelTotals {
  readonly signups: number;
  readonly kycUsers: number;
  readonly fundedUsers: number;
  readonly tradedUsers: number;
}

/** Sums funnel rows. */
export function funnelTotals(rows: readonly FunnelRow[]): FunnelTotals {
  return rows.reduce(
    (total, row) => ({
      signups: total.signups + row.signups,
      kycUsers: total.kycUsers + row.kycUsers,
      fundedUsers: total.fundedUsers + row.fundedUsers,
      tradedUsers: total.tradedUsers + row.tradedUsers,
    }),
    { signups: 0, kycUsers: 0, fundedUsers: 0, tradedUsers: 0 },
  );
}

/** The label of partners without a channel in per-channel views. */
export const NO_CHANNEL_LABEL = 'outside registry';

/** Funnel totals per channel (partners outside the registry pooled as {@link NO_CHANNEL_LABEL}). */
export function funnelByChannel(model: PublishModel): { channel: string; totals: FunnelTotals }[] {
  const channelOf = new Map(
    model.partners.map((partner) => [partner.partnerId, partner.channel ?? NO_CHANNEL_LABEL]),
  );
  const groups = new Map<string, FunnelRow[]>();
  for (const row of model.funnel) {
    const channel = channelOf.get(row.partnerId) ?? NO_CHANNEL_LABEL;
    groups.set(channel, [...(groups.get(channel) ?? []), row]);
  }
  return [...groups.entries()]
    .map(([channel, rows]) => ({ channel, totals: funnelTotals(rows) }))
    .filter((group) => group.totals.signups > 0)
    .sort((a, b) => b.totals.signups - a.totals.signups || a.channel.localeCompare(b.channel));
}

/** The funnel stages, in order. */
export const FUNNEL_STAGES = [
  { key: 'signups', label: 'Sign-ups' },
  { key: 'kycUsers', label: 'KYC verified' },
  { key: 'fundedUsers', label: 'Funded' },
  { key: 'tradedUsers', label: 'Traded' },
] as const;

/** The pooled funnel and each channel's conversion from sign-up. */
export function funnelCharts(model: PublishModel): { funnel: ChartSpec; byChannel: ChartSpec } | null {
  const totals = funnelTotals(model.funnel);
  if (totals.signups === 0) return null;
  const channels = funnelByChannel(model);
  return {
    funnel: {
      type: 'bar',
      labels: FUNNEL_STAGES.map((stage) => stage.label),
      valueFormat: 'count',
      series: [{ label: 'Users', data: FUNNEL_STAGES.map((stage) => totals[stage.key]), color: '#4269d0' }],
    },
    byChannel: {
      type: 'bar',
      labels: channels.map((group) => group.channel),
      valueFormat: 'percent',
      series: FUNNEL_STAGES.slice(1).map((stage, index) => ({
        label: `${stage.label} / sign-ups`,
        data: channels.map((group) => ratio(group.totals[stage.key], group.totals.signups)),
        color: ['#97bbf5', '#4269d0', '#1e3a8a'][index] as string,
      })),
    },
  };
}

/** The order segments of the known dimensions are shown in (from the segment definitions in docs/contract.md, user_segments). */
export const SEGMENT_ORDER: Readonly<Record<string, readonly string[]>> = {
  lifecycle: ['new', 'active', 'resurrected', 'at_risk', 'dormant', 'churned'],
  value_tier: ['whale', 'high', 'mid', 'low', 'zero'],
  funnel_stage: ['registered', 'kyc', 'funded', 'trader'],
  tenure_bucket: ['0-7', '8-30', '31-90', '91-180', '181+', 'unknown'],
  trade_frequency: ['heavy', 'regular', 'light', 'none'],
  product_mix: ['spot', 'futures', 'both', 'none'],
  churn_risk: ['high', 'medium', 'low'],
};

/** The known dimensions first, in this order; any other dimension after them. */
const DIMENSION_ORDER = Object.keys(SEGMENT_ORDER);

/** Orders values by a canonical list, unknown values last in their given order. */
export function byCanonicalOrder<T>(
  items: readonly T[],
  order: readonly string[],
  key: (item: T) => string,
): T[] {
  const rank = (item: T) => {
    const index = order.indexOf(key(item));
    return index === -1 ? order.length : index;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/** One horizontal bar chart of users per segment, per dimension. */
export function segmentCharts(segments: Segments | null): { dimension: string; chart: ChartSpec }[] {
  if (segments === null) return [];
  const dimensions = byCanonicalOrder(
    [...new Set(segments.sizes.map((size) => size.dimension))],
    DIMENSION_ORDER,
    (d) => d,
  );
  return dimensions.map((dimension, index) => {
    const sizes = byCanonicalOrder(
      segments.sizes.filter((size) => size.dimension === dimension),
      SEGMENT_ORDER[dimension] ?? [],
      (size) => size.segment,
    );
    return {
      dimension,
      chart: {
        type: 'bar',
        horizontal: true,
        labels: sizes.map((size) => size.segment),
        valueFormat: 'count',
        series: [
          {
            label: 'Users',
            data: sizes.map((size) => size.users),
            color: PALETTE[index % PALETTE.length] as string,
          },
        ],
      },
    };
  });
}

/**
 * A campaign's primary uplift as intervals around it: the always-valid confidence sequence (the
 * wide, light bar the verdict reads), the fixed 95% interval inside it, the uplift as a point, and
 * zero marked, so "does the bar cross the line" is the verdict at a glance. Null without an uplift.
 */
export function campaignUpliftChart(
  label: string,
  valueFormat: ValueFormat,
  result: Pick<CampaignMetricResult, 'upliftAbs' | 'ciLow' | 'ciHigh' | 'csLow' | 'csHigh'>,
): ChartSpec | null {
  if (result.upliftAbs === null) return null;
  const range = (low: number | null, high: number | null) =>
    low === null || high === null ? null : ([low, high] as const);
  return {
    type: 'bar',
    horizontal: true,
    labels: [label],
    valueFormat,
    referenceLine: 0,
    // Chart.js draws the first series on top: the point over the CI over the wider sequence.
    series: [
      { label: 'Uplift', data: [result.upliftAbs], color: INK, draw: 'points' },
      {
        label: 'Fixed 95% CI',
        data: [range(result.ciLow, result.ciHigh)],
        color: '#4269d0',
        draw: 'range',
        thickness: 0.35,
      },
      {
        label: 'Always-valid 95%',
        data: [range(result.csLow, result.csHigh)],
        color: '#bfd0f3',
        draw: 'range',
        thickness: 0.8,
      },
    ],
  };
}
