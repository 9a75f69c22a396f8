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
  };
  readonly #partners: readonly PartnerProfile[];
  readonly #calendar: Calendar;
  readonly #outbox: EventOutbox;
  readonly #rng: Rng;

  public constructor(partners: readonly PartnerProfile[], calendar: Calendar, outbox: EventOutbox, rng: Rng) {
    this.#partners = partners;
    this.#calendar = calendar;
    this.#outbox = outbox;
    this.#rng = rng;
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
      emit('signup', this.#signupFields(u));
    } else if ((users.secondSignupDay[u] as number) <= day) {
      users.secondSignupDay[u] = NEVER;
      this.stats.secondSignups++;
      emit('signup', { partner_id: rng.chance(0.5) ? rng.pick(this.#partners).partnerId : null });
    }
    emit('login');
    if (users.kycDay[u] === day) emit('kyc_verified');
    if (users.ftdDay[u] === day) {
      this.#deposit(u, FIRST_DEPOSIT.medianUsd * value, FIRST_DEPOSIT.sigma, emit);
    } else if (isFundedOn(users, u, day) && rng.chance(REPEAT_DEPOSIT.probability)) {
      this.#deposit(u, REPEAT_DEPOSIT.medianUsd * value, REPEAT_DEPOSIT.sigma, emit);
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
        emit('withdrawal', { amount_usd: amount });
      }
    }
    for (let logins = rng.poisson(EXTRA_LOGINS_MEAN); logins > 0; logins--) {
      second = rng.int(start, SECONDS_PER_DAY - 1);
      emit('login');
    }
    scheduleNextVisit(users, u, day, rng);
  }

  #deposit(
    u: number,
    medianUsd: number,
    sigma: number,
    emit: (type: EventType, fields: Partial<EventRecord>) => void,
  ): void {
    const amount = Math.max(MIN_DEPOSIT_USD, round2(this.#rng.lognormal(Math.log(medianUsd), sigma)));
    this.users.netDepositsUsd[u] = (this.users.netDepositsUsd[u] as number) + amount;
    emit('deposit', { amount_usd: amount });
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
