import { PARTNER_COLUMNS, PartnerSchema, reasonOf } from '../contract/inputs.ts';
import { PARTNERS, STAGED_PARTNERS } from '../contract/tables.ts';
import { queryFile } from '../warehouse/sql.ts';
import { IngestError } from './errors.ts';
import type { IngestRun, InputKindHandler, LoadOutcome, StagingSink } from './kind.ts';
import { readRecords } from './records.ts';
import type { StagedValue } from './staging-writer.ts';

/**
 * The partner registry: a CSV snapshot that replaces the previous one. A registry without the
 * contract's header, or without a single valid row, is refused whole so it cannot wipe the
 * registry; single bad rows are quarantined.
 */
export const partnersKind: InputKindHandler = {
  kind: 'partners',
  staging: STAGED_PARTNERS,

  async stage(path: string, sink: StagingSink) {
    const latestById = new Map<string, StagedValue[]>();
    let rowsRead = 0;
    let rowsSuperseded = 0;
    for await (const record of readRecords(path, PARTNER_COLUMNS, sink.read)) {
      rowsRead += 1;
      if ('error' in record) {
        await sink.reject(record.line, record.error, record.raw);
        continue;
      }
      const parsed = PartnerSchema.safeParse(record.fields);
      if (!parsed.success) {
        await sink.reject(record.line, reasonOf(parsed.error), record.raw);
        continue;
      }
      const p = parsed.data;
      if (latestById.delete(p.partner_id)) rowsSuperseded += 1;
      latestById.set(p.partner_id, [
        record.line,
        p.partner_id,
        p.name,
        p.channel,
        p.network,
        p.revshare_rate,
        p.status,
        p.min_daily_budget_usd,
        p.max_daily_budget_usd,
      ]);
    }
    if (latestById.size === 0) {
      throw new IngestError(`${path}: the partner registry has no valid row; the current registry is kept`);
    }
    for (const values of latestById.values()) await sink.accept(values);
    return { rowsRead, rowsSuperseded };
  },

  async load(run: IngestRun, staged: number): Promise<LoadOutcome> {
    await run.engine.write(PARTNERS, queryFile('ingest/load_partners', { staging_id: run.stagingId }), {
      kind: 'replace-table',
    });
    return { rowsByDate: new Map(), rowsAccepted: staged, rowsDuplicate: 0 };
  },
};
