import { utcTimestampText } from '../contract/inputs.ts';
import { IMPACT_ACTIONS, STAGED_IMPACT } from '../contract/tables.ts';
import { IMPACT_COLUMNS } from '../contract/trackers.ts';
import type { Engine } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import { readCsvRecords } from './csv-lines.ts';
import { refreshImpactSpend } from './impact-spend.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import { impactRow } from './tracker-rows.ts';

async function loadFxRates(engine: Engine): Promise<Map<string, number>> {
  const rows = await engine.query(queryFile('ingest/fx_rates'));
  return new Map(rows.map((row) => [`${row.fx_date}|${row.currency}`, Number(row.usd_per_unit)]));
}

/**
 * An Impact Actions report (docs/contract.md, Tracking tools): every row validated by its exact
 * header names and its Payout converted to USD with the FX rate of the UTC date of its EventDate. A
 * row whose Id was ingested before restates the action (a new version) unless every column read
 * equals the latest version, which makes it a duplicate; every row is stored, so that both counts
 * are taken over the lake. The payouts then restate the Impact spend of the dates they change.
 */
export const impactKind: InputKindHandler = {
  kind: 'impact',
  staging: STAGED_IMPACT,

  async stage(path: string, sink: StagingSink, engine: Engine) {
    const fx = await loadFxRates(engine);
    let rowsRead = 0;
    const required = ['Id', 'CampaignId', 'MediaPartnerId', 'State', 'EventDate', 'Payout'];
    for await (const record of readCsvRecords(path, required, sink.read, { exactHeader: true })) {
      rowsRead += 1;
      if ('error' in record) {
        await sink.reject(record.line, record.error, record.raw);
        continue;
      }
      const row = impactRow(record.fields, IMPACT_COLUMNS);
      if (typeof row === 'string') {
        await sink.reject(record.line, row, record.raw);
        continue;
      }
      const occurredAt = utcTimestampText(row.occurredAtMs);
      const date = occurredAt.slice(0, 10);
      const rate = row.currency === 'USD' ? 1 : fx.get(`${date}|${row.currency}`);
      if (rate === undefined) {
        await sink.reject(record.line, `no FX rate for ${row.currency} on ${date}`, record.raw);
        continue;
      }
      await sink.accept([
        record.line,
        row.actionId,
        row.campaignId,
        row.actionTrackerName,
        row.mediaPartnerId,
        row.mediaPartnerName,
        row.state,
        occurredAt,
        row.lockingAtMs === null ? null : utcTimestampText(row.lockingAtMs),
        row.payout,
        row.currency,
        rate,
        row.payout * rate,
        row.amount,
        row.customerId,
        row.digest,
      ]);
    }
    return { rowsRead, rowsSuperseded: 0 };
  },

  async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
    if (staged === 0) return { rowsByDate: new Map(), rowsAccepted: 0, rowsDuplicate: 0 };
    const params = { ingest_id: run.ingestId, staging_id: run.stagingId, file: run.file };
    await run.engine.write(IMPACT_ACTIONS, queryFile('ingest/accept_impact_actions', params), {
      kind: 'append',
      filePrefix: run.ingestId.slice(0, 16),
    });
    // Both counts are taken from the rows the lake now holds (see exposuresKind).
    const counts = await run.engine.query(queryFile('ingest/stored_impact_actions_by_date', params));
    const stored = counts.reduce((total, row) => total + Number(row.rows_stored), 0);
    const duplicates = counts.reduce((total, row) => total + Number(row.rows_duplicate), 0);
    return {
      rowsByDate: new Map(counts.map((row) => [String(row.dt), Number(row.rows_stored)])),
      rowsAccepted: stored - duplicates,
      rowsDuplicate: duplicates,
      derivedSpend: await refreshImpactSpend(run),
    };
  },
};
