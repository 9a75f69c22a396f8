import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS, TABLES } from '../../lambdas/contract/tables.ts';
import { IngestError } from '../../lambdas/ingest/errors.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { Pseudonymizer, redactQuarantinedLine } from '../../lambdas/ingest/pseudonymizer.ts';
import { ingestCounts, ingestFailure, testLakes } from './lake-helpers.ts';

const newLake = testLakes();

/** The key vitest.config.ts gives every test (GROWTHLAKE_PSEUDONYMIZATION_KEY). */
const TEST_KEY = 'test-pseudonymization-key-0123456789abcdef';
const OTHER_KEY = 'another-pseudonymization-key-fedcba9876543210';

// Worked out independently of node:crypto:
//   printf '%s' 'device-7f3a' | openssl dgst -sha256 -hmac 'test-pseudonymization-key-0123456789abcdef'
const DEVICE_UNDER_TEST_KEY = '6c6f8d480374cac1ff2802e3a887e5203e36b3fe1cd3a2d0686b15919998ed92';
//   printf '%s' 'device-7f3a' | openssl dgst -sha256 -hmac 'another-pseudonymization-key-fedcba9876543210'
const DEVICE_UNDER_OTHER_KEY = '23e979aa2645e10ea494bfa9b387b39228646c450d6c6c9a17a30d07e19dba9c';
//   printf '%s' 'wallet-0xabc' | openssl dgst -sha256 -hmac 'test-pseudonymization-key-0123456789abcdef'
const WALLET_UNDER_TEST_KEY = '35b166442c1979d915ef01e3a49b49aed12c543577351c713d0e6b533f6bf223';

const json = (fields: Record<string, unknown>): string => JSON.stringify(fields);

describe('Pseudonymizer: HMAC-SHA-256 of the id under the lake key, hex', () => {
  it('gives the HMAC openssl computes, the same pseudonym for the same id, another under another key', () => {
    const under = new Pseudonymizer(TEST_KEY);
    expect(under.pseudonym('device-7f3a')).toBe(DEVICE_UNDER_TEST_KEY);
    expect(under.pseudonym('device-7f3a')).toBe(DEVICE_UNDER_TEST_KEY); // the cached path
    expect(under.pseudonym('wallet-0xabc')).toBe(WALLET_UNDER_TEST_KEY);
    expect(new Pseudonymizer(OTHER_KEY).pseudonym('device-7f3a')).toBe(DEVICE_UNDER_OTHER_KEY);
  });

  it('refuses a key shorter than 32 characters', () => {
    expect(() => new Pseudonymizer('x'.repeat(31))).toThrow(/has 31 characters; it needs at least 32/);
  });

  it('keeps no raw id in a quarantined line: object lines re-written, other lines cut', () => {
    const p = new Pseudonymizer(TEST_KEY);
    expect(redactQuarantinedLine('{"event_id":"e","device_id":"device-7f3a","n":1}', p)).toBe(
      `{"event_id":"e","device_id":"${DEVICE_UNDER_TEST_KEY}","n":1}`,
    );
    expect(redactQuarantinedLine('{"event_id":"e","device_id":"device-7f3a"', p)).toBe(
      '{"event_id":"e","[withheld: the rest may hold a device_id or funding_id]',
    );
    expect(redactQuarantinedLine('{"event_id":"e"', p)).toBe('{"event_id":"e"');
    // Without a key nothing can be hashed, so even an object line is cut.
    expect(redactQuarantinedLine('{"event_id":"e","funding_id":"w"}', undefined)).toBe(
      '{"event_id":"e","[withheld: the rest may hold a device_id or funding_id]',
    );
  });
});

/** Every raw id of the file below: none may appear anywhere in the lake. */
const RAW_IDS = [
  'RAWDEV-alpha-11',
  'RAWDEV-beta-22',
  'RAWFUND-wallet-33',
  'RAWFUND-bank-44',
  'RAWDEV-bad-55',
];

const LINES = [
  // 2: signup with click 42.5 s before, an offset click time and a device.
  json({
    event_id: 'e1',
    event_type: 'signup',
    user_id: 'u-1',
    occurred_at: '2026-11-20T08:00:00Z',
    click_at: '2026-11-20T15:59:17.500+08:00',
    device_id: 'RAWDEV-alpha-11',
  }),
  // 3: another user on the same device (a shared device) with a funding account.
  json({
    event_id: 'e2',
    event_type: 'deposit',
    user_id: 'u-2',
    occurred_at: '2026-11-20T09:00:00Z',
    amount_usd: 100,
    device_id: 'RAWDEV-alpha-11',
    funding_id: 'RAWFUND-wallet-33',
  }),
  // 4: a withdrawal to the same wallet by u-1; a numeric device id is kept as text.
  json({
    event_id: 'e3',
    event_type: 'withdrawal',
    user_id: 'u-1',
    occurred_at: '2026-11-21T09:00:00Z',
    amount_usd: 95,
    device_id: 12345,
    funding_id: 'RAWFUND-wallet-33',
  }),
  // 5: funding_id on a login is not read (stored null); click_at on a login neither.
  json({
    event_id: 'e4',
    event_type: 'login',
    user_id: 'u-1',
    occurred_at: '2026-11-21T10:00:00Z',
    device_id: 'RAWDEV-beta-22',
    funding_id: 'RAWFUND-bank-44',
    click_at: 'yesterday',
  }),
  // 6: a malformed click_at on a signup is quarantined; its raw line keeps no raw id.
  json({
    event_id: 'e5',
    event_type: 'signup',
    user_id: 'u-3',
    occurred_at: '2026-11-21T08:00:00Z',
    click_at: '2026-11-21 07:59:00',
    device_id: 'RAWDEV-bad-55',
  }),
  // 7: a line that is not JSON, mentioning ids.
  '{"event_id":"e6","event_type":"login","device_id":"RAWDEV-bad-55","funding_id":"RAWFUND-bank-44"',
  // 8: a device id of the wrong JSON type.
  json({
    event_id: 'e7',
    event_type: 'login',
    user_id: 'u-4',
    occurred_at: '2026-11-21T08:00:00Z',
    device_id: true,
  }),
  // 9: a signup without the optional fields, and an empty click_at.
  json({
    event_id: 'e8',
    event_type: 'signup',
    user_id: 'u-5',
    occurred_at: '2026-11-21T08:00:00Z',
    click_at: '',
  }),
];

async function allFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('ingestFile events: optional fields, pseudonymized (docs/contract.md, Events)', () => {
  it('stores click_at in UTC, device and funding ids as pseudonyms, and drops funding_id off deposits and withdrawals', async () => {
    const lake = await newLake();
    const file = await lake.writeLines('events.jsonl', ['', ...LINES]);
    const result = await ingestFile(lake.context, 'events', file);
    // 8 lines read: e1-e4 and e8 accepted; e5 (click_at), line 7 (not JSON) and e7 (device_id) quarantined.
    expect(ingestCounts(result)).toEqual([8, 5, 0, 3]);
    const rows = await lake.rows(
      'select event_id, cast(click_at as varchar) as click_at, device_id, funding_id from events order by event_id',
    );
    const p = new Pseudonymizer(TEST_KEY);
    expect(rows).toEqual([
      // 15:59:17.500+08:00 is 07:59:17.500 UTC: 42.5 s before the signup.
      {
        event_id: 'e1',
        click_at: '2026-11-20 07:59:17.5',
        device_id: p.pseudonym('RAWDEV-alpha-11'),
        funding_id: null,
      },
      {
        event_id: 'e2',
        click_at: null,
        device_id: p.pseudonym('RAWDEV-alpha-11'),
        funding_id: p.pseudonym('RAWFUND-wallet-33'),
      },
      {
        event_id: 'e3',
        click_at: null,
        device_id: p.pseudonym('12345'),
        funding_id: p.pseudonym('RAWFUND-wallet-33'),
      },
      { event_id: 'e4', click_at: null, device_id: p.pseudonym('RAWDEV-beta-22'), funding_id: null },
      { event_id: 'e8', click_at: null, device_id: null, funding_id: null },
    ]);
    // Equality survives: the device u-1 and u-2 share, and the wallet, pair up in SQL.
    const [shared] = await lake.rows(
      "select count(distinct user_id) as users from events where device_id = (select device_id from events where event_id = 'e1')",
    );
    expect(Number(shared?.users)).toBe(2);
    const quarantined = await lake.rows('select line, reason, raw from quarantine order by line');
    expect(quarantined.map((r) => [Number(r.line), r.reason])).toEqual([
      [6, 'click_at has no UTC offset'],
      [7, 'not valid JSON'],
      [8, 'device_id must be a string or a number'],
    ]);
    expect(String(quarantined[0]?.raw)).toContain(p.pseudonym('RAWDEV-bad-55'));
    expect(quarantined[1]?.raw).toBe(
      '{"event_id":"e6","event_type":"login","[withheld: the rest may hold a device_id or funding_id]',
    );
  });

  it('leaves no raw device or funding id in any file of the lake, nor in any table', async () => {
    const lake = await newLake();
    const file = await lake.writeLines('events.jsonl', LINES);
    await ingestFile(lake.context, 'events', file);
    const files = await allFilesUnder(lake.lakeDir);
    expect(files.some((f) => f.includes('curated/events'))).toBe(true);
    expect(files.some((f) => f.includes('quality/quarantine') || f.includes('quarantine'))).toBe(true);
    for (const path of files) {
      const bytes = await readFile(path);
      for (const raw of RAW_IDS) expect(bytes.includes(raw), `${raw} in ${path}`).toBe(false);
    }
    // Parquet pages are compressed, so read every stored table back through the engine too.
    for (const table of Object.values(TABLES).filter((t) => t.isView !== true)) {
      const text = JSON.stringify(await lake.rows(`select * from ${table.name}`), (_, v) =>
        typeof v === 'bigint' ? String(v) : v,
      );
      for (const raw of RAW_IDS) expect(text.includes(raw), `${raw} in ${table.name}`).toBe(false);
    }
  });

  it('validates on worker threads with the same key as inline', async () => {
    const lake = await newLake();
    const file = await lake.writeLines('events.jsonl', LINES);
    await ingestFile({ ...lake.context, validationThreads: 2 }, 'events', file);
    const [row] = await lake.rows("select device_id from events where event_id = 'e1'");
    expect(row?.device_id).toBe(new Pseudonymizer(TEST_KEY).pseudonym('RAWDEV-alpha-11'));
  });

  it('refuses an events file carrying ids when the ingest has no key, and stores nothing', async () => {
    const lake = await newLake();
    const file = await lake.writeLines('events.jsonl', LINES);
    const { pseudonymizationKey: _, ...withoutKey } = lake.context;
    const error = await ingestFailure(withoutKey, 'events', file);
    expect(error).toBeInstanceOf(IngestError);
    expect(error.message).toMatch(/^line 1 carries a device_id or funding_id, and no pseudonymization key/);
    expect(await lake.rows('select count(*) as n from events')).toEqual([{ n: 0 }]);
  });
});

describe('events files written before click_at, device_id and funding_id existed', () => {
  /** Writes a Parquet file of events with the columns of the first release only. */
  async function writeOldFile(lake: Awaited<ReturnType<typeof newLake>>, date: string): Promise<void> {
    const dir = join(lake.lakeDir, EVENTS.location, `dt=${date}`);
    await lake.lake.store.put(`${EVENTS.location}/dt=${date}/.keep`, '');
    await lake.lake.engine.query(
      `copy (select 'old-${date}' as event_id, 'login' as event_type, 'u-old' as user_id,
         timestamp '${date} 12:00:00' as occurred_at, cast(null as varchar) as partner_id,
         cast(null as double) as amount_usd, cast(null as double) as fee_usd, cast(null as varchar) as product,
         cast(null as varchar) as country, cast(null as varchar) as platform, cast(null as varchar) as campaign_id,
         'old.jsonl' as source_file, 'old-ingest' as ingest_id)
       to '${dir}/old.parquet' (format parquet)`,
    );
    await lake.lake.store.delete([`${EVENTS.location}/dt=${date}/.keep`]);
  }

  it('reads the new columns as null from old files alone, and beside new files', async () => {
    const lake = await newLake();
    await writeOldFile(lake, '2026-11-01');
    await lake.lake.engine.refresh(EVENTS);
    expect(await lake.rows('select event_id, click_at, device_id, funding_id from events')).toEqual([
      { event_id: 'old-2026-11-01', click_at: null, device_id: null, funding_id: null },
    ]);
    const file = await lake.writeLines('events.jsonl', [LINES[0] as string]);
    await ingestFile(lake.context, 'events', file);
    const rows = await lake.rows(
      'select event_id, cast(click_at as varchar) as click_at, device_id is null as no_device from events order by event_id',
    );
    expect(rows).toEqual([
      { event_id: 'e1', click_at: '2026-11-20 07:59:17.5', no_device: false },
      { event_id: 'old-2026-11-01', click_at: null, no_device: true },
    ]);
  });
});
