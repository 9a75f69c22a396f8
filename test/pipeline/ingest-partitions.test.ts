import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../lambdas/contract/run-config.ts';
import { INGEST_PARTITIONS, MAX_LOOSE_INGEST_PARTITION_FILES } from '../../lambdas/contract/tables.ts';
import { type GeneratedInputFile, generate, inputFiles } from '../../lambdas/generate/generate.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { compactIngestPartitions } from '../../lambdas/pipeline/ingest-partitions.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { runDaily } from '../../lambdas/pipeline/run.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { openLakeCopy } from '../ingest/lake-helpers.ts';

const END = '2026-05-10';

const ingestPartitions = (lake: LocalLake): Promise<Row[]> =>
  lake.engine.query('select * from ingest_partitions order by kind, dt, ingest_id');

/** The ingest that records the first exposures of END's playbook audiences (the run's own). */
const PLAYBOOK_INGEST = createHash('sha256').update(`playbook-audiences@${END}`).digest('hex');

const logFiles = async (lake: LocalLake): Promise<string[]> =>
  (await lake.store.list(INGEST_PARTITIONS.location)).map((file) => file.key.split('/').pop() ?? '');

describe('compactIngestPartitions (generated data)', () => {
  let root: string;
  let inputDir: string;
  /** The ingests and a build from their own files; each test changes a copy of its own. */
  let base: LocalLake;
  let heldBack: GeneratedInputFile;
  let before: Row[];
  let looseFiles: number;
  const copies: LocalLake[] = [];
  let copied = 0;

  /** A copy of the base lake for one test, in a folder of its own. */
  async function copyOfBase(): Promise<LocalLake> {
    copied += 1;
    const copy = await openLakeCopy(base, join(root, `copy-${copied}`));
    copies.push(copy);
    return copy;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-ingest-partitions-'));
    inputDir = join(root, 'input');
    const inputs = inputFiles(
      await generate({ outDir: inputDir, endDate: END, days: 20, users: 80, partners: 3, seed: 9 }),
    );
    // The last events file stays back, to arrive after the compaction.
    heldBack = inputs.filter((file) => file.kind === 'events').at(-1) as GeneratedInputFile;
    base = await openLocalLake(join(root, 'lake'));
    for (const file of inputs.filter((f) => f !== heldBack))
      await ingestFile(base, file.kind, join(inputDir, file.path));
    before = await ingestPartitions(base);
    looseFiles = (await logFiles(base)).length;
    // Built from the ingests' own files, without the daily run's compaction.
    await transformAndMeasure(base.engine, END);
  }, 120_000);

  afterEach(async () => {
    for (const copy of copies.splice(0)) await copy.close();
  });

  afterAll(async () => {
    await base?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('is exercised: the ingests left more files of their own than a run leaves', () => {
    // Assess
    expect(looseFiles).toBeGreaterThan(MAX_LOOSE_INGEST_PARTITION_FILES);
    expect(before.length).toBeGreaterThan(looseFiles);
  });

  it('the daily run first gathers them into one file of the same rows, and no input fingerprint moves', async () => {
    // Prepare
    const lake = await copyOfBase();

    // Act
    const report = await runDaily({ ...lake, config: DEFAULT_RUN_CONFIG }, END);

    // Assess: one file of the same rows, beside the file of the exposures the run's audiences
    // recorded after it, and nothing the build from the small files made looks stale
    const files = await logFiles(lake);
    expect(files).toHaveLength(2);
    expect(files.filter((file) => /^compacted-[0-9a-f]{16}/.test(file))).toHaveLength(1);
    expect(files.filter((file) => file.startsWith(PLAYBOOK_INGEST))).toHaveLength(1);
    const rows = await ingestPartitions(lake);
    expect(rows.filter((row) => row.ingest_id !== PLAYBOOK_INGEST)).toEqual(before);
    expect(report.transform.rebuiltDays).toEqual([]);
    expect(report.transform.restatedRuns).toEqual([]);
    expect(report.transform.stateBase).toBe(END);
  });

  it('leaves a later ingest its own file until there are enough, and reads both', async () => {
    // Prepare: the ingests' files gathered into one, as the daily run does first
    const lake = await copyOfBase();
    await compactIngestPartitions(lake.engine, lake.store);

    // Act
    await ingestFile(lake, heldBack.kind, join(inputDir, heldBack.path));
    const gathered = await compactIngestPartitions(lake.engine, lake.store, 3);

    // Assess
    expect(gathered).toBe(0);
    const rows = await ingestPartitions(lake);
    const added = rows.filter((row) => !before.some((old) => old.ingest_id === row.ingest_id));
    expect(await logFiles(lake)).toHaveLength(2);
    expect(added.length).toBeGreaterThan(0);
    expect(rows.length).toBe(before.length + added.length);
  });

  it('reads rows left twice by a compaction that stopped before its removal once, and gathers them once', async () => {
    // Prepare: the ingests' files gathered into one, a late events file with its own, and the files
    // of a compaction that wrote its file and removed none of those it gathered
    const lake = await copyOfBase();
    await compactIngestPartitions(lake.engine, lake.store);
    await ingestFile(lake, heldBack.kind, join(inputDir, heldBack.path));
    const rows = await ingestPartitions(lake);
    await lake.engine.write(
      INGEST_PARTITIONS,
      'select ingest_id, kind, dt, rows_accepted from ingest_partitions',
      {
        kind: 'append',
        filePrefix: 'compacted-interrupted',
      },
    );
    const beforeRun = await transformAndMeasure(lake.engine, END);

    // Act
    const gathered = await compactIngestPartitions(lake.engine, lake.store, 0);
    const afterRun = await transformAndMeasure(lake.engine, END);

    // Assess: the late events file made the run rebuild its day once, and only once
    expect(beforeRun.rebuiltDays.length).toBeGreaterThan(0);
    expect(afterRun.rebuiltDays).toEqual([]);
    expect(gathered).toBe(3);
    expect(await logFiles(lake)).toHaveLength(1);
    expect(await ingestPartitions(lake)).toEqual(rows);
  });
});
