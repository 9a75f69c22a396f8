/**
 * The transform step's work (see transformStep in steps.ts): the state tables and marts of a run
 * date, built incrementally from what changed since the last run.
 */
import { addDays } from '../contract/dates.ts';
import {
  CAMPAIGN_RESULTS,
  CAMPAIGN_USER_STATE,
  COHORT_LTV,
  FUNNEL,
  PARTNER_PERFORMANCE,
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
import {
  buildCampaignResults,
  type CampaignDesign,
  type CampaignRegistry,
  loadCampaignRegistry,
  PLAYBOOK_CAMPAIGN_DEFAULTS,
} from '../experiments/campaign-results.ts';
import type { Engine, WriteMode } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import { PipelineError } from './errors.ts';
import { BuildManifest, fingerprint, type InputFingerprints, loadInputFingerprints } from './manifest.ts';

/** The date before any data: the base of a state built from scratch. */
const NO_BASE = '0001-01-01';

/** Most partitions one write replaces (Athena refuses more than 100 in one statement). */
const MAX_PARTITIONS_PER_WRITE = 100;

/** What one step of the run did, for logs, metrics and the benchmark. */
export interface StepReport {
  readonly step: string;
  readonly elapsedMs: number;
}

/** What the transform and metrics steps did for one run date. */
export interface TransformReport {
  readonly runDate: string;
  /** user_daily partitions rebuilt because their events changed (new or late data). */
  readonly rebuiltDays: readonly string[];
  /** Earlier run dates whose marts were rebuilt because late or restated data reached them. */
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

async function timed(steps: StepReport[], step: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  try {
    await work();
  } catch (error) {
    throw new PipelineError(`${step} failed: ${(error as Error).message}`, { cause: error });
  }
  steps.push({ step, elapsedMs: performance.now() - started });
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
 * The fingerprint of the campaigns' windows the campaign state is folded with: changing a window
 * of the registry (or the playbook defaults) makes every partition stale, so the state is built
 * again from scratch, never folded from rows measured over other windows.
 */
function campaignWindowsFingerprint(registry: CampaignRegistry, playbook: CampaignDesign): string {
  return fingerprint([
    `playbook:${playbook.windowDays}:${playbook.preDays}`,
    ...[...registry].map(([id, design]) => `${id}:${design.windowDays}:${design.preDays}`),
  ]);
}

/**
 * Folds campaign_user_state as of every run date whose state is stale (the new date, and earlier
 * run dates that late exposures or events reached), each from the one before, starting from the
 * newest still-valid state before the first of them, or from scratch.
 */
async function refreshCampaignStates(
  engine: Engine,
  fingerprints: InputFingerprints,
  manifest: BuildManifest,
  dates: readonly string[],
  campaigns: { registry: CampaignRegistry; playbook: CampaignDesign },
  steps: StepReport[],
): Promise<{ base: string | null; rebuilt: string[] }> {
  const windows = campaignWindowsFingerprint(campaigns.registry, campaigns.playbook);
  const current = (date: string) =>
    manifest.get('campaign_user_state', date) === fingerprints.campaignState(date, windows);
  const stale = dates.filter((date) => !current(date));
  const first = stale[0];
  if (first === undefined) return { base: dates.at(-1) ?? null, rebuilt: [] };
  const base =
    manifest
      .dates('campaign_user_state')
      .filter((date) => date < first && current(date))
      .at(-1) ?? null;
  const maxPreDays = Math.max(
    campaigns.playbook.preDays,
    ...[...campaigns.registry.values()].map((design) => design.preDays),
  );
  const exposureDates = fingerprints.exposureDates();
  await timed(steps, CAMPAIGN_USER_STATE.name, async () => {
    let from = base ?? NO_BASE;
    for (const asOf of stale) {
      const firstExposure = exposureDates.find((date) => date > from && date <= asOf);
      // Before the first exposure the state is empty: nothing to read or write (a lake without
      // campaigns pays no statement for them).
      if (exposureDates[0] !== undefined && exposureDates[0] <= asOf) {
        await engine.write(
          CAMPAIGN_USER_STATE,
          queryFile('models/campaign_user_state', {
            base_date: { date: from },
            as_of_date: { date: asOf },
            // A build from scratch reads user_daily from the first exposure on, a fold the new days.
            days_from: { date: from === NO_BASE ? (exposureDates[0] as string) : addDays(from, 1) },
            // Without a new exposure no pre-window is read: [R, R - 1] is empty.
            pre_from: { date: firstExposure === undefined ? asOf : addDays(firstExposure, -maxPreDays) },
            playbook_window_days: campaigns.playbook.windowDays,
            playbook_pre_days: campaigns.playbook.preDays,
          }),
          { kind: 'replace-partitions', partitions: [asOf] },
        );
      }
      manifest.set('campaign_user_state', asOf, fingerprints.campaignState(asOf, windows));
      from = asOf;
    }
  });
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
  playbookCampaigns: CampaignDesign = PLAYBOOK_CAMPAIGN_DEFAULTS,
): Promise<TransformReport> {
  const steps: StepReport[] = [];
  const fingerprints = await loadInputFingerprints(engine);
  const manifest = await BuildManifest.load(engine);
  const previousRuns = manifest.dates('run');
  const restatedRuns = previousRuns.filter(
    (date) => date < runDate && manifest.get('run', date) !== fingerprints.run(date),
  );
  const latestRun = [...previousRuns, runDate].sort().at(-1) as string;

  const rebuiltDays = await refreshUserDaily(engine, fingerprints, manifest, runDate, steps);
  await refreshSpendDaily(engine, fingerprints, manifest, steps);
  const runDates = [...restatedRuns, runDate];
  const states = await refreshUserStates(engine, fingerprints, manifest, runDates, steps);
  // Late exposures reach earlier run dates that late events did not: their campaign results are
  // rebuilt as well.
  const firstExposure = fingerprints.exposureDates()[0];
  const exposedBy = (date: string) => firstExposure !== undefined && firstExposure <= date;
  const registry: CampaignRegistry = exposedBy(runDate) ? await loadCampaignRegistry(engine) : new Map();
  const campaignDates = [...previousRuns.filter((date) => date < runDate), runDate];
  const campaignStates = await refreshCampaignStates(
    engine,
    fingerprints,
    manifest,
    campaignDates,
    { registry, playbook: playbookCampaigns },
    steps,
  );
  // A restated date whose events are unchanged (its state was current) was reached by spend alone.
  const spendOnlyRuns = restatedRuns.filter((date) => !states.rebuilt.includes(date));
  // user_segments views every date's state, so it can be defined before the marts that read it;
  // users, a view of the latest state, is defined after they succeed (see the end).
  await defineView(engine, USER_SEGMENTS, 'marts/user_segments', latestRun, steps);
  await buildPartnerPerformance(engine, runDates, steps);
  for (const date of runDates) {
    const spendOnly = spendOnlyRuns.includes(date);
    await buildMarts(engine, date, { latest: date === latestRun, spendOnly }, steps);
    manifest.set('run', date, fingerprints.run(date));
  }
  // R's results always (the registry's design or the partners' revenue shares may have changed),
  // and those of every earlier run date whose campaign state or user_state was rebuilt.
  const resultDates = [...new Set([...campaignStates.rebuilt, ...states.rebuilt, runDate])].sort();
  await timed(steps, CAMPAIGN_RESULTS.name, async () => {
    for (const date of resultDates.filter(exposedBy)) {
      await buildCampaignResults(engine, date, registry, playbookCampaigns);
    }
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
    campaignStates: campaignStates.rebuilt,
    campaignStateBase: campaignStates.base,
    steps,
  };
}
