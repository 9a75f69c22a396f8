import { EVENTS, STAGED_EVENTS } from '../contract/tables.ts';
import { queryFile } from '../warehouse/sql.ts';
import { readBlocks } from './block-reader.ts';
import type { ValidatedBatch } from './event-batch.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import { ParallelValidator } from './parallel-validator.ts';

/** Platform events: NDJSON, optionally gzip, deduplicated on event_id across the lake. */
export const eventsKind: InputKindHandler = {
  kind: 'events',
  staging: STAGED_EVENTS,

  async stage(path: string, sink: StagingSink) {
    const validator = new ParallelValidator(sink.threads, sink.pseudonymizationKey);
    let rowsRead = 0;
    const write = async (batch: ValidatedBatch) => {
      rowsRead += batch.rowsRead;
      await sink.acceptCsv(batch.staged, batch.stagedRows);
      await sink.rejectCsv(batch.rejected, batch.rejectedRows);
    };
    try {
      for await (const block of readBlocks(path, sink.read)) await validator.submit(block, write);
      await validator.drain();
    } finally {
      await validator.close();
    }
    return { rowsRead, rowsSuperseded: 0 };
  },

  async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
    if (staged === 0) return { rowsByDate: new Map(), rowsAccepted: 0, rowsDuplicate: 0 };
    const params = { ingest_id: run.ingestId, staging_id: run.stagingId, file: run.file };
    const [ids] = await run.engine.query(queryFile('ingest/staged_event_ids', params));
    await run.engine.write(EVENTS, queryFile('ingest/accept_events', params), {
      kind: 'append',
      filePrefix: run.ingestId.slice(0, 16),
    });
    const counts = await run.engine.query(queryFile('ingest/accepted_events_by_date', params));
    const rowsByDate = new Map(counts.map((row) => [String(row.dt), Number(row.rows_accepted)]));
    const rowsAccepted = [...rowsByDate.values()].reduce((a, b) => a + b, 0);
    // Only the first line of an event_id the load did not store can be a duplicate of the lake, and
    // counting those reads every stored event_id (the growing cost of an ingest on Athena): done
    // when there are such lines, whether duplicates or lost, and not otherwise.
    const firstLinesNotStored = Number(ids?.distinct_event_ids ?? 0) - rowsAccepted;
    const [before] =
      firstLinesNotStored > 0
        ? await run.engine.query(queryFile('ingest/events_accepted_before', params))
        : [{ rows_accepted_before: 0 }];
    return {
      rowsByDate,
      rowsAccepted,
      rowsDuplicate: Number(ids?.rows_repeated ?? 0) + Number(before?.rows_accepted_before ?? 0),
    };
  },
};
