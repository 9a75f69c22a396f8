import { TABLES } from '../contract/tables.ts';
import { FsStore } from '../storage/fs-store.ts';
import { DuckDbEngine, type DuckDbEngineOptions } from '../warehouse/duckdb-engine.ts';

/** A lake on local disk with the embedded engine over it. */
export interface LocalLake {
  readonly store: FsStore;
  readonly engine: DuckDbEngine;
  close(): Promise<void>;
}

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
