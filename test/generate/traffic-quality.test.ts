/**
 * The generator's traffic-quality fields and injected fraud, checked by computing the shares of
 * docs/contract.md, Traffic quality straight from the generated lines (over every cohort, with R the
 * last day), not from the generator's own bookkeeping.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GenerateError,
  type GroundTruth,
  generate,
  parseFraudOption,
} from '../../lambdas/generate/generate.ts';

interface Line {
  readonly event_id: string;
  readonly event_type: string;
  readonly user_id: string;
  readonly occurred_at: string;
  readonly partner_id?: string | null;
  readonly amount_usd?: number | string;
  readonly click_at?: string;
  readonly device_id?: string;
  readonly funding_id?: string;
}

const END = '2026-11-21';
const INJECTED = {
  'aff-001': 'fast_signups',
  'aff-002': 'shared_devices',
  'kol-001': 'shared_funding',
  'kol-002': 'bonus_abuse',
} as const;
/** The flag thresholds of docs/contract.md, Traffic quality (strict `>`). */
const THRESHOLD = { fast_signups: 0.2, shared_devices: 0.1, shared_funding: 0.05, bonus_abuse: 0.1 } as const;
type Pattern = keyof typeof THRESHOLD;

let root: string;
let lines: Line[];
let truth: GroundTruth;

async function readLines(dir: string): Promise<Line[]> {
  const out: Line[] = [];
  for (const name of (await readdir(join(dir, 'events'))).sort()) {
    const bytes = await readFile(join(dir, 'events', name));
    const text = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      try {
        const value = JSON.parse(raw) as Line;
        if (typeof value === 'object' && value !== null && typeof value.user_id === 'string') out.push(value);
      } catch {
        // a planted bad row
      }
    }
  }
  return out;
}

const ms = (text: string): number => Date.parse(text);
const DAY_MS = 86_400_000;

/** Per partner, the users whose first signup names it (later signups change nothing). */
function cohorts(): Map<string, string[]> {
  const first = new Map<string, Line>();
  for (const line of lines) {
    if (line.event_type !== 'signup') continue;
    const seen = first.get(line.user_id);
    if (seen === undefined || ms(line.occurred_at) < ms(seen.occurred_at)) first.set(line.user_id, line);
  }
  const byPartner = new Map<string, string[]>();
  for (const [user, line] of first) {
    const partner = line.partner_id ?? '';
    if (partner === '') continue;
    byPartner.set(partner, [...(byPartner.get(partner) ?? []), user]);
  }
  return byPartner;
}

/** Users whose ids of a field include one another user also used. */
function sharingUsers(field: 'device_id' | 'funding_id'): Set<string> {
  const users = new Map<string, Set<string>>();
  for (const line of lines) {
    const id = line[field];
    if (id === undefined) continue;
    if (field === 'funding_id' && line.event_type !== 'deposit' && line.event_type !== 'withdrawal') continue;
    users.set(id, (users.get(id) ?? new Set()).add(line.user_id));
  }
  const sharing = new Set<string>();
  for (const set of users.values()) if (set.size > 1) for (const user of set) sharing.add(user);
  return sharing;
}

/** The four shares of one partner's users, as docs/contract.md, Traffic quality defines them. */
function shares(users: readonly string[], sharedDevices: Set<string>, sharedFunding: Set<string>) {
  const mine = new Set(users);
  const byUser = new Map<string, Line[]>();
  for (const line of lines)
    if (mine.has(line.user_id)) byUser.set(line.user_id, [...(byUser.get(line.user_id) ?? []), line]);
  let withClick = 0;
  let fast = 0;
  let eligible = 0;
  let abusers = 0;
  const lastDay = ms(`${END}T00:00:00Z`);
  for (const user of users) {
    const events = (byUser.get(user) ?? []).sort((a, b) => ms(a.occurred_at) - ms(b.occurred_at));
    const signup = events.find((e) => e.event_type === 'signup');
    if (signup?.click_at !== undefined) {
      withClick += 1;
      if (ms(signup.occurred_at) - ms(signup.click_at) < 10_000) fast += 1;
    }
    const ftd = events.find((e) => e.event_type === 'deposit' && Number(e.amount_usd) > 0);
    if (ftd === undefined) continue;
    const ftdDay = Math.floor(ms(ftd.occurred_at) / DAY_MS) * DAY_MS;
    if (ftdDay > lastDay - 6 * DAY_MS) continue;
    eligible += 1;
    const inWindow = events.filter((e) => {
      const day = Math.floor(ms(e.occurred_at) / DAY_MS) * DAY_MS;
      return day >= ftdDay && day <= ftdDay + 6 * DAY_MS;
    });
    const total = (type: string) =>
      inWindow.filter((e) => e.event_type === type).reduce((sum, e) => sum + Number(e.amount_usd), 0);
    if (total('withdrawal') >= 0.9 * total('deposit') && !inWindow.some((e) => e.event_type === 'trade')) {
      abusers += 1;
    }
  }
  return {
    fast_signups: fast / withClick,
    shared_devices: users.filter((u) => sharedDevices.has(u)).length / users.length,
    shared_funding: users.filter((u) => sharedFunding.has(u)).length / users.length,
    bonus_abuse: eligible === 0 ? 0 : abusers / eligible,
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'growthlake-quality-'));
  await generate({
    outDir: root,
    days: 60,
    users: 4000,
    seed: 3,
    endDate: END,
    fraud: Object.entries(INJECTED).map(([partnerId, pattern]) => ({ partnerId, pattern })),
  });
  lines = await readLines(root);
  truth = JSON.parse(await readFile(join(root, 'truth.json'), 'utf8')) as GroundTruth;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generate: click_at, device_id and funding_id', () => {
  it("puts a click before partner users' signups, a device on every event, a funding id on every deposit and withdrawal", () => {
    const partnerUsers = new Set([...cohorts().values()].flat());
    const firstSignups = new Map<string, Line>();
    for (const l of lines) {
      if (l.event_type === 'signup' && partnerUsers.has(l.user_id) && !firstSignups.has(l.user_id)) {
        firstSignups.set(l.user_id, l);
      }
    }
    expect(firstSignups.size).toBeGreaterThan(500);
    const clicks = [...firstSignups.values()].map((l) => ms(l.occurred_at) - ms(l.click_at ?? 'missing'));
    expect(clicks.every((delay) => delay >= 0)).toBe(true);
    // Honest clicks: lognormal around three minutes.
    const sorted = clicks.sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThan(60_000);
    expect(lines.every((l) => typeof l.device_id === 'string' && l.device_id.length > 0)).toBe(true);
    const money = lines.filter((l) => l.event_type === 'deposit' || l.event_type === 'withdrawal');
    // The planted bad rows (a login turned into a deposit without an amount, a negative amount) aside.
    const goodMoney = money.filter((l) => typeof l.amount_usd === 'number' && l.amount_usd >= 0);
    expect(goodMoney.length).toBeGreaterThan(1000);
    expect(goodMoney.every((l) => typeof l.funding_id === 'string')).toBe(true);
    expect(lines.filter((l) => l.funding_id !== undefined).every((l) => money.includes(l))).toBe(true);
  });

  it('shows each injected pattern in its partner, and keeps every clean partner under every threshold', () => {
    const sharedDevices = sharingUsers('device_id');
    const sharedFunding = sharingUsers('funding_id');
    const byPartner = cohorts();
    for (const [partner, users] of byPartner) {
      const measured = shares(users, sharedDevices, sharedFunding);
      const injected = INJECTED[partner as keyof typeof INJECTED] as Pattern | undefined;
      for (const pattern of Object.keys(THRESHOLD) as Pattern[]) {
        const label = `${partner} ${pattern} ${measured[pattern].toFixed(3)} over ${users.length} signups`;
        if (pattern === injected) expect(measured[pattern], label).toBeGreaterThan(2 * THRESHOLD[pattern]);
        else expect(measured[pattern], label).toBeLessThan(THRESHOLD[pattern] / 2);
      }
    }
  });

  it('records in truth.json which partner got which pattern and how many of its users carry it', () => {
    expect(truth.fraud.map(({ partnerId, pattern }) => `${partnerId}=${pattern}`)).toEqual(
      Object.entries(INJECTED).map(([p, pattern]) => `${p}=${pattern}`),
    );
    const byPartner = cohorts();
    for (const entry of truth.fraud) {
      // About 60% of the partner's users carry the pattern.
      expect(entry.users / entry.signups).toBeGreaterThan(0.45);
      expect(entry.users / entry.signups).toBeLessThan(0.75);
      // Every signup of the partner is reported (the generator drops signups of organic users only).
      expect(byPartner.get(entry.partnerId)?.length).toBe(entry.signups);
    }
  });

  it('parses --fraud and refuses a partner the registry does not have', async () => {
    expect(parseFraudOption('aff-001=fast_signups, kol-002=shared_devices+bonus_abuse')).toEqual([
      { partnerId: 'aff-001', pattern: 'fast_signups' },
      { partnerId: 'kol-002', pattern: 'shared_devices' },
      { partnerId: 'kol-002', pattern: 'bonus_abuse' },
    ]);
    expect(() => parseFraudOption('aff-001')).toThrow('"aff-001" is not <partner_id>=<pattern>');
    expect(() => parseFraudOption('aff-001=bots')).toThrow(
      /pattern must be one of bonus_abuse, fast_signups/,
    );
    await expect(
      generate({
        outDir: join(root, 'x'),
        endDate: END,
        days: 2,
        users: 10,
        fraud: [{ partnerId: 'zzz', pattern: 'bonus_abuse' }],
      }),
    ).rejects.toThrow(GenerateError);
  });
});
