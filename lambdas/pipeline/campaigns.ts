/**
 * The campaign part of a run (docs/contract.md, campaign_results): campaign_user_state folded for
 * the run date and the earlier run dates late exposures or events reached, then campaign_results of
 * those dates. The transform step runs it with the rest of the state; it can run again on its own
 * (refreshCampaigns) once more exposures of R are recorded, and then folds only what they changed.
 */
import { addDays } from '../contract/dates.ts';
import { CAMPAIGN_RESULTS, CAMPAIGN_USER_STATE } from '../contract/tables.ts';
import {
  buildCampaignResults,
  type CampaignDesign,
  type CampaignRegistry,
  DEFAULT_PLAYBOOK_CAMPAIGNS,
  loadCampaignRegistry,
  type PlaybookCampaigns,
} from '../experiments/campaign-results.ts';
import type { Engine } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import { chunk } from '../warehouse/write-sql.ts';
import {
  BuildManifest,
  fingerprint,
  type InputFingerprints,
  loadInputFingerprints,
  NO_BASE,
} from './manifest.ts';
import { type StepReport, timed } from './timed-step.ts';

/** Most partitions one write replaces (Athena refuses more than 100 in one statement). */
const MAX_PARTITIONS_PER_WRITE = 100;

/** What the campaign part of a run did. */
export interface CampaignReport {
  /** Run dates whose campaign state was folded again (the new one, and those late data reached). */
  readonly states: readonly string[];
  /** The campaign state those folds started from; null for a build from scratch. */
  readonly stateBase: string | null;
  /** Run dates whose campaign_results were rebuilt. */
  readonly results: readonly string[];
}

/** What the campaign part reads of the run it is part of. */
export interface CampaignRunInputs {
  readonly engine: Engine;
  readonly fingerprints: InputFingerprints;
  /** Updated here; the caller saves it. */
  readonly manifest: BuildManifest;
  readonly runDate: string;
  /** Run dates whose user_state this run rebuilt: their results read it (kyc, ftd, attribution). */
  readonly userStatesRebuilt: readonly string[];
  /** The designs of playbook campaigns the registry does not list (their windows fold the state). */
  readonly playbook: PlaybookCampaigns;
  /**
   * An exposure ingest recorded since R's campaign state was built (the playbook audiences' of R):
   * when it is all that changed, R's state is topped up from itself.
   */
  readonly recordedSince?: string;
  readonly steps: StepReport[];
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

/** What one statement of the campaign fold reads and writes (see campaign_user_state.sql). */
interface Fold {
  /** The state folded from; NO_BASE for a build from scratch. */
  readonly base: string;
  /** The as-of dates written, ascending. */
  readonly asOf: readonly string[];
  /** The first exposure date read: the day after the base, or the base itself for a top-up. */
  readonly exposuresFrom: string;
  /** The first user_daily date read for the outcome windows. */
  readonly daysFrom: string;
  /** The first user_daily date read for the new users' pre-windows. */
  readonly preFrom: string;
}

async function foldCampaignState(engine: Engine, fold: Fold, playbook: CampaignDesign): Promise<void> {
  await engine.write(
    CAMPAIGN_USER_STATE,
    queryFile('models/campaign_user_state', {
      base_date: { date: fold.base },
      as_of_dates: { table: { columns: ['as_of_date'], rows: fold.asOf.map((date) => [{ date }]) } },
      last_date: { date: fold.asOf.at(-1) as string },
      exposures_from: { date: fold.exposuresFrom },
      days_from: { date: fold.daysFrom },
      pre_from: { date: fold.preFrom },
      playbook_window_days: playbook.windowDays,
      playbook_pre_days: playbook.preDays,
    }),
    { kind: 'replace-partitions', partitions: [...fold.asOf] },
  );
}

/**
 * Folds campaign_user_state as of every run date whose state is stale (the new date, and earlier
 * run dates that late exposures or events reached) in one statement (100 dates at most each), from
 * the newest still-valid state before the first of them, or from scratch. Dates before the first
 * exposure have an empty state: nothing is read or written for them (a lake without campaigns pays
 * no statement for them). When only R is stale, and only because of `inputs.recordedSince` (the
 * playbook audiences' exposures of R, recorded after R's state was built), R is topped up from its
 * own state instead: only the users those exposures add are measured.
 */
async function refreshCampaignStates(
  inputs: CampaignRunInputs,
  dates: readonly string[],
  registry: CampaignRegistry,
): Promise<{ base: string | null; rebuilt: string[] }> {
  const { engine, fingerprints, manifest, runDate } = inputs;
  const playbook = inputs.playbook.defaults;
  const windows = campaignWindowsFingerprint(registry, playbook);
  const current = (date: string) =>
    manifest.get('campaign_user_state', date) === fingerprints.campaignState(date, windows);
  const stale = dates.filter((date) => !current(date));
  const first = stale[0];
  if (first === undefined) return { base: dates.at(-1) ?? null, rebuilt: [] };
  const maxPreDays = Math.max(playbook.preDays, ...[...registry.values()].map((design) => design.preDays));
  const recorded = inputs.recordedSince;
  const topUp =
    recorded !== undefined &&
    stale.length === 1 &&
    first === runDate &&
    manifest.get('campaign_user_state', runDate) ===
      fingerprints.without(recorded).campaignState(runDate, windows);
  const base = topUp
    ? runDate
    : (manifest
        .dates('campaign_user_state')
        .filter((date) => date < first && current(date))
        .at(-1) ?? null);
  const exposureDates = fingerprints.exposureDates();
  const firstEver = exposureDates[0];
  const folded = firstEver === undefined ? [] : stale.filter((date) => date >= firstEver);
  await timed(inputs.steps, CAMPAIGN_USER_STATE.name, async () => {
    if (topUp) {
      const fold = { base: runDate, asOf: [runDate], exposuresFrom: runDate, daysFrom: runDate };
      await foldCampaignState(engine, { ...fold, preFrom: addDays(runDate, -maxPreDays) }, playbook);
      return;
    }
    let from = base ?? NO_BASE;
    for (const asOf of chunk(folded, MAX_PARTITIONS_PER_WRITE)) {
      const last = asOf.at(-1) as string;
      const firstExposure = exposureDates.find((date) => date > from && date <= last);
      const fold: Fold = {
        base: from,
        asOf,
        exposuresFrom: addDays(from, 1),
        // A build from scratch reads user_daily from the first exposure on, a fold the new days.
        daysFrom: from === NO_BASE ? (firstEver as string) : addDays(from, 1),
        // Without a new exposure no pre-window is read: [last, last - 1] is empty.
        preFrom: firstExposure === undefined ? last : addDays(firstExposure, -maxPreDays),
      };
      await foldCampaignState(engine, fold, playbook);
      from = last;
    }
  });
  for (const date of stale)
    manifest.set('campaign_user_state', date, fingerprints.campaignState(date, windows));
  return { base, rebuilt: stale };
}

/**
 * The campaign part of the run for R: the campaign state of R and of the earlier run dates late
 * data reached, then the results of R (always: the registry's design or the partners' revenue
 * shares may have changed) and of every earlier run date whose campaign state or user_state was
 * rebuilt. A date before the first exposure has neither.
 */
export async function measureCampaigns(inputs: CampaignRunInputs): Promise<CampaignReport> {
  const { engine, fingerprints, manifest, runDate } = inputs;
  const firstExposure = fingerprints.exposureDates()[0];
  const exposedBy = (date: string) => firstExposure !== undefined && firstExposure <= date;
  const registry: CampaignRegistry = exposedBy(runDate) ? await loadCampaignRegistry(engine) : new Map();
  const dates = [...manifest.dates('run').filter((date) => date < runDate), runDate];
  const states = await refreshCampaignStates(inputs, dates, registry);
  const results = [...new Set([...states.rebuilt, ...inputs.userStatesRebuilt, runDate])]
    .filter(exposedBy)
    .sort();
  await timed(inputs.steps, CAMPAIGN_RESULTS.name, async () => {
    for (const dates of chunk(results, MAX_PARTITIONS_PER_WRITE)) {
      await buildCampaignResults(engine, dates, registry, inputs.playbook);
    }
  });
  return { states: states.rebuilt, stateBase: states.base, results };
}

/**
 * The campaign part alone, for R after the transform step: what exposures recorded since (the
 * playbook audiences' of R, `recordedSince` their ingest) change is folded in, and the results of R
 * and of the dates they reached are rebuilt. Reads and saves the build manifest itself.
 */
export async function refreshCampaigns(
  engine: Engine,
  runDate: string,
  playbook: PlaybookCampaigns = DEFAULT_PLAYBOOK_CAMPAIGNS,
  recordedSince?: string,
): Promise<CampaignReport & { readonly steps: readonly StepReport[] }> {
  const steps: StepReport[] = [];
  const fingerprints = await loadInputFingerprints(engine);
  const manifest = await BuildManifest.load(engine);
  const report = await measureCampaigns({
    engine,
    fingerprints,
    manifest,
    runDate,
    userStatesRebuilt: [],
    playbook,
    ...(recordedSince === undefined ? {} : { recordedSince }),
    steps,
  });
  await manifest.save(engine);
  return { ...report, steps };
}
