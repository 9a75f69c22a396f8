import { TABLES } from '../contract/tables.ts';
import { FsStore } from '../storage/fs-store.ts';
import { DuckDbEngine, type DuckDbEngineOptions } from '../warehouse/duckdb-engine.ts';

/** A lake on local disk with the embedded engine over it. */
export interface LocalLake {
  readonly store: FsStore;
  readonly engine: DuckDbEngine;
  close(): Promise<void>;
}

/**
 * The engine settings of a local ingest: DuckDB gets 192 MB and spills the rest to the lake's
 * `_tmp/`, which leaves the validation workers their memory (peak RSS under 512 MB on a 1.1 GB
 * file, docs/benchmarks.md).
 */
export const INGEST_ENGINE_OPTIONS: DuckDbEngineOptions = { memoryLimit: '192MB' };

/** The lake directory: `--lake`, else `GROWTHLAKE_LAKE`, else `./lake`. */
export function resolveLakeDir(option?: string): string {
  return option ?? process.env.GROWTHLAKE_LAKE ?? 'lake';
}

/** Opens (creating if needed) the lake in `dir` with DuckDB views over every registry table. */
export async function openLocalLake(dir: string, options: DuckDbEngineOptions = {}): Promise<LocalLake> {
  const store = new FsStore(dir);
  const engine = await DuckDbEngine.open(store, Object.values(TABLES), options);
  return { store, engine, close: () => engine.close() };
}
