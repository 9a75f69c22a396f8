import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { growthlake } from './growthlake-cli.ts';

describe('growthlake CLI', () => {
  let dir: string;
  /** A lake with events.jsonl ingested, which the tests only read. */
  let ingested: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'growthlake-cli-'));
    ingested = join(dir, 'ingested-lake');
    await writeFile(
      join(dir, 'events.jsonl'),
      [
        '{"event_id":"e1","event_type":"signup","user_id":"u1","occurred_at":"2026-11-20T10:00:00Z","partner_id":"kol-1"}',
        '{"event_id":"e2","event_type":"trade","user_id":"u1","occurred_at":"2026-11-21T01:00:00+02:00","amount_usd":"100.5","fee_usd":0.1}',
        'not json',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'partners.csv'), 'partner_id,name,channel\nkol-1,Alice,kol\n');
    const ingest = await growthlake('ingest', 'events', join(dir, 'events.jsonl'), '--lake', ingested);
    if (ingest.code !== 0) throw new Error(`could not ingest the fixture: ${ingest.stderr}`);
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('lists every contract command in --help', async () => {
    const result = await growthlake('--help');
    expect(result.code).toBe(0);
    for (const command of ['ingest', 'run', 'backfill', 'query', 'generate', 'demo']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it('lists every input kind in ingest --help', async () => {
    const result = await growthlake('ingest', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('events|spend|partners|fx|campaigns|exposures');
  });

  it('ingests a file, prints its counts and exits 0 even with quarantined rows', async () => {
    const result = await growthlake(
      'ingest',
      'events',
      join(dir, 'events.jsonl'),
      '--lake',
      join(dir, 'new-lake'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('read=3 accepted=2 duplicate=0 quarantined=1');
  });

  it('answers a query as JSON rows with dates as YYYY-MM-DD', async () => {
    const result = await growthlake(
      'query',
      'select event_id, dt, amount_usd from events order by event_id',
      '--lake',
      ingested,
      '--format',
      'json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { event_id: 'e1', dt: '2026-11-20', amount_usd: null },
      { event_id: 'e2', dt: '2026-11-20', amount_usd: 100.5 },
    ]);
  });

  it('answers a query as CSV with a header', async () => {
    const result = await growthlake(
      'query',
      'select line, reason from quarantine',
      '--lake',
      ingested,
      '--format',
      'csv',
    );
    expect(result.stdout).toBe('line,reason\n3,not valid JSON\n');
  });

  it.each([
    [['ingest', 'events', '/nonexistent/file.jsonl'], /cannot read \/nonexistent\/file\.jsonl/],
    [['ingest', 'clicks', 'x.csv'], /kind must be one of events, spend, partners, fx/],
    [['query', 'drop table events'], /read-only/],
    [['query', 'select * from no_such_table'], /no_such_table/],
    [['run', '--date', '2026-13-01'], /YYYY-MM-DD/],
  ])('fails with one line and a non-zero exit: %j', async (args, message) => {
    const result = await growthlake(...args, '--lake', ingested);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a malformed partner registry and keeps the current one', async () => {
    const lake = join(dir, 'partners-lake');
    const before = await growthlake('ingest', 'partners', join(dir, 'partners.csv'), '--lake', lake);
    expect(before.code).toBe(0);
    const bad = join(dir, 'bad-partners.csv');
    await writeFile(bad, 'id,title\nx,y\n');

    const result = await growthlake('ingest', 'partners', bad, '--lake', lake);

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/header has no column partner_id, channel/);
    const partners = await growthlake(
      'query',
      'select partner_id from partners',
      '--lake',
      lake,
      '--format',
      'json',
    );
    expect(JSON.parse(partners.stdout)).toEqual([{ partner_id: 'kol-1' }]);
  });

  it('ingests a campaign registry and an exposures file, printing their counts', async () => {
    const campaigns = join(dir, 'campaigns.csv');
    await writeFile(
      campaigns,
      'campaign_id,name,owner,start_date,end_date,window_days,pre_days,holdout_share,cost_per_treated_usd,primary_metric\n' +
        'welcome,Welcome,crm,2026-11-01,,,,0.1,,ftd\n',
    );
    const exposures = join(dir, 'exposures.csv');
    await writeFile(
      exposures,
      'campaign_id,user_id,arm,assigned_at\nwelcome,u1,treatment,2026-11-20T10:00:00Z\n' +
        'welcome,u1,control,2026-11-21T10:00:00Z\nwelcome,u2,variant,2026-11-21T10:00:00Z\n',
    );

    // A lake of its own, so that the other tests' lake and its quarantine stay as they expect.
    const campaignLake = join(dir, 'campaign-lake');

    const registry = await growthlake('ingest', 'campaigns', campaigns, '--lake', campaignLake);
    const exposed = await growthlake('ingest', 'exposures', exposures, '--lake', campaignLake);

    expect(registry.code).toBe(0);
    expect(registry.stdout).toBe(`${campaigns}: campaigns read=1 accepted=1 duplicate=0 quarantined=0\n`);
    expect(exposed.code).toBe(0);
    expect(exposed.stdout).toBe(`${exposures}: exposures read=3 accepted=1 duplicate=1 quarantined=1\n`);
  });
  it('ingests a tracker map and an AppsFlyer export, printing their counts', async () => {
    const map = join(dir, 'tracker-map.csv');
    await writeFile(map, 'source,source_key,partner_id\nappsflyer,aff_network_1,p1\nsnapchat,x,p2\n');
    const appsflyer = join(dir, 'appsflyer.csv');
    await writeFile(
      appsflyer,
      'Event Time,Event Name,AppsFlyer ID,Media Source,Customer User ID\n' +
        '2026-11-21 09:00:00,af_complete_registration,A1,aff_network_1,u1\n' +
        '2026-11-21 09:00:00,af_complete_registration,A1,aff_network_1,u1\n' +
        '2026-11-21T09:00:00Z,af_complete_registration,A2,aff_network_1,u2\n',
    );
    const trackerLake = join(dir, 'tracker-lake');

    const mapped = await growthlake('ingest', 'tracker-map', map, '--lake', trackerLake);
    const tracked = await growthlake('ingest', 'appsflyer', appsflyer, '--lake', trackerLake);

    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toBe(`${map}: tracker-map read=2 accepted=1 duplicate=0 quarantined=1\n`);
    expect(tracked.code).toBe(0);
    expect(tracked.stdout).toBe(`${appsflyer}: appsflyer read=3 accepted=1 duplicate=1 quarantined=1\n`);
  });
});
