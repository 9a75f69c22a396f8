import { isActiveOn, isFundedOn, scheduleNextVisit } from './activity.ts';
import { type Calendar, SECONDS_PER_DAY, type TimestampZone } from './calendar.ts';
import type { EventOutbox } from './event-outbox.ts';
import type { EventRecord, EventType } from './event-record.ts';
import {
  EXTRA_LOGINS_MEAN,
  FEE_RATE,
  FIRST_DEPOSIT,
  FUTURES_LEVERAGE,
  MISSING_SIGNUP_SHARE,
  REPEAT_DEPOSIT,
  SECOND_SIGNUP_SHARE,
  SPOT_NOTIONAL,
  UNKNOWN_PARTNER_IDS,
  UNKNOWN_PARTNER_SHARE,
  WITHDRAWAL,
} from './model.ts';
import { round2 } from './numbers.ts';
import { type Campaign, ORGANIC_QUALITY, type PartnerProfile } from './partners.ts';
import type { Rng } from './rng.ts';
import {
  BONUS_ABUSE,
  BOT_CLICK_DELAY_SECONDS,
  CLICK_DELAY,
  deviceId,
  FAMILY_FUNDING_SHARE,
  FARM_DEVICES,
  FRAUD_BIT,
  FRAUD_USER_SHARE,
  farmDevice,
  fundingId,
  HOUSEHOLD_DEVICE_SHARE,
  HOUSEHOLD_LOOKBACK_USERS,
  sharedWallet,
} from './traffic-quality.ts';
import { Attribution, enrollUser, NEVER, ORGANIC, UserTable } from './users.ts';

type Platform = NonNullable<EventRecord['platform']>;

/** Where a user's client runs: how it writes timestamps, the country and the platform. */
interface ClientProfile {
  readonly zone: TimestampZone;
  readonly country: string;
  readonly platform: Platform;
}

/** Most clients send UTC (`Z`); some send local time with a numeric offset. */
const REGIONS: readonly { zone: TimestampZone; weight: number; countries: readonly string[] }[] = [
  {
    zone: { suffix: 'Z', offsetMinutes: 0 },
    weight: 0.86,
    countries: ['GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'TR', 'NG', 'ZA', 'AE', 'PL', 'UA'],
  },
  { zone: { suffix: '+08:00', offsetMinutes: 480 }, weight: 0.05, countries: ['SG', 'HK', 'PH', 'MY', 'TW'] },
  { zone: { suffix: '-05:00', offsetMinutes: -300 }, weight: 0.03, countries: ['US', 'CA', 'CO', 'PE'] },
  { zone: { suffix: '+05:30', offsetMinutes: 330 }, weight: 0.02, countries: ['IN'] },
  { zone: { suffix: '+00:00', offsetMinutes: 0 }, weight: 0.02, countries: ['GB', 'PT', 'IE'] },
  { zone: { suffix: '-03:00', offsetMinutes: -180 }, weight: 0.02, countries: ['BR', 'AR'] },
];
const PLATFORMS: readonly { platform: Platform; weight: number }[] = [
  { platform: 'web', weight: 0.45 },
  { platform: 'ios', weight: 0.25 },
  { platform: 'android', weight: 0.3 },
];
const CLIENTS: readonly ClientProfile[] = REGIONS.flatMap(({ zone, countries }) =>
  countries.flatMap((country) => PLATFORMS.map(({ platform }) => ({ zone, country, platform }))),
);

/** Share of non-signup events that carry the optional country, and platform. */
const COUNTRY_SHARE = 0.6;
const PLATFORM_SHARE = 0.9;
/** Share of spot trades whose client leaves `product` out (which means spot). */
const SPOT_PRODUCT_OMITTED_SHARE = 0.1;
/** Seconds between two events of a session. */
const EVENT_GAP_SECONDS = [10, 600] as const;
/** Deposits below this are not worth a transfer fee; nobody makes them. */
const MIN_DEPOSIT_USD = 10;

function pickWeighted<T extends { weight: number }>(items: readonly T[], rng: Rng): number {
  let draw = rng.uniform();
  for (let i = 0; i < items.length - 1; i++) {
    draw -= (items[i] as T).weight;
    if (draw < 0) return i;
  }
  return items.length - 1;
}

/** Tallies of the clean events, for the ground truth. */
export interface JourneyStats {
  readonly eventsByType: Record<EventType, number>;
  /** Events whose timestamp carries a numeric offset instead of `Z`. */
  offsetTimestamps: number;
  /** Of those, events whose local date differs from their UTC date. */
  offsetDateCrossings: number;
  secondSignups: number;
  missingSignupUsers: number;
  unknownPartnerUsers: number;
  /** Per partner, users given its injected fraud patterns. */
  readonly fraudUsers: number[];
}

/**
 * The traffic-quality draws: their own random stream, so that a data set without injected fraud
 * keeps every other value it had before these fields existed, and the patterns per partner.
 */
export interface TrafficQualityPlan {
  readonly rng: Rng;
  /** Per partner, the FRAUD_BIT flags of its injected patterns (0: an honest partner). */
  readonly fraudBits: readonly number[];
}

/**
 * The users' journeys: enrols the day's signups and, each day, writes the events of every
 * user active that day (signup, KYC, first and later deposits, trades, withdrawals, logins)
 * to the outbox. Users are visited in signup order and draws are made in a fixed order, so a
 * seed always gives the same events.
 */
export class Journeys {
  /** Every user so far. */
  public readonly users = new UserTable();
  public readonly stats: JourneyStats = {
    eventsByType: { signup: 0, kyc_verified: 0, deposit: 0, withdrawal: 0, trade: 0, login: 0 },
    offsetTimestamps: 0,
    offsetDateCrossings: 0,
    secondSignups: 0,
    missingSignupUsers: 0,
    unknownPartnerUsers: 0,
    fraudUsers: [],
  };
  readonly #partners: readonly PartnerProfile[];
  readonly #calendar: Calendar;
  readonly #outbox: EventOutbox;
  readonly #rng: Rng;
  readonly #quality: TrafficQualityPlan;

  public constructor(
    partners: readonly PartnerProfile[],
    calendar: Calendar,
    outbox: EventOutbox,
    rng: Rng,
    quality: TrafficQualityPlan,
  ) {
    this.#partners = partners;
    this.#calendar = calendar;
    this.#outbox = outbox;
    this.#rng = rng;
    this.#quality = quality;
    this.stats.fraudUsers.push(...partners.map(() => 0));
  }

  /**
   * Signs up a user on a day. A few organic users are reported badly: their signup event is
   * never sent, or it names a partner the registry does not know.
   *
   * @param partner - index into the partners, or `ORGANIC`
   */
  public enroll(day: number, partner: number): void {
    const rng = this.#rng;
    const profile = this.#partners[partner];
    const u = enrollUser(this.users, day, partner, profile?.quality ?? ORGANIC_QUALITY, rng);
    const users = this.users;
    const region = REGIONS[pickWeighted(REGIONS, rng)] as (typeof REGIONS)[number];
    const country = rng.pick(region.countries);
    const platform = (PLATFORMS[pickWeighted(PLATFORMS, rng)] as (typeof PLATFORMS)[number]).platform;
    users.client[u] = CLIENTS.findIndex(
      (c) => c.zone === region.zone && c.country === country && c.platform === platform,
    );
    users.preferredHour[u] = ((Math.round(19 + 4.5 * rng.normal()) % 24) + 24) % 24;
    const campaigns = profile?.campaigns ?? [];
    users.campaign[u] = campaigns.length > 1 && rng.uniform() >= (campaigns[0] as Campaign).share ? 1 : 0;
    if (partner === ORGANIC) {
      const draw = rng.uniform();
      if (draw < MISSING_SIGNUP_SHARE) {
        users.attribution[u] = Attribution.MissingSignup;
        this.stats.missingSignupUsers++;
      } else if (draw < MISSING_SIGNUP_SHARE + UNKNOWN_PARTNER_SHARE) {
        users.attribution[u] = Attribution.UnknownPartner;
        this.stats.unknownPartnerUsers++;
      }
    }
    if (users.attribution[u] === Attribution.Reported && rng.chance(SECOND_SIGNUP_SHARE)) {
      users.secondSignupDay[u] = day + rng.int(1, 30);
    }
    this.#drawDeviceAndFunding(u, day, partner);
  }

  /**
   * A new user's device and funding account, and the fraud patterns of their partner: honest users
   * have their own, a few share a household's; a device farm's users share a handful of devices,
   * a shared wallet funds many accounts, and a bonus abuser deposits at once and never trades.
   */
  #drawDeviceAndFunding(u: number, day: number, partner: number): void {
    const users = this.users;
    const { rng, fraudBits } = this.#quality;
    let bits = partner === ORGANIC ? 0 : (fraudBits[partner] as number);
    if (bits !== 0 && !rng.chance(FRAUD_USER_SHARE)) bits = 0;
    users.fraud[u] = bits;
    if (bits !== 0) (this.stats.fraudUsers[partner] as number)++;
    const earlier = () => rng.int(Math.max(0, u - HOUSEHOLD_LOOKBACK_USERS), u - 1);
    if ((bits & FRAUD_BIT.shared_devices) !== 0)
      users.device[u] = farmDevice(partner, rng.int(0, FARM_DEVICES - 1));
    else
      users.device[u] = u > 0 && rng.chance(HOUSEHOLD_DEVICE_SHARE) ? (users.device[earlier()] as number) : u;
    if ((bits & FRAUD_BIT.shared_funding) !== 0) users.funding[u] = sharedWallet(partner);
    else
      users.funding[u] = u > 0 && rng.chance(FAMILY_FUNDING_SHARE) ? (users.funding[earlier()] as number) : u;
    if ((bits & (FRAUD_BIT.shared_funding | FRAUD_BIT.bonus_abuse)) !== 0) {
      // Bought accounts are funded: that is what the wallet and the bonus are for.
      if (users.kycDay[u] === NEVER) users.kycDay[u] = day;
      if (users.ftdDay[u] === NEVER) users.ftdDay[u] = users.kycDay[u] as number;
    }
    if ((bits & FRAUD_BIT.bonus_abuse) !== 0) {
      users.kycDay[u] = day;
      users.ftdDay[u] = day;
      users.tradeRate[u] = 0;
    }
  }

  /** The click that led to a partner's signup, `delay` seconds before it, as the client writes times. */
  #clickAt(u: number, day: number, second: number, client: ClientProfile): string {
    const rng = this.#quality.rng;
    const delay =
      ((this.users.fraud[u] as number) & FRAUD_BIT.fast_signups) !== 0
        ? rng.int(...BOT_CLICK_DELAY_SECONDS)
        : Math.min(
            CLICK_DELAY.maxSeconds,
            Math.round(rng.lognormal(Math.log(CLICK_DELAY.medianSeconds), CLICK_DELAY.sigma)),
          );
    return this.#calendar.timestamp(day, second - delay, client.zone, null);
  }

  /** Writes the events of every user active on a day and schedules their next visit. */
  public simulateDay(day: number): void {
    const users = this.users;
    for (let u = 0; u < users.size; u++) if (isActiveOn(users, u, day)) this.#simulateUserDay(u, day);
  }

  #simulateUserDay(u: number, day: number): void {
    const users = this.users;
    const rng = this.#rng;
    const client = CLIENTS[users.client[u] as number] as ClientProfile;
    const localStart =
      (users.preferredHour[u] as number) * 3600 + rng.int(0, 3599) + Math.round(rng.normal() * 3600);
    const start =
      (((localStart - client.zone.offsetMinutes * 60) % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
    let second = start;
    const emit = (type: EventType, fields: Partial<EventRecord> = {}): void => {
      this.#emit(u, day, second, client, type, fields);
      second = Math.min(SECONDS_PER_DAY - 1, second + rng.int(...EVENT_GAP_SECONDS));
    };
    const value = users.valueMultiplier[u] as number;
    if (users.signupDay[u] === day && users.attribution[u] !== Attribution.MissingSignup) {
      const fields = this.#signupFields(u);
      if (users.partner[u] !== ORGANIC || users.attribution[u] === Attribution.UnknownPartner) {
        fields.click_at = this.#clickAt(u, day, second, client);
      }
      emit('signup', fields);
    } else if ((users.secondSignupDay[u] as number) <= day) {
      users.secondSignupDay[u] = NEVER;
      this.stats.secondSignups++;
      emit('signup', { partner_id: rng.chance(0.5) ? rng.pick(this.#partners).partnerId : null });
    }
    emit('login');
    if (users.kycDay[u] === day) emit('kyc_verified');
    const abuser = ((users.fraud[u] as number) & FRAUD_BIT.bonus_abuse) !== 0;
    if (users.ftdDay[u] === day) {
      this.#deposit(u, FIRST_DEPOSIT.medianUsd * value, FIRST_DEPOSIT.sigma, emit);
    } else if (!abuser && isFundedOn(users, u, day) && rng.chance(REPEAT_DEPOSIT.probability)) {
      this.#deposit(u, REPEAT_DEPOSIT.medianUsd * value, REPEAT_DEPOSIT.sigma, emit);
    }
    if (abuser && isFundedOn(users, u, day)) {
      this.#abuseBonus(u, day, emit);
      return;
    }
    if (isFundedOn(users, u, day)) {
      for (let trades = rng.poisson(users.tradeRate[u] as number); trades > 0; trades--) {
        const futures = rng.chance(users.futuresShare[u] as number);
        const notional = round2(
          rng.lognormal(Math.log(SPOT_NOTIONAL.medianUsd * value), SPOT_NOTIONAL.sigma) *
            (futures ? FUTURES_LEVERAGE : 1),
        );
        const fee = Math.round(notional * (futures ? FEE_RATE.futures : FEE_RATE.spot) * 10_000) / 10_000;
        const trade: Partial<EventRecord> = { amount_usd: notional, fee_usd: fee };
        if (futures) trade.product = 'futures';
        else if (!rng.chance(SPOT_PRODUCT_OMITTED_SHARE)) trade.product = 'spot';
        emit('trade', trade);
      }
      const netDeposits = users.netDepositsUsd[u] as number;
      if (netDeposits > WITHDRAWAL.minNetDepositsUsd && rng.chance(WITHDRAWAL.probability)) {
        const amount = round2(netDeposits * rng.between(WITHDRAWAL.minShare, WITHDRAWAL.maxShare));
        users.netDepositsUsd[u] = netDeposits - amount;
        emit('withdrawal', { amount_usd: amount, funding_id: fundingId(users.funding[u] as number) });
      }
    }
    for (let logins = rng.poisson(EXTRA_LOGINS_MEAN); logins > 0; logins--) {
      second = rng.int(start, SECONDS_PER_DAY - 1);
      emit('login');
    }
    scheduleNextVisit(users, u, day, rng);
  }

  /**
   * A bonus abuser, once funded: withdraws almost everything a few days after the deposit, without
   * trading, and is never seen again.
   */
  #abuseBonus(u: number, day: number, emit: (type: EventType, fields: Partial<EventRecord>) => void): void {
    const users = this.users;
    const rng = this.#quality.rng;
    if (users.ftdDay[u] === day) {
      const after = rng.int(...BONUS_ABUSE.withdrawAfterDays);
      if (after > 0) {
        users.nextActiveDay[u] = day + after;
        return;
      }
    }
    const netDeposits = users.netDepositsUsd[u] as number;
    const amount = round2(netDeposits * rng.between(...BONUS_ABUSE.withdrawShare));
    users.netDepositsUsd[u] = netDeposits - amount;
    emit('withdrawal', { amount_usd: amount, funding_id: fundingId(users.funding[u] as number) });
    users.nextActiveDay[u] = NEVER;
  }

  #deposit(
    u: number,
    medianUsd: number,
    sigma: number,
    emit: (type: EventType, fields: Partial<EventRecord>) => void,
  ): void {
    const amount = Math.max(MIN_DEPOSIT_USD, round2(this.#rng.lognormal(Math.log(medianUsd), sigma)));
    this.users.netDepositsUsd[u] = (this.users.netDepositsUsd[u] as number) + amount;
    emit('deposit', { amount_usd: amount, funding_id: fundingId(this.users.funding[u] as number) });
  }

  /** The partner fields of a first signup: organic ones leave the partner out, null or empty. */
  #signupFields(u: number): Partial<EventRecord> {
    const users = this.users;
    const rng = this.#rng;
    if (users.attribution[u] === Attribution.UnknownPartner)
      return { partner_id: rng.pick(UNKNOWN_PARTNER_IDS) };
    const partner = this.#partners[users.partner[u] as number];
    if (partner === undefined) {
      const draw = rng.uniform();
      return draw < 0.5 ? {} : { partner_id: draw < 0.85 ? null : '' };
    }
    const campaignId = partner.campaigns[users.campaign[u] as number]?.campaignId ?? '';
    return campaignId === ''
      ? { partner_id: partner.partnerId }
      : { partner_id: partner.partnerId, campaign_id: campaignId };
  }

  #emit(
    u: number,
    day: number,
    second: number,
    client: ClientProfile,
    type: EventType,
    fields: Partial<EventRecord>,
  ): void {
    const rng = this.#rng;
    const { zone } = client;
    const record: EventRecord = {
      event_id: this.#outbox.nextEventId(),
      event_type: type,
      user_id: userId(u),
      occurred_at: this.#calendar.timestamp(
        day,
        second,
        zone,
        client.platform === 'ios' ? rng.int(0, 999) : null,
      ),
      ...fields,
    };
    if (type === 'signup' || rng.chance(COUNTRY_SHARE)) record.country = client.country;
    if (rng.chance(PLATFORM_SHARE)) record.platform = client.platform;
    record.device_id = deviceId(this.users.device[u] as number);
    if (zone.suffix !== 'Z') {
      this.stats.offsetTimestamps++;
      if (this.#calendar.crossesDate(second, zone)) this.stats.offsetDateCrossings++;
    }
    this.stats.eventsByType[type]++;
    this.#outbox.send(day, second, record);
  }
}

/** The `user_id` of user row `u`. */
export function userId(u: number): string {
  return `usr_${String(u + 1).padStart(7, '0')}`;
}
