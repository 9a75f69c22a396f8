import type { z } from 'zod';
import type { InputKind } from '../contract/inputs.ts';
import type { TableDef } from '../contract/tables.ts';
import { queryFile } from '../warehouse/sql.ts';
import { IngestError } from './errors.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import type { StagedValue } from './staging-writer.ts';
import { type ReadTally, validRecords } from './valid-records.ts';

/** A registry row: one value per column of the registry's table, by column name. */
type RegistryRow = Readonly<Record<string, StagedValue>>;

/** What sets one registry kind apart from another. */
export interface RegistrySpec<Schema extends z.ZodType<RegistryRow>> {
  readonly kind: InputKind;
  /** The staging table: a line column, then the curated table's columns. */
  readonly staging: TableDef;
  /** The curated table, whose columns the schema's output names. */
  readonly table: TableDef;
  /** The registry as the error that refuses a file names it, e.g. `partner registry`. */
  readonly registry: string;
  readonly requiredColumns: readonly string[];
  readonly schema: Schema;
  /** A row's id: a later row of the file with the same id replaces it, and it counts as a duplicate. */
  idOf(row: z.output<Schema>): string;
  /** The query file that turns the staged snapshot into the table (parameter `staging_id`). */
  readonly loadQuery: string;
}

/**
 * A registry kind: a CSV snapshot that replaces the previous one whole (docs/contract.md, Partners
 * and Campaigns). Within a file the later row of an id wins. A file without the required columns,
 * or without a single valid row, is refused whole, so that a broken export cannot wipe the
 * registry; single bad rows are quarantined.
 */
export function registryKind<Schema extends z.ZodType<RegistryRow>>(
  spec: RegistrySpec<Schema>,
): InputKindHandler {
  const columns = spec.table.columns.map((column) => column.name);
  return {
    kind: spec.kind,
    staging: spec.staging,

    async stage(path: string, sink: StagingSink) {
      const latestById = new Map<string, StagedValue[]>();
      const tally: ReadTally = { rowsRead: 0 };
      let rowsSuperseded = 0;
      for await (const { line, row } of validRecords(path, spec.requiredColumns, spec.schema, sink, tally)) {
        const id = spec.idOf(row);
        if (latestById.delete(id)) rowsSuperseded += 1;
        latestById.set(id, [line, ...columns.map((column) => row[column] ?? null)]);
      }
      if (latestById.size === 0) {
        throw new IngestError(`${path}: the ${spec.registry} has no valid row; the current registry is kept`);
      }
      for (const values of latestById.values()) await sink.accept(values);
      return { rowsRead: tally.rowsRead, rowsSuperseded };
    },

    async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
      await run.engine.write(spec.table, queryFile(spec.loadQuery, { staging_id: run.stagingId }), {
        kind: 'replace-table',
      });
      return { rowsByDate: new Map(), rowsAccepted: staged, rowsDuplicate: 0 };
    },
  };
}
