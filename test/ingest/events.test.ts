import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { INGEST_LOG, INGEST_PARTITIONS, QUARANTINE } from '../../lambdas/contract/tables.ts';
import { IngestError } from '../../lambdas/ingest/errors.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import {
  FIXTURES_DIR,
  failFirstWriteTo,
  lakeFiles,
  openTestLake,
  snapshotTables,
  type TestLake,
} from './lake-helpers.ts';

/** events-two-days.jsonl: 10 physical lines, one blank; 6 accepted, 1 duplicate, 2 quarantined. */
const FIXTURE = join(FIXTURES_DIR, 'events-two-days.jsonl');

/** The events columns that do not depend on which file or ingest delivered a row. */
const EVENT_COLUMNS =
  'event_id, event_type, user_id, cast(occurred_at as varchar) as occurred_at, partner_id, amount_usd, ' +
  'fee_usd, product, country, platform, campaign_id, cast(dt as varchar) as dt';

const json = (fields: Record<string, unknown>): string => JSON.stringify(fields);

/** The SHA-256 of a file's bytes: the ingest id (INGEST_LOG.ingest_id). */
const sha256Of = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

const login = (eventId: string, occurredAt: string, extra: Record<string, unknown> = {}): string =>
  json({ event_id: eventId, event_type: 'login', user_id: 'u-1', occurred_at: occurredAt, ...extra });

const opened: TestLake[] = [];
async function newLake(root?: string): Promise<TestLake> {
  const lake = await openTestLake(root);
  opened.push(lake);
  return lake;
}

afterEach(async () => {
  for (const lake of opened.splice(0)) await lake.close();
});

describe('ingestFile events: rejection rules of docs/contract.md, Events', () => {
  /** Every line of one file and what must become of it: null = accepted, '' = blank. */
  const LINES: readonly (readonly [text: string, reason: string | null])[] = [
    [
      json({
        event_id: 'ok-signup',
        event_type: 'signup',
        user_id: 'u-1',
        occurred_at: '2026-11-20T08:00:00Z',
        partner_id: 'kol-alpha',
        country: 'VN',
        platform: 'ios',
        campaign_id: 'bf-2026',
        utm_source: 'an unknown field, ignored',
      }),
      null,
    ],
    ['not json', 'not valid JSON'],
    ['{"event_id":"cut-off",', 'not valid JSON'],
    ['[{"event_id":"in-an-array"}]', 'not a JSON object'],
    ['42', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['"just a string"', 'not a JSON object'],
    ['', ''],
    [
      json({ event_type: 'login', user_id: 'u-1', occurred_at: '2026-11-20T08:00:00Z' }),
      'event_id is required',
    ],
    [login('x'.repeat(129), '2026-11-20T08:00:00Z'), 'event_id is longer than 128 characters'],
    [login('empty-user', '2026-11-20T08:00:00Z', { user_id: '' }), 'user_id is empty'],
    [
      login('bad-type', '2026-11-20T08:00:00Z', { event_type: 'bet' }),
      'event_type must be one of signup, kyc_verified, deposit, withdrawal, trade, login',
    ],
    [json({ event_id: 'no-time', event_type: 'login', user_id: 'u-1' }), 'occurred_at is required'],
    [login('no-offset', '2026-11-20T08:00:00'), 'occurred_at has no UTC offset'],
    [login('pre-genesis', '2009-01-02T23:59:59Z'), 'occurred_at is before 2009-01-03'],
    [
      login('deposit-no-amount', '2026-11-20T08:00:00Z', { event_type: 'deposit' }),
      'amount_usd is required on deposit',
    ],
    [
      login('withdrawal-no-amount', '2026-11-20T08:00:00Z', { event_type: 'withdrawal' }),
      'amount_usd is required on withdrawal',
    ],
    [
      login('trade-no-amount', '2026-11-20T08:00:00Z', { event_type: 'trade' }),
      'amount_usd is required on trade',
    ],
    [
      json({
        event_id: 'ok-trade',
        event_type: 'trade',
        user_id: 'u-1',
        occurred_at: '2026-11-20T10:00:00Z',
        amount_usd: '12.50',
      }),
      null,
    ],
    [
      login('negative-amount', '2026-11-20T08:00:00Z', { event_type: 'deposit', amount_usd: -100 }),
      'amount_usd must be >= 0',
    ],
    [
      login('nan-amount', '2026-11-20T08:00:00Z', { event_type: 'trade', amount_usd: 'NaN' }),
      'amount_usd must be a finite number',
    ],
    [
      login('abc-amount', '2026-11-20T08:00:00Z', { event_type: 'withdrawal', amount_usd: 'abc' }),
      'amount_usd must be a finite number',
    ],
    [
      login('negative-fee', '2026-11-20T08:00:00Z', { event_type: 'trade', amount_usd: 10, fee_usd: -0.5 }),
      'fee_usd must be >= 0',
    ],
    [
      login('bad-platform', '2026-11-20T08:00:00Z', { platform: 'tv' }),
      'platform must be web, ios or android',
    ],
    ['   ', ''],
    [
      login('bad-product', '2026-11-20T08:00:00Z', {
        event_type: 'trade',
        amount_usd: 10,
        product: 'options',
      }),
      'product must be spot or futures',
    ],
    [login('', '2026-11-20T08:00:00Z'), 'event_id is empty'],
    [
      json({
        event_id: 'd'.repeat(128),
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20T11:00:00Z',
        amount_usd: 0,
      }),
      null,
    ],
    [
      json({
        event_id: 'ok-withdrawal',
        event_type: 'withdrawal',
        user_id: 'u-2',
        occurred_at: '2026-11-21T00:00:00Z',
        amount_usd: '75',
        partner_id: 'kol-alpha',
        platform: 'android',
      }),
      null,
    ],
    [login('feb-29', '2026-02-29T10:00:00Z'), 'occurred_at has an invalid date'],
  ];

  it('quarantines each bad line with its file, physical line, reason and raw text, and loads the good ones', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines(
      'rules.jsonl',
      LINES.map(([text]) => text),
    );
    const expectedQuarantine = LINES.flatMap(([text, reason], index) =>
      reason === null || reason === '' ? [] : [{ file, line: index + 1, reason, raw: text }],
    );

    // Act
    const result = await ingestFile(lake.context, 'events', file);

    // Assess
    expect(LINES).toHaveLength(30);
    expect(result).toMatchObject({
      file,
      kind: 'events',
      rowsRead: 28,
      rowsAccepted: 4,
      rowsDuplicate: 0,
      rowsQuarantined: 24,
      alreadyIngested: false,
    });
    expect(result.rowsRead).toBe(result.rowsAccepted + result.rowsDuplicate + result.rowsQuarantined);
    expect(expectedQuarantine).toHaveLength(24);
    expect(expectedQuarantine.map((row) => row.line)).toEqual([
      2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22, 23, 24, 26, 27, 30,
    ]);
    const quarantine = await lake.rows('select file, line, reason, raw from quarantine order by line');
    expect(quarantine).toEqual(expectedQuarantine);
    expect(await lake.rows('select ingest_id from quarantine group by ingest_id')).toEqual([
      { ingest_id: result.ingestId },
    ]);
  });

  it('stores the accepted lines with their normalised values', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines(
      'rules.jsonl',
      LINES.map(([text]) => text),
    );

    // Act
    const result = await ingestFile(lake.context, 'events', file);

    // Assess
    const stored = await lake.rows(
      `select ${EVENT_COLUMNS}, source_file, ingest_id from events order by occurred_at, event_id`,
    );
    const provenance = { source_file: file, ingest_id: result.ingestId };
    expect(stored).toEqual([
      {
        event_id: 'ok-signup',
        event_type: 'signup',
        user_id: 'u-1',
        occurred_at: '2026-11-20 08:00:00',
        partner_id: 'kol-alpha',
        amount_usd: null,
        fee_usd: null,
        product: null,
        country: 'VN',
        platform: 'ios',
        campaign_id: 'bf-2026',
        dt: '2026-11-20',
        ...provenance,
      },
      {
        event_id: 'ok-trade',
        event_type: 'trade',
        user_id: 'u-1',
        occurred_at: '2026-11-20 10:00:00',
        partner_id: null,
        amount_usd: 12.5,
        fee_usd: 0,
        product: 'spot',
        country: null,
        platform: null,
        campaign_id: null,
        dt: '2026-11-20',
        ...provenance,
      },
      {
        event_id: 'd'.repeat(128),
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20 11:00:00',
        partner_id: null,
        amount_usd: 0,
        fee_usd: null,
        product: null,
        country: null,
        platform: null,
        campaign_id: null,
        dt: '2026-11-20',
        ...provenance,
      },
      {
        event_id: 'ok-withdrawal',
        event_type: 'withdrawal',
        user_id: 'u-2',
        occurred_at: '2026-11-21 00:00:00',
        partner_id: null,
        amount_usd: 75,
        fee_usd: null,
        product: null,
        country: null,
        platform: 'android',
        campaign_id: null,
        dt: '2026-11-21',
        ...provenance,
      },
    ]);
    expect(
      await lake.rows(
        'select ingest_id, file, kind, cast(ingested_at as varchar) as ingested_at, rows_read, rows_accepted, ' +
          'rows_duplicate, rows_quarantined from ingest_log',
      ),
    ).toEqual([
      {
        ingest_id: result.ingestId,
        file,
        kind: 'events',
        ingested_at: '2026-11-22 06:00:00',
        rows_read: 28,
        rows_accepted: 4,
        rows_duplicate: 0,
        rows_quarantined: 24,
      },
    ]);
  });

  it('counts lines physically across CRLF endings and leading blank lines', async () => {
    // Prepare
    const lake = await newLake();
    const file = join(lake.root, 'crlf.jsonl');
    const text = [
      '',
      '',
      login('crlf-1', '2026-11-20T08:00:00Z'),
      'oops',
      '',
      login('crlf-2', '2026-11-20T09:00:00Z'),
    ];
    await writeFile(file, `${text.join('\r\n')}\r\n`);

    // Act
    const result = await ingestFile(lake.context, 'events', file);

    // Assess
    expect([result.rowsRead, result.rowsAccepted, result.rowsDuplicate, result.rowsQuarantined]).toEqual([
      3, 2, 0, 1,
    ]);
    expect(await lake.rows('select line, reason, raw from quarantine')).toEqual([
      { line: 4, reason: 'not valid JSON', raw: 'oops' },
    ]);
    expect(await lake.rows('select event_id, user_id from events order by event_id')).toEqual([
      { event_id: 'crlf-1', user_id: 'u-1' },
      { event_id: 'crlf-2', user_id: 'u-1' },
    ]);
  });

  it('keeps text with quotes, commas, escaped newlines and non-ASCII intact, in events and in quarantine', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines("partner's feed, v2.jsonl", [
      json({
        event_id: 'id,with "quotes"',
        event_type: 'signup',
        user_id: 'line\nbreak',
        occurred_at: '2026-11-20T08:00:00Z',
        partner_id: 'KOL "Ánh" 越南',
        country: '  ',
      }),
      '{"event_id":"bad, \\"quoted\\" 越南","event_type":"deposit","user_id":"u","occurred_at":"2026-11-20T08:00:00Z"}',
    ]);

    // Act
    await ingestFile(lake.context, 'events', file);

    // Assess
    expect(await lake.rows('select event_id, user_id, partner_id, country, source_file from events')).toEqual(
      [
        {
          event_id: 'id,with "quotes"',
          user_id: 'line\nbreak',
          partner_id: 'KOL "Ánh" 越南',
          country: '  ',
          source_file: file,
        },
      ],
    );
    expect(await lake.rows('select file, line, reason, raw from quarantine')).toEqual([
      {
        file,
        line: 2,
        reason: 'amount_usd is required on deposit',
        raw: '{"event_id":"bad, \\"quoted\\" 越南","event_type":"deposit","user_id":"u","occurred_at":"2026-11-20T08:00:00Z"}',
      },
    ]);
  });
});

describe('ingestFile events: deduplication on event_id', () => {
  it('keeps the first accepted line of an event_id within one file', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('dupes.jsonl', [
      login('e-1', '2026-11-20T10:00:00Z'),
      json({
        event_id: 'e-2',
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20T11:00:00Z',
        amount_usd: 100,
      }),
      json({
        event_id: 'e-1',
        event_type: 'deposit',
        user_id: 'u-9',
        occurred_at: '2026-11-21T10:00:00Z',
        amount_usd: 5,
      }),
      json({
        event_id: 'e-3',
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20T12:00:00Z',
        amount_usd: -1,
      }),
      json({
        event_id: 'e-3',
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20T12:00:00Z',
        amount_usd: 1,
      }),
      json({
        event_id: 'e-2',
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20T11:00:00Z',
        amount_usd: 100,
      }),
      json({
        event_id: 'e-3',
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20T12:00:00Z',
        amount_usd: 2,
      }),
    ]);

    // Act
    const result = await ingestFile(lake.context, 'events', file);

    // Assess
    // e-1 line 3, e-2 line 6 and e-3 line 7 are duplicates; e-3 line 4 is quarantined, so line 5 is the
    // first accepted e-3.
    expect([result.rowsRead, result.rowsAccepted, result.rowsDuplicate, result.rowsQuarantined]).toEqual([
      7, 3, 3, 1,
    ]);
    expect(
      await lake.rows(
        'select event_id, event_type, user_id, amount_usd, cast(dt as varchar) as dt from events order by event_id',
      ),
    ).toEqual([
      { event_id: 'e-1', event_type: 'login', user_id: 'u-1', amount_usd: null, dt: '2026-11-20' },
      { event_id: 'e-2', event_type: 'deposit', user_id: 'u-1', amount_usd: 100, dt: '2026-11-20' },
      { event_id: 'e-3', event_type: 'deposit', user_id: 'u-1', amount_usd: 1, dt: '2026-11-20' },
    ]);
    expect(await lake.rows('select line, reason from quarantine')).toEqual([
      { line: 4, reason: 'amount_usd must be >= 0' },
    ]);
    expect(
      await lake.rows('select cast(dt as varchar) as dt, rows_accepted from ingest_partitions order by dt'),
    ).toEqual([{ dt: '2026-11-20', rows_accepted: 3 }]);
  });

  it("drops a later file's event whose event_id was accepted before, whatever its content", async () => {
    // Prepare
    const lake = await newLake();
    const first = await lake.writeLines('day-1.jsonl', [
      login('e-1', '2026-11-20T10:00:00Z'),
      json({
        event_id: 'e-2',
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20T11:00:00Z',
        amount_usd: 100,
      }),
    ]);
    const second = await lake.writeLines('day-2.jsonl', [
      json({
        event_id: 'e-1',
        event_type: 'trade',
        user_id: 'u-7',
        occurred_at: '2026-11-22T09:00:00Z',
        amount_usd: 999,
        fee_usd: 9,
      }),
      login('e-4', '2026-11-22T10:00:00Z', { user_id: 'u-4' }),
      login('e-4', '2026-11-22T10:00:00Z', { user_id: 'u-4' }),
      json({
        event_id: 'e-2',
        event_type: 'deposit',
        user_id: 'u-1',
        occurred_at: '2026-11-20T11:00:00Z',
        amount_usd: 100,
      }),
    ]);

    // Act
    const firstResult = await ingestFile(lake.context, 'events', first);
    const secondResult = await ingestFile(lake.context, 'events', second);

    // Assess
    expect([firstResult.rowsRead, firstResult.rowsAccepted, firstResult.rowsDuplicate]).toEqual([2, 2, 0]);
    expect([
      secondResult.rowsRead,
      secondResult.rowsAccepted,
      secondResult.rowsDuplicate,
      secondResult.rowsQuarantined,
    ]).toEqual([4, 1, 3, 0]);
    expect(
      await lake.rows(
        'select event_id, event_type, user_id, amount_usd, source_file from events order by event_id',
      ),
    ).toEqual([
      { event_id: 'e-1', event_type: 'login', user_id: 'u-1', amount_usd: null, source_file: first },
      { event_id: 'e-2', event_type: 'deposit', user_id: 'u-1', amount_usd: 100, source_file: first },
      { event_id: 'e-4', event_type: 'login', user_id: 'u-4', amount_usd: null, source_file: second },
    ]);
    expect(
      await lake.rows(
        'select file, rows_read, rows_accepted, rows_duplicate, rows_quarantined from ingest_log order by file',
      ),
    ).toEqual([
      { file: first, rows_read: 2, rows_accepted: 2, rows_duplicate: 0, rows_quarantined: 0 },
      { file: second, rows_read: 4, rows_accepted: 1, rows_duplicate: 3, rows_quarantined: 0 },
    ]);
  });

  it('records per ingest and UTC date how many events it added, duplicates not included', async () => {
    // Prepare
    const lake = await newLake();
    const late = await lake.writeLines('late.jsonl', [
      login('evt-005', '2026-11-21T10:00:00Z'),
      login('late-1', '2026-11-21T23:59:59Z'),
      login('late-2', '2026-11-19T12:00:00Z'),
    ]);

    // Act
    const fixture = await ingestFile(lake.context, 'events', FIXTURE);
    const lateResult = await ingestFile(lake.context, 'events', late);

    // Assess
    const partitions = await lake.rows(
      'select ingest_id, kind, cast(dt as varchar) as dt, rows_accepted from ingest_partitions order by ingest_id, dt',
    );
    const expected = [
      { ingest_id: fixture.ingestId, kind: 'events', dt: '2026-11-20', rows_accepted: 4 },
      { ingest_id: fixture.ingestId, kind: 'events', dt: '2026-11-21', rows_accepted: 2 },
      { ingest_id: lateResult.ingestId, kind: 'events', dt: '2026-11-19', rows_accepted: 1 },
      { ingest_id: lateResult.ingestId, kind: 'events', dt: '2026-11-21', rows_accepted: 1 },
    ];
    expect(partitions).toEqual(expected.sort((a, b) => (a.ingest_id + a.dt < b.ingest_id + b.dt ? -1 : 1)));
    expect([lateResult.rowsRead, lateResult.rowsAccepted, lateResult.rowsDuplicate]).toEqual([3, 2, 1]);
    expect(
      await lake.rows(
        'select cast(dt as varchar) as dt, count(*) as events from events group by dt order by dt',
      ),
    ).toEqual([
      { dt: '2026-11-19', events: 1 },
      { dt: '2026-11-20', events: 4 },
      { dt: '2026-11-21', events: 3 },
    ]);
  });
});

describe('ingestFile events: formats, dates and idempotence', () => {
  it('loads a gzip file exactly as the plain file it was made from', async () => {
    // Prepare
    const plainLake = await newLake();
    const gzipLake = await newLake();
    const gzipped = join(gzipLake.root, 'events-two-days.jsonl.gz');
    await writeFile(gzipped, gzipSync(await readFile(FIXTURE)));

    // Act
    const plain = await ingestFile(plainLake.context, 'events', FIXTURE);
    const compressed = await ingestFile(gzipLake.context, 'events', gzipped);

    // Assess
    const counts = (r: typeof plain) => [r.rowsRead, r.rowsAccepted, r.rowsDuplicate, r.rowsQuarantined];
    expect(counts(plain)).toEqual([9, 6, 1, 2]);
    expect(counts(compressed)).toEqual([9, 6, 1, 2]);
    const eventsSql = `select ${EVENT_COLUMNS} from events order by event_id`;
    const plainEvents = await plainLake.rows(eventsSql);
    expect(plainEvents.map((row) => row.event_id)).toEqual([
      'evt-001',
      'evt-002',
      'evt-003',
      'evt-004',
      'evt-005',
      'evt-007',
    ]);
    expect(await gzipLake.rows(eventsSql)).toEqual(plainEvents);
    const quarantineSql = 'select line, reason, raw from quarantine order by line';
    expect(await plainLake.rows(quarantineSql)).toEqual([
      {
        line: 7,
        reason: 'amount_usd must be >= 0',
        raw: '{"event_id":"evt-006","event_type":"withdrawal","user_id":"u-001","occurred_at":"2026-11-21T11:00:00Z","amount_usd":-5}',
      },
      { line: 9, reason: 'not valid JSON', raw: 'not json' },
    ]);
    expect(await gzipLake.rows(quarantineSql)).toEqual(await plainLake.rows(quarantineSql));
    expect(await gzipLake.rows('select file from quarantine group by file')).toEqual([{ file: gzipped }]);
    expect(plain.ingestId).toBe(await sha256Of(FIXTURE));
    expect(compressed.ingestId).toBe(await sha256Of(gzipped));
  });

  it('treats the gzip of an ingested file as new bytes whose events are all duplicates', async () => {
    // Prepare
    const lake = await newLake();
    const gzipped = join(lake.root, 'again.jsonl.gz');
    await writeFile(gzipped, gzipSync(await readFile(FIXTURE)));
    await ingestFile(lake.context, 'events', FIXTURE);

    // Act
    const again = await ingestFile(lake.context, 'events', gzipped);

    // Assess
    expect(again.alreadyIngested).toBe(false);
    expect([again.rowsRead, again.rowsAccepted, again.rowsDuplicate, again.rowsQuarantined]).toEqual([
      9, 0, 7, 2,
    ]);
    expect(await lake.rows('select count(*) as events from events')).toEqual([{ events: 6 }]);
    expect(
      await lake.rows(
        `select count(*) as dates from ingest_partitions where ingest_id = '${again.ingestId}'`,
      ),
    ).toEqual([{ dates: 0 }]);
  });

  it('stores occurred_at in UTC and partitions each event by its UTC date', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('offsets.jsonl', [
      login('tz-east', '2026-11-21T02:00:00+08:00'),
      login('tz-west', '2026-11-20T22:00:00-05:00'),
      login('tz-last-ms', '2026-11-20T23:59:59.999Z'),
      login('tz-india', '2026-11-21T05:29:59+0530'),
      login('tz-new-year', '2026-01-01T01:00:00+02:00'),
    ]);

    // Act
    const result = await ingestFile(lake.context, 'events', file);

    // Assess
    expect(result.rowsAccepted).toBe(5);
    expect(
      await lake.rows(
        'select event_id, cast(occurred_at as varchar) as occurred_at, cast(dt as varchar) as dt from events order by event_id',
      ),
    ).toEqual([
      { event_id: 'tz-east', occurred_at: '2026-11-20 18:00:00', dt: '2026-11-20' },
      { event_id: 'tz-india', occurred_at: '2026-11-20 23:59:59', dt: '2026-11-20' },
      { event_id: 'tz-last-ms', occurred_at: '2026-11-20 23:59:59.999', dt: '2026-11-20' },
      { event_id: 'tz-new-year', occurred_at: '2025-12-31 23:00:00', dt: '2025-12-31' },
      { event_id: 'tz-west', occurred_at: '2026-11-21 03:00:00', dt: '2026-11-21' },
    ]);
    expect(
      await lake.rows('select cast(dt as varchar) as dt, rows_accepted from ingest_partitions order by dt'),
    ).toEqual([
      { dt: '2025-12-31', rows_accepted: 1 },
      { dt: '2026-11-20', rows_accepted: 3 },
      { dt: '2026-11-21', rows_accepted: 1 },
    ]);
    const partitionDirs = new Set(
      (await lake.lake.store.list('curated/events')).map((f) => f.key.split('/')[2]),
    );
    expect([...partitionDirs].sort()).toEqual(['dt=2025-12-31', 'dt=2026-11-20', 'dt=2026-11-21']);
  });

  it('returns the earlier counts for bytes ingested before and changes no table or file', async () => {
    // Prepare
    const lake = await newLake();
    const copy = join(lake.root, 'renamed-copy.jsonl');
    await writeFile(copy, await readFile(FIXTURE));
    const first = await ingestFile(lake.context, 'events', FIXTURE);
    const tablesBefore = await snapshotTables(lake.lake.engine);
    const filesBefore = await lakeFiles(lake.lake);

    // Act
    const again = await ingestFile(
      { ...lake.context, now: () => new Date('2027-01-01T00:00:00Z') },
      'events',
      FIXTURE,
    );
    const renamed = await ingestFile(lake.context, 'events', copy);

    // Assess
    expect(first.alreadyIngested).toBe(false);
    expect(first.ingestId).toBe(await sha256Of(FIXTURE));
    for (const repeat of [again, renamed]) {
      expect(repeat).toMatchObject({
        kind: 'events',
        ingestId: first.ingestId,
        rowsRead: 9,
        rowsAccepted: 6,
        rowsDuplicate: 1,
        rowsQuarantined: 2,
        alreadyIngested: true,
      });
    }
    expect(await snapshotTables(lake.lake.engine)).toEqual(tablesBefore);
    expect(await lakeFiles(lake.lake)).toEqual(filesBefore);
    expect(tablesBefore.ingest_log).toHaveLength(1);
    expect(tablesBefore.events).toHaveLength(6);
  });

  it('leaves no staging files behind', async () => {
    // Prepare
    const lake = await newLake();

    // Act
    await ingestFile(lake.context, 'events', FIXTURE);

    // Assess
    expect(await lake.lake.store.list('staging')).toEqual([]);
  });

  it('fails with a one-line IngestError for a missing file or a directory, writing nothing', async () => {
    // Prepare
    const lake = await newLake();
    const missing = join(lake.root, 'no-such-file.jsonl');

    // Act
    const missingError = await ingestFile(lake.context, 'events', missing).catch((error: unknown) => error);
    const directoryError = await ingestFile(lake.context, 'events', lake.root).catch(
      (error: unknown) => error,
    );

    // Assess
    for (const [error, path] of [
      [missingError, missing],
      [directoryError, lake.root],
    ] as const) {
      expect(error).toBeInstanceOf(IngestError);
      expect((error as Error).name).toBe('IngestError');
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).not.toMatch(/[\r\n]/);
    }
    expect((missingError as Error).message).toContain('ENOENT');
    expect(await lakeFiles(lake.lake)).toEqual([]);
  });

  it('quarantines a line longer than 16 MiB unread, with its length, and loads the lines around it', async () => {
    // Prepare: a valid event, then a 17 MiB line (a broken export), then another valid event.
    const lake = await newLake();
    const file = join(lake.root, 'events-long-line.jsonl');
    const long = `{"event_id":"evt-long","junk":"${'x'.repeat(17 * 1024 * 1024)}"}`;
    await writeFile(
      file,
      [
        '{"event_id":"evt-a","event_type":"signup","user_id":"u-a","occurred_at":"2026-11-20T08:15:00Z"}',
        long,
        '{"event_id":"evt-b","event_type":"login","user_id":"u-a","occurred_at":"2026-11-20T09:15:00Z"}',
        '',
      ].join('\n'),
    );

    // Act
    const result = await ingestFile(lake.context, 'events', file);

    // Assess: 3 lines read, 2 accepted, the long one quarantined with its byte length and head.
    expect([result.rowsRead, result.rowsAccepted, result.rowsQuarantined]).toEqual([3, 2, 1]);
    expect(await lake.rows('select event_id from events order by event_id')).toEqual([
      { event_id: 'evt-a' },
      { event_id: 'evt-b' },
    ]);
    const [quarantined] = await lake.rows('select line, reason, raw from quarantine');
    expect(quarantined?.line).toBe(2);
    expect(quarantined?.reason).toBe(
      `line is ${long.length} bytes long, more than the 16 MiB an event line may have: not read`,
    );
    expect(String(quarantined?.raw)).toBe(long.slice(0, 8192));
  });

  it('fails with a one-line IngestError for a truncated gzip file, writing nothing', async () => {
    // Prepare: the fixture gzipped, cut off in the middle of its compressed stream.
    const lake = await newLake();
    const truncated = join(lake.root, 'events-cut.jsonl.gz');
    const whole = gzipSync(await readFile(FIXTURE));
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));

    // Act
    const error = await ingestFile(lake.context, 'events', truncated).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(IngestError);
    expect((error as Error).message).toBe(
      `${truncated}: the gzip data is truncated or corrupt (unexpected end of file); the file was not ingested: send it again whole`,
    );
    expect(await lake.rows('select count(*) as n from events')).toEqual([{ n: 0 }]);
    expect(await lake.rows('select count(*) as n from ingest_log')).toEqual([{ n: 0 }]);
  });
});

describe('ingestFile events: validation on worker threads', () => {
  /**
   * 9000 lines over 3 batches of 4096: login `bulk-<i>` on 2026-11-20 (even i) or 2026-11-21 (odd i);
   * every 1000th line a deposit with a negative amount; line 8500 repeats the event_id of line 5.
   */
  function bulkLines(): string[] {
    return Array.from({ length: 9000 }, (_, index) => {
      const i = index + 1;
      const occurredAt = `2026-11-${i % 2 === 0 ? 20 : 21}T12:00:00Z`;
      if (i % 1000 === 0) {
        return json({
          event_id: `bulk-${i}`,
          event_type: 'deposit',
          user_id: 'u-1',
          occurred_at: occurredAt,
          amount_usd: -1,
        });
      }
      if (i === 8500) return login('bulk-5', occurredAt, { user_id: 'late-duplicate' });
      return login(`bulk-${i}`, occurredAt, { user_id: `u-${i % 50}` });
    });
  }

  it('stores and quarantines exactly what inline validation does, batches finishing in any order', async () => {
    // Prepare
    const inline = await newLake();
    const threaded = await newLake();
    const file = await inline.writeLines('bulk.jsonl', bulkLines());

    // Act
    const inlineResult = await ingestFile({ ...inline.context, validationThreads: 0 }, 'events', file);
    const threadedResult = await ingestFile({ ...threaded.context, validationThreads: 2 }, 'events', file);

    // Assess
    const counts = (r: typeof inlineResult) => [
      r.rowsRead,
      r.rowsAccepted,
      r.rowsDuplicate,
      r.rowsQuarantined,
    ];
    expect(counts(inlineResult)).toEqual([9000, 8990, 1, 9]);
    expect(counts(threadedResult)).toEqual([9000, 8990, 1, 9]);
    expect(inlineResult.ingestId).toBe(await sha256Of(file));
    expect(threadedResult.ingestId).toBe(inlineResult.ingestId);
    expect(await threaded.rows("select user_id from events where event_id = 'bulk-5'")).toEqual([
      { user_id: 'u-5' },
    ]);
    expect((await threaded.rows('select line from quarantine order by line')).map((row) => row.line)).toEqual(
      [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000],
    );
    expect(
      await threaded.rows(
        'select cast(dt as varchar) as dt, rows_accepted from ingest_partitions order by dt',
      ),
    ).toEqual([
      { dt: '2026-11-20', rows_accepted: 4490 },
      { dt: '2026-11-21', rows_accepted: 4500 },
    ]);
    expect(await snapshotTables(threaded.lake.engine)).toEqual(await snapshotTables(inline.lake.engine));
  });
});

describe('ingestFile events: an interrupted ingest completed by ingesting again', () => {
  it.each([QUARANTINE, INGEST_PARTITIONS, INGEST_LOG])(
    'ends with exactly the rows of a clean ingest after a crash before writing $name',
    async (crashedTable) => {
      // Prepare
      const clean = await newLake();
      await ingestFile(clean.context, 'events', FIXTURE);
      const expected = await snapshotTables(clean.lake.engine);
      const lake = await newLake();
      const crashing = { ...lake.context, engine: failFirstWriteTo(lake.lake.engine, crashedTable) };
      const crash = await ingestFile(crashing, 'events', FIXTURE).catch((error: unknown) => error);
      const eventsAfterCrash = await lake.rows('select count(*) as events from events');

      // Act
      const retry = await ingestFile(lake.context, 'events', FIXTURE);

      // Assess
      expect((crash as Error).message).toBe(`simulated crash before writing ${crashedTable.name}`);
      expect(eventsAfterCrash).toEqual([{ events: 6 }]);
      expect(retry.alreadyIngested).toBe(false);
      expect([retry.rowsRead, retry.rowsAccepted, retry.rowsDuplicate, retry.rowsQuarantined]).toEqual([
        9, 6, 1, 2,
      ]);
      expect(await snapshotTables(lake.lake.engine)).toEqual(expected);
      expect(await lake.lake.store.list('staging')).toEqual([]);
    },
  );

  it("replaces the rows that stale files of the ingest's own prefix hold in curated/events", async () => {
    // Prepare
    const first = await newLake();
    await ingestFile(first.context, 'events', FIXTURE);
    const expected = await snapshotTables(first.lake.engine);
    const staleFiles = (await first.lake.store.list('curated/events')).map((f) => f.key);
    const root = await mkdtemp(join(tmpdir(), 'growthlake-ingest-stale-'));
    await mkdir(join(root, 'lake', 'curated'), { recursive: true });
    await cp(join(first.lakeDir, 'curated', 'events'), join(root, 'lake', 'curated', 'events'), {
      recursive: true,
    });
    const lake = await newLake(root);
    const eventsBefore = await lake.rows('select count(*) as events from events');
    const loggedBefore = await lake.rows('select count(*) as logged from ingest_log');

    // Act
    const result = await ingestFile(lake.context, 'events', FIXTURE);

    // Assess
    expect(staleFiles.length).toBeGreaterThan(0);
    expect(eventsBefore).toEqual([{ events: 6 }]);
    expect(loggedBefore).toEqual([{ logged: 0 }]);
    expect([result.rowsRead, result.rowsAccepted, result.rowsDuplicate, result.rowsQuarantined]).toEqual([
      9, 6, 1, 2,
    ]);
    expect(await snapshotTables(lake.lake.engine)).toEqual(expected);
    expect((await lake.lake.store.list('curated/events')).map((f) => f.key)).toEqual(staleFiles);
  });
});
