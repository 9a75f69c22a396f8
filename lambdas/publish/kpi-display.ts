/**
 * How the headline KPIs are shown: which ones, in what order, labelled, formatted and their change
 * worded once for the dashboard and the digests (kpis.ts computes them).
 */
import {
  arrowOf,
  directionOf,
  formatChange,
  formatCount,
  formatPercent,
  formatPointChange,
  formatUsd,
  type Polarity,
  toneOf,
} from './format.ts';
import type { DayKpis, Kpi, WeekKpis } from './model.ts';

/** A headline metric. */
export interface MetricDef<K extends string> {
  readonly key: K;
  readonly label: string;
  readonly polarity: Polarity;
  readonly format: (value: number | null) => string;
  readonly formatChange: (change: number | null) => string;
}

/** The metrics of a week, in the order they are shown. */
export const WEEK_METRICS: readonly MetricDef<
  Exclude<keyof WeekKpis, 'from' | 'to' | 'previousFrom' | 'previousTo'>
>[] = [
  { key: 'spendUsd', label: 'Spend', polarity: 'neutral', format: formatUsd, formatChange },
  { key: 'signups', label: 'Sign-ups', polarity: 'higher-is-better', format: formatCount, formatChange },
  { key: 'ftds', label: 'FTDs', polarity: 'higher-is-better', format: formatCount, formatChange },
  { key: 'cacUsd', label: 'CAC', polarity: 'lower-is-better', format: formatUsd, formatChange },
  {
    key: 'netRevenueUsd',
    label: 'Net revenue',
    polarity: 'higher-is-better',
    format: formatUsd,
    formatChange,
  },
  { key: 'gmvUsd', label: 'GMV', polarity: 'higher-is-better', format: formatUsd, formatChange },
  {
    key: 'roiD7',
    label: 'ROI at day 7',
    polarity: 'higher-is-better',
    format: formatPercent,
    formatChange: formatPointChange,
  },
];

/** The metrics a single day has. */
export const DAY_METRIC_KEYS: readonly Exclude<keyof DayKpis, 'date' | 'comparedWith'>[] = [
  'spendUsd',
  'signups',
  'ftds',
  'cacUsd',
];

/** A KPI's change as the publications show it. */
export interface ChangeView {
  /** `▲`, `▼`, `■`, or empty when unknown. */
  readonly arrow: string;
  /** `+8%`, `-3 pp`, or `n/a`. */
  readonly text: string;
  readonly tone: 'good' | 'bad' | 'neutral';
  /** A sentence for screen readers and plain text: "up 8% from $11.4k, worse". */
  readonly sentence: string;
}

/** How a KPI's change reads, for the arrow, the colour and the words. */
export function changeView(
  kpi: Kpi,
  metric: Pick<MetricDef<string>, 'polarity' | 'format' | 'formatChange'>,
): ChangeView {
  const direction = directionOf(kpi.change);
  const tone = toneOf(kpi.change, metric.polarity);
  const text = metric.formatChange(kpi.change);
  const magnitude = text.replace(/^[+-]/, '');
  const from = `from ${metric.format(kpi.previous)}`;
  let sentence: string;
  if (direction === 'unknown')
    sentence = kpi.previous === null ? 'no earlier period to compare' : `${from}, no comparison`;
  else if (direction === 'flat') sentence = `unchanged ${from}`;
  else
    sentence = `${direction} ${magnitude} ${from}${tone === 'neutral' ? '' : `, ${tone === 'good' ? 'better' : 'worse'}`}`;
  return { arrow: direction === 'unknown' ? '' : arrowOf(direction), text, tone, sentence };
}

/** The metric of a key. */
export function weekMetric(key: string): MetricDef<string> {
  const metric = WEEK_METRICS.find((candidate) => candidate.key === key);
  if (metric === undefined) throw new RangeError(`unknown metric ${key}`);
  return metric;
}
