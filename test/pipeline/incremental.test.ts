import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { dateRange } from '../../lambdas/contract/dates.ts';
import { DEFAULT_RUN_CONFIG } from '../../lambdas/contract/run-config.ts';
import { TABLES } from '../../lambdas/contract/tables.ts';
import { type GenerateSummary, generate, inputFiles } from '../../lambdas/generate/generate.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { BuildManifest, NO_BASE } from '../../lambdas/pipeline/manifest.ts';
import { runDaily } from '../../lambdas/pipeline/run.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { openLakeCopy } from '../ingest/lake-helpers.ts';
import { eventsInOneFile } from './generated-lake.ts';

const END = '2026-03-20';
const RUN_DATES = dateRange('2026-03-12', END);
const COMPARED = [
  'users',
  'cohort_ltv',
  'partner_performance',
  'user_segments',
  'funnel',
  'retention',
  'segment_summary',
  'spend_daily',
] as const;

function fileDate(path: string): string {
  return /(\d{4}-\d{2}-\d{2})/.exec(path)?.[1] ?? '0000-00-00';
}

async function tableRows(lake: LocalLake, name: (typeof COMPARED)[number]): Promise<Row[]> {
  const table = TABLES[name];
  const key = [...table.key].join(', ');
  return lake.engine.query(`select * from ${name} order by ${key}`);
}

describe('incremental runs equal a rebuild (generated data, late events and restated spend)', () => {
  let generated: GenerateSummary;
  let root: string;
  let inputDir: string;
  let incremental: LocalLake;
  let rebuilt: LocalLake;
  const restatedRuns: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-incremental-'));
    inputDir = join(root, 'input');
    generated = await generate({
      outDir: inputDir,
      endDate: END,
      days: 30,
      users: 400,
      partners: 5,
      seed: 7,
    });
    const inputs = inputFiles(generated);
    const undated = inputs.filter((file) => file.kind === 'fx' || file.kind === 'partners');
    const dated = inputs.filter((file) => file.kind === 'spend' || file.kind === 'events');

    // Incremental: files arrive day by day, and each day is run once it has arrived.
    incremental = await openLocalLake(join(root, 'incremental'));
    const context = { ...incremental, config: DEFAULT_RUN_CONFIG };
    for (const file of undated) await ingestFile(incremental, file.kind, join(inputDir, file.path));
    const firstRunDate = RUN_DATES[0] as string;
    for (const file of dated.filter((f) => fileDate(f.path) < firstRunDate)) {
      await ingestFile(incremental, file.kind, join(inputDir, file.path));
    }
    for (const date of RUN_DATES) {
      for (const file of dated.filter((f) => fileDate(f.path) === date)) {
        await ingestFile(incremental, file.kind, join(inputDir, file.path));
      }
      const report = await runDaily(context, date);
      restatedRuns.push(...report.transform.restatedRuns);
    }

    // Rebuild: everything ingested first, then the same dates run once each. The events of the 30
    // days go in as one file: one ingest instead of 30, storing the same rows (see eventsInOneFile).
    rebuilt = await openLocalLake(join(root, 'rebuilt'));
    for (const file of inputs.filter((f) => f.kind !== 'events')) {
      await ingestFile(rebuilt, file.kind, join(inputDir, file.path));
    }
    await ingestFile(
      rebuilt,
      'events',
      await eventsInOneFile(inputDir, inputs, join(root, 'events-all.jsonl')),
    );
    for (const date of RUN_DATES) await runDaily({ ...rebuilt, config: DEFAULT_RUN_CONFIG }, date);
  }, 180_000);

  afterAll(async () => {
    await incremental?.close();
    await rebuilt?.close();
  });

  it('exercised late events and restatements: earlier run dates were rebuilt', () => {
    expect(generated.lateEvents).toBeGreaterThan(0);
    expect(generated.restatedSpendRows).toBeGreaterThan(0);
    expect(restatedRuns.length).toBeGreaterThan(0);
  });

  it.each(COMPARED)('%s is identical', async (name) => {
    const [left, right] = await Promise.all([tableRows(incremental, name), tableRows(rebuilt, name)]);
    expect(left.length).toBeGreaterThan(0);
    expect(left).toEqual(right);
  });

  it.each(COMPARED)('%s has a unique, non-null key', async (name) => {
    const table = TABLES[name];
    const key = [...table.key];
    const [check] = await incremental.engine.query(
      `select count(*) as row_count, count(distinct (${key.join(', ')})) as distinct_keys, ` +
        `count_if(${key.map((column) => `${column} is null`).join(' or ')}) as null_keys from ${name}`,
    );
    expect(check?.null_keys).toBe(0);
    expect(check?.distinct_keys).toBe(check?.row_count);
  });

  it.each(
    Object.values(TABLES)
      .filter((table) => table.example !== undefined)
      .map((table) => [table.name, table]),
  )("%s: the docs' example query runs", async (_, table) => {
    await expect(incremental.engine.queryReadOnly(table.example?.sql ?? '')).resolves.toBeDefined();
  });

  it('a run repeated changes no table', async () => {
    // Prepare: a copy, so that the other tests read the lake as the runs above left it
    const copy = await openLakeCopy(incremental, join(root, 'repeated'));
    onTestFinished(() => copy.close());
    const before = await Promise.all(COMPARED.map((name) => tableRows(copy, name)));

    // Act
    await runDaily({ ...copy, config: DEFAULT_RUN_CONFIG }, END);

    // Assess
    const after = await Promise.all(COMPARED.map((name) => tableRows(copy, name)));
    expect(after).toEqual(before);
  });

  it('a lake built by a release with other per-run-date marts has every earlier run date rebuilt', async () => {
    // Prepare: a copy whose manifest says its partitions of partner_performance and segment_summary
    // were built by another model (an older release, before gmv_usd, say)
    const copy = await openLakeCopy(incremental, join(root, 'older-marts'));
    onTestFinished(() => copy.close());
    const manifest = await BuildManifest.load(copy.engine);
    manifest.set('run_marts_model', NO_BASE, 'an older model');
    await manifest.save(copy.engine);
    const before = await Promise.all(COMPARED.map((name) => tableRows(copy, name)));

    // Act
    const first = await runDaily({ ...copy, config: DEFAULT_RUN_CONFIG }, END);
    const second = await runDaily({ ...copy, config: DEFAULT_RUN_CONFIG }, END);

    // Assess: every run date before END rebuilt in full, once; the same tables
    expect(first.transform.restatedRuns).toEqual(RUN_DATES.slice(0, -1));
    expect(first.transform.spendOnlyRuns).toEqual([]);
    expect(second.transform.restatedRuns).toEqual([]);
    const after = await Promise.all(COMPARED.map((name) => tableRows(copy, name)));
    expect(after).toEqual(before);
  });
});
