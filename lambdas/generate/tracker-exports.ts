/**
 * What a mobile tracker would have exported for the generated users (docs/contract.md, Trackers):
 * AppsFlyer raw-data CSVs of installs, sign-ups and first deposits, one per week, and the tracker
 * map from its media sources to the partners. The tracker sees most of what the platform saw, and
 * three things go wrong the way they do in a real program, so the Tracking section has something
 * to say: one KOL's tracking link breaks for the last eight days, one partner's media source is missing
 * from the map, and the tracker credits part of one affiliate's users to a KOL.
 */
import { join } from 'node:path';
import type { Calendar } from './calendar.ts';
import type { PartnerProfile } from './partners.ts';
import { Rng } from './rng.ts';
import { csvText, writeTextFile } from './writers.ts';

/** The AppsFlyer raw-data columns written, in the Pull API report's order. */
export const APPSFLYER_EXPORT_HEADER = [
  'Attributed Touch Type',
  'Attributed Touch Time',
  'Install Time',
  'Event Time',
  'Event Name',
  'Event Value',
  'Event Revenue',
  'Event Revenue Currency',
  'Event Revenue USD',
  'Media Source',
  'Campaign',
  'Country Code',
  'AppsFlyer ID',
  'Customer User ID',
  'Platform',
  'App ID',
] as const;

/** How much the tracker sees and how it goes wrong. */
export interface TrackerBehaviour {
  /** The share of platform sign-ups and first deposits the tracker also reports (SDK loss, opt-outs). */
  readonly seenShare: number;
  /** The share of organic users the tracker reports as organic. */
  readonly organicSeenShare: number;
  /** Days at the end of the period the broken KOL link reports nothing. */
  readonly brokenDays: number;
  /** The share of the misattributed affiliate's users the tracker credits to another partner. */
  readonly misattributedShare: number;
}

export const DEFAULT_TRACKER_BEHAVIOUR: TrackerBehaviour = {
  seenShare: 0.97,
  organicSeenShare: 0.95,
  brokenDays: 8,
  misattributedShare: 0.15,
};

/** A generated file of the tracker kinds. */
export interface TrackerExportFile {
  readonly path: string;
  readonly kind: 'tracker-map' | 'appsflyer';
  readonly rows: number;
}

/** Which partners the demo's tracking problems fall on (ids), when the registry has such partners. */
export interface TrackerTrouble {
  /** A KOL whose tracking link stops reporting for the last days. */
  readonly broken: string | null;
  /** A partner whose media source the tracker map lacks. */
  readonly unmapped: string | null;
  /** An affiliate part of whose users the tracker credits to `creditedTo`. */
  readonly misattributed: string | null;
  readonly creditedTo: string | null;
}

interface UserConversions {
  partnerId: string | null;
  signupAt: string;
  platform: string;
  country: string;
  firstDepositAt: string | null;
  firstDepositUsd: number;
}

/** The media source a partner's links carry: `kol-001` is `kol001_int`. */
export function mediaSourceOf(partnerId: string): string {
  return `${partnerId.replace(/[^a-z0-9]/gi, '').toLowerCase()}_int`;
}

/**
 * Picks the partners the tracking problems fall on: the first KOL breaks, the creator with the most
 * sign-ups is unmapped (so the gap shows), part of the first affiliate's users go to the second KOL.
 */
export function trackerTrouble(
  partners: readonly PartnerProfile[],
  signups: ReadonlyMap<string, number>,
): TrackerTrouble {
  const kols = partners.filter((partner) => partner.channel === 'kol');
  const creators = partners
    .filter((partner) => partner.channel === 'content' || partner.channel === 'community')
    .sort((a, b) => (signups.get(b.partnerId) ?? 0) - (signups.get(a.partnerId) ?? 0));
  const affiliates = partners.filter((partner) => partner.channel === 'affiliate');
  return {
    broken: kols[0]?.partnerId ?? null,
    unmapped: creators[0]?.partnerId ?? null,
    misattributed: affiliates[0]?.partnerId ?? null,
    creditedTo: kols[1]?.partnerId ?? null,
  };
}

const MS_PER_DAY = 86_400_000;

/** The UTC date of an RFC 3339 time. */
function utcDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** `2026-11-21T09:00:00.123Z` as AppsFlyer writes times: `2026-11-21 09:00:00`, UTC. */
function appsflyerTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Collects each user's sign-up and first deposit from the generated event lines (the first of
 * each by time, whatever order the lines come in), then writes the tracker's view of them.
 */
export class TrackerExports {
  readonly #users = new Map<string, UserConversions>();
  readonly #deposits = new Map<string, { at: string; usd: number }>();
  readonly #behaviour: TrackerBehaviour;

  public constructor(behaviour: TrackerBehaviour = DEFAULT_TRACKER_BEHAVIOUR) {
    this.#behaviour = behaviour;
  }

  /** Reads one day's event lines; lines that do not parse or lack fields are skipped, as the ingest would quarantine them. */
  public observe(lines: readonly string[]): void {
    for (const line of lines) {
      const isSignup = line.includes('"event_type":"signup"');
      if (!isSignup && !line.includes('"event_type":"deposit"')) continue;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const { user_id: userId, occurred_at: at } = record;
      if (typeof userId !== 'string' || typeof at !== 'string' || Number.isNaN(Date.parse(at))) continue;
      if (isSignup) this.#signup(userId, at, record);
      else this.#deposit(userId, at, Number(record.amount_usd));
    }
  }

  #signup(userId: string, at: string, record: Record<string, unknown>): void {
    const known = this.#users.get(userId);
    if (known !== undefined && Date.parse(known.signupAt) <= Date.parse(at)) return;
    const partner = record.partner_id;
    this.#users.set(userId, {
      partnerId: typeof partner === 'string' && partner !== '' ? partner : null,
      signupAt: at,
      platform: typeof record.platform === 'string' ? record.platform : 'android',
      country: typeof record.country === 'string' ? record.country : 'US',
      firstDepositAt: null,
      firstDepositUsd: 0,
    });
  }

  #deposit(userId: string, at: string, usd: number): void {
    if (!Number.isFinite(usd) || usd <= 0) return;
    const known = this.#deposits.get(userId);
    if (known === undefined || Date.parse(at) < Date.parse(known.at)) this.#deposits.set(userId, { at, usd });
  }

  /**
   * Writes `trackers/tracker-map.csv` and `trackers/appsflyer-<week start>.csv` under `outDir`, the
   * map first (it is ingested first), the weeks in order.
   */
  public async write(
    outDir: string,
    calendar: Calendar,
    partners: readonly PartnerProfile[],
    seed: number,
  ): Promise<TrackerExportFile[]> {
    const signups = new Map<string, number>();
    for (const { partnerId } of this.#users.values()) {
      if (partnerId !== null) signups.set(partnerId, (signups.get(partnerId) ?? 0) + 1);
    }
    const trouble = trackerTrouble(partners, signups);
    const mapRows = partners
      .filter((partner) => partner.partnerId !== trouble.unmapped)
      .map((partner) => ['appsflyer', mediaSourceOf(partner.partnerId), partner.partnerId]);
    const files: TrackerExportFile[] = [];
    await writeTextFile(
      join(outDir, 'trackers/tracker-map.csv'),
      csvText(['source', 'source_key', 'partner_id'], mapRows),
    );
    files.push({ path: 'trackers/tracker-map.csv', kind: 'tracker-map', rows: mapRows.length });

    const { seenShare, organicSeenShare, brokenDays, misattributedShare } = this.#behaviour;
    const brokenFrom = calendar.dateOf(Math.max(0, calendar.days - brokenDays));
    const rng = new Rng(seed, 'trackers');
    const weeks = new Map<number, string[][]>();
    const firstMs = Date.parse(`${calendar.dateOf(0)}T00:00:00Z`);
    const add = (at: string, row: string[]) => {
      const day = Math.floor((Date.parse(at) - firstMs) / MS_PER_DAY);
      if (day < 0 || day >= calendar.days) return;
      const week = Math.floor(day / 7);
      const rows = weeks.get(week) ?? [];
      rows.push(row);
      weeks.set(week, rows);
    };
    const users = [...this.#users.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    users.forEach(([userId, user], index) => {
      const organic = user.partnerId === null;
      if (!rng.chance(organic ? organicSeenShare : seenShare)) return;
      if (user.partnerId === trouble.broken && utcDate(user.signupAt) >= brokenFrom) return;
      const credited =
        user.partnerId === trouble.misattributed &&
        trouble.creditedTo !== null &&
        rng.chance(misattributedShare)
          ? trouble.creditedTo
          : user.partnerId;
      const mediaSource = credited === null ? 'organic' : mediaSourceOf(credited);
      const afId = `${1_700_000_000_000 + index}-${rng.int(1_000_000, 9_999_999)}`;
      const installAt = new Date(Date.parse(user.signupAt) - rng.int(60, 1800) * 1000).toISOString();
      const touchAt = organic
        ? ''
        : appsflyerTime(new Date(Date.parse(installAt) - rng.int(30, 3600) * 1000).toISOString());
      const row = (eventName: string, eventAt: string, usd: string): string[] => [
        organic ? '' : 'click',
        touchAt,
        appsflyerTime(installAt),
        appsflyerTime(eventAt),
        eventName,
        usd === '' ? '' : JSON.stringify({ af_revenue: usd, af_currency: 'USD' }),
        usd,
        usd === '' ? '' : 'USD',
        usd,
        mediaSource,
        credited === null ? '' : `${credited} always-on`,
        user.country,
        afId,
        eventName === 'install' ? '' : userId,
        user.platform === 'ios' ? 'ios' : 'android',
        user.platform === 'ios' ? 'id1234567890' : 'com.example.exchange',
      ];
      add(installAt, row('install', installAt, ''));
      add(user.signupAt, row('af_complete_registration', user.signupAt, ''));
      const deposit = this.#deposits.get(userId);
      if (deposit !== undefined && rng.chance(seenShare)) {
        add(deposit.at, row('first_deposit', deposit.at, deposit.usd.toFixed(2)));
      }
    });
    for (const week of [...weeks.keys()].sort((a, b) => a - b)) {
      const rows = weeks.get(week) as string[][];
      rows.sort((a, b) => (a[3] as string).localeCompare(b[3] as string));
      const path = `trackers/appsflyer-${calendar.dateOf(week * 7)}.csv`;
      await writeTextFile(join(outDir, path), csvText(APPSFLYER_EXPORT_HEADER, rows));
      files.push({ path, kind: 'appsflyer', rows: rows.length });
    }
    return files;
  }
}
