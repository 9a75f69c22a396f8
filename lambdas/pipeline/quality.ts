/**
 * The traffic-quality tables of a run (docs/contract.md, Traffic quality): `identifier_users` and
 * `signup_clicks`, folded from the event dates ingested since they were built, then
 * `user_quality_signals`, `partner_quality` and `user_risk_flags` of every run date whose inputs
 * changed (its state, which covers every event dated on or before it, or the partner registry, or
 * the models).
 */
import { addDays } from '../contract/dates.ts';
import {
  IDENTIFIER_USERS,
  PARTNER_QUALITY,
  SIGNUP_CLICKS,
  USER_QUALITY_SIGNALS,
  USER_RISK_FLAGS,
} from '../contract/tables.ts';
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

/** What the quality step did. */
export interface QualityReport {
  /** Event dates folded into identifier_users and signup_clicks (every one when built from scratch). */
  readonly foldedDates: readonly string[];
  /** True when identifier_users was built from scratch (first run, or a new model version). */
  readonly identifiersRebuilt: boolean;
  /** Run dates whose partner_quality and user_risk_flags were built. */
  readonly qualityRuns: readonly string[];
}

/** Most partitions one write replaces (Athena refuses more than 100 in one statement). */
const MAX_PARTITIONS_PER_WRITE = 100;

function runDatesParam(dates: readonly string[]): SqlParam {
  return { table: { columns: ['run_date'], rows: dates.map((date) => [{ date }]) } };
}

/**
 * user_quality_signals of the run dates `dates` (ascending): it reads signup_clicks from 29 days
 * before the first, and user_daily from the earliest FTD whose week counts, found first.
 */
async function buildSignals(engine: Engine, dates: readonly string[]): Promise<void> {
  const first = dates[0] as string;
  const last = dates.at(-1) as string;
  const [bound] = await engine.query(
    queryFile('run/quality_ftd_from', { run_dates: runDatesParam(dates), dates: { dates } }),
  );
  const ftdFrom = bound?.ftd_from === null || bound?.ftd_from === undefined ? first : String(bound.ftd_from);
  await engine.write(
    USER_QUALITY_SIGNALS,
    queryFile('models/user_quality_signals', {
      run_dates: runDatesParam(dates),
      dates: { dates },
      signups_from: { date: addDays(first, -29) },
      last_date: { date: last },
      ftd_from: { date: ftdFrom },
    }),
    { kind: 'replace-partitions', partitions: dates },
  );
}

/**
 * Folds the event dates whose events changed since the last fold into identifier_users, and
 * rebuilds their signup_clicks partitions; from scratch, over every event date, when either model
 * changed. Returns the dates folded.
 */
async function refreshIdentifierUsers(
  engine: Engine,
  fingerprints: InputFingerprints,
  manifest: BuildManifest,
  steps: StepReport[],
): Promise<{ dates: string[]; fromScratch: boolean }> {
  const version = modelVersion(
    [loadQuery('models/identifier_users'), loadQuery('models/signup_clicks')],
    [IDENTIFIER_USERS, SIGNUP_CLICKS],
  );
  const fromScratch = manifest.get('identifier_users', NO_BASE) !== version;
  const dates = fingerprints
    .eventDates()
    .filter((date) => fromScratch || manifest.get('identifier_users', date) !== fingerprints.eventsOn(date));
  if (dates.length === 0 && !fromScratch) return { dates, fromScratch };
  await timed(steps, IDENTIFIER_USERS.name, () =>
    engine.write(
      IDENTIFIER_USERS,
      queryFile('models/identifier_users', {
        // A SQL list cannot be empty: NO_BASE, a date no partition has, stands for none.
        dates: { dates: dates.length > 0 ? dates : [NO_BASE] },
        keep_previous: fromScratch ? 0 : 1,
      }),
      { kind: 'replace-table' },
    ),
  );
  await timed(steps, SIGNUP_CLICKS.name, async () => {
    for (let i = 0; i < dates.length; i += MAX_PARTITIONS_PER_WRITE) {
      const chunk = dates.slice(i, i + MAX_PARTITIONS_PER_WRITE);
      await engine.write(SIGNUP_CLICKS, queryFile('models/signup_clicks', { dates: { dates: chunk } }), {
        kind: 'replace-partitions',
        partitions: chunk,
      });
    }
  });
  manifest.set('identifier_users', NO_BASE, version);
  for (const date of dates) manifest.set('identifier_users', date, fingerprints.eventsOn(date) as string);
  return { dates, fromScratch };
}

/**
 * Builds the traffic-quality tables for the run dates `runDates` (those whose user state is
 * current), each only when stale. Reads the user state of each run date and user_daily, so it runs
 * after the states are folded.
 */
export async function buildQualityTables(options: {
  readonly engine: Engine;
  readonly fingerprints: InputFingerprints;
  readonly manifest: BuildManifest;
  readonly runDates: readonly string[];
  readonly steps: StepReport[];
}): Promise<QualityReport> {
  const { engine, fingerprints, manifest, steps } = options;
  const identifiers = await refreshIdentifierUsers(engine, fingerprints, manifest, steps);
  const registries = await engine.query(queryFile('run/partner_registry_ingests'));
  const registry = fingerprint(registries.map((row) => String(row.ingest_id)));
  const model = modelVersion(
    [
      loadQuery('models/identifier_users'),
      loadQuery('models/signup_clicks'),
      loadQuery('models/user_quality_signals'),
      loadQuery('marts/partner_quality'),
      loadQuery('marts/user_risk_flags'),
    ],
    [IDENTIFIER_USERS, SIGNUP_CLICKS, USER_QUALITY_SIGNALS, PARTNER_QUALITY, USER_RISK_FLAGS],
  );
  // identifier_users answers for R from the events dated <= R, which the state of R covers too.
  const qualityOf = (date: string) =>
    fingerprint([`state:${fingerprints.state(date)}`, `registry:${registry}`, `model:${model}`]);
  const stale = [...new Set(options.runDates)]
    .sort()
    .filter((date) => manifest.get('partner_quality', date) !== qualityOf(date));
  for (let i = 0; i < stale.length; i += MAX_PARTITIONS_PER_WRITE) {
    const dates = stale.slice(i, i + MAX_PARTITIONS_PER_WRITE);
    await timed(steps, USER_QUALITY_SIGNALS.name, () => buildSignals(engine, dates));
    const params = { run_dates: runDatesParam(dates), dates: { dates } };
    const mode = { kind: 'replace-partitions', partitions: dates } as const;
    await timed(steps, PARTNER_QUALITY.name, () =>
      engine.write(PARTNER_QUALITY, queryFile('marts/partner_quality', params), mode),
    );
    await timed(steps, USER_RISK_FLAGS.name, () =>
      engine.write(USER_RISK_FLAGS, queryFile('marts/user_risk_flags', { dates: { dates } }), mode),
    );
    for (const date of dates) manifest.set('partner_quality', date, qualityOf(date));
  }
  return {
    foldedDates: identifiers.dates,
    identifiersRebuilt: identifiers.fromScratch,
    qualityRuns: stale,
  };
}
