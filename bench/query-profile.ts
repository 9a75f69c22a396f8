import { readFileSync } from 'node:fs';
import type { TableDef } from '../lambdas/contract/tables.ts';
import type { Engine, LiteralRows, Row, WriteMode } from '../lambdas/warehouse/engine.ts';

/** What one statement cost. */
export interface StatementCost {
  readonly label: string;
  readonly elapsedMs: number;
  readonly bytesRead: number;
  /**
   * Of `bytesRead`, an estimate of what DuckDB read back from its own spill files: the bytes the
   * process wrote during the statement (`wchar`) beyond the output it placed in the lake, as if read
   * back once (at most `bytesRead`). It over-counts when DuckDB writes temporary blocks it never
   * reads back, so `bytesRead - spilledBytes` is a lower bound of the bytes scanned. 0 unless the
   * engine was given a count of its output (see the constructor).
   */
  readonly spilledBytes?: number;
}

/** The process's bytes written so far (`wchar` in `/proc/self/io`). */
function processBytesWritten(): number {
  return Number(/wchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? 0);
}

/** A statement's label: the table it writes, or the model its SQL says it builds, else its first words. */
function labelOf(sql: string, table?: TableDef): string {
  if (table !== undefined) return `write ${table.name}`;
  const grain = /--\s*(?:Builds|Grain):\s*([^\n]{0,60})/.exec(sql)?.[1];
  return `query ${grain ?? sql.replace(/\s+/g, ' ').trim().slice(0, 60)}`;
}

/**
 * An engine that forwards to `inner` and records what each statement cost, for `BENCH_DAILY_PROFILE=1`:
 * the way to see which queries of a run read the bytes.
 */
export class ProfilingEngine implements Engine {
  public readonly costs: StatementCost[] = [];
  readonly #inner: Engine;
  readonly #outputBytes: (() => number) | undefined;

  /**
   * @param outputBytes the bytes placed in the lake so far (files moved in and objects put), for
   *   telling spill from output; @default - spill is not measured
   */
  public constructor(inner: Engine, outputBytes?: () => number) {
    this.#inner = inner;
    this.#outputBytes = outputBytes;
  }

  public get name(): Engine['name'] {
    return this.#inner.name;
  }

  /** Starts measuring a statement; the function returned records its cost. */
  #begin(label: string): () => void {
    const before = this.#inner.stats().bytesRead;
    const written = processBytesWritten();
    const output = this.#outputBytes?.() ?? 0;
    const started = performance.now();
    return () => {
      const bytesRead = this.#inner.stats().bytesRead - before;
      const spilled =
        this.#outputBytes === undefined
          ? 0
          : processBytesWritten() - written - (this.#outputBytes() - output);
      this.costs.push({
        label,
        elapsedMs: performance.now() - started,
        bytesRead,
        spilledBytes: Math.min(bytesRead, Math.max(0, spilled)),
      });
    };
  }

  async #measure<T>(label: string, work: () => Promise<T>): Promise<T> {
    const end = this.#begin(label);
    const result = await work();
    end();
    return result;
  }

  public query(sql: string): Promise<Row[]> {
    return this.#measure(labelOf(sql), () => this.#inner.query(sql));
  }

  /** Measured as one statement from its start to its last batch, the caller's work between batches included. */
  public async *queryBatches(sql: string): AsyncGenerator<Row[]> {
    const end = this.#begin(labelOf(sql));
    try {
      yield* this.#inner.queryBatches(sql);
    } finally {
      end();
    }
  }

  public write(table: TableDef, sql: string, mode: WriteMode): Promise<void> {
    return this.#measure(labelOf(sql, table), () => this.#inner.write(table, sql, mode));
  }

  public writeRows(table: TableDef, rows: LiteralRows, mode: WriteMode): Promise<void> {
    return this.#measure(`write ${table.name} (${rows.rows.length} rows)`, () =>
      this.#inner.writeRows(table, rows, mode),
    );
  }

  public defineView(table: TableDef, sql: string): Promise<void> {
    return this.#measure(`define view ${table.name}`, () => this.#inner.defineView(table, sql));
  }

  public refresh(table: TableDef): Promise<void> {
    return this.#measure(`refresh ${table.name}`, () => this.#inner.refresh(table));
  }

  public stats(): ReturnType<Engine['stats']> {
    return this.#inner.stats();
  }

  public close(): Promise<void> {
    return this.#inner.close();
  }

  /** The statements, costliest in bytes first, then slowest first, one line each. */
  public report(limit = 25): string {
    const total = this.costs.reduce((sum, c) => sum + c.elapsedMs, 0);
    const lines = (order: (a: StatementCost, b: StatementCost) => number) =>
      [...this.costs]
        .sort(order)
        .slice(0, limit)
        .map(
          (c) =>
            `    ${(c.bytesRead / 1024).toFixed(0).padStart(8)} KB ${(c.elapsedMs / 1000).toFixed(2).padStart(6)} s  ${c.label}`,
        );
    return [
      `    ${this.costs.length} statements, ${(total / 1000).toFixed(2)} s in the engine; by bytes:`,
      ...lines((a, b) => b.bytesRead - a.bytesRead),
      '    by time:',
      ...lines((a, b) => b.elapsedMs - a.elapsedMs),
    ].join('\n');
  }
}
