/**
 * How the plan (plan_pacing) reads in the dashboard and the growth digest: labels, values, the
 * status in words, and the order, worst first.
 */
import { formatCount, formatPercent, formatUsd } from './format.ts';
import type { PlanPacing, PublishModel } from './model.ts';

/** Each plan metric's label and how its values are written. */
export const PLAN_METRICS: Readonly<
  Record<PlanPacing['metric'], { readonly label: string; readonly format: (value: number) => string }>
> = {
  signups: { label: 'Sign-ups', format: (value) => formatCount(Math.round(value)) },
  ftds: { label: 'FTDs', format: (value) => formatCount(Math.round(value)) },
  spend_usd: { label: 'Spend', format: formatUsd },
  net_revenue_usd: { label: 'Net revenue', format: formatUsd },
  gmv_usd: { label: 'GMV', format: formatUsd },
};

/** A status in words, and the tone of its badge (the tracking statuses' colours). */
export const PLAN_STATUSES: Readonly<
  Record<PlanPacing['status'], { readonly words: string; readonly tone: 'ok' | 'warn' | 'broken' }>
> = {
  on_track: { words: 'on track', tone: 'ok' },
  at_risk: { words: 'at risk', tone: 'warn' },
  off_track: { words: 'off track', tone: 'broken' },
  over: { words: 'over plan', tone: 'broken' },
  under: { words: 'under plan', tone: 'broken' },
};

const TONE_ORDER = { broken: 0, warn: 1, ok: 2 } as const;

/** `all partners`, `kol channel`, or the partner's name. */
export function planScopeLabel(model: PublishModel, scope: string): string {
  const [type, id = ''] = scope.split(':');
  if (type === 'channel') return `${id} channel`;
  if (type === 'partner') return model.partners.find((partner) => partner.partnerId === id)?.name ?? id;
  return 'all partners';
}

/** The plan's rows, off track (or over or under plan) first, then at risk, then on track. */
export function sortedPlan(plan: readonly PlanPacing[]): PlanPacing[] {
  return [...plan].sort(
    (a, b) =>
      TONE_ORDER[PLAN_STATUSES[a.status].tone] - TONE_ORDER[PLAN_STATUSES[b.status].tone] ||
      a.period.localeCompare(b.period) ||
      a.scope.localeCompare(b.scope) ||
      a.metric.localeCompare(b.metric),
  );
}

/**
 * A target in one line: `Sign-ups, all partners, 2026-05: off track, forecast 3 of 4 (75%) at
 * period end.`
 */
export function planLine(model: PublishModel, row: PlanPacing): string {
  const metric = PLAN_METRICS[row.metric];
  return (
    `${metric.label}, ${planScopeLabel(model, row.scope)}, ${row.period}: ${PLAN_STATUSES[row.status].words}, ` +
    `forecast ${metric.format(row.forecastEnd)} of ${metric.format(row.target)} ` +
    `(${formatPercent(row.forecastAttainment)}) at period end.`
  );
}
