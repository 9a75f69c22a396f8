import {
  BASE_CHURN_HAZARD,
  ENGAGEMENT_BETA,
  FTD_LAG,
  FUTURES_SHARE_RANGE,
  KYC_LAG,
  SPOT_ONLY_SHARE,
  TRADE_RATE_GAMMA,
  VALUE_MULTIPLIER_SIGMA,
  WHALE,
} from './model.ts';
import type { UserQuality } from './partners.ts';
import type { Rng } from './rng.ts';

/** A day index no user reaches: a milestone that never happens, or a user who never comes back. */
export const NEVER = 0x7fffffff;

/** The partner index of a user who signed up without a partner. */
export const ORGANIC = -1;

/** How a user's signup is reported. */
export const Attribution = {
  /** The signup event carries the user's partner (or none, for organic users). */
  Reported: 0,
  /** No signup event is ever sent: the lake sees an unattributed user. */
  MissingSignup: 1,
  /** The signup event names a partner the registry does not know. */
  UnknownPartner: 2,
} as const;
export type Attribution = (typeof Attribution)[keyof typeof Attribution];

const INITIAL_CAPACITY = 1024;
const WHALE_MEAN = 1 + WHALE.probability * (WHALE.factor - 1);

/**
 * Every user's state as columns of typed arrays, so hundreds of thousands of users cost a few
 * tens of bytes each. Day fields are day indexes of the data set (`NEVER` when it does not happen).
 */
export class UserTable {
  /** How many users there are; user `i` is row `i`. */
  public size = 0;
  public partner = new Int32Array(INITIAL_CAPACITY);
  public attribution = new Uint8Array(INITIAL_CAPACITY);
  public signupDay = new Int32Array(INITIAL_CAPACITY);
  public kycDay = new Int32Array(INITIAL_CAPACITY);
  public ftdDay = new Int32Array(INITIAL_CAPACITY);
  /** The next day of ordinary activity (milestone days come on top of it). */
  public nextActiveDay = new Int32Array(INITIAL_CAPACITY);
  /** Scales trade notional and deposits; mean is the partner's value multiplier. */
  public valueMultiplier = new Float32Array(INITIAL_CAPACITY);
  /** Base daily probability of coming back. */
  public engagement = new Float32Array(INITIAL_CAPACITY);
  public churnHazard = new Float32Array(INITIAL_CAPACITY);
  /** Mean trades per funded active day. */
  public tradeRate = new Float32Array(INITIAL_CAPACITY);
  /** Share of trades that are futures. */
  public futuresShare = new Float32Array(INITIAL_CAPACITY);
  /** Deposits minus withdrawals so far, USD. */
  public netDepositsUsd = new Float64Array(INITIAL_CAPACITY);
  /** Index into the journeys' client profiles (zone, country, platform). */
  public client = new Uint16Array(INITIAL_CAPACITY);
  /** Preferred local hour of activity. */
  public preferredHour = new Uint8Array(INITIAL_CAPACITY);
  /** Index into the partner's campaigns. */
  public campaign = new Uint8Array(INITIAL_CAPACITY);
  /** Day of a second signup event; `NEVER` for most users. */
  public secondSignupDay = new Int32Array(INITIAL_CAPACITY);
  /** The user's device number (see traffic-quality.ts deviceId). */
  public device = new Int32Array(INITIAL_CAPACITY);
  /** The user's funding account number (see traffic-quality.ts fundingId). */
  public funding = new Int32Array(INITIAL_CAPACITY);
  /** The fraud patterns injected into the user, as FRAUD_BIT flags; 0 for an honest user. */
  public fraud = new Uint8Array(INITIAL_CAPACITY);

  /** Appends a zeroed row and returns its index. */
  public add(): number {
    if (this.size === this.partner.length) this.#grow();
    return this.size++;
  }

  #grow(): void {
    const capacity = this.partner.length * 2;
    const grow = <T extends Int32Array | Uint8Array | Uint16Array | Float32Array | Float64Array>(
      column: T,
    ): T => {
      const bigger = new (column.constructor as new (length: number) => T)(capacity);
      bigger.set(column);
      return bigger;
    };
    this.partner = grow(this.partner);
    this.attribution = grow(this.attribution);
    this.signupDay = grow(this.signupDay);
    this.kycDay = grow(this.kycDay);
    this.ftdDay = grow(this.ftdDay);
    this.nextActiveDay = grow(this.nextActiveDay);
    this.valueMultiplier = grow(this.valueMultiplier);
    this.engagement = grow(this.engagement);
    this.churnHazard = grow(this.churnHazard);
    this.tradeRate = grow(this.tradeRate);
    this.futuresShare = grow(this.futuresShare);
    this.netDepositsUsd = grow(this.netDepositsUsd);
    this.client = grow(this.client);
    this.preferredHour = grow(this.preferredHour);
    this.campaign = grow(this.campaign);
    this.secondSignupDay = grow(this.secondSignupDay);
    this.device = grow(this.device);
    this.funding = grow(this.funding);
    this.fraud = grow(this.fraud);
  }
}

/**
 * Draws a new user's funnel and behaviour: whether and when they pass KYC and first deposit,
 * how engaged they are, how much and what they trade. The journey-only fields (client, hour,
 * campaign, second signup) are left to the caller. The user is active on their signup day.
 *
 * @returns the user's row
 */
export function enrollUser(
  users: UserTable,
  day: number,
  partner: number,
  quality: UserQuality,
  rng: Rng,
): number {
  const u = users.add();
  users.partner[u] = partner;
  users.signupDay[u] = day;
  users.nextActiveDay[u] = day;
  const kyc = rng.chance(quality.kycRate);
  const kycDay = kyc ? day + Math.min(rng.geometric(KYC_LAG.p), KYC_LAG.maxDays) : NEVER;
  users.kycDay[u] = kycDay;
  users.ftdDay[u] =
    kyc && rng.chance(quality.ftdRate) ? kycDay + Math.min(rng.geometric(FTD_LAG.p), FTD_LAG.maxDays) : NEVER;
  const whale = rng.chance(WHALE.probability) ? WHALE.factor : 1;
  const sigma = VALUE_MULTIPLIER_SIGMA;
  users.valueMultiplier[u] =
    (quality.valueMultiplier * rng.lognormal(-(sigma * sigma) / 2, sigma) * whale) / WHALE_MEAN;
  users.engagement[u] = rng.beta(ENGAGEMENT_BETA.alpha, ENGAGEMENT_BETA.beta);
  users.churnHazard[u] = BASE_CHURN_HAZARD * quality.churnMultiplier;
  users.tradeRate[u] = rng.gamma(TRADE_RATE_GAMMA.shape, TRADE_RATE_GAMMA.scale);
  users.futuresShare[u] = rng.chance(SPOT_ONLY_SHARE) ? 0 : rng.between(...FUTURES_SHARE_RANGE);
  users.secondSignupDay[u] = NEVER;
  return u;
}
