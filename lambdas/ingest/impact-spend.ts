import { SPEND } from '../contract/tables.ts';
import type { SqlParam } from '../warehouse/sql.ts';
import { queryFile } from '../warehouse/sql.ts';
import type { IngestRun } from './kind.ts';

/**
 * Restates the spend Impact payouts form (docs/contract.md, Tracking tools, "Impact payouts are
 * spend") after an Impact or tracker-map ingest: the CPA rows `impact:<CampaignId>` of every date
 * whose payouts, as the latest versions of the actions and the current map give them, differ from
 * what `spend` holds are replaced, and the other spend rows of those dates kept. Dates whose Impact
 * spend is unchanged are not written, so their fingerprints, and what the run rebuilds, stay put.
 *
 * @returns the dates replaced, with the Impact spend rows each now holds (0: its Impact spend went).
 */
export async function refreshImpactSpend(run: IngestRun): Promise<Map<string, number>> {
  const changed = await run.engine.query(
    queryFile('ingest/impact_spend_changes', { ingest_id: run.ingestId }),
  );
  const byDate = new Map<string, number>();
  const rows: SqlParam[][] = [];
  for (const row of changed) {
    const date = String(row.spend_date);
    const hasRow = row.partner_id !== null;
    byDate.set(date, (byDate.get(date) ?? 0) + (hasRow ? 1 : 0));
    if (hasRow) rows.push([{ date }, String(row.partner_id), String(row.campaign_id), Number(row.spend_usd)]);
  }
  if (byDate.size === 0) return byDate;
  // A values list cannot be empty: a row of nulls, which the merge drops, stands for none.
  const impactRows = rows.length > 0 ? rows : [[null, null, null, null]];
  await run.engine.write(
    SPEND,
    queryFile('ingest/merge_impact_spend', {
      dates: { dates: [...byDate.keys()] },
      impact_rows: {
        table: { columns: ['spend_date', 'partner_id', 'campaign_id', 'spend_usd'], rows: impactRows },
      },
      file: run.file,
      ingested_at: { timestamp: run.ingestedAt },
    }),
    { kind: 'replace-partitions', partitions: [...byDate.keys()] },
  );
  return byDate;
}
