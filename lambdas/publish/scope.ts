/** A recipient's view of the model: only the partners they own, with every number recomputed from those rows. */

import type { Scope } from '../contract/recipients-config.ts';
import { withDerived } from './kpis.ts';
import type { KpiAlert, PublishModel, PublishPartner } from './model.ts';

/** Whether a partner is in a scope. Partners outside the registry have no channel, so only `all` includes them. */
export function isInScope(partner: PublishPartner, scope: Scope): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'channels':
      return partner.channel !== null && scope.channels.includes(partner.channel);
    case 'partners':
      return scope.partnerIds.includes(partner.partnerId);
  }
}

/**
 * Whether a target's scope belongs to a recipient's: a channel target to a recipient of that channel,
 * a partner target to one whose view has the partner; `all` only to the whole programme.
 */
function isPlanInScope(planScope: string, scope: Scope, ids: ReadonlySet<string>): boolean {
  const [type, id = ''] = planScope.split(':');
  if (type === 'channel')
    return scope.kind === 'channels' && (scope.channels as readonly string[]).includes(id);
  return type === 'partner' && ids.has(id);
}

/**
 * Whether an alert belongs to a recipient's view: a partner's to a view that has the partner, a
 * channel's to a recipient of that channel; the program's only to the whole program.
 */
function isAlertInScope(alert: KpiAlert, scope: Scope, ids: ReadonlySet<string>): boolean {
  if (alert.scope === 'partner') return ids.has(alert.scopeId);
  if (alert.scope === 'channel')
    return scope.kind === 'channels' && (scope.channels as readonly string[]).includes(alert.scopeId);
  return false;
}

/**
 * The model restricted to the partners in `scope`: every per-partner row of another partner is
 * dropped (tracking rows of `unmapped` and `organic` too), then the KPIs and series are recomputed from what is left. Segments are not kept per
 * partner, so a scoped view has none; campaigns are not about partners, so it keeps them all; the
 * traffic-quality medians describe the whole program, so it keeps them; it keeps the plan's targets and the alerts of its own channels and partners.
 */
export function scopeModel(model: PublishModel, scope: Scope): PublishModel {
  if (scope.kind === 'all') return model;
  const partners = model.partners.filter((partner) => isInScope(partner, scope));
  const ids = new Set(partners.map((partner) => partner.partnerId));
  const keep = <T extends { readonly partnerId: string }>(rows: readonly T[]): T[] =>
    rows.filter((row) => ids.has(row.partnerId));
  return withDerived({
    runDate: model.runDate,
    previousWeekSource: model.previousWeekSource,
    partners,
    performance: keep(model.performance),
    daily: keep(model.daily),
    cohortLtv: keep(model.cohortLtv),
    funnel: keep(model.funnel),
    segments: null,
    recommendations: keep(model.recommendations),
    roi: keep(model.roi),
    campaigns: model.campaigns,
    tracking: keep(model.tracking),
    quality: { ...model.quality, partners: keep(model.quality.partners) },
    plan: model.plan.filter((row) => isPlanInScope(row.scope, scope, ids)),
    alerts: model.alerts.filter((alert) => isAlertInScope(alert, scope, ids)),
  });
}
