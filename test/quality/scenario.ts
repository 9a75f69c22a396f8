/**
 * The traffic-quality scenario the tests share: four registry partners and their users around the
 * run dates 2026-11-21 (C = [10-23, 11-21]) and 2026-11-22, with every case of the signals'
 * rules. Every figure the tests expect is worked out in quality-run.test.ts from the rows below.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One platform event; `extra` carries partner_id, amount_usd, click_at, device_id, funding_id. */
type Event = Record<string, string | number>;

let counter = 0;
function event(type: string, user: string, at: string, extra: Record<string, string | number> = {}): Event {
  counter += 1;
  return { event_id: `q${counter}`, event_type: type, user_id: user, occurred_at: at, ...extra };
}

/** Registry partners: pC brings no sign-up at all. */
export const PARTNERS = [
  'partner_id,name,channel,network,revshare_rate,status',
  'pA,Affiliate A,affiliate,,0,active',
  'pB,Affiliate B,affiliate,,0,active',
  'pBig,Big Network,network,,0,active',
  'pC,Content C,content,,0,active',
];

/** pBig's 20 users g01..g20, all signing up on 11-20 at 12:00:00. */
function bigPartnerEvents(): Event[] {
  const events: Event[] = [];
  for (let i = 1; i <= 20; i++) {
    const user = `g${String(i).padStart(2, '0')}`;
    // g01-g05 clicked 5 s before signing up, the rest 60 s before.
    const clickAt = i <= 5 ? '2026-11-20T11:59:55Z' : '2026-11-20T11:59:00Z';
    // g01-g03 share device DG among themselves.
    const device: Record<string, string> = i <= 3 ? { device_id: 'DG' } : {};
    events.push(
      event('signup', user, '2026-11-20T12:00:00Z', { partner_id: 'pBig', click_at: clickAt, ...device }),
    );
  }
  // g04 deposits from F3, which x1 used first (11-12).
  events.push(event('deposit', 'g04', '2026-11-20T13:00:00Z', { amount_usd: 20, funding_id: 'F3' }));
  return events;
}

/** Every event dated up to 11-21, in one file. */
export function firstEvents(): Event[] {
  counter = 0;
  return [
    // a1: clicked 9.999 s before signing up (fast); D1, which b1 uses on 11-15. Deposits 100 (the
    // FTD, 11-10) and 50 (11-13), withdraws 135 on 11-16 = ftd_date + 6: 135 / 150 = 0.9 exactly.
    event('signup', 'a1', '2026-11-10T10:00:00.000Z', {
      partner_id: 'pA',
      click_at: '2026-11-10T09:59:50.001Z',
      device_id: 'D1',
    }),
    event('kyc_verified', 'a1', '2026-11-10T11:00:00Z'),
    event('deposit', 'a1', '2026-11-10T12:00:00Z', { amount_usd: 100 }),
    event('deposit', 'a1', '2026-11-13T12:00:00Z', { amount_usd: 50 }),
    event('withdrawal', 'a1', '2026-11-16T12:00:00Z', { amount_usd: 135 }),
    // a2: clicked exactly 10 s before (not fast); D2, which the unattributed x1 uses on 11-12.
    // Withdraws 89.99 of 100 (under 0.9).
    event('signup', 'a2', '2026-11-10T10:00:00Z', {
      partner_id: 'pA',
      click_at: '2026-11-10T09:59:50Z',
      device_id: 'D2',
    }),
    event('kyc_verified', 'a2', '2026-11-10T11:00:00Z'),
    event('deposit', 'a2', '2026-11-10T12:00:00Z', { amount_usd: 100 }),
    event('withdrawal', 'a2', '2026-11-12T12:00:00Z', { amount_usd: 89.99 }),
    // a3: the click 2 s after the sign-up (-2 s: fast); D3, used next by x3 (a late event of 11-18)
    // and b2 (11-22). Withdraws all of 100, but trades on 11-13: cleared.
    event('signup', 'a3', '2026-11-11T12:00:00Z', {
      partner_id: 'pA',
      click_at: '2026-11-11T12:00:02Z',
      device_id: 'D3',
    }),
    event('deposit', 'a3', '2026-11-11T13:00:00Z', { amount_usd: 100 }),
    event('withdrawal', 'a3', '2026-11-12T13:00:00Z', { amount_usd: 100 }),
    event('trade', 'a3', '2026-11-13T13:00:00Z', { amount_usd: 10, fee_usd: 0.01 }),
    // a4: first sign-up 3600 s after its click; a second sign-up 1 s after its click, which does not
    // count. D4, which y6, y1..y5 use after. FTD 11-16, all withdrawn the same day.
    event('signup', 'a4', '2026-11-12T08:00:00Z', {
      partner_id: 'pA',
      click_at: '2026-11-12T07:00:00Z',
      device_id: 'D4',
    }),
    event('signup', 'a4', '2026-11-12T09:00:00Z', {
      partner_id: 'pA',
      click_at: '2026-11-12T08:59:59Z',
    }),
    // A funding id on a login is not read: a4 shares no funding with z1.
    event('login', 'a4', '2026-11-12T10:00:00Z', { funding_id: 'F2' }),
    event('deposit', 'z1', '2026-11-12T10:00:00Z', { amount_usd: 5, funding_id: 'F2' }),
    event('deposit', 'a4', '2026-11-16T08:00:00Z', { amount_usd: 100 }),
    event('withdrawal', 'a4', '2026-11-16T09:00:00Z', { amount_usd: 100 }),
    // a5: no click time, no device. Deposits 50 from F1 (11-14), which b3 withdraws to on 11-16;
    // withdraws 50 on 11-21, a week after the FTD.
    event('signup', 'a5', '2026-11-12T08:00:00Z', { partner_id: 'pA' }),
    event('deposit', 'a5', '2026-11-14T08:00:00Z', { amount_usd: 50, funding_id: 'F1' }),
    event('withdrawal', 'a5', '2026-11-21T08:00:00Z', { amount_usd: 50 }),
    // pB: b1 on D1, b3 withdrawing to F1.
    event('signup', 'b1', '2026-11-15T08:00:00Z', { partner_id: 'pB', device_id: 'D1' }),
    event('signup', 'b3', '2026-11-15T09:00:00Z', { partner_id: 'pB' }),
    event('withdrawal', 'b3', '2026-11-16T09:00:00Z', { amount_usd: 5, funding_id: 'F1' }),
    // x1, unattributed (no sign-up): D2 and F3 on 11-12.
    event('login', 'x1', '2026-11-12T09:00:00Z', { device_id: 'D2' }),
    event('deposit', 'x1', '2026-11-12T09:30:00Z', { amount_usd: 10, funding_id: 'F3' }),
    // D4's other users, unattributed: y6 first (11-13), then y1, y2 (11-14), y3, y4 (11-15), y5 (11-16).
    event('login', 'y6', '2026-11-13T09:00:00Z', { device_id: 'D4' }),
    event('login', 'y2', '2026-11-14T09:00:00Z', { device_id: 'D4' }),
    event('login', 'y1', '2026-11-14T10:00:00Z', { device_id: 'D4' }),
    event('login', 'y4', '2026-11-15T09:00:00Z', { device_id: 'D4' }),
    event('login', 'y3', '2026-11-15T10:00:00Z', { device_id: 'D4' }),
    event('login', 'y5', '2026-11-16T09:00:00Z', { device_id: 'D4' }),
    // o1, organic.
    event('signup', 'o1', '2026-11-20T08:00:00Z'),
    ...bigPartnerEvents(),
  ];
}

/** 11-22: b2 signs up for pB on D3. */
export const NEXT_DAY_EVENTS: Event[] = [
  {
    event_id: 'n1',
    event_type: 'signup',
    user_id: 'b2',
    occurred_at: '2026-11-22T08:00:00Z',
    partner_id: 'pB',
    device_id: 'D3',
  },
];

/**
 * Late events, ingested after the run of 11-21: x3 used D3 on 11-18; x4 used D1 on 11-09, before a1
 * (11-10), so D1's users are ranked again.
 */
export const LATE_EVENTS: Event[] = [
  {
    event_id: 'l1',
    event_type: 'login',
    user_id: 'x3',
    occurred_at: '2026-11-18T08:00:00Z',
    device_id: 'D3',
  },
  {
    event_id: 'l2',
    event_type: 'login',
    user_id: 'x4',
    occurred_at: '2026-11-09T08:00:00Z',
    device_id: 'D1',
  },
];

/** Writes the scenario's files to `dir`. */
export async function writeQualityScenario(dir: string): Promise<Record<string, string>> {
  const text = (lines: readonly string[]) => `${lines.join('\n')}\n`;
  const json = (events: readonly Event[]) => text(events.map((row) => JSON.stringify(row)));
  const files = {
    partners: join(dir, 'partners.csv'),
    events: join(dir, 'events.jsonl'),
    nextDay: join(dir, 'events-2026-11-22.jsonl'),
    late: join(dir, 'events-late.jsonl'),
  };
  await writeFile(files.partners, text(PARTNERS));
  await writeFile(files.events, json(firstEvents()));
  await writeFile(files.nextDay, json(NEXT_DAY_EVENTS));
  await writeFile(files.late, json(LATE_EVENTS));
  return files;
}
