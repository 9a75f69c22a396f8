/**
 * Fault injection over a whole daily run (`runDaily`: transform, recommend, audiences, publish) on
 * a local lake (FsStore and DuckDbEngine). The calls are the store's methods and the renames and
 * removals under the lake (see fs-calls.ts); see sweep.ts for what each faulted run must keep.
 *
 * The lake: 8 generated days (about 60 users, 2 partners), run up to the day before, then the last
 * day's files ingested, late events and restated spend among them, so the run replaces partitions
 * readers already see (user_daily, partner_performance, the spend marts of the day before) besides
 * adding the new day's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays } from '../../lambdas/contract/dates.ts';
import { DEFAULT_RUN_CONFIG } from '../../lambdas/contract/run-config.ts';
import { generate, inputFiles } from '../../lambdas/generate/generate.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { runDaily } from '../../lambdas/pipeline/run.ts';
import { type LocalFaultJob, localJob } from './local-job.ts';
import { type CleanRun, cleanRun, itKeepsItsPromises } from './sweep.ts';

vi.mock('node:fs/promises', async (importOriginal) => {
  const { countedFsPromises } = await import('./fs-calls.ts');
  return countedFsPromises(await importOriginal());
});

const END = '2026-03-10';

/**
 * Fault points per mode. A faulted run and its rerun take about 5 s here, so the run's 540 calls
 * cannot all fail within the suite's 3 minutes: the placements come first (see faultPoints).
 */
const BUDGET = 4;

describe('a daily run on a local lake, failed at any call', () => {
  let root: string;
  let job: LocalFaultJob;
  let clean: CleanRun;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-faults-daily-'));
    const input = join(root, 'input');
    const files = inputFiles(
      await generate({ outDir: input, endDate: END, days: 8, users: 60, partners: 2, seed: 5 }),
    );
    const fileDate = (path: string) => /(\d{4}-\d{2}-\d{2})/.exec(path)?.[1] ?? '';
    const lake = await openLocalLake(join(root, 'lake'));
    try {
      for (const file of files.filter((f) => fileDate(f.path) < END)) {
        await ingestFile(lake, file.kind, join(input, file.path));
      }
      await runDaily({ ...lake, config: DEFAULT_RUN_CONFIG }, addDays(END, -1));
      for (const file of files.filter((f) => fileDate(f.path) >= END)) {
        await ingestFile(lake, file.kind, join(input, file.path));
      }
    } finally {
      await lake.close();
    }
    job = await localJob('daily run', join(root, 'lake'), ({ store, engine }) =>
      runDaily({ store, engine, config: DEFAULT_RUN_CONFIG }, END),
    );
    clean = await cleanRun(job);
  }, 120_000);

  afterAll(async () => {
    await job?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('replaces partitions readers already see, as the sweep needs', () => {
    expect(clean.placements.length).toBeGreaterThan(BUDGET);
    expect(clean.writes.length).toBeGreaterThan(20);
  });

  itKeepsItsPromises(() => ({ job, clean }), BUDGET);
});
