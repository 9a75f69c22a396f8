import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { InputKind } from '../contract/inputs.ts';
import { utcTimestampText } from '../contract/inputs.ts';
import { INGEST_LOG, INGEST_PARTITIONS, QUARANTINE, STAGED_QUARANTINE } from '../contract/tables.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import { campaignsKind } from './campaigns-kind.ts';
import { IngestAccountingError, type IngestCounts, IngestError } from './errors.ts';
import { MAX_RAW_CHARS } from './event-batch.ts';
import { eventsKind } from './events-kind.ts';
import { exposuresKind } from './exposures-kind.ts';
import { fxKind } from './fx-kind.ts';
import { impactKind } from './impact-kind.ts';
import type { InputKindHandler, StagingOutcome } from './kind.ts';
import { newIngestHash } from './line-reader.ts';
import { partnersKind } from './partners-kind.ts';
import { spendKind } from './spend-kind.ts';
import { StagingWriter } from './staging-writer.ts';
import { targetsKind } from './targets-kind.ts';
import { adjustKind, appsflyerKind } from './tracker-events-kind.ts';
import { trackerMapKind } from './tracker-map-kind.ts';

const HANDLERS: Record<InputKind, InputKindHandler> = {
  events: eventsKind,
  spend: spendKind,
  partners: partnersKind,
  fx: fxKind,
  campaigns: campaignsKind,
  exposures: exposuresKind,
  appsflyer: appsflyerKind,
  adjust: adjustKind,
  impact: impactKind,
  'tracker-map': trackerMapKind,
  targets: targetsKind,
};

/**
 * The counts of one file (docs/contract.md, Inputs); `rowsRead = rowsAccepted + rowsDuplicate +
 * rowsQuarantined`, checked before the ingest is logged (see {@link IngestAccountingError}).
 */
export interface IngestResult extends IngestCounts {
  readonly file: string;
  readonly kind: InputKind;
  readonly ingestId: string;
  /** True when these exact bytes were ingested before: nothing changed, the counts are the earlier ones. */
  readonly alreadyIngested: boolean;
}

/** What an ingest needs: the lake's store and an engine over it. */
export interface IngestContext {
  readonly store: ObjectStore;
  readonly engine: Engine;
  /** @default the system clock */
  readonly now?: () => Date;
  /**
   * The name `ingest_log` and `quarantine` record for the file.
   * @default the path given (on AWS, the landing object's s3:// URI is passed instead of /tmp)
   */
  readonly fileLabel?: string;
  /**
   * Worker threads that validate events. @default 2 (or the cores available, if fewer) for files of
   * 16 MiB or more, none for smaller files, where starting threads costs more than it saves
   */
  readonly validationThreads?: number;
  /**
   * The key `device_id` and `funding_id` are pseudonymized with at ingest (docs/contract.md, Events):
   * locally from the run configuration, on AWS from Secrets Manager. Never stored in the lake.
   * @default none: an events file whose lines carry either id fails to ingest
   */
  readonly pseudonymizationKey?: string;
  /** Called with raw bytes read so far and the file's size, for a progress bar. */
  readonly onProgress?: (bytesRead: number, bytesTotal: number) => void;
}

const PARALLEL_FROM_BYTES = 16 * 1024 * 1024;

/**
 * Ingests one file of the given kind: validates every row, quarantines bad ones with a reason,
 * stores the rest in the curated table, and logs the counts, reading the file once (the SHA-256 of
 * its bytes, taken in the same pass, is the ingest id). The same bytes are ingested once; an
 * interrupted ingest of a file is completed by ingesting it again. Throws
 * {@link IngestAccountingError} when the file's rows do not add up.
 */
export async function ingestFile(
  context: IngestContext,
  kind: InputKind,
  path: string,
): Promise<IngestResult> {
  const { store, engine } = context;
  const file = context.fileLabel ?? path;
  const handler = HANDLERS[kind];
  const size = await fileSize(path);
  const stagingId = randomUUID().replaceAll('-', '');
  const rows = new StagingWriter(store, `${handler.staging.location}/staging_id=${stagingId}/rows.csv`);
  const rejects = new StagingWriter(store, `${STAGED_QUARANTINE.location}/staging_id=${stagingId}/rows.csv`);
  const hash = newIngestHash();
  const onProgress = context.onProgress;
  try {
    let outcome: StagingOutcome;
    try {
      outcome = await handler.stage(
        path,
        {
          accept: (values) => rows.write(values),
          reject: (line, reason, raw) => rejects.write([line, reason, raw.slice(0, MAX_RAW_CHARS)]),
          acceptCsv: (chunk, count) => rows.writeCsv(chunk, count),
          rejectCsv: (chunk, count) => rejects.writeCsv(chunk, count),
          threads:
            context.validationThreads ??
            (size >= PARALLEL_FROM_BYTES ? Math.min(2, availableParallelism()) : 0),
          ...(context.pseudonymizationKey === undefined
            ? {}
            : { pseudonymizationKey: context.pseudonymizationKey }),
          read: {
            hash,
            ...(onProgress === undefined ? {} : { onBytes: (bytes: number) => onProgress(bytes, size) }),
          },
        },
        engine,
      );
      await rows.close();
      await rejects.close();
    } catch (error) {
      rows.abort(error as Error);
      rejects.abort(error as Error);
      throw error;
    }
    const ingestId = hash.digest('hex');
    const previous = (await engine.query(queryFile('ingest/previous_ingest', { ingest_id: ingestId })))[0];
    if (previous !== undefined) {
      return {
        file,
        kind: previous.kind as InputKind,
        ingestId,
        rowsRead: Number(previous.rows_read),
        rowsAccepted: Number(previous.rows_accepted),
        rowsDuplicate: Number(previous.rows_duplicate),
        rowsQuarantined: Number(previous.rows_quarantined),
        alreadyIngested: true,
      };
    }
    await engine.refresh(handler.staging);
    await engine.refresh(STAGED_QUARANTINE);
    const ingestedAt = utcTimestampText((context.now ?? (() => new Date()))().getTime());
    const loaded = await handler.load({ ingestId, stagingId, file, ingestedAt, engine }, rows.rows);
    const counts: IngestCounts = {
      rowsRead: outcome.rowsRead,
      rowsAccepted: loaded.rowsAccepted,
      rowsDuplicate: outcome.rowsSuperseded + loaded.rowsDuplicate,
      rowsQuarantined: rejects.rows,
    };
    // Each count is taken where its rows are decided, so the identity can fail. It is checked
    // before the ingest's quality rows and its log row are written: an ingest that fails it is never
    // logged as done, and ingesting the file again replaces what its load wrote.
    if (counts.rowsRead !== counts.rowsAccepted + counts.rowsDuplicate + counts.rowsQuarantined) {
      throw new IngestAccountingError(file, counts);
    }
    if (counts.rowsQuarantined > 0) {
      await engine.write(
        QUARANTINE,
        queryFile('ingest/quarantine', { ingest_id: ingestId, staging_id: stagingId, file }),
        { kind: 'append', filePrefix: ingestId },
      );
    }
    const partitionRows = [
      ...[...loaded.rowsByDate].map(([date, count]) => [ingestId, kind, { date }, count]),
      ...[...(loaded.derivedSpend ?? [])].map(([date, count]) => [ingestId, 'spend', { date }, count]),
    ];
    if (partitionRows.length > 0) {
      await engine.writeRows(
        INGEST_PARTITIONS,
        { columns: ['ingest_id', 'kind', 'dt', 'rows_accepted'], rows: partitionRows },
        { kind: 'append', filePrefix: ingestId },
      );
    }
    const result: IngestResult = { file, kind, ingestId, ...counts, alreadyIngested: false };
    await engine.write(
      INGEST_LOG,
      queryFile('ingest/ingest_log', {
        ingest_id: ingestId,
        file,
        kind,
        ingested_at: { timestamp: ingestedAt },
        rows_read: result.rowsRead,
        rows_accepted: result.rowsAccepted,
        rows_duplicate: result.rowsDuplicate,
        rows_quarantined: result.rowsQuarantined,
      }),
      { kind: 'append', filePrefix: ingestId },
    );
    return result;
  } finally {
    await context.store.deletePrefix(`${handler.staging.location}/staging_id=${stagingId}`);
    await context.store.deletePrefix(`${STAGED_QUARANTINE.location}/staging_id=${stagingId}`);
    await context.engine.refresh(handler.staging);
    await context.engine.refresh(STAGED_QUARANTINE);
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new IngestError(`${file} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof IngestError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new IngestError(`cannot read ${file}: ${reason}`, { cause: error });
  }
}
