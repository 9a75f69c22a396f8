/**
 * The traffic-quality flags the recommender holds partners to (docs/contract.md, partner_quality): a
 * partner with any gets no budget increase.
 */
import type { Engine } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';

/**
 * Each flagged partner's flags on `runDate`, as partner_quality lists them (alphabetical); partners
 * without flags, and every partner of a run date without quality data, are absent.
 */
export async function loadQualityFlags(engine: Engine, runDate: string): Promise<Map<string, string[]>> {
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
