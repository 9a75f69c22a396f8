/**
 * Every table of the registry keeps its key: after a realistic run on generated data, each table's
 * `key` is unique and never null, checked with SQL built from the registry. A table the run left
 * empty fails its test, so none passes for want of rows. Staging tables hold a file's rows only while
 * it is ingested, so theirs are checked then, at every ingest.
 *
 * The run: 90 generated days (late events, repeated event ids, restated spend, bad rows), the
 * older days ingested as one events file and one spend file, the last week file by file, a
 * corrected events file landed under the name of one already ingested, a campaign and its
 * exposures, tracker exports of the users who signed up and a tracker map, then three daily runs.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputKind } from '../../lambdas/contract/inputs.ts';
import { DEFAULT_RUN_CONFIG } from '../../lambdas/contract/run-config.ts';
import type { TableDef } from '../../lambdas/contract/table-def.ts';
import { TABLES } from '../../lambdas/contract/tables.ts';
import { type GeneratedInputFile, generate, inputFiles } from '../../lambdas/generate/generate.ts';
import { type IngestContext, ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { backfill } from '../../lambdas/pipeline/run.ts';
import type { Engine, Row } from '../../lambdas/warehouse/engine.ts';
import { overrideEngine } from '../ingest/lake-helpers.ts';

const END = '2026-03-20';
/** Inputs dated before this arrive as one file per kind; later ones file by file. */
const FILE_BY_FILE_FROM = '2026-03-14';

/** What the key check found in a table. */
interface KeyCheck {
  readonly rows: number;
  readonly nullKeys: number;
  /** Up to five keys held by more than one row, with their row counts. */
  readonly duplicateKeys: readonly Row[];
}

/** Checks `table`'s registry key over all its rows. */
async function checkKey(engine: Engine, table: TableDef): Promise<KeyCheck> {
  const key = table.key.join(', ');
  const anyNull = table.key.map((column) => `${column} is null`).join(' or ');
  const [counts] = await engine.query(
    `select count(*) as row_count, count_if(${anyNull}) as null_keys from ${table.name}`,
  );
  const duplicateKeys = await engine.query(
    `select ${key}, count(*) as key_rows from ${table.name} group by ${key} having count(*) > 1 order by ${key} limit 5`,
  );
  return { rows: Number(counts?.row_count), nullKeys: Number(counts?.null_keys), duplicateKeys };
}

/**
 * An engine that checks each staging table's key whenever an ingest makes its staged rows visible
 * (before loading them), adding up what it finds in `checks`.
 */
function checkingStagedKeys(engine: Engine, checks: Map<string, KeyCheck>): Engine {
  return overrideEngine(engine, {
    async refresh(table) {
      await engine.refresh(table);
      if (table.layer !== 'staging') return;
      const found = await checkKey(engine, table);
      const sum = checks.get(table.name) ?? { rows: 0, nullKeys: 0, duplicateKeys: [] };
      checks.set(table.name, {
        rows: sum.rows + found.rows,
        nullKeys: sum.nullKeys + found.nullKeys,
        duplicateKeys: [...sum.duplicateKeys, ...found.duplicateKeys],
      });
    },
  });
}

/** Appends the files to one file at `path`: events lines as they are, spend CSV under one header. */
async function concatenate(
  inputDir: string,
  files: readonly GeneratedInputFile[],
  path: string,
): Promise<void> {
  let header: string | undefined;
  for (const file of files) {
    const bytes = await readFile(join(inputDir, file.path));
    const text = (file.path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    if (file.kind === 'events') {
      await appendFile(path, text);
      continue;
    }
    const [first = '', ...rows] = text.split('\n');
    if (header === undefined) {
      header = first;
      await appendFile(path, `${header}\n`);
    }
    if (first !== header) throw new Error(`${file.path} has another header than ${files[0]?.path}`);
    await appendFile(
      path,
      rows
        .filter((row) => row !== '')
        .map((row) => `${row}\n`)
        .join(''),
    );
  }
}

/**
 * Exposes the first 200 users who signed up to the campaign `welcome`, one in ten in its control
 * arm, an hour after their signup, in two files as a CRM exports them: users 1-120 with one row
 * repeated and one without a user, then users 101-200 (20 of them again).
 */
async function ingestExposures(context: IngestContext, engine: Engine, root: string): Promise<void> {
  const signups = await engine.query(
    "select user_id, min(occurred_at) as signup_at from events where event_type = 'signup' " +
      'group by user_id order by user_id limit 200',
  );
  const row = (i: number) => {
    const { user_id, signup_at } = signups[i] as Row;
    const assignedAt = new Date(Date.parse(`${String(signup_at).replace(' ', 'T')}Z`) + 3_600_000);
    return `welcome,${user_id},${i % 10 === 0 ? 'control' : 'treatment'},${assignedAt.toISOString()}`;
  };
  const header = 'campaign_id,user_id,arm,assigned_at';
  const files = [
    [header, ...Array.from({ length: 120 }, (_, i) => row(i)), row(7), `welcome,,treatment,${END}T00:00:00Z`],
    [header, ...Array.from({ length: 100 }, (_, i) => row(100 + i))],
  ];
  for (const [index, lines] of files.entries()) {
    const path = join(root, `exposures-${index + 1}.csv`);
    await writeFile(path, `${lines.join('\n')}\n`);
    await ingestFile(context, 'exposures', path);
  }
}

/**
 * The trackers' view of the first 60 users who signed up: AppsFlyer reports their installs and
 * registrations (one row twice), Adjust the registrations of the next 20, Impact an action per
 * user of the first 30, later restated as approved; the map names each partner's key.
 */
async function ingestTrackers(context: IngestContext, engine: Engine, root: string): Promise<void> {
  const signups = await engine.query(
    "select user_id, min_by(coalesce(partner_id, 'organic'), occurred_at) as partner_id, " +
      "strftime(min(occurred_at), '%Y-%m-%d %H:%M:%S') as signup_at, epoch(min(occurred_at))::bigint as signup_s " +
      "from events where event_type = 'signup' group by user_id order by user_id limit 80",
  );
  const partners = [...new Set(signups.map((row) => String(row.partner_id)))];
  const map = [
    'source,source_key,partner_id',
    ...partners.flatMap((p) => [`appsflyer,af_${p},${p}`, `adjust,adj_${p},${p}`, `impact,imp_${p},${p}`]),
  ];
  const af = signups
    .slice(0, 60)
    .flatMap((row, i) => [
      `${row.signup_at},install,A${i},af_${row.partner_id},,android`,
      `${row.signup_at},af_complete_registration,A${i},af_${row.partner_id},${row.user_id},android`,
    ]);
  const adjust = signups
    .slice(60)
    .map((row, i) => `event,${row.signup_s},J${i},adj_${row.partner_id},signup,${row.user_id}`);
  const impactRow = (row: Row, i: number, state: string) =>
    `${i},${state},${String(row.signup_at).replace(' ', 'T')}Z,5.00,USD,imp_${row.partner_id},Signup,${row.user_id},77`;
  const files: [InputKind, string, string[]][] = [
    ['tracker-map', 'tracker-map.csv', map],
    [
      'appsflyer',
      'appsflyer.csv',
      ['Event Time,Event Name,AppsFlyer ID,Media Source,Customer User ID,Platform', ...af, af[1] as string],
    ],
    ['adjust', 'adjust.csv', ['activity_kind,created_at,adid,network_name,event_name,user_id', ...adjust]],
    [
      'impact',
      'impact-1.csv',
      [
        'Id,State,EventDate,Payout,Currency,MediaPartnerId,ActionTrackerName,CustomerId,CampaignId',
        ...signups.slice(0, 30).map((row, i) => impactRow(row, i, 'PENDING')),
      ],
    ],
    [
      'impact',
      'impact-2.csv',
      [
        'Id,State,EventDate,Payout,Currency,MediaPartnerId,ActionTrackerName,CustomerId,CampaignId',
        ...signups.slice(0, 30).map((row, i) => impactRow(row, i, 'APPROVED')),
      ],
    ],
  ];
  for (const [kind, name, lines] of files) {
    const path = join(root, name);
    await writeFile(path, `${lines.join('\n')}\n`);
    await ingestFile(context, kind, path);
  }
}

describe('every registry table: its key is unique and not null after a realistic run', () => {
  let root: string;
  let lake: LocalLake;
  const stagedChecks = new Map<string, KeyCheck>();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-keys-'));
    const inputDir = join(root, 'input');
    const files = inputFiles(
      await generate({
        outDir: inputDir,
        endDate: END,
        days: 90,
        users: 500,
        partners: 4,
        seed: 11,
        // A device farm, so that user_risk_flags has rows (honest users rarely share a device).
        fraud: [{ partnerId: 'aff-001', pattern: 'shared_devices' }],
      }),
    );
    lake = await openLocalLake(join(root, 'lake'));
    const context: IngestContext = {
      store: lake.store,
      engine: checkingStagedKeys(lake.engine, stagedChecks),
      pseudonymizationKey: lake.pseudonymizationKey,
    };
    const quarantinedIn = new Set<GeneratedInputFile>();
    const ingest = async (file: GeneratedInputFile) => {
      const result = await ingestFile(context, file.kind, join(inputDir, file.path));
      if (result.rowsQuarantined > 0) quarantinedIn.add(file);
    };
    const dateOf = (file: GeneratedInputFile) => /\d{4}-\d{2}-\d{2}/.exec(file.path)?.[0] ?? '';

    for (const file of files.filter((f) => f.kind === 'fx' || f.kind === 'partners')) await ingest(file);
    // Spend files that are not CSV keep their own ingest; the rest of the history becomes one file.
    const older = files.filter((f) => dateOf(f) !== '' && dateOf(f) < FILE_BY_FILE_FROM);
    const olderCsvSpend = older.filter((f) => f.kind === 'spend' && f.path.endsWith('.csv'));
    for (const file of older.filter((f) => f.kind === 'spend' && !olderCsvSpend.includes(f)))
      await ingest(file);
    for (const kind of ['spend', 'events'] as const) {
      const history = join(root, `${kind}-history.${kind === 'spend' ? 'csv' : 'jsonl'}`);
      await concatenate(
        inputDir,
        kind === 'spend' ? olderCsvSpend : older.filter((f) => f.kind === kind),
        history,
      );
      await ingestFile(context, kind, history);
    }
    const recent = files.filter((f) => dateOf(f) >= FILE_BY_FILE_FROM);
    for (const file of recent) await ingest(file);

    // A corrected delivery under the name of an events file with a bad line: the bad line again (a
    // second quarantined row of that file and line), and one event more.
    const redelivered = [...quarantinedIn]
      .filter((f) => f.kind === 'events' && f.path.endsWith('.jsonl'))
      .at(-1);
    if (redelivered === undefined) throw new Error('no plain events file of the last week has a bad line');
    const path = join(inputDir, redelivered.path);
    const extra = {
      event_id: 'redelivered-1',
      event_type: 'login',
      user_id: 'u-redelivered',
      occurred_at: `${END}T23:00:00Z`,
    };
    await writeFile(path, `${await readFile(path, 'utf8')}${JSON.stringify(extra)}\n`);
    await ingest(redelivered);

    // A campaign the CRM ran on the users who signed up, exported in two overlapping files.
    const campaigns = join(root, 'campaigns.csv');
    await writeFile(
      campaigns,
      'campaign_id,name,owner,start_date,end_date,window_days,pre_days,holdout_share,cost_per_treated_usd,primary_metric\n' +
        `welcome,Welcome push,crm,2026-01-01,${END},7,14,0.1,0.02,kyc\n`,
    );
    await ingestFile(context, 'campaigns', campaigns);
    await ingestExposures(context, lake.engine, root);
    await ingestTrackers(context, lake.engine, root);
    // The plan: targets of the month and the quarter of the run dates.
    const targets = join(root, 'targets.csv');
    await writeFile(
      targets,
      'period,scope,metric,target\n2026-03,all,signups,500\n2026-Q1,channel:kol,spend_usd,90000\n2026-03,all,gmv_usd,1000000\n',
    );
    await ingestFile(context, 'targets', targets);

    await backfill({ ...lake, config: DEFAULT_RUN_CONFIG }, '2026-03-18', END);
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it.each(Object.values(TABLES).map((table) => [table.name, table] as const))('%s', async (_, table) => {
    // Act
    const check =
      table.layer === 'staging' ? stagedChecks.get(table.name) : await checkKey(lake.engine, table);

    // Assess
    expect(check?.rows, `${table.name} has rows to check`).toBeGreaterThan(0);
    expect(check?.nullKeys, `${table.name}: rows with a null key column`).toBe(0);
    expect(check?.duplicateKeys, `${table.name}: keys held by more than one row`).toEqual([]);
  });
});
