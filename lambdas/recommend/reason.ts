/** The one sentence per partner a manager reads, worded from what allocation-explanation.ts worked out. */
import { KEEP_BAND } from '../contract/recommend-config.ts';
import type { AllocationResult, PartnerAllocation } from './allocation-types.ts';

const dollars = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});
const cents = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
});

function usd(amount: number): string {
  return Math.abs(amount) >= 10 || amount === 0 ? dollars.format(amount) : cents.format(amount);
}

function percent(fraction: number): string {
  return `${Math.max(1, Math.round(Math.abs(fraction) * 100))}%`;
}

/** One plain sentence per partner, in the order of `result.partners`. */
export function budgetReasons(result: AllocationResult): string[] {
  return result.partners.map((partner) => budgetReason(partner, result));
}

/**
 * One plain sentence a manager can act on: what to do with the partner's budget and why, e.g.
 * "Raise kol-042 by 30% to $650/day: each extra $100 returns about $180 of 180-day net revenue, the
 * best marginal return of any partner." A partner with traffic-quality flags gets no increase, and its
 * reason names them: "Keep kol-042 at $500/day: held: traffic-quality flags bonus_abuse,
 * shared_devices allow no increase, though each extra $100 returns about $180 of 180-day net revenue."
 */
export function budgetReason(partner: PartnerAllocation, result: AllocationResult): string {
  if (partner.qualityFlags.length === 0) return unflaggedReason(partner, result);
  const flags = partner.qualityFlags;
  const change = partner.changePct;
  if (partner.boundBy === 'quality_hold') {
    const gain = partner.expectedMarginalRoas ?? 0;
    const { valueHorizonDays } = result.config;
    return `Keep ${partner.partnerId} at ${usd(partner.recommendedSpendUsd)}/day: held: ${noIncreaseText(flags, 'no increase')}, though each extra $100 returns about ${usd(100 * gain)} of ${valueHorizonDays}-day net revenue.`;
  }
  if (change !== null && change >= KEEP_BAND && partner.boundBy === 'registry_min') {
    return `Raise ${partner.partnerId} by ${percent(change)} to ${usd(partner.recommendedSpendUsd)}/day, its registry minimum, and no further: held: ${noIncreaseText(flags, 'nothing above it')}.`;
  }
  return `${unflaggedReason(partner, result).slice(0, -1)}; ${noIncreaseText(flags, 'no increase')}.`;
}

/** `traffic-quality flags bonus_abuse, shared_devices allow no increase`, named as partner_quality gives them. */
function noIncreaseText(flags: readonly string[], allowed: string): string {
  return flags.length === 1
    ? `traffic-quality flag ${flags[0]} allows ${allowed}`
    : `traffic-quality flags ${flags.join(', ')} allow ${allowed}`;
}

function unflaggedReason(partner: PartnerAllocation, result: AllocationResult): string {
  const id = partner.partnerId;
  if (partner.boundBy === 'paused') return 'Paused in the registry: recommend $0.';
  if (partner.confidence === 'insufficient_data')
    return insufficientDataReason(partner, result.config.minDataDays);

  const { valueHorizonDays, targetRoas, maxChangePct } = result.config;
  const marginal = partner.expectedMarginalRoas ?? 0;
  const lastReturn = partner.currentMarginalRoas ?? marginal;
  const change = partner.changePct;
  const recommended = `${usd(partner.recommendedSpendUsd)}/day`;
  const gain = `each extra $100 returns about ${usd(100 * marginal)} of ${valueHorizonDays}-day net revenue`;
  const caveat = partner.confidence === 'low' ? ', though the estimate is uncertain' : '';

  if (change !== null && change >= KEEP_BAND && partner.boundBy === 'registry_min') {
    return `Raise ${id} by ${percent(change)} to ${recommended}: the registry minimum requires it.`;
  }
  if (change !== null && change <= -KEEP_BAND && partner.boundBy === 'registry_max') {
    return `Cut ${id} by ${percent(change)} to ${recommended}: the registry maximum requires it.`;
  }

  if (change === null || change >= KEEP_BAND) {
    const action =
      change === null
        ? `Start ${id} at ${recommended}`
        : `Raise ${id} by ${percent(change)} to ${recommended}`;
    const limit = {
      max_change:
        change === null
          ? `; ${usd(result.config.startingBudgetUsd)}/day is the most a partner may start with`
          : `; ${percent(maxChangePct)} is the most it may grow in one run`,
      registry_max: '; the registry caps it there',
      extrapolation_limit: '; its spend history cannot vouch for going higher',
    }[partner.boundBy as string];
    const best = isBestMarginal(partner, result) ? ', the best marginal return of any partner' : '';
    return `${action}: ${gain}${best}${caveat}${limit ?? ''}.`;
  }

  if (change <= -KEEP_BAND) {
    const judged =
      lastReturn < targetRoas
        ? `, below the ${targetRoas.toFixed(1)} target ROAS`
        : ', less than the same money returns at other partners';
    const floor = {
      max_change: `; ${percent(maxChangePct)} is the most it may drop in one run`,
      registry_min: '; the registry minimum stops it going lower',
      extrapolation_limit: '; its spend history cannot vouch for going lower',
    }[partner.boundBy as string];
    return `Cut ${id} by ${percent(change)} to ${recommended}: the last $100 returned about ${usd(100 * lastReturn)}${judged}${caveat}${floor ?? ''}.`;
  }

  const held = {
    registry_max: 'the registry caps it there, though ',
    registry_min: 'the registry minimum holds it there, though ',
    max_change: 'no change is allowed this run, though ',
    extrapolation_limit: 'its spend history cannot vouch for a change, though ',
  }[partner.boundBy as string];
  const level = held === undefined ? ', in line with what the budget earns at other partners' : '';
  return `Keep ${id} at ${recommended}: ${held ?? ''}${gain}${level}${caveat}.`;
}

function insufficientDataReason(partner: PartnerAllocation, minDataDays: number): string {
  const days = partner.spendDataDays;
  const why =
    days === 0
      ? 'no spend data yet, too little to judge'
      : days < minDataDays
        ? `only ${days} day${days === 1 ? '' : 's'} of spend data, too little to judge`
        : `no response curve could be fitted to its ${days} days of spend data`;
  const spend = `${usd(partner.recommendedSpendUsd)}/day`;
  const id = partner.partnerId;
  if (partner.boundBy === 'registry_min') return `Set ${id} to its registry minimum of ${spend}: ${why}.`;
  if (partner.boundBy === 'registry_max') return `Set ${id} to its registry maximum of ${spend}: ${why}.`;
  return `Keep ${id} at ${spend}: ${why}.`;
}

/** Whether the partner's marginal ROAS at its recommendation is the highest among partners with a curve. */
function isBestMarginal(partner: PartnerAllocation, result: AllocationResult): boolean {
  const rivals = result.partners.filter(
    (p) => p.expectedMarginalRoas !== null && p.partnerId !== partner.partnerId,
  );
  const own = partner.expectedMarginalRoas;
  return own !== null && rivals.length > 0 && rivals.every((p) => (p.expectedMarginalRoas as number) < own);
}
