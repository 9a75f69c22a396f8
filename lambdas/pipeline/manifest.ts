import { createHash } from 'node:crypto';
import { BUILD_MANIFEST } from '../contract/tables.ts';
import type { Engine } from '../warehouse/engine.ts';
import { queryFile, valuesQuery } from '../warehouse/sql.ts';

/** The state tables whose partitions the manifest tracks. */
export type StateTable = 'user_daily' | 'user_state';

function fingerprint(ingestIds: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const id of [...ingestIds].sort()) hash.update(`${id}\n`);
  return hash.digest('hex');
}

/**
 * What each state partition should be built from, derived from which ingests added events to which
 * dates: `user_daily` of a date depends on the ingests of that date; `user_state` as of a date on
 * every ingest of that date or earlier. A partition whose recorded fingerprint differs is stale.
 */
export class InputFingerprints {
  readonly #daily = new Map<string, string>();
  readonly #cumulative: { date: string; hash: string }[] = [];

  public constructor(rows: readonly { dt: string; ingest_id: string }[]) {
    const byDate = new Map<string, string[]>();
    for (const row of rows) {
      const ids = byDate.get(row.dt) ?? [];
      ids.push(row.ingest_id);
      byDate.set(row.dt, ids);
    }
    const seen = new Set<string>();
    for (const date of [...byDate.keys()].sort()) {
      const ids = byDate.get(date) ?? [];
      this.#daily.set(date, fingerprint(ids));
      for (const id of ids) seen.add(id);
      this.#cumulative.push({ date, hash: fingerprint(seen) });
    }
  }

  /** Dates with events, ascending. */
  public dates(): string[] {
    return this.#cumulative.map((entry) => entry.date);
  }

  /** The fingerprint of `user_daily` for a date (undefined when the date has no events). */
  public daily(date: string): string | undefined {
    return this.#daily.get(date);
  }

  /** The fingerprint of `user_state` as of a date: all ingests with events on or before it. */
  public cumulative(date: string): string {
    let hash = fingerprint([]);
    for (const entry of this.#cumulative) {
      if (entry.date > date) break;
      hash = entry.hash;
    }
    return hash;
  }
}

/** Reads the fingerprints of the lake's event ingests. */
export async function loadInputFingerprints(engine: Engine): Promise<InputFingerprints> {
  const rows = await engine.query(queryFile('run/event_ingests'));
  return new InputFingerprints(rows.map((row) => ({ dt: String(row.dt), ingest_id: String(row.ingest_id) })));
}

/** The recorded fingerprints of built partitions, keyed `table|date`. */
export class BuildManifest {
  readonly #entries: Map<string, string>;

  private constructor(entries: Map<string, string>) {
    this.#entries = entries;
  }

  /** Reads the manifest table. */
  public static async load(engine: Engine): Promise<BuildManifest> {
    const rows = await engine.query(queryFile('run/build_manifest'));
    return new BuildManifest(
      new Map(rows.map((row) => [`${row.table_name}|${row.dt}`, String(row.inputs_hash)])),
    );
  }

  public get(table: StateTable, date: string): string | undefined {
    return this.#entries.get(`${table}|${date}`);
  }

  public set(table: StateTable, date: string, hash: string): void {
    this.#entries.set(`${table}|${date}`, hash);
  }

  /** Writes the manifest back, whole. */
  public async save(engine: Engine): Promise<void> {
    if (this.#entries.size === 0) return;
    const rows = [...this.#entries].sort().map(([key, hash]) => {
      const [table, date] = key.split('|') as [string, string];
      return [table, { date }, hash];
    });
    await engine.write(BUILD_MANIFEST, valuesQuery(['table_name', 'dt', 'inputs_hash'], rows), {
      kind: 'replace-table',
    });
  }
}
