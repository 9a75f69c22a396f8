import { EVENTS, STAGED_EVENTS } from '../contract/tables.ts';
import { queryFile } from '../warehouse/sql.ts';
import { validateEventLine } from './events.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import { readLines } from './line-reader.ts';

/** Platform events: NDJSON, optionally gzip, deduplicated on event_id across the lake. */
export const eventsKind: InputKindHandler = {
  kind: 'events',
  staging: STAGED_EVENTS,

  async stage(path: string, sink: StagingSink) {
    let rowsRead = 0;
    for await (const { line, text } of readLines(path, sink.onBytes)) {
      if (text.trim() === '') continue;
      rowsRead += 1;
      const result = validateEventLine(line, text);
      if (typeof result === 'string') await sink.reject(line, result, text);
      else await sink.accept(result.values);
    }
    return { rowsRead, rowsSuperseded: 0 };
  },

  async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
    if (staged === 0) return { rowsByDate: new Map(), rowsAccepted: 0 };
    const params = { ingest_id: run.ingestId, file: run.file };
    await run.engine.write(EVENTS, queryFile('ingest/accept_events', params), {
      kind: 'append',
      filePrefix: run.ingestId.slice(0, 16),
    });
    const counts = await run.engine.query(queryFile('ingest/accepted_events_by_date', params));
    const rowsByDate = new Map(counts.map((row) => [String(row.dt), Number(row.rows_accepted)]));
    return { rowsByDate, rowsAccepted: [...rowsByDate.values()].reduce((a, b) => a + b, 0) };
  },
};
