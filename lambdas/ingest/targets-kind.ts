import { STAGED_TARGETS, TARGETS } from '../contract/tables.ts';
import { TARGET_COLUMNS, TargetSchema } from '../contract/targets.ts';
import { registryKind } from './registry-kind.ts';

/**
 * The targets: a CSV snapshot that replaces the previous one, as the partner registry does (see
 * {@link registryKind}); a (period, scope, metric) listed twice keeps its later row.
 */
export const targetsKind = registryKind({
  kind: 'targets',
  staging: STAGED_TARGETS,
  table: TARGETS,
  registry: 'targets',
  requiredColumns: TARGET_COLUMNS,
  schema: TargetSchema,
  idOf: (target) => `${target.period}\u0000${target.scope}\u0000${target.metric}`,
  loadQuery: 'ingest/load_targets',
});
