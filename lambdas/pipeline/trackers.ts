/**
 * The tracker tables of a run (docs/contract.md, Tracking tools): `tracker_conversions`, rebuilt
 * only when a tracker export or the tracker map was ingested since it was built, and the
 * `tracker_reconciliation` of every run date whose inputs changed (its state, or tracker data dated
 * on or before it, or the map).
 */
import { TRACKER_CONVERSIONS, TRACKER_RECONCILIATION } from '../contract/tables.ts';
import { DEFAULT_TRACKER_STEPS, type TrackerStepRule } from '../contract/trackers.ts';
import type { Engine } from '../warehouse/engine.ts';
import { loadQuery, queryFile, type SqlParam } from '../warehouse/sql.ts';
import {
  type BuildManifest,
  fingerprint,
  type InputFingerprints,
  modelVersion,
  NO_BASE,
} from './manifest.ts';
import { type StepReport, timed } from './timed-step.ts';

/** Most partitions one write replaces (Athena refuses more than 100 in one statement). */
const MAX_PARTITIONS_PER_WRITE = 100;

/** What the tracker step did. */
export interface TrackerReport {
  /** True when tracker_conversions was rebuilt. */
  readonly conversionsRebuilt: boolean;
  /** Run dates whose reconciliation was built. */
  readonly reconciledRuns: readonly string[];
}

function stepRulesParam(rules: readonly TrackerStepRule[]): SqlParam {
  return {
    table: {
      columns: ['source', 'field', 'value', 'step'],
      rows: rules.map((rule) => [rule.source, rule.field, rule.value, rule.step]),
    },
  };
}

/**
 * Builds the tracker tables for the run dates `runDates` (those whose user state is current), each
 * only when stale; nothing when no tracker data was ever ingested. Reads the user state of each run
 * date, so it runs after the states are folded.
 */
export async function buildTrackerTables(options: {
  readonly engine: Engine;
  readonly fingerprints: InputFingerprints;
  readonly manifest: BuildManifest;
  readonly runDates: readonly string[];
  readonly stepRules?: readonly TrackerStepRule[];
  readonly steps: StepReport[];
}): Promise<TrackerReport> {
  const { engine, fingerprints, manifest, steps } = options;
  if (!fingerprints.hasTrackerData()) return { conversionsRebuilt: false, reconciledRuns: [] };
  const rules = options.stepRules ?? DEFAULT_TRACKER_STEPS;
  const maps = await engine.query(queryFile('run/tracker_map_ingests'));
  const map = fingerprint(maps.map((row) => String(row.ingest_id)));
  const model = modelVersion(
    [loadQuery('marts/tracker_conversions'), JSON.stringify(rules)],
    [TRACKER_CONVERSIONS],
  );
  const conversions = fingerprint([`trackers:${fingerprints.trackers()}`, `map:${map}`, `model:${model}`]);
  const conversionsRebuilt = manifest.get('tracker_conversions', NO_BASE) !== conversions;
  if (conversionsRebuilt) {
    await timed(steps, TRACKER_CONVERSIONS.name, () =>
      engine.write(
        TRACKER_CONVERSIONS,
        queryFile('marts/tracker_conversions', { step_rules: stepRulesParam(rules) }),
        { kind: 'replace-table' },
      ),
    );
    manifest.set('tracker_conversions', NO_BASE, conversions);
  }
  const reconciliationModel = modelVersion(
    [loadQuery('marts/tracker_reconciliation')],
    [TRACKER_RECONCILIATION],
  );
  const reconciliationOf = (date: string) =>
    fingerprint([
      `state:${fingerprints.state(date)}`,
      `trackers:${fingerprints.trackers(date)}`,
      `map:${map}`,
      `conversions:${model}`,
      `model:${reconciliationModel}`,
    ]);
  const stale = [...new Set(options.runDates)]
    .sort()
    .filter((date) => manifest.get('tracker_reconciliation', date) !== reconciliationOf(date));
  if (stale.length === 0) return { conversionsRebuilt, reconciledRuns: [] };
  await timed(steps, TRACKER_RECONCILIATION.name, async () => {
    for (let i = 0; i < stale.length; i += MAX_PARTITIONS_PER_WRITE) {
      const dates = stale.slice(i, i + MAX_PARTITIONS_PER_WRITE);
      await engine.write(
        TRACKER_RECONCILIATION,
        queryFile('marts/tracker_reconciliation', {
          run_dates: { table: { columns: ['run_date'], rows: dates.map((date) => [{ date }]) } },
          dates: { dates },
        }),
        { kind: 'replace-partitions', partitions: dates },
      );
      for (const date of dates) manifest.set('tracker_reconciliation', date, reconciliationOf(date));
    }
  });
  return { conversionsRebuilt, reconciledRuns: stale };
}
