import { SPEND_COLUMNS, SpendRowSchema } from '../contract/inputs.ts';
import { SPEND, STAGED_SPEND } from '../contract/tables.ts';
import type { Engine } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import type { StagedValue } from './staging-writer.ts';
import { type ReadTally, validRecords } from './valid-records.ts';

async function loadFxRates(engine: Engine): Promise<Map<string, number>> {
  const rows = await engine.query(queryFile('ingest/fx_rates'));
  return new Map(rows.map((row) => [`${row.fx_date}|${row.currency}`, Number(row.usd_per_unit)]));
}

/**
 * Partner spend: CSV or NDJSON, converted to USD with the FX table, restated by key. Within a file
 * the later line of a key wins; across files the later ingest wins.
 */
export const spendKind: InputKindHandler = {
  kind: 'spend',
  staging: STAGED_SPEND,

  async stage(path: string, sink: StagingSink, engine: Engine) {
    const fx = await loadFxRates(engine);
    const latestByKey = new Map<string, StagedValue[]>();
    const tally: ReadTally = { rowsRead: 0 };
    let rowsSuperseded = 0;
    for await (const record of validRecords(path, SPEND_COLUMNS, SpendRowSchema, sink, tally)) {
      const row = record.row;
      const rate = row.currency === 'USD' ? 1 : fx.get(`${row.date}|${row.currency}`);
      if (rate === undefined) {
        await sink.reject(record.line, `no FX rate for ${row.currency} on ${row.date}`, record.raw);
        continue;
      }
      const spend = row.spend as number;
      const key = [row.date, row.partner_id, row.campaign_id, row.cost_type].join('\u0000');
      if (latestByKey.delete(key)) rowsSuperseded += 1;
      latestByKey.set(key, [
        record.line,
        row.date,
        row.partner_id,
        row.campaign_id,
        row.cost_type,
        spend,
        row.currency,
        rate,
        spend * rate,
        row.impressions,
        row.clicks,
      ]);
    }
    const staged = [...latestByKey.values()].sort((a, b) => (a[0] as number) - (b[0] as number));
    for (const values of staged) await sink.accept(values);
    return { rowsRead: tally.rowsRead, rowsSuperseded };
  },

  async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
    if (staged === 0) return { rowsByDate: new Map(), rowsAccepted: 0, rowsDuplicate: 0 };
    const params = {
      staging_id: run.stagingId,
      file: run.file,
      ingested_at: { timestamp: run.ingestedAt },
    };
    const dates = await run.engine.query(queryFile('ingest/staged_spend_dates', params));
    const rowsByDate = new Map(dates.map((row) => [String(row.spend_date), Number(row.rows_staged)]));
    await run.engine.write(SPEND, queryFile('ingest/merge_spend', params), {
      kind: 'replace-partitions',
      partitions: [...rowsByDate.keys()],
    });
    // Counted from the staged table the merge reads, not from the rows handed to the writer, so a
    // row lost on the way fails the ingest's accounting.
    return {
      rowsByDate,
      rowsAccepted: [...rowsByDate.values()].reduce((a, b) => a + b, 0),
      rowsDuplicate: 0,
    };
  },
};
