import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestError } from '../../lambdas/ingest/errors.ts';
import { type IngestResult, ingestFile } from '../../lambdas/ingest/ingest.ts';
import {
  FIXTURES_DIR,
  ingestFailure,
  lakeFiles,
  openTestLake,
  snapshotTables,
  type TestLake,
  watchStore,
} from './lake-helpers.ts';

/** Three partners: aff-one, kol-two, cnt-three. */
const PARTNERS_V1 = join(FIXTURES_DIR, 'partners-v1.csv');
/** The next snapshot: aff-one and kol-two changed, cnt-three dropped, com-four added. */
const PARTNERS_V2 = join(FIXTURES_DIR, 'partners-v2.csv');
/** EUR 1.08 / GBP 1.27 on 2026-11-20, EUR 1.10 / GBP 1.25 on 2026-11-21. */
const FX_FIXTURE = join(FIXTURES_DIR, 'fx-2026-11.csv');

const PARTNER_HEADER =
  'partner_id,name,channel,network,revshare_rate,status,min_daily_budget_usd,max_daily_budget_usd';

const PARTNERS_SQL = 'select * from partners order by partner_id';
const FX_SQL =
  'select cast(fx_date as varchar) as fx_date, currency, usd_per_unit from fx order by fx_date, currency';

const opened: TestLake[] = [];
async function newLake(): Promise<TestLake> {
  const lake = await openTestLake();
  opened.push(lake);
  return lake;
}

afterEach(async () => {
  for (const lake of opened.splice(0)) await lake.close();
});

const counts = (r: IngestResult) => [r.rowsRead, r.rowsAccepted, r.rowsDuplicate, r.rowsQuarantined];

describe('ingestFile partners: the registry is a snapshot', () => {
  it('loads every column of the registry, reading an empty revshare_rate as 0', async () => {
    // Prepare
    const lake = await newLake();

    // Act
    const result = await ingestFile(lake.context, 'partners', PARTNERS_V1);

    // Assess
    expect(counts(result)).toEqual([3, 3, 0, 0]);
    expect(await lake.rows(PARTNERS_SQL)).toEqual([
      {
        partner_id: 'aff-one',
        name: 'Affiliate One',
        channel: 'affiliate',
        network: 'impact',
        revshare_rate: 0.25,
        status: 'active',
        min_daily_budget_usd: 100,
        max_daily_budget_usd: 1000,
      },
      {
        partner_id: 'cnt-three',
        name: 'Content Three',
        channel: 'content',
        network: null,
        revshare_rate: 0.1,
        status: 'paused',
        min_daily_budget_usd: 0,
        max_daily_budget_usd: null,
      },
      {
        partner_id: 'kol-two',
        name: 'KOL Two',
        channel: 'kol',
        network: null,
        revshare_rate: 0,
        status: 'active',
        min_daily_budget_usd: null,
        max_daily_budget_usd: null,
      },
    ]);
  });

  it('replaces the previous registry whole, so a partner absent from the new file disappears', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'partners', PARTNERS_V1);

    // Act
    const result = await ingestFile(lake.context, 'partners', PARTNERS_V2);

    // Assess
    expect(counts(result)).toEqual([3, 3, 0, 0]);
    expect(await lake.rows(PARTNERS_SQL)).toEqual([
      {
        partner_id: 'aff-one',
        name: 'Affiliate One',
        channel: 'affiliate',
        network: 'impact',
        revshare_rate: 0.3,
        status: 'active',
        min_daily_budget_usd: 150,
        max_daily_budget_usd: 1200,
      },
      {
        partner_id: 'com-four',
        name: 'Community Four',
        channel: 'community',
        network: null,
        revshare_rate: 1,
        status: 'active',
        min_daily_budget_usd: 50,
        max_daily_budget_usd: 50,
      },
      {
        partner_id: 'kol-two',
        name: 'KOL Two',
        channel: 'kol',
        network: null,
        revshare_rate: 0.2,
        status: 'paused',
        min_daily_budget_usd: null,
        max_daily_budget_usd: null,
      },
    ]);
    expect(await lake.rows("select count(*) as n from partners where partner_id = 'cnt-three'")).toEqual([
      { n: 0 },
    ]);
    expect(await lake.rows("select count(*) as files from ingest_log where kind = 'partners'")).toEqual([
      { files: 2 },
    ]);
  });

  it('quarantines invalid rows with their reasons and loads the valid ones', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('partners.csv', [
      PARTNER_HEADER,
      'ok-1,OK One,affiliate,,0,active,,',
      'rs-high,High,kol,,1.5,active,,',
      'rs-negative,Negative,kol,,-0.1,active,,',
      'ch-bad,Bad Channel,tv,,,active,,',
      'st-bad,Bad Status,kol,,,live,,',
      'mm-bad,Min Above Max,kol,,,active,500,100',
      'mm-equal,Min Equals Max,kol,,,active,100,100',
      '',
      ',No Id,kol,,,active,,',
      'short,Too Short,kol',
      'ok-2,OK Two,network,awin,1,paused,,250',
      'budget-negative,Negative Budget,kol,,,active,-5,',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'partners', file);

    // Assess
    expect(counts(result)).toEqual([11, 3, 0, 8]);
    expect(await lake.rows('select file, line, reason from quarantine order by line')).toEqual([
      { file, line: 3, reason: 'revshare_rate must be between 0 and 1' },
      { file, line: 4, reason: 'revshare_rate must be between 0 and 1' },
      { file, line: 5, reason: 'channel must be one of affiliate, kol, content, community, network, other' },
      { file, line: 6, reason: 'status must be active or paused' },
      { file, line: 7, reason: 'min_daily_budget_usd is above max_daily_budget_usd' },
      { file, line: 10, reason: 'partner_id is empty' },
      { file, line: 11, reason: 'has 3 fields, the header has 8' },
      { file, line: 13, reason: 'min_daily_budget_usd must be >= 0' },
    ]);
    expect(
      await lake.rows(
        'select partner_id, channel, network, revshare_rate, status, min_daily_budget_usd, max_daily_budget_usd ' +
          'from partners order by partner_id',
      ),
    ).toEqual([
      {
        partner_id: 'mm-equal',
        channel: 'kol',
        network: null,
        revshare_rate: 0,
        status: 'active',
        min_daily_budget_usd: 100,
        max_daily_budget_usd: 100,
      },
      {
        partner_id: 'ok-1',
        channel: 'affiliate',
        network: null,
        revshare_rate: 0,
        status: 'active',
        min_daily_budget_usd: null,
        max_daily_budget_usd: null,
      },
      {
        partner_id: 'ok-2',
        channel: 'network',
        network: 'awin',
        revshare_rate: 1,
        status: 'paused',
        min_daily_budget_usd: null,
        max_daily_budget_usd: 250,
      },
    ]);
  });

  it('keeps the later row of a partner_id listed twice in one file', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('partners.csv', [
      PARTNER_HEADER,
      'aff-one,Old Name,affiliate,impact,0.25,active,100,1000',
      'kol-two,KOL Two,kol,,,active,,',
      'aff-one,New Name,kol,,0.4,paused,,',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'partners', file);

    // Assess
    expect(counts(result)).toEqual([3, 2, 1, 0]);
    expect(
      await lake.rows(
        'select partner_id, name, channel, network, revshare_rate, status from partners order by partner_id',
      ),
    ).toEqual([
      {
        partner_id: 'aff-one',
        name: 'New Name',
        channel: 'kol',
        network: null,
        revshare_rate: 0.4,
        status: 'paused',
      },
      {
        partner_id: 'kol-two',
        name: 'KOL Two',
        channel: 'kol',
        network: null,
        revshare_rate: 0,
        status: 'active',
      },
    ]);
  });

  it.each([
    [
      'has no channel column',
      ['partner_id,name,network,revshare_rate,status', 'new-one,New,,0.1,active'],
      'channel',
    ],
    [
      'has no partner_id column',
      ['name,channel,network,revshare_rate,status', 'New,kol,,0.1,active'],
      'partner_id',
    ],
  ])(
    'refuses a registry that %s with a one-line IngestError and keeps the current one',
    async (_, lines, column) => {
      // Prepare
      const lake = await newLake();
      await ingestFile(lake.context, 'partners', PARTNERS_V1);
      const file = await lake.writeLines('partners-broken.csv', lines);
      const tablesBefore = await snapshotTables(lake.lake.engine);
      const filesBefore = await lakeFiles(lake.lake);

      // Act
      const error = await ingestFailure(lake.context, 'partners', file);

      // Assess
      expect(error).toBeInstanceOf(IngestError);
      expect(error.message).toContain(file);
      expect(error.message).toContain(column);
      expect(error.message).not.toMatch(/[\r\n]/);
      expect(await snapshotTables(lake.lake.engine)).toEqual(tablesBefore);
      expect(await lakeFiles(lake.lake)).toEqual(filesBefore);
      expect(tablesBefore.partners).toHaveLength(3);
    },
  );

  it.each([
    [
      'every row is invalid',
      [PARTNER_HEADER, 'bad-1,Bad,tv,,,active,,', 'bad-2,Bad,kol,,2,active,,', 'bad-3,Bad'],
    ],
    ['it has a header and no rows', [PARTNER_HEADER]],
    ['it is empty', ['']],
  ])('refuses a registry in which %s and keeps the current one', async (_, lines) => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'partners', PARTNERS_V1);
    const file = await lake.writeLines('partners-empty.csv', lines);
    const tablesBefore = await snapshotTables(lake.lake.engine);
    const filesBefore = await lakeFiles(lake.lake);

    // Act
    const error = await ingestFailure(lake.context, 'partners', file);
    const again = await ingestFailure(lake.context, 'partners', file);

    // Assess
    expect(error).toBeInstanceOf(IngestError);
    expect(error.message).toContain(file);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(again).toBeInstanceOf(IngestError);
    expect(await snapshotTables(lake.lake.engine)).toEqual(tablesBefore);
    expect(await lakeFiles(lake.lake)).toEqual(filesBefore);
    expect(await lake.lake.store.list('staging')).toEqual([]);
  });

  // A stage that fails fast aborts its staging streams before FsStore.putStream (after an awaited
  // mkdir) has piped them anywhere; the abort's 'error' event then has no listener.
  it('raises no uncaught exception when a registry is refused before the store begins reading', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('partners-header-only.csv', [PARTNER_HEADER]);
    let open: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    const watched = watchStore(lake.lake.store, opened);

    // Act
    const outcome = await ingestFile({ ...lake.context, store: watched.store }, 'partners', file).then(
      () => undefined,
      (error: unknown) => error,
    );
    open();
    await Promise.all(watched.uploads);

    // Assess
    expect(outcome).toBeInstanceOf(IngestError);
    expect(watched.unlistenedErrors).toEqual([]);
  });

  it('loads a valid registry after a refused one', async () => {
    // Prepare
    const lake = await newLake();
    const refused = await lake.writeLines('refused.csv', [PARTNER_HEADER, 'bad-1,Bad,tv,,,active,,']);
    await ingestFailure(lake.context, 'partners', refused);

    // Act
    const result = await ingestFile(lake.context, 'partners', PARTNERS_V2);

    // Assess
    expect(counts(result)).toEqual([3, 3, 0, 0]);
    expect(
      (await lake.rows('select partner_id from partners order by partner_id')).map((r) => r.partner_id),
    ).toEqual(['aff-one', 'com-four', 'kol-two']);
    expect(await lake.rows('select file from ingest_log')).toEqual([{ file: PARTNERS_V2 }]);
  });
});

describe('ingestFile fx: rates merge by (date, currency)', () => {
  it('loads every rate of a file', async () => {
    // Prepare
    const lake = await newLake();

    // Act
    const result = await ingestFile(lake.context, 'fx', FX_FIXTURE);

    // Assess
    expect(counts(result)).toEqual([4, 4, 0, 0]);
    expect(await lake.rows(FX_SQL)).toEqual([
      { fx_date: '2026-11-20', currency: 'EUR', usd_per_unit: 1.08 },
      { fx_date: '2026-11-20', currency: 'GBP', usd_per_unit: 1.27 },
      { fx_date: '2026-11-21', currency: 'EUR', usd_per_unit: 1.1 },
      { fx_date: '2026-11-21', currency: 'GBP', usd_per_unit: 1.25 },
    ]);
  });

  it('replaces the rates a later file gives for the same date and currency and keeps the others', async () => {
    // Prepare
    const lake = await newLake();
    const later = await lake.writeLines('fx-later.csv', [
      'date,currency,usd_per_unit',
      '2026-11-20,EUR,1.09',
      '2026-11-22,EUR,1.11',
      '2026-11-21,gbp,1.26',
    ]);
    await ingestFile(lake.context, 'fx', FX_FIXTURE);

    // Act
    const result = await ingestFile(lake.context, 'fx', later);

    // Assess
    expect(counts(result)).toEqual([3, 3, 0, 0]);
    expect(await lake.rows(FX_SQL)).toEqual([
      { fx_date: '2026-11-20', currency: 'EUR', usd_per_unit: 1.09 },
      { fx_date: '2026-11-20', currency: 'GBP', usd_per_unit: 1.27 },
      { fx_date: '2026-11-21', currency: 'EUR', usd_per_unit: 1.1 },
      { fx_date: '2026-11-21', currency: 'GBP', usd_per_unit: 1.26 },
      { fx_date: '2026-11-22', currency: 'EUR', usd_per_unit: 1.11 },
    ]);
  });

  it('keeps the later line of a date and currency within one file and quarantines invalid rates', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('fx.csv', [
      'date,currency,usd_per_unit',
      '2026-11-20,EUR,1.08',
      '2026-11-20,eur,1.085',
      '2026-11-20,GBP,0',
      '2026-11-20,JPY,-0.0067',
      '2026-11-20,CHF,abc',
      '2026-02-30,EUR,1.08',
      '2026-11-20,EURO,1.08',
      '',
      '2026-11-20,SGD',
      '2026-11-20,SGD,0.74',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'fx', file);

    // Assess
    expect(counts(result)).toEqual([9, 2, 1, 6]);
    const quarantine = await lake.rows('select line, reason from quarantine order by line');
    expect(quarantine.map((row) => row.line)).toEqual([4, 5, 6, 7, 8, 10]);
    const reasons = quarantine.map((row) => String(row.reason));
    expect(reasons.slice(0, 2)).toEqual([
      'usd_per_unit must be a number > 0',
      'usd_per_unit must be a number > 0',
    ]);
    expect(reasons[2]).toMatch(/^usd_per_unit\b/);
    expect(reasons[3]).toMatch(/^date\b/);
    expect(reasons[4]).toBe('currency must be a 3-letter ISO 4217 code');
    expect(reasons[5]).toBe('has 2 fields, the header has 3');
    expect(await lake.rows(FX_SQL)).toEqual([
      { fx_date: '2026-11-20', currency: 'EUR', usd_per_unit: 1.085 },
      { fx_date: '2026-11-20', currency: 'SGD', usd_per_unit: 0.74 },
    ]);
  });

  it('refuses an FX file without the usd_per_unit column and keeps the current rates', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'fx', FX_FIXTURE);
    const file = await lake.writeLines('fx-broken.csv', ['date,currency,rate', '2026-11-20,EUR,2']);
    const tablesBefore = await snapshotTables(lake.lake.engine);

    // Act
    const error = await ingestFailure(lake.context, 'fx', file);

    // Assess
    expect(error).toBeInstanceOf(IngestError);
    expect(error.message).toContain('usd_per_unit');
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(await snapshotTables(lake.lake.engine)).toEqual(tablesBefore);
  });
});
