/** A job on a local lake (FsStore and DuckDbEngine), reset from a copy of the lake before it. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLES } from '../../lambdas/contract/tables.ts';
import { FsStore } from '../../lambdas/storage/fs-store.ts';
import { DuckDbEngine } from '../../lambdas/warehouse/duckdb-engine.ts';
import { countedStore } from './call-log.ts';
import { lakeFs } from './fs-calls.ts';
import { LocalLakeReader } from './lake-view.ts';
import { boundedEngine, type FaultJob } from './sweep.ts';

/** What the job's work gets: a counted store and an engine over it, as a fresh process opens them. */
export interface LocalJobLake {
  readonly store: FsStore;
  readonly engine: DuckDbEngine;
}

/** A job that runs `work` on a copy of the lake in `initialLake`; {@link LocalFaultJob.dispose} removes the copy. */
export interface LocalFaultJob extends FaultJob {
  readonly lakeDir: string;
  dispose(): Promise<void>;
}

/** `work` over a copy of `initialLake`, as a {@link FaultJob}. */
export async function localJob(
  name: string,
  initialLake: string,
  work: (lake: LocalJobLake) => Promise<unknown>,
): Promise<LocalFaultJob> {
  const root = await mkdtemp(join(tmpdir(), 'growthlake-faults-'));
  const lakeDir = join(root, 'lake');
  const reader = new LocalLakeReader(new FsStore(lakeDir));
  return {
    name,
    lakeDir,
    reader,
    async reset() {
      await rm(lakeDir, { recursive: true, force: true });
      await cp(initialLake, lakeDir, { recursive: true });
    },
    async run(log, boundary) {
      lakeFs.log = log;
      lakeFs.root = lakeDir;
      try {
        const store = countedStore(new FsStore(lakeDir), log);
        const engine = await DuckDbEngine.open(store, Object.values(TABLES), {
          threads: 1,
          memoryLimit: '256MB',
        });
        try {
          await work({ store, engine: boundedEngine(engine, boundary) });
        } finally {
          await engine.close();
        }
      } finally {
        lakeFs.log = undefined;
      }
    },
    async dispose() {
      await reader.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
