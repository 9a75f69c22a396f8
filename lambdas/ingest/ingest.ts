import { stat } from 'node:fs/promises';
import type { InputKind } from '../contract/inputs.ts';
import { INGEST_LOG, INGEST_PARTITIONS, QUARANTINE, STAGED_QUARANTINE } from '../contract/tables.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine } from '../warehouse/engine.ts';
import { queryFile, valuesQuery } from '../warehouse/sql.ts';
import { IngestError } from './errors.ts';
import { utcTimestampText } from './events.ts';
import { eventsKind } from './events-kind.ts';
import { fxKind } from './fx-kind.ts';
import type { InputKindHandler, StagingOutcome } from './kind.ts';
import { hashFile } from './line-reader.ts';
import { partnersKind } from './partners-kind.ts';
import { spendKind } from './spend-kind.ts';
import { StagingWriter } from './staging-writer.ts';

const HANDLERS: Record<InputKind, InputKindHandler> = {
  events: eventsKind,
  spend: spendKind,
  partners: partnersKind,
  fx: fxKind,
};

/** The counts of CONTRACT.md 1 for one file; `rowsRead = rowsAccepted + rowsDuplicate + rowsQuarantined`. */
export interface IngestResult {
  readonly file: string;
  readonly kind: InputKind;
  readonly ingestId: string;
  readonly rowsRead: number;
  readonly rowsAccepted: number;
  readonly rowsDuplicate: number;
  readonly rowsQuarantined: number;
  /** True when these exact bytes were ingested before: nothing changed, the counts are the earlier ones. */
  readonly alreadyIngested: boolean;
}

/** What an ingest needs: the lake's store and an engine over it. */
export interface IngestContext {
  readonly store: ObjectStore;
  readonly engine: Engine;
  /** @default the system clock */
  readonly now?: () => Date;
  /** Called with raw bytes read so far and the file's size, for a progress bar. */
  readonly onProgress?: (bytesRead: number, bytesTotal: number) => void;
}

/** The one-line reason longer raw lines are cut to in quarantine. */
const MAX_RAW_CHARS = 8192;

/**
 * Ingests one file of the given kind: validates every row, quarantines bad ones with a reason,
 * stores the rest in the curated table, and logs the counts. The same bytes are ingested once;
 * an interrupted ingest of a file is completed by ingesting it again.
 */
export async function ingestFile(
  context: IngestContext,
  kind: InputKind,
  file: string,
): Promise<IngestResult> {
  const { store, engine } = context;
  const handler = HANDLERS[kind];
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new IngestError(`${file} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw new IngestError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const ingestId = await hashFile(file);
  const previous = await engine.query(queryFile('ingest/previous_ingest', { ingest_id: ingestId }));
  if (previous[0] !== undefined) {
    const row = previous[0];
    return {
      file,
      kind: row.kind as InputKind,
      ingestId,
      rowsRead: Number(row.rows_read),
      rowsAccepted: Number(row.rows_accepted),
      rowsDuplicate: Number(row.rows_duplicate),
      rowsQuarantined: Number(row.rows_quarantined),
      alreadyIngested: true,
    };
  }

  const stagingKey = `${handler.staging.location}/ingest_id=${ingestId}/rows.csv`;
  const quarantineKey = `${STAGED_QUARANTINE.location}/ingest_id=${ingestId}/rows.csv`;
  const rows = new StagingWriter(store, stagingKey);
  const rejects = new StagingWriter(store, quarantineKey);
  const onProgress = context.onProgress;
  let outcome: StagingOutcome;
  try {
    outcome = await handler.stage(
      file,
      {
        accept: (values) => rows.write(values),
        reject: (line, reason, raw) => rejects.write([line, reason, raw.slice(0, MAX_RAW_CHARS)]),
        ...(onProgress === undefined
          ? {}
          : {
              onBytes: (bytesRead: number) => onProgress(bytesRead, size),
            }),
      },
      engine,
    );
    await rows.close();
    await rejects.close();
  } catch (error) {
    rows.abort(error as Error);
    rejects.abort(error as Error);
    await cleanUpStaging(context, handler, ingestId);
    throw error;
  }

  try {
    await engine.refresh(handler.staging);
    await engine.refresh(STAGED_QUARANTINE);
    const ingestedAt = utcTimestampText((context.now ?? (() => new Date()))().getTime());
    const run = { ingestId, file, ingestedAt, engine };
    const loaded = await handler.load(run, rows.rows);
    const rowsQuarantined = rejects.rows;
    if (rowsQuarantined > 0) {
      await engine.write(QUARANTINE, queryFile('ingest/quarantine', { ingest_id: ingestId, file }), {
        kind: 'append',
        filePrefix: ingestId,
      });
    }
    if (loaded.rowsByDate.size > 0) {
      const partitionRows = [...loaded.rowsByDate].map(([date, count]) => [ingestId, kind, { date }, count]);
      await engine.write(
        INGEST_PARTITIONS,
        valuesQuery(['ingest_id', 'kind', 'dt', 'rows_accepted'], partitionRows),
        {
          kind: 'append',
          filePrefix: ingestId,
        },
      );
    }
    const result: IngestResult = {
      file,
      kind,
      ingestId,
      rowsRead: outcome.rowsRead,
      rowsAccepted: loaded.rowsAccepted,
      rowsDuplicate: outcome.rowsRead - loaded.rowsAccepted - rowsQuarantined,
      rowsQuarantined,
      alreadyIngested: false,
    };
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
    await cleanUpStaging(context, handler, ingestId);
  }
}

async function cleanUpStaging(
  context: IngestContext,
  handler: InputKindHandler,
  ingestId: string,
): Promise<void> {
  await context.store.deletePrefix(`${handler.staging.location}/ingest_id=${ingestId}`);
  await context.store.deletePrefix(`${STAGED_QUARANTINE.location}/ingest_id=${ingestId}`);
  await context.engine.refresh(handler.staging);
  await context.engine.refresh(STAGED_QUARANTINE);
}
