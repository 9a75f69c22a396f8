/**
 * The transform step's work (see transformStep in steps.ts): the state tables and marts of a run
 * date, built incrementally from what changed since the last run.
 */

import { buildKpiAlerts } from '../alerts/build-kpi-alerts.ts';
import { type ChurnFitReport, fitChurnModels } from '../churn/churn-model.ts';
import { addDays } from '../contract/dates.ts';
import {
  CHURN_MODEL,
  COHORT_LTV,
  FUNNEL,
  KPI_ALERTS,
  PARTNER_PERFORMANCE,
  PLAN_PACING,
  RETENTION,
  SEGMENT_SUMMARY,
  SPEND_DAILY,
  type TableDef,
  TRAILING_WINDOW_DAYS,
  USER_DAILY,
  USER_MILESTONES,
  USER_SEGMENTS,
  USER_STATE,
  USERS,
} from '../contract/tables.ts';
import { DEFAULT_PLAYBOOK_CAMPAIGNS, type PlaybookCampaigns } from '../experiments/campaign-results.ts';
import type { Engine, WriteMode } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import { measureCampaigns } from './campaigns.ts';
import {
  BuildManifest,
  type InputFingerprints,
  loadInputFingerprints,
  NO_BASE,
  runMartsModelVersion,
} from './manifest.ts';
import { buildQualityTables } from './quality.ts';
import { type StepReport, timed } from './timed-step.ts';
import { buildTrackerTables } from './trackers.ts';

export type { StepReport } from './timed-step.ts';

/** Most partitions one write replaces (Athena refuses more than 100 in one statement). */
const MAX_PARTITIONS_PER_WRITE = 100;

/** What the transform and metrics steps did for one run date. */
export interface TransformReport {
  readonly runDate: string;
  /** user_daily partitions rebuilt because their events changed (new or late data). */
  readonly rebuiltDays: readonly string[];
  /**
   * Earlier run dates whose marts were rebuilt because late or restated data reached them, or
   * because the per-run-date marts' model changed (see runMartsModelVersion).
   */
  readonly restatedRuns: readonly string[];
  /** Of those, the dates only restated spend reached: only their spend marts were rebuilt. */
  readonly spendOnlyRuns: readonly string[];
  /**
   * The state the fold started from: the previous day normally, an earlier one when late data
   * reached earlier run dates, R itself when its state was current, null for a build from scratch.
   */
  readonly stateBase: string | null;
  /** Run dates whose campaign state was folded again (the new one, and those late exposures or events reached). */
  readonly campaignStates: readonly string[];
  /** The campaign state those folds started from; null for a build from scratch. */
  readonly campaignStateBase: string | null;
  /** Run dates whose tracker_reconciliation was built (new tracker data, map or state reached them). */
  readonly trackerRuns: readonly string[];
  /** Event dates folded into identifier_users (new and late events; every date when rebuilt). */
  readonly identifierDates: readonly string[];
  /** Run dates whose partner_quality and user_risk_flags were built (new, or reached by late data). */
  readonly qualityRuns: readonly string[];
  /** The churn model fitted (or the prior kept) for each run date of the run. */
  readonly churnModels: readonly ChurnFitReport[];
  readonly steps: readonly StepReport[];
}

/**
 * Marts for a run date: each replaces its partition of R, or (as of the latest run date) the whole
 * table; `spend` marks the marts that read spend, the only ones an earlier run date rebuilds when
 * restated spend, and no event, reached it. partner_performance, which reads spend too, is built
 * for all the run dates together (see buildPartnerPerformance).
 */
const MARTS: readonly {
  table: TableDef;
  query: string;
  scope: 'run-partition' | 'latest';
  spend: boolean;
}[] = [
  { table: COHORT_LTV, query: 'marts/cohort_ltv', scope: 'latest', spend: true },
  { table: FUNNEL, query: 'marts/funnel', scope: 'latest', spend: false },
  { table: RETENTION, query: 'marts/retention', scope: 'latest', spend: false },
  { table: SEGMENT_SUMMARY, query: 'marts/segment_summary', scope: 'run-partition', spend: false },
  { table: PLAN_PACING, query: 'marts/plan_pacing', scope: 'run-partition', spend: true },
];

/** A SQL list cannot be empty: NO_BASE, a date no partition has, stands for none. */
function orNone(dates: string[]): string[] {
  return dates.length > 0 ? dates : [NO_BASE];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Rebuilds the user_daily partitions up to `until` whose events changed since they were built, and
 * the user_milestones partitions of the same dates (their signup and KYC times).
 */
async function refreshUserDaily(
  engine: Engine,
  fingerprints: InputFingerprints,
  manifest: BuildManifest,
  until: string,
  steps: StepReport[],
): Promise<string[]> {
  const stale = fingerprints
    .eventDates()
    .filter((date) => date <= until && manifest.get('user_daily', date) !== fingerprints.daily(date));
  await timed(steps, 'user_daily', async () => {
    for (const dates of chunks(stale, MAX_PARTITIONS_PER_WRITE)) {
      const mode: WriteMode = { kind: 'replace-partitions', partitions: dates };
      await engine.write(USER_DAILY, queryFile('models/user_daily', { dates: { dates } }), mode);
      await engine.write(USER_MILESTONES, queryFile('models/user_milestones', { dates: { dates } }), mode);
      for (const date of dates) manifest.set('user_daily', date, fingerprints.daily(date) as string);
    }
  });
  return stale;
}

/**
 * Rewrites spend_daily when spend of some date was ingested since it was built (new, late or
 * restated spend, or a new spend_daily model): its other dates' rows are kept, those dates summed
 * again from the curated spend.
 */
async function refreshSpendDaily(
  engine: Engine,
  fingerprints: InputFingerprints,
  manifest: BuildManifest,
  steps: StepReport[],
): Promise<void> {
  const stale = fingerprints
    .spendDates()
    .filter((date) => manifest.get('spend_daily', date) !== fingerprints.spendDaily(date));
  if (stale.length === 0) return;
  await timed(steps, SPEND_DAILY.name, () =>
    engine.write(SPEND_DAILY, queryFile('models/spend_daily', { dates: { dates: stale } }), {
      kind: 'replace-table',
    }),
  );
  for (const date of stale) manifest.set('spend_daily', date, fingerprints.spendDaily(date) as string);
}

/**
 * The user_daily dates that leave a trailing window in a fold from `base` (null: from scratch) to
 * `last`: for an N-day window, the dates N days before the days the fold adds, of the dates that
 * have events. Named one by one, so that both engines read only those partitions. (The days the
 * fold adds, which enter every window, it reads anyway.)
 */
export function leavingWindowDates(
  eventDates: readonly string[],
  base: string | null,
  last: string,
): string[] {
  return eventDates.filter((date) =>
    TRAILING_WINDOW_DAYS.some(
      (days) => (base === null || date > addDays(base, -days)) && date <= addDays(last, -days),
    ),
  );
}

/**
 * Builds user_state as of every date whose state is stale, in one fold from the newest still-valid
 * state before the first of them (stale dates are always the latest ones: a change to the events
 * of a day reaches every state after it). Returns that base, null for a build from scratch.
 */
async function refreshUserStates(
  engine: Engine,
  fingerprints: InputFingerprints,
  manifest: BuildManifest,
  dates: readonly string[],
  steps: StepReport[],
): Promise<{ base: string | null; rebuilt: string[] }> {
  const stale = dates.filter((date) => manifest.get('user_state', date) !== fingerprints.state(date));
  const first = stale[0];
  if (first === undefined) return { base: dates.at(-1) ?? null, rebuilt: [] };
  const firstEventDate = fingerprints.eventDates()[0] ?? first;
  let base: string | null = null;
  for (let day = addDays(first, -1); day >= firstEventDate; day = addDays(day, -1)) {
    if (manifest.get('user_state', day) === fingerprints.state(day)) {
      base = day;
      break;
    }
  }
  await timed(steps, 'user_state', async () => {
    for (const asOf of chunks(stale, MAX_PARTITIONS_PER_WRITE)) {
      await engine.write(
        USER_STATE,
        queryFile('models/user_state', {
          base_date: { date: base ?? NO_BASE },
          as_of_dates: { table: { columns: ['as_of_date'], rows: asOf.map((date) => [{ date }]) } },
          last_date: { date: asOf.at(-1) as string },
          leaving_dates: {
            dates: orNone(leavingWindowDates(fingerprints.eventDates(), base, asOf.at(-1) as string)),
          },
        }),
        { kind: 'replace-partitions', partitions: asOf },
      );
    }
  });
  for (const date of stale) manifest.set('user_state', date, fingerprints.state(date));
  return { base, rebuilt: stale };
}

/**
 * Defines a mart that is a view of user_state (see TableDef.isView): no scan, and current for every
 * date whose state this run rebuilt.
 */
async function defineView(
  engine: Engine,
  table: TableDef,
  query: string,
  latestRun: string,
  steps: StepReport[],
): Promise<void> {
  await timed(steps, table.name, () =>
    engine.defineView(table, queryFile(query, { run_date: { date: latestRun } })),
  );
}

/**
 * partner_performance for every run date of the run, 100 at most per statement, each batch from
 * the state of its latest date and the trailing-window sums of each date's own state (see the
 * query for why the latest state answers the rest for every earlier date).
 */
async function buildPartnerPerformance(
  engine: Engine,
  runDates: readonly string[],
  steps: StepReport[],
): Promise<void> {
  await timed(steps, PARTNER_PERFORMANCE.name, async () => {
    for (const dates of chunks(runDates, MAX_PARTITIONS_PER_WRITE)) {
      await engine.write(
        PARTNER_PERFORMANCE,
        queryFile('marts/partner_performance', {
          run_dates: { table: { columns: ['run_date'], rows: dates.map((date) => [{ date }]) } },
          dates: { dates },
          state_date: { date: [...dates].sort().at(-1) as string },
        }),
        { kind: 'replace-partitions', partitions: dates },
      );
    }
  });
}

async function buildMarts(
  engine: Engine,
  date: string,
  scope: { latest: boolean; spendOnly: boolean },
  steps: StepReport[],
): Promise<void> {
  for (const mart of MARTS) {
    if (mart.scope === 'latest' && !scope.latest) continue;
    if (scope.spendOnly && !mart.spend) continue;
    const mode: WriteMode =
      mart.scope === 'latest'
        ? { kind: 'replace-table' }
        : { kind: 'replace-partitions', partitions: [date] };
    await timed(steps, mart.table.name, () =>
      engine.write(mart.table, queryFile(mart.query, { run_date: { date } }), mode),
    );
  }
}

/**
 * Builds every state table and mart for run date R. Incremental: `user_daily` is rebuilt only for
 * dates whose events changed since it was built (the new day, late or restated data), the state as
 * of R is folded from the newest still-valid state before R, and earlier run dates that late or
 * restated data reached are rebuilt first (only their spend marts when only spend reached them),
 * so that after any sequence of ingests and runs the
 * tables equal those of ingesting everything and running the same dates once.
 */
export async function transformAndMeasure(
  engine: Engine,
  runDate: string,
  playbookCampaigns: PlaybookCampaigns = DEFAULT_PLAYBOOK_CAMPAIGNS,
): Promise<TransformReport> {
  const steps: StepReport[] = [];
  const fingerprints = await loadInputFingerprints(engine);
  const manifest = await BuildManifest.load(engine);
  const previousRuns = manifest.dates('run');
  // A new model of the per-run-date marts restates every earlier run date, events and all.
  const martsModel = runMartsModelVersion();
  const martsModelChanged = manifest.get('run_marts_model', NO_BASE) !== martsModel;
  const restatedRuns = previousRuns.filter(
    (date) => date < runDate && (martsModelChanged || manifest.get('run', date) !== fingerprints.run(date)),
  );
  const latestRun = [...previousRuns, runDate].sort().at(-1) as string;

  const rebuiltDays = await refreshUserDaily(engine, fingerprints, manifest, runDate, steps);
  await refreshSpendDaily(engine, fingerprints, manifest, steps);
  const runDates = [...restatedRuns, runDate];
  const states = await refreshUserStates(engine, fingerprints, manifest, runDates, steps);
  // A restated date whose events are unchanged (its state was current) was reached by spend alone.
  const spendOnlyRuns = martsModelChanged
    ? []
    : restatedRuns.filter((date) => !states.rebuilt.includes(date));
  // The churn model of each run date whose marts are built, before the view that scores with it;
  // not of those only restated spend reached: their states, all the fit reads, are unchanged.
  let churnModels: ChurnFitReport[] = [];
  await timed(steps, CHURN_MODEL.name, async () => {
    churnModels = await fitChurnModels(
      engine,
      runDates.filter((date) => !spendOnlyRuns.includes(date)),
    );
  });
  // user_segments views every date's state, so it can be defined before the marts that read it;
  // users, a view of the latest state, is defined after they succeed (see the end).
  await defineView(engine, USER_SEGMENTS, 'marts/user_segments', latestRun, steps);
  await buildPartnerPerformance(engine, runDates, steps);
  for (const date of runDates) {
    const spendOnly = spendOnlyRuns.includes(date);
    await buildMarts(engine, date, { latest: date === latestRun, spendOnly }, steps);
    manifest.set('run', date, fingerprints.run(date));
  }
  // Each date's alerts read its own 29 days [R - 28, R]: the new date's, and those late or restated
  // data reached (spend alone included).
  await timed(steps, KPI_ALERTS.name, async () => {
    for (const dates of chunks(runDates, MAX_PARTITIONS_PER_WRITE)) await buildKpiAlerts(engine, dates);
  });
  manifest.set('run_marts_model', NO_BASE, martsModel);
  // Every run date whose state is current: a tracker export or map reaches earlier run dates too.
  const currentRuns = [...previousRuns, runDate].filter(
    (date) => manifest.get('user_state', date) === fingerprints.state(date),
  );
  const trackers = await buildTrackerTables({ engine, fingerprints, manifest, runDates: currentRuns, steps });
  const quality = await buildQualityTables({ engine, fingerprints, manifest, runDates: currentRuns, steps });
  const campaigns = await measureCampaigns({
    engine,
    fingerprints,
    manifest,
    runDate,
    userStatesRebuilt: states.rebuilt,
    playbook: playbookCampaigns,
    steps,
  });
  await manifest.save(engine);
  // Last: analysts see the users of R only once every table of R is built.
  await defineView(engine, USERS, 'marts/users', latestRun, steps);
  return {
    runDate,
    rebuiltDays,
    restatedRuns,
    spendOnlyRuns,
    stateBase: states.base,
    campaignStates: campaigns.states,
    campaignStateBase: campaigns.stateBase,
    trackerRuns: trackers.reconciledRuns,
    identifierDates: quality.foldedDates,
    qualityRuns: quality.qualityRuns,
    churnModels,
    steps,
  };
}
