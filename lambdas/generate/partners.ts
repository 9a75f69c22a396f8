import { TARGET_COST_PER_SIGNUP_USD } from './model.ts';
import { round2 } from './numbers.ts';
import type { Rng } from './rng.ts';

/** The spend currencies partners are billed in; every one has FX rates. */
export type BillingCurrency = 'USD' | 'EUR' | 'GBP';

/** The spend cost types (docs/contract.md, Spend) that partners use. */
export type CostType = 'flat' | 'cpa' | 'cpc' | 'cpm';

/** How a partner's referred users behave compared with the average user. */
export interface UserQuality {
  /** Mean of the per-user value multiplier (scales trade notional and deposits). */
  readonly valueMultiplier: number;
  /** Share of signups who pass KYC. */
  readonly kycRate: number;
  /** Share of KYC'd users who deposit. */
  readonly ftdRate: number;
  /** Multiplies the churn hazard: incentivised traffic leaves sooner. */
  readonly churnMultiplier: number;
}

/** One campaign of a partner and its share of the partner's spend and signups. */
export interface Campaign {
  /** The spend row's `campaign_id`; `''` when the partner reports none. */
  readonly campaignId: string;
  readonly share: number;
}

/** A synthetic partner: its registry row, how it spends, and how its signups respond to spend. */
export interface PartnerProfile {
  readonly partnerId: string;
  readonly name: string;
  readonly channel: 'affiliate' | 'kol' | 'content' | 'community';
  /** The affiliate network it is managed through; `''` when direct. */
  readonly network: string;
  readonly revshareRate: number;
  readonly status: 'active' | 'paused';
  readonly minDailyBudgetUsd: number | null;
  readonly maxDailyBudgetUsd: number | null;
  readonly billingCurrency: BillingCurrency;
  /** Whether a USD partner leaves the currency column empty (which means USD). */
  readonly omitsUsdCurrency: boolean;
  readonly costType: CostType;
  readonly campaigns: readonly Campaign[];
  /** Typical spend on a day it spends, in USD, before budget changes and noise. */
  readonly baseDailySpendUsd: number;
  /** Chance it spends on a given day (KOLs are paid per post). */
  readonly spendDayProbability: number;
  /** The day index from which it no longer spends (paused partners); null when it never stops. */
  readonly pausedFromDay: number | null;
  /** Spend at which signups reach half their maximum, USD per day. */
  readonly halfSaturationUsd: number;
  /** Hill exponent: above 1 the response is S-shaped. */
  readonly hillExponent: number;
  /** Expected signups per day at its base spend, before the data set is scaled to its user count. */
  readonly signupsAtBaseSpend: number;
  readonly quality: UserQuality;
}

/** The quality of organic users: the yardstick partners are compared with. */
export const ORGANIC_QUALITY: UserQuality = {
  valueMultiplier: 1,
  kycRate: 0.85,
  ftdRate: 0.45,
  churnMultiplier: 1,
};

type PartnerKind = 'affiliate' | 'kol' | 'creator';

const NAMES: Record<PartnerKind, readonly string[]> = {
  affiliate: [
    'CoinRadar Media',
    'BlockBonus',
    'SatoshiDeals',
    'Moon, Lambo & Co',
    'ChainPerks',
    'TokenTrail',
    'HodlHub Network',
    'CryptoCashback',
  ],
  kol: [
    'Crypto Maria',
    'Satoshi Sam',
    'Kenji Trades',
    'The "Whale Alert" Guy',
    'DeFi Dana',
    'Altcoin Arjun',
    'Leverage Lena',
    'Chart Chad',
  ],
  creator: [
    'DeFi Digest newsletter',
    'r/altcoin community',
    'Signals VN Telegram',
    'Onchain Weekly podcast',
    'Staking Stories blog',
    'Degen Discord',
  ],
};

const NETWORKS: readonly string[] = ['impact', 'partnerize', 'cj', 'awin'];

/** Spend weight per kind: affiliates carry most of the budget, creators a long tail. */
const SPEND_WEIGHT: Record<PartnerKind, number> = { affiliate: 1.6, kol: 1.0, creator: 0.2 };

function kindsFor(count: number): PartnerKind[] {
  const affiliates = Math.max(1, Math.round(count * 0.4));
  const kols = Math.min(count - affiliates, Math.round(count * 0.35));
  const kinds: PartnerKind[] = [];
  for (let i = 0; i < count; i++)
    kinds.push(i < affiliates ? 'affiliate' : i < affiliates + kols ? 'kol' : 'creator');
  return kinds;
}

const ID_PREFIX: Record<PartnerKind, string> = { affiliate: 'aff', kol: 'kol', creator: 'cre' };

const roundTo10 = (value: number): number => Math.max(10, Math.round(value / 10) * 10);

function nameFor(kind: PartnerKind, ordinal: number): string {
  const names = NAMES[kind];
  const name = names[ordinal % names.length] as string;
  const round = Math.floor(ordinal / names.length);
  return round === 0 ? name : `${name} ${round + 1}`;
}

function revshareFor(kind: PartnerKind, rng: Rng): number {
  if (kind === 'affiliate') return rng.chance(0.5) ? 0 : round2(rng.between(0.05, 0.25));
  if (kind === 'kol') return rng.chance(0.6) ? round2(rng.between(0.1, 0.5)) : 0;
  return rng.chance(0.4) ? 0.2 : 0;
}

function costTypeFor(kind: PartnerKind, rng: Rng): CostType {
  if (kind === 'kol') return 'flat';
  if (kind === 'creator') return rng.chance(0.5) ? 'cpm' : 'flat';
  const draw = rng.uniform();
  return draw < 0.5 ? 'cpa' : draw < 0.8 ? 'cpc' : 'flat';
}

function campaignsFor(kind: PartnerKind, partnerId: string, rng: Rng): Campaign[] {
  if (kind === 'creator') return [{ campaignId: '', share: 1 }];
  if (kind === 'kol' || rng.chance(0.5)) return [{ campaignId: `${partnerId}-always-on`, share: 1 }];
  const share = round2(rng.between(0.55, 0.8));
  return [
    { campaignId: `${partnerId}-always-on`, share },
    { campaignId: `${partnerId}-promo`, share: round2(1 - share) },
  ];
}

function qualityFor(kind: PartnerKind, rng: Rng): UserQuality {
  const sigma = kind === 'kol' ? 0.6 : 0.4;
  return {
    valueMultiplier: round2(Math.min(3, Math.max(0.3, rng.lognormal(0, sigma)))),
    kycRate: round2(rng.between(0.7, 0.92)),
    ftdRate: round2(rng.between(0.25, 0.6)),
    churnMultiplier: round2(rng.lognormal(0, 0.3)),
  };
}

/**
 * Draws the partner registry: about 40% affiliates (`aff-NNN`, through a network), 35% KOLs
 * (`kol-NNN`, paid per post, often on revenue share) and the rest long-tail creators and
 * communities (`cre-NNN`). The second affiliate is billed in EUR and the second KOL in GBP.
 *
 * @param count - how many partners
 * @param days - how many days the data set covers (paused partners stop spending within it)
 * @param usersPerDay - expected signups per day, which sizes the budgets
 */
export function drawPartners(count: number, days: number, usersPerDay: number, rng: Rng): PartnerProfile[] {
  const kinds = kindsFor(count);
  const weights = kinds.map((kind) => SPEND_WEIGHT[kind] * rng.lognormal(0, 0.5));
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const paidSpendPerDayUsd = usersPerDay * TARGET_COST_PER_SIGNUP_USD;
  const ordinals: Record<PartnerKind, number> = { affiliate: 0, kol: 0, creator: 0 };
  const profiles = kinds.map((kind, index): PartnerProfile => {
    const ordinal = ordinals[kind]++;
    const partnerId = `${ID_PREFIX[kind]}-${String(ordinal + 1).padStart(3, '0')}`;
    const spendDayProbability = kind === 'kol' ? round2(rng.between(0.35, 0.7)) : 1;
    const expectedDailySpendUsd = (paidSpendPerDayUsd * (weights[index] as number)) / totalWeight;
    const baseDailySpendUsd = round2(Math.max(5, expectedDailySpendUsd / spendDayProbability));
    const costPerSignupUsd = TARGET_COST_PER_SIGNUP_USD * rng.lognormal(0, 0.35);
    const bounds = rng.uniform();
    const currencyDraw = rng.uniform();
    const billingCurrency: BillingCurrency =
      (kind === 'affiliate' && ordinal === 1) || currencyDraw < 0.05
        ? 'EUR'
        : (kind === 'kol' && ordinal === 1) || currencyDraw < 0.1
          ? 'GBP'
          : 'USD';
    return {
      partnerId,
      name: nameFor(kind, ordinal),
      channel: kind === 'creator' ? (ordinal % 2 === 0 ? 'content' : 'community') : kind,
      network: kind === 'affiliate' ? rng.pick(NETWORKS) : '',
      revshareRate: revshareFor(kind, rng),
      status: 'active',
      minDailyBudgetUsd: bounds < 0.6 ? roundTo10(baseDailySpendUsd * 0.3) : null,
      maxDailyBudgetUsd: bounds < 0.75 ? roundTo10(baseDailySpendUsd * 3) : null,
      billingCurrency,
      omitsUsdCurrency: billingCurrency === 'USD' && rng.chance(0.3),
      costType: costTypeFor(kind, rng),
      campaigns: campaignsFor(kind, partnerId, rng),
      baseDailySpendUsd,
      spendDayProbability,
      pausedFromDay: null,
      halfSaturationUsd: round2(baseDailySpendUsd * rng.between(0.6, 1.8)),
      hillExponent: round2(rng.between(0.8, 2.2)),
      signupsAtBaseSpend: baseDailySpendUsd / costPerSignupUsd,
      quality: qualityFor(kind, rng),
    };
  });
  return pauseSome(profiles, days, rng);
}

/** Pauses about one partner in seven (at least one of four or more, never all) part-way through the last third. */
function pauseSome(profiles: PartnerProfile[], days: number, rng: Rng): PartnerProfile[] {
  const pausedCount = profiles.length >= 4 ? Math.max(1, Math.round(profiles.length / 7)) : 0;
  const order = profiles.map((_, index) => index);
  for (let i = 0; i < pausedCount; i++) {
    const j = rng.int(i, order.length - 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const paused = new Set(order.slice(0, pausedCount));
  return profiles.map(
    (profile, index): PartnerProfile =>
      paused.has(index)
        ? {
            ...profile,
            status: 'paused',
            pausedFromDay: Math.max(1, Math.floor(days * rng.between(0.65, 0.9))),
          }
        : profile,
  );
}
