import type { PseudonymizationConfig } from '../contract/pseudonymization-config.ts';
import { TABLES } from '../contract/tables.ts';
import { FsStore } from '../storage/fs-store.ts';
import { DuckDbEngine, type DuckDbEngineOptions } from '../warehouse/duckdb-engine.ts';
import type { lockLake } from './lake-lock.ts';
import { resolvePseudonymizationKey } from './pseudonymization-key.ts';

/** A lake on local disk with the embedded engine over it. */
export interface LocalLake {
  readonly store: FsStore;
  readonly engine: DuckDbEngine;
  /** The key ingests pseudonymize device and funding ids with (never stored in the lake). */
  readonly pseudonymizationKey: string;
  close(): Promise<void>;
}

/**
 * The engine settings of a local ingest: DuckDB gets 160 MB and spills the rest to the lake's
 * `_tmp/`, which leaves the validation workers their memory. At 192 MB the peak RSS of a 1.1 GB
 * file reached 539-551 MB, over the 512 MB target; at 160 MB, 406-475 MB in six runs, at the same
 * speed (docs/benchmarks.md, Ingest).
 */
export const INGEST_ENGINE_OPTIONS: DuckDbEngineOptions = { memoryLimit: '160MB' };

/** The lake directory: `--lake`, else `GROWTHLAKE_LAKE`, else `./lake`. */
export function resolveLakeDir(option?: string): string {
  return option ?? process.env.GROWTHLAKE_LAKE ?? 'lake';
}

/** How a local lake is opened. */
export interface LocalLakeOptions extends DuckDbEngineOptions {
  /**
   * The command that will write to the lake: it takes the lake's lock first (see {@link lockLake})
   * and keeps it until close, so a second writer fails at once naming it.
   * @default none: a reader, which takes no lock
   */
  readonly writer?: string;
  /**
   * Where the pseudonymization key is found (the run configuration's `pseudonymization`).
   * @default - $GROWTHLAKE_PSEUDONYMIZATION_KEY, else the default key file, created on first use
   */
  readonly pseudonymization?: PseudonymizationConfig;
}

/** Opens (creating if needed) the lake in `dir` with DuckDB views over every registry table. */
export async function openLocalLake(dir: string, options: LocalLakeOptions = {}): Promise<LocalLake> {
  const { writer, pseudonymization, ...engineOptions } = options;
  const pseudonymizationKey = await resolvePseudonymizationKey(dir, pseudonymization);
  // Only a writer loads the lock (and the schema it reads a holder with): readers start faster.
  const lock =
    writer === undefined ? undefined : await (await import('./lake-lock.ts')).lockLake(dir, writer);
  try {
    const store = new FsStore(dir);
    const engine = await DuckDbEngine.open(store, Object.values(TABLES), engineOptions);
    return {
      store,
      engine,
      pseudonymizationKey,
      close: async () => {
        try {
          await engine.close();
        } finally {
          await lock?.release();
        }
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}
