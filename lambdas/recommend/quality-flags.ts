/**
 * The traffic-quality flags the recommender holds partners to (docs/contract.md, partner_quality): a
 * partner with any gets no budget increase.
 */
import { TABLES } from '../contract/tables.ts';
import { PARTNER_QUALITY } from '../contract/tables-traffic.ts';
import type { Engine } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';

/**
 * Whether the registry has partner_quality, which arrives with its builder (issue 18). Until then no
 * engine has a view of it and no partner is flagged; once registered, a lake that never had quality
 * data reads it as an empty table.
 */
function hasPartnerQuality(): boolean {
  return Object.values(TABLES).some((table) => table.name === PARTNER_QUALITY.name);
}

/**
 * Each flagged partner's flags on `runDate`, as partner_quality lists them (alphabetical); partners
 * without flags, and every partner of a run date without quality data, are absent.
 */
export async function loadQualityFlags(engine: Engine, runDate: string): Promise<Map<string, string[]>> {
  if (!hasPartnerQuality()) return new Map();
  const rows = await engine.query(
    queryFile('recommend/partner_quality_flags', { run_date: { date: runDate } }),
  );
  return new Map(
    rows.map((row) => [
      String(row.partner_id),
      String(row.flags)
        .split(',')
        .map((flag) => flag.trim())
        .filter((flag) => flag !== ''),
    ]),
  );
}
