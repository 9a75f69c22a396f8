/**
 * The tracker scenario the tests share: a week of a small exchange's platform data, the three
 * trackers' exports of it (with every kind of bad row), and two tracker maps. Every figure the
 * tests expect is worked out beside them from the rows below.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ADJUST_HEADER, APPSFLYER_HEADER, exportLines, IMPACT_HEADER } from './exports.ts';

/**
 * Platform sign-ups (section 2 attribution): u5 p1 on 11-19; u1 p1 on 11-20; u2 p1, u3 p2 and u4
 * organic on 11-21. First deposits on 11-21: u1 and u2 (both p1).
 */
export const EVENTS = [
  {
    event_id: 'e1',
    event_type: 'signup',
    user_id: 'u5',
    occurred_at: '2026-11-19T12:00:00Z',
    partner_id: 'p1',
  },
  {
    event_id: 'e2',
    event_type: 'signup',
    user_id: 'u1',
    occurred_at: '2026-11-20T10:06:00Z',
    partner_id: 'p1',
  },
  {
    event_id: 'e3',
    event_type: 'signup',
    user_id: 'u2',
    occurred_at: '2026-11-21T09:01:00Z',
    partner_id: 'p1',
  },
  {
    event_id: 'e4',
    event_type: 'signup',
    user_id: 'u3',
    occurred_at: '2026-11-21T11:01:00Z',
    partner_id: 'p2',
  },
  { event_id: 'e5', event_type: 'signup', user_id: 'u4', occurred_at: '2026-11-21T12:01:00Z' },
  {
    event_id: 'e6',
    event_type: 'deposit',
    user_id: 'u1',
    occurred_at: '2026-11-21T08:00:00Z',
    amount_usd: 100,
  },
  {
    event_id: 'e7',
    event_type: 'deposit',
    user_id: 'u2',
    occurred_at: '2026-11-21T10:00:00Z',
    amount_usd: 50,
  },
];

export const PARTNERS = [
  'partner_id,name,channel,network,revshare_rate,status',
  'p1,Affiliate One,affiliate,,0,active',
  'p2,KOL Two,kol,,0,active',
  'p3,New Network,network,,0,active',
];

/** EUR on the two days the Impact payouts fall on (UTC). */
export const FX = ['date,currency,usd_per_unit', '2026-11-20,EUR,1.10', '2026-11-21,EUR,1.08'];

/** A flat fee of p1 on 11-21, which Impact's CPA spend of that day must leave alone. */
export const SPEND = ['date,partner_id,spend,currency,cost_type,campaign_id', '2026-11-21,p1,50,USD,flat,'];

/** The first map: Impact's partner 2002 is not mapped yet. */
export const MAP_V1 = [
  'source,source_key,partner_id',
  'appsflyer,aff_network_1,p1',
  'adjust,kolnet,p2',
  'adjust,newnet,p3',
  'impact,1001,p1',
];

/** The corrected map: 2002 is p2. */
export const MAP_V2 = [...MAP_V1, 'impact,2002,p2'];

const af = (row: Record<string, string>) => ({
  Platform: 'android',
  'Attributed Touch Type': 'click',
  ...row,
});

/**
 * AppsFlyer, file 1 (lines 2-12): 7 accepted, line 9 a duplicate of line 4, lines 10-12
 * quarantined (no AppsFlyer ID; an ISO time; a negative revenue).
 */
export const APPSFLYER_1 = exportLines(APPSFLYER_HEADER, [
  af({
    'Event Time': '2026-11-20 10:00:00',
    'Install Time': '2026-11-20 10:00:00',
    'Event Name': 'install',
    'Media Source': 'aff_network_1',
    Campaign: 'Launch, EU',
    'AppsFlyer ID': 'A1',
    'Attributed Touch Time': '2026-11-20 09:58:00',
  }),
  af({
    'Event Time': '2026-11-20 10:05:00',
    'Install Time': '2026-11-20 10:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A1',
    'Customer User ID': 'u1',
    'Event Value': '{"method":"email"}',
  }),
  af({
    'Event Time': '2026-11-21 09:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A2',
    'Customer User ID': 'u2',
  }),
  af({
    'Event Time': '2026-11-21 11:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A3',
    'Customer User ID': 'u3',
  }),
  af({
    'Event Time': '2026-11-21 12:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'organic',
    'AppsFlyer ID': 'A4',
    'Customer User ID': 'u4',
  }),
  af({
    'Event Time': '2026-11-21 08:00:00',
    'Event Name': 'first_deposit',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A1',
    'Customer User ID': 'u1',
    'Event Revenue USD': '100',
  }),
  af({
    'Event Time': '2026-11-21 13:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'unknown_src',
    'AppsFlyer ID': 'A5',
  }),
  af({
    'Event Time': '2026-11-21 09:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A2',
    'Customer User ID': 'u2',
  }),
  af({
    'Event Time': '2026-11-21 13:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': '',
  }),
  af({
    'Event Time': '2026-11-21T13:00:00Z',
    'Event Name': 'af_complete_registration',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A7',
  }),
  af({
    'Event Time': '2026-11-21 13:00:00',
    'Event Name': 'first_deposit',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A8',
    'Event Revenue USD': '-5',
  }),
]);

/** AppsFlyer, file 2 (gzip): line 2 repeats file 1's line 3 (a duplicate), line 3 is new (u6, p1). */
export const APPSFLYER_2 = exportLines(APPSFLYER_HEADER, [
  af({
    'Event Time': '2026-11-20 10:05:00',
    'Install Time': '2026-11-20 10:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A1',
    'Customer User ID': 'u1',
    'Event Value': '{"method":"email"}',
  }),
  af({
    'Event Time': '2026-11-21 14:00:00',
    'Event Name': 'af_complete_registration',
    'Media Source': 'aff_network_1',
    'AppsFlyer ID': 'A6',
    'Customer User ID': 'u6',
  }),
]);

/**
 * Adjust (lines 2-15): an install and sign-ups on kolnet (p2) and Organic, an FTD, five sign-ups on
 * newnet (p3) the platform never saw; line 10 a duplicate of line 3; lines 12-15 quarantined (no
 * adid, an ISO created_at, a non-numeric revenue, an event without a name).
 */
export const ADJUST = exportLines(ADJUST_HEADER, [
  {
    activity_kind: 'install',
    created_at: '1795255200',
    installed_at: '1795255200',
    adid: 'D1',
    network_name: 'kolnet',
    tracker_name: 'kolnet::spring',
  },
  {
    activity_kind: 'event',
    created_at: '1795258800',
    adid: 'D2',
    network_name: 'kolnet',
    event_name: 'signup',
    user_id: 'u3',
  },
  {
    activity_kind: 'event',
    created_at: '1795262400',
    adid: 'D3',
    network_name: 'Organic',
    event_name: 'signup',
    user_id: 'u4',
  },
  {
    activity_kind: 'event',
    created_at: '1795257000',
    adid: 'D2',
    network_name: 'kolnet',
    event_name: 'first_deposit',
    user_id: 'u2',
    revenue_float: '45.5',
    currency: 'EUR',
  },
  ...['x1', 'x2', 'x3', 'x4'].map((user, i) => ({
    activity_kind: 'event',
    created_at: String(1795165200 + i),
    adid: `N${i}`,
    network_name: 'newnet',
    event_name: 'signup',
    user_id: user,
  })),
  {
    activity_kind: 'event',
    created_at: '1795258800',
    adid: 'D2',
    network_name: 'kolnet',
    event_name: 'signup',
    user_id: 'u3',
  },
  {
    activity_kind: 'event',
    created_at: '1795273200',
    adid: 'N5',
    network_name: 'newnet',
    event_name: 'signup',
    user_id: 'x5',
  },
  {
    activity_kind: 'event',
    created_at: '1795273200',
    adid: '',
    network_name: 'newnet',
    event_name: 'signup',
    user_id: 'x6',
  },
  {
    activity_kind: 'event',
    created_at: '2026-11-21T15:00:00Z',
    adid: 'N7',
    network_name: 'newnet',
    event_name: 'signup',
    user_id: 'x7',
  },
  {
    activity_kind: 'event',
    created_at: '1795273200',
    adid: 'N8',
    network_name: 'newnet',
    event_name: 'signup',
    user_id: 'x8',
    revenue_float: 'abc',
  },
  {
    activity_kind: 'event',
    created_at: '1795273200',
    adid: 'N9',
    network_name: 'newnet',
    event_name: '',
    user_id: 'x9',
  },
]);

const impact = (row: Record<string, string>) => ({ CampaignId: '500', CampaignName: 'Exchange CPA', ...row });

/**
 * Impact, first export (lines 2-10): I1 a sign-up on 11-20 at 18:00 UTC (10.00 USD); I2 an FTD whose
 * -08:00 EventDate is 11-21 04:30 UTC, paid 20 EUR (x 1.08 = 21.60 USD); I3 a sign-up on 11-21
 * (10.00); I4 a sign-up of the unmapped partner 2002 (7.00). Lines 6-10 quarantined.
 */
export const IMPACT_1 = exportLines(IMPACT_HEADER, [
  impact({
    Id: 'I1',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    MediaPartnerName: 'Affiliate One',
    State: 'PENDING',
    EventDate: '2026-11-20T10:00:00-08:00',
    Payout: '10.00',
    Amount: '0',
    Currency: 'USD',
    CustomerId: 'u1',
  }),
  impact({
    Id: 'I2',
    ActionTrackerName: 'First Deposit',
    MediaPartnerId: '1001',
    MediaPartnerName: 'Affiliate One',
    State: 'APPROVED',
    EventDate: '2026-11-20T20:30:00-08:00',
    LockingDate: '2026-12-20T00:00:00-08:00',
    Payout: '20.00',
    Amount: '100',
    Currency: 'EUR',
    CustomerId: 'u1',
  }),
  impact({
    Id: 'I3',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    MediaPartnerName: 'Affiliate One',
    State: 'PENDING',
    EventDate: '2026-11-21T01:00:00Z',
    Payout: '10.00',
    Currency: 'USD',
    CustomerId: 'u2',
  }),
  impact({
    Id: 'I4',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '2002',
    MediaPartnerName: 'KOL Two',
    State: 'PENDING',
    EventDate: '2026-11-21T02:00:00+00:00',
    Payout: '7',
    Currency: 'USD',
    CustomerId: 'u3',
  }),
  impact({
    Id: 'I5',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    State: 'PENDING',
    EventDate: '2026-11-21T02:00:00Z',
    Payout: '-1',
    Currency: 'USD',
  }),
  impact({
    Id: 'I6',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    State: 'VOID',
    EventDate: '2026-11-21T02:00:00Z',
    Payout: '1',
    Currency: 'USD',
  }),
  impact({
    Id: 'I7',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    State: 'PENDING',
    EventDate: '2026-11-21 02:00:00',
    Payout: '1',
    Currency: 'USD',
  }),
  impact({
    Id: 'I8',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    State: 'PENDING',
    EventDate: '2026-11-21T02:00:00Z',
    Payout: '1',
    Currency: 'GBP',
  }),
  impact({
    Id: '',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    State: 'PENDING',
    EventDate: '2026-11-21T02:00:00Z',
    Payout: '1',
    Currency: 'USD',
  }),
]);

/**
 * Impact, a later export (lines 2-4): I3 reversed (fraud), I1 approved at 12.00 (a restated payout),
 * I2 exactly as before (a duplicate).
 */
export const IMPACT_2 = exportLines(IMPACT_HEADER, [
  impact({
    Id: 'I3',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    MediaPartnerName: 'Affiliate One',
    State: 'REVERSED',
    EventDate: '2026-11-21T01:00:00Z',
    Payout: '10.00',
    Currency: 'USD',
    CustomerId: 'u2',
  }),
  impact({
    Id: 'I1',
    ActionTrackerName: 'Signup',
    MediaPartnerId: '1001',
    MediaPartnerName: 'Affiliate One',
    State: 'APPROVED',
    EventDate: '2026-11-20T10:00:00-08:00',
    Payout: '12.00',
    Amount: '0',
    Currency: 'USD',
    CustomerId: 'u1',
  }),
  impact({
    Id: 'I2',
    ActionTrackerName: 'First Deposit',
    MediaPartnerId: '1001',
    MediaPartnerName: 'Affiliate One',
    State: 'APPROVED',
    EventDate: '2026-11-20T20:30:00-08:00',
    LockingDate: '2026-12-20T00:00:00-08:00',
    Payout: '20.00',
    Amount: '100',
    Currency: 'EUR',
    CustomerId: 'u1',
  }),
]);

/** Writes every input of the scenario to `dir`; AppsFlyer's second file gzipped. */
export async function writeScenario(dir: string): Promise<Record<string, string>> {
  const text = (lines: readonly string[]) => `${lines.join('\n')}\n`;
  const files: Record<string, string> = {
    events: join(dir, 'events.jsonl'),
    partners: join(dir, 'partners.csv'),
    fx: join(dir, 'fx.csv'),
    spend: join(dir, 'spend.csv'),
    mapV1: join(dir, 'tracker-map-v1.csv'),
    mapV2: join(dir, 'tracker-map-v2.csv'),
    appsflyer1: join(dir, 'appsflyer-1.csv'),
    appsflyer2: join(dir, 'appsflyer-2.csv.gz'),
    adjust: join(dir, 'adjust.csv'),
    impact1: join(dir, 'impact-1.csv'),
    impact2: join(dir, 'impact-2.csv'),
  };
  await writeFile(files.events as string, text(EVENTS.map((event) => JSON.stringify(event))));
  await writeFile(files.partners as string, text(PARTNERS));
  await writeFile(files.fx as string, text(FX));
  await writeFile(files.spend as string, text(SPEND));
  await writeFile(files.mapV1 as string, text(MAP_V1));
  await writeFile(files.mapV2 as string, text(MAP_V2));
  await writeFile(files.appsflyer1 as string, text(APPSFLYER_1));
  await writeFile(files.appsflyer2 as string, gzipSync(text(APPSFLYER_2)));
  await writeFile(files.adjust as string, text(ADJUST));
  await writeFile(files.impact1 as string, text(IMPACT_1));
  await writeFile(files.impact2 as string, text(IMPACT_2));
  return files;
}
