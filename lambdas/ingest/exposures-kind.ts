import { EXPOSURE_COLUMNS, ExposureSchema, utcTimestampText } from '../contract/inputs.ts';
import { EXPOSURES, STAGED_EXPOSURES } from '../contract/tables.ts';
import { queryFile } from '../warehouse/sql.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import { type ReadTally, validRecords } from './valid-records.ts';

/**
 * Campaign exposures, as a CRM exports them: every valid row is stored, partitioned by the UTC date
 * of assigned_at, because every row takes part in finding a user's first exposure and their arm
 * switches. In the ingest's counts a row is a duplicate when a row with the same campaign and user
 * was ingested before it (an earlier line, or any earlier file).
 */
export const exposuresKind: InputKindHandler = {
  kind: 'exposures',
  staging: STAGED_EXPOSURES,

  async stage(path: string, sink: StagingSink) {
    const tally: ReadTally = { rowsRead: 0 };
    for await (const { line, row } of validRecords(path, EXPOSURE_COLUMNS, ExposureSchema, sink, tally)) {
      await sink.accept([line, row.campaign_id, row.user_id, row.arm, utcTimestampText(row.assigned_at)]);
    }
    return { rowsRead: tally.rowsRead, rowsSuperseded: 0 };
  },

  async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
    if (staged === 0) return { rowsByDate: new Map(), rowsAccepted: 0, rowsDuplicate: 0 };
    const params = {
      ingest_id: run.ingestId,
      staging_id: run.stagingId,
      file: run.file,
      ingested_at: { timestamp: run.ingestedAt },
    };
    await run.engine.write(EXPOSURES, queryFile('ingest/accept_exposures', params), {
      kind: 'append',
      filePrefix: run.ingestId.slice(0, 16),
    });
    // Both counts are taken from the rows the lake now holds, not from the rows handed to the
    // writer: a row lost on the way shortens rows_stored and fails the ingest's accounting.
    const counts = await run.engine.query(queryFile('ingest/stored_exposures_by_date', params));
    const stored = counts.reduce((total, row) => total + Number(row.rows_stored), 0);
    const duplicates = counts.reduce((total, row) => total + Number(row.rows_duplicate), 0);
    return {
      rowsByDate: new Map(counts.map((row) => [String(row.dt), Number(row.rows_stored)])),
      rowsAccepted: stored - duplicates,
      rowsDuplicate: duplicates,
    };
  },
};
