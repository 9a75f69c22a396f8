import { FxRateSchema } from '../contract/inputs.ts';
import { FX, STAGED_FX } from '../contract/tables.ts';
import { queryFile } from '../warehouse/sql.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import type { StagedValue } from './staging-writer.ts';
import { type ReadTally, validRecords } from './valid-records.ts';

const FX_COLUMNS = ['date', 'currency', 'usd_per_unit'] as const;

/** FX rates: for each date and currency the rate ingested last wins. */
export const fxKind: InputKindHandler = {
  kind: 'fx',
  staging: STAGED_FX,

  async stage(path: string, sink: StagingSink) {
    const latestByKey = new Map<string, StagedValue[]>();
    const tally: ReadTally = { rowsRead: 0 };
    let rowsSuperseded = 0;
    for await (const { line, row: rate } of validRecords(path, FX_COLUMNS, FxRateSchema, sink, tally)) {
      const key = `${rate.date}|${rate.currency}`;
      if (latestByKey.delete(key)) rowsSuperseded += 1;
      latestByKey.set(key, [line, rate.date, rate.currency, rate.usd_per_unit]);
    }
    for (const values of latestByKey.values()) await sink.accept(values);
    return { rowsRead: tally.rowsRead, rowsSuperseded };
  },

  async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
    if (staged === 0) return { rowsByDate: new Map(), rowsAccepted: 0, rowsDuplicate: 0 };
    await run.engine.write(FX, queryFile('ingest/merge_fx', { staging_id: run.stagingId }), {
      kind: 'replace-table',
    });
    return { rowsByDate: new Map(), rowsAccepted: staged, rowsDuplicate: 0 };
  },
};
