/**
 * The tracker exports the generator writes for the demo: what a mobile tracker would have reported
 * of a handful of hand-written events, with its three troubles switched fully on.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Calendar } from '../../lambdas/generate/calendar.ts';
import type { PartnerProfile } from '../../lambdas/generate/partners.ts';
import { mediaSourceOf, TrackerExports } from '../../lambdas/generate/tracker-exports.ts';

const partner = (partnerId: string, channel: PartnerProfile['channel']) =>
  ({ partnerId, channel }) as PartnerProfile;
const PARTNERS = [
  partner('kol-a', 'kol'),
  partner('kol-b', 'kol'),
  partner('aff-a', 'affiliate'),
  partner('cre-a', 'content'),
  partner('cre-b', 'community'),
];

/** Every user seen, the broken link's last 2 days dark, every aff-a user credited to kol-b. */
const ALL_ON = { seenShare: 1, organicSeenShare: 1, brokenDays: 2, misattributedShare: 1 };

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);
const DAY_1 = [
  line({ event_id: 'e1', event_type: 'signup', user_id: 'u4', occurred_at: '2026-11-08T00:00:30Z' }),
  line({
    event_id: 'e2',
    event_type: 'signup',
    user_id: 'u1',
    occurred_at: '2026-11-10T09:00:00Z',
    partner_id: 'kol-a',
    platform: 'ios',
  }),
  'not json',
  line({ event_id: 'e3', event_type: 'signup', occurred_at: '2026-11-10T09:00:00Z', partner_id: 'kol-a' }),
  line({
    event_id: 'e4',
    event_type: 'deposit',
    user_id: 'u1',
    occurred_at: '2026-11-12T10:00:00Z',
    amount_usd: 80,
  }),
  line({ event_id: 'e5', event_type: 'trade', user_id: 'u1', occurred_at: '2026-11-12T11:00:00Z' }),
];
const DAY_2 = [
  // A late line of u1: its earlier sign-up and deposit win over those above.
  line({
    event_id: 'e0',
    event_type: 'signup',
    user_id: 'u1',
    occurred_at: '2026-11-10T01:00:00-08:00',
    partner_id: 'kol-a',
    platform: 'ios',
  }),
  line({
    event_id: 'e6',
    event_type: 'deposit',
    user_id: 'u1',
    occurred_at: '2026-11-11T10:00:00Z',
    amount_usd: '50',
  }),
  line({
    event_id: 'e7',
    event_type: 'deposit',
    user_id: 'u3',
    occurred_at: '2026-11-16T10:00:00Z',
    amount_usd: 0,
  }),
  line({
    event_id: 'e8',
    event_type: 'signup',
    user_id: 'u3',
    occurred_at: '2026-11-15T08:00:00-08:00',
    partner_id: 'aff-a',
  }),
  line({
    event_id: 'e9',
    event_type: 'signup',
    user_id: 'u5',
    occurred_at: '2026-11-16T07:00:00Z',
    partner_id: 'cre-a',
  }),
  line({
    event_id: 'e10',
    event_type: 'signup',
    user_id: 'u2',
    occurred_at: '2026-11-20T12:00:00Z',
    partner_id: 'kol-a',
  }),
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracker-exports-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(path: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(dir, path), 'utf8'), { columns: true }) as Record<string, string>[];
}

describe('TrackerExports', () => {
  it("writes the tracker map and each week's AppsFlyer rows as the tracker saw them", async () => {
    // Prepare
    const exports = new TrackerExports(ALL_ON);
    exports.observe(DAY_1);
    exports.observe(DAY_2);

    // Act: the calendar is 2026-11-08..21, so two weeks; the broken link is dark from 11-20.
    const files = await exports.write(dir, new Calendar('2026-11-21', 14), PARTNERS, 7);

    // Assess: the map lacks cre-a, the creator with the most sign-ups (1 against cre-b's 0).
    expect(files).toEqual([
      { path: 'trackers/tracker-map.csv', kind: 'tracker-map', rows: 4 },
      { path: 'trackers/appsflyer-2026-11-08.csv', kind: 'appsflyer', rows: 4 },
      { path: 'trackers/appsflyer-2026-11-15.csv', kind: 'appsflyer', rows: 4 },
    ]);
    expect(await csv('trackers/tracker-map.csv')).toEqual([
      { source: 'appsflyer', source_key: 'kola_int', partner_id: 'kol-a' },
      { source: 'appsflyer', source_key: 'kolb_int', partner_id: 'kol-b' },
      { source: 'appsflyer', source_key: 'affa_int', partner_id: 'aff-a' },
      { source: 'appsflyer', source_key: 'creb_int', partner_id: 'cre-b' },
    ]);
    const events = (rows: Record<string, string>[]) =>
      rows
        .filter((row) => row['Event Name'] !== 'install')
        .map((row) => [
          row['Event Time'],
          row['Event Name'],
          row['Media Source'],
          row['Customer User ID'],
          row['Event Revenue USD'],
          row.Platform,
        ]);
    const week1 = await csv('trackers/appsflyer-2026-11-08.csv');
    const week2 = await csv('trackers/appsflyer-2026-11-15.csv');
    // u4's install falls before the calendar (at least a minute before 00:00:30 on its first day);
    // u1 signed up at 01:00 -08:00 = 09:00 UTC, first deposited 50 on 11-11; u2 is dark; u3 (aff-a)
    // is credited to kol-b, at 08:00 -08:00 = 16:00 UTC, and its 0 deposit is none.
    expect(events(week1)).toEqual([
      ['2026-11-08 00:00:30', 'af_complete_registration', 'organic', 'u4', '', 'android'],
      ['2026-11-10 09:00:00', 'af_complete_registration', 'kola_int', 'u1', '', 'ios'],
      ['2026-11-11 10:00:00', 'first_deposit', 'kola_int', 'u1', '50.00', 'ios'],
    ]);
    expect(events(week2)).toEqual([
      ['2026-11-15 16:00:00', 'af_complete_registration', 'kolb_int', 'u3', '', 'android'],
      ['2026-11-16 07:00:00', 'af_complete_registration', mediaSourceOf('cre-a'), 'u5', '', 'android'],
    ]);
    // Installs: one per tracked user inside the calendar, 1 to 30 minutes before the sign-up, with
    // the same AppsFlyer ID and no user id (the SDK learns it at sign-up).
    const installs = [...week1, ...week2].filter((row) => row['Event Name'] === 'install');
    expect(installs).toHaveLength(3);
    for (const install of installs) {
      const signup = [...week1, ...week2].find(
        (row) =>
          row['Event Name'] === 'af_complete_registration' && row['AppsFlyer ID'] === install['AppsFlyer ID'],
      ) as Record<string, string>;
      const lead = Date.parse(`${signup['Event Time']}Z`) - Date.parse(`${install['Event Time']}Z`);
      expect(lead).toBeGreaterThanOrEqual(60_000);
      expect(lead).toBeLessThanOrEqual(1_800_000);
      expect(install['Customer User ID']).toBe('');
    }
  });

  it('writes the same bytes for the same seed', async () => {
    // Prepare
    const write = async (sub: string) => {
      const exports = new TrackerExports();
      exports.observe([...DAY_1, ...DAY_2]);
      await exports.write(join(dir, sub), new Calendar('2026-11-21', 14), PARTNERS, 3);
      return readFile(join(dir, sub, 'trackers/appsflyer-2026-11-15.csv'), 'utf8');
    };

    // Act and assess
    expect(await write('a')).toBe(await write('b'));
  });
});
