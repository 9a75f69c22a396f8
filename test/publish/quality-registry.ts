/**
 * The table registry with the traffic-quality tables in it, for `vi.mock` of
 * `lambdas/contract/tables.ts` in the tests of what reads them (the Quality section, the
 * recommender's hold): the tables arrive in the registry with their builders (issue 18), and their
 * readers read them only when they are registered. Once they are, this changes nothing.
 */
import type * as Tables from '../../lambdas/contract/tables.ts';
import { PARTNER_QUALITY, USER_RISK_FLAGS } from '../../lambdas/contract/tables-traffic.ts';

/** The registry module with partner_quality and user_risk_flags registered. */
export function withQualityTables(registry: typeof Tables) {
  return {
    ...registry,
    TABLES: {
      ...registry.TABLES,
      partner_quality: PARTNER_QUALITY,
      user_risk_flags: USER_RISK_FLAGS,
    },
  };
}
