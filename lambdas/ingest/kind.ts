import type { InputKind } from '../contract/inputs.ts';
import type { TableDef } from '../contract/tables.ts';
import type { Engine } from '../warehouse/engine.ts';
import type { ReadOptions } from './line-reader.ts';
import type { StagedValue } from './staging-writer.ts';

/** Where a kind's staging step sends each row. */
export interface StagingSink {
  /** Stages a valid row, in the staging table's column order (line first). */
  accept(values: readonly StagedValue[]): Promise<void>;
  /** Quarantines a row with its one-line reason. */
  reject(line: number, reason: string, raw: string): Promise<void>;
  /** Stages rows already formatted as staging CSV. */
  acceptCsv(chunk: string, rows: number): Promise<void>;
  /** Quarantines rows already formatted as quarantine CSV (line, reason, raw). */
  rejectCsv(chunk: string, rows: number): Promise<void>;
  /** Worker threads the kind may use to validate (0: validate inline). */
  readonly threads: number;
  /** The key device and funding ids are pseudonymized with (see IngestContext). */
  readonly pseudonymizationKey?: string;
  /** How the kind reads the file: progress, and the hash that becomes the ingest id. */
  readonly read: ReadOptions;
}

/** What staging found, before loading. */
export interface StagingOutcome {
  readonly rowsRead: number;
  /**
   * Rows dropped before staging because a later row of the same file supersedes them: duplicates
   * decided while staging (spend, partners, FX, campaigns).
   */
  readonly rowsSuperseded: number;
}

/** One ingest in progress, as the load step sees it. */
export interface IngestRun {
  readonly ingestId: string;
  /** The staging partition holding this attempt's validated rows. */
  readonly stagingId: string;
  readonly file: string;
  /** `YYYY-MM-DD HH:MM:SS.mmm` UTC. */
  readonly ingestedAt: string;
  readonly engine: Engine;
}

/** What loading stored. */
export interface LoadOutcome {
  /** Rows stored per date (`YYYY-MM-DD`), for tables partitioned by date; empty otherwise. */
  readonly rowsByDate: ReadonlyMap<string, number>;
  readonly rowsAccepted: number;
  /**
   * Staged rows the load counts as duplicates, where it decides them: events it drops (an event_id
   * repeated in the file, or accepted by an earlier ingest), exposures it stores all the same (a
   * campaign and user an earlier line or ingest had); 0 for kinds that decide theirs while staging
   * (see {@link StagingOutcome.rowsSuperseded}).
   */
  readonly rowsDuplicate: number;
  /**
   * Spend dates (`YYYY-MM-DD`) the load restated as a side effect, with the rows it left there:
   * Impact payouts are spend (docs/contract.md, Tracking tools). Logged in `ingest_partitions` as
   * spend of this ingest, so the run rebuilds what that spend reaches.
   */
  readonly derivedSpend?: ReadonlyMap<string, number>;
}

/** How one input kind is validated, staged and loaded. */
export interface InputKindHandler {
  readonly kind: InputKind;
  readonly staging: TableDef;
  /** Validates the file into the sink. Throws IngestError when the file as a whole is unusable. */
  stage(path: string, sink: StagingSink, engine: Engine): Promise<StagingOutcome>;
  /** Moves the staged rows into the curated table. */
  load(run: IngestRun, staged: number): Promise<LoadOutcome>;
}
