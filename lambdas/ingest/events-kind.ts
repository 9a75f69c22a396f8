import { EVENTS, STAGED_EVENTS } from '../contract/tables.ts';
import { queryFile } from '../warehouse/sql.ts';
import type { ValidatedBatch } from './event-batch.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import { readLines } from './line-reader.ts';
import { BATCH_LINES, ParallelValidator } from './parallel-validator.ts';

/** Platform events: NDJSON, optionally gzip, deduplicated on event_id across the lake. */
export const eventsKind: InputKindHandler = {
  kind: 'events',
  staging: STAGED_EVENTS,

  async stage(path: string, sink: StagingSink) {
    const validator = new ParallelValidator(sink.threads);
    const write = async (batch: ValidatedBatch) => {
      await sink.acceptCsv(batch.staged, batch.stagedRows);
      await sink.rejectCsv(batch.rejected, batch.rejectedRows);
    };
    let rowsRead = 0;
    let lineNumbers: number[] = [];
    let texts: string[] = [];
    try {
      for await (const { line, text } of readLines(path, sink.read)) {
        if (text.trim() === '') continue;
        rowsRead += 1;
        lineNumbers.push(line);
        texts.push(text);
        if (texts.length === BATCH_LINES) {
          await validator.submit(lineNumbers, texts, write);
          lineNumbers = [];
          texts = [];
        }
      }
      if (texts.length > 0) await validator.submit(lineNumbers, texts, write);
      await validator.drain();
    } finally {
      await validator.close();
    }
    return { rowsRead, rowsSuperseded: 0 };
  },

  async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
    if (staged === 0) return { rowsByDate: new Map(), rowsAccepted: 0 };
    const params = { ingest_id: run.ingestId, staging_id: run.stagingId, file: run.file };
    await run.engine.write(EVENTS, queryFile('ingest/accept_events', params), {
      kind: 'append',
      filePrefix: run.ingestId.slice(0, 16),
    });
    const counts = await run.engine.query(queryFile('ingest/accepted_events_by_date', params));
    const rowsByDate = new Map(counts.map((row) => [String(row.dt), Number(row.rows_accepted)]));
    return { rowsByDate, rowsAccepted: [...rowsByDate.values()].reduce((a, b) => a + b, 0) };
  },
};
