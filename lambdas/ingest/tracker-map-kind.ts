import { TRACKER_MAP_COLUMNS, TrackerMapRowSchema } from '../contract/inputs.ts';
import { STAGED_TRACKER_MAP, TRACKER_MAP } from '../contract/tables.ts';
import { refreshImpactSpend } from './impact-spend.ts';
import type { InputKindHandler } from './kind.ts';
import { registryKind } from './registry-kind.ts';

const snapshot = registryKind({
  kind: 'tracker-map',
  staging: STAGED_TRACKER_MAP,
  table: TRACKER_MAP,
  registry: 'tracker map',
  requiredColumns: TRACKER_MAP_COLUMNS,
  schema: TrackerMapRowSchema,
  idOf: (row) => `${row.source}\u0000${row.source_key}`,
  loadQuery: 'ingest/load_tracker_map',
});

/**
 * The tracker map: a CSV snapshot that replaces the previous one (see {@link registryKind}). The
 * tracker tables apply it when they are built; the Impact spend it changes (a key mapped, or mapped
 * to another partner) is restated at once, so that a corrected map fixes the spend of history too.
 */
export const trackerMapKind: InputKindHandler = {
  ...snapshot,
  async load(run, staged) {
    const loaded = await snapshot.load(run, staged);
    return { ...loaded, derivedSpend: await refreshImpactSpend(run) };
  },
};
