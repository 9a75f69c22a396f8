/**
 * The table registry with the tracker tables in it, for `vi.mock` of `lambdas/contract/tables.ts`
 * in the tests of the Tracking section: the tables arrive in the registry with their builders
 * (issue 17), and the publish model loads the section only when they are registered. Once they
 * are, this changes nothing.
 */
import type * as Tables from '../../lambdas/contract/tables.ts';
import { TRACKER_CONVERSIONS, TRACKER_RECONCILIATION } from '../../lambdas/contract/tables-trackers.ts';

/** The registry module with tracker_conversions and tracker_reconciliation registered. */
export function withTrackerTables(registry: typeof Tables) {
  return {
    ...registry,
    TABLES: {
      ...registry.TABLES,
      tracker_conversions: TRACKER_CONVERSIONS,
      tracker_reconciliation: TRACKER_RECONCILIATION,
    },
  };
}
