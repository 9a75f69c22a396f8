import { utcTimestampText } from '../contract/inputs.ts';
import { STAGED_TRACKER_EVENTS, TRACKER_EVENTS } from '../contract/tables.ts';
import { queryFile } from '../warehouse/sql.ts';
import { readCsvRecords } from './csv-lines.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import { adjustRow, appsflyerRow, type TrackerEventRow } from './tracker-rows.ts';

/** What sets AppsFlyer apart from Adjust: the columns a file must have, and the row rule. */
interface TrackerEventsSpec {
  readonly kind: 'appsflyer' | 'adjust';
  /** Columns without which no row can be read: the key, the time and the partner key. */
  readonly requiredColumns: readonly string[];
  readonly readRow: (fields: Readonly<Record<string, string>>) => TrackerEventRow | string;
}

/**
 * An AppsFlyer or Adjust export (docs/contract.md, Tracking tools): every row validated by its exact
 * header names, the rest of the columns ignored. A row whose key an earlier line or a completed
 * earlier ingest had is a duplicate (the first wins), decided in SQL against the stored rows of the
 * same dates, since the key holds the event's time.
 */
function trackerEventsKind(spec: TrackerEventsSpec): InputKindHandler {
  return {
    kind: spec.kind,
    staging: STAGED_TRACKER_EVENTS,

    async stage(path: string, sink: StagingSink) {
      let rowsRead = 0;
      for await (const record of readCsvRecords(path, spec.requiredColumns, sink.read, {
        exactHeader: true,
      })) {
        rowsRead += 1;
        if ('error' in record) {
          await sink.reject(record.line, record.error, record.raw);
          continue;
        }
        const row = spec.readRow(record.fields);
        if (typeof row === 'string') {
          await sink.reject(record.line, row, record.raw);
          continue;
        }
        await sink.accept([
          record.line,
          row.source,
          row.conversionId,
          row.userId,
          row.activityKind,
          row.eventName,
          utcTimestampText(row.occurredAtMs),
          row.sourceKey,
          row.revenue,
          row.currency,
        ]);
      }
      return { rowsRead, rowsSuperseded: 0 };
    },

    async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
      if (staged === 0) return { rowsByDate: new Map(), rowsAccepted: 0, rowsDuplicate: 0 };
      const params = { ingest_id: run.ingestId, staging_id: run.stagingId, file: run.file };
      await run.engine.write(TRACKER_EVENTS, queryFile('ingest/accept_tracker_events', params), {
        kind: 'append',
        filePrefix: run.ingestId.slice(0, 16),
      });
      // Accepted rows are counted in the lake and duplicates in the staged file, each where it is
      // decided: a row lost on the way fails the ingest's accounting.
      const stored = await run.engine.query(queryFile('ingest/stored_tracker_events_by_date', params));
      const [duplicates] = await run.engine.query(queryFile('ingest/tracker_event_duplicates', params));
      const rowsByDate = new Map(stored.map((row) => [String(row.dt), Number(row.rows_stored)]));
      return {
        rowsByDate,
        rowsAccepted: [...rowsByDate.values()].reduce((a, b) => a + b, 0),
        rowsDuplicate: Number(duplicates?.rows_duplicate ?? 0),
      };
    },
  };
}

/** AppsFlyer's Pull API raw-data CSV (installs or in-app events). */
export const appsflyerKind = trackerEventsKind({
  kind: 'appsflyer',
  requiredColumns: ['AppsFlyer ID', 'Event Name', 'Event Time', 'Media Source'],
  readRow: appsflyerRow,
});

/** An Adjust CSV export whose columns are Adjust's placeholders. */
export const adjustKind = trackerEventsKind({
  kind: 'adjust',
  requiredColumns: ['adid', 'activity_kind', 'event_name', 'created_at', 'network_name'],
  readRow: adjustRow,
});
