import { createHash } from 'node:crypto';
import {
  BUILD_MANIFEST,
  CAMPAIGN_USER_STATE,
  KPI_ALERTS,
  PARTNER_PERFORMANCE,
  PLAN_PACING,
  SEGMENT_SUMMARY,
  SPEND_DAILY,
  type TableDef,
  USER_DAILY,
  USER_MILESTONES,
  USER_STATE,
} from '../contract/tables.ts';
import type { Engine } from '../warehouse/engine.ts';
import { loadQuery, queryFile } from '../warehouse/sql.ts';

/** The date before any data: the base of a state built from scratch. */
export const NO_BASE = '0001-01-01';

/**
 * What the manifest tracks: state partitions (`user_daily` stands for user_milestones too, built
 * with it from the same dates), the spend dates summed in spend_daily, the run dates whose
 * marts were built, the model their per-run-date partitions were built with (`run_marts_model`,
 * one entry), and the campaign state of each run date.
 */
export type StateTable =
  | 'user_daily'
  | 'user_state'
  | 'spend_daily'
  | 'run'
  | 'run_marts_model'
  | 'campaign_user_state'
  | 'tracker_conversions'
  | 'tracker_reconciliation'
  | 'identifier_users'
  | 'partner_quality';

/** A SHA-256 over strings, in any order: the fingerprint of a set of ingests or of other fingerprints. */
export function fingerprint(ingestIds: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const id of [...ingestIds].sort()) hash.update(`${id}\n`);
  return hash.digest('hex');
}

/**
 * A version of some SQL models and the tables they build: their code and columns count, their
 * comments and spacing do not.
 */
export function modelVersion(sqls: readonly string[], tables: readonly TableDef[]): string {
  const code = sqls.map((sql) =>
    sql
      .replace(/--[^\n]*/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
  const columns = tables.map((table) => table.columns.map((c) => `${c.name}:${c.type}`).join(','));
  return fingerprint([...code, ...columns]);
}

/**
 * The version of the state models, part of every state fingerprint: a release that changes how
 * state is built (a new column of user_state, say) makes the old partitions stale, so they are
 * rebuilt, never folded into new ones of another shape.
 */
export function stateModelVersion(): string {
  return modelVersion(
    [loadQuery('models/user_daily'), loadQuery('models/user_milestones'), loadQuery('models/user_state')],
    [USER_DAILY, USER_MILESTONES, USER_STATE],
  );
}

/**
 * The version of the campaign state's model, with the user_daily it folds (see stateModelVersion).
 */
export function campaignModelVersion(): string {
  return modelVersion(
    [loadQuery('models/user_daily'), loadQuery('models/campaign_user_state')],
    [USER_DAILY, CAMPAIGN_USER_STATE],
  );
}

/**
 * The version of the marts kept in one partition per run date (partner_performance,
 * segment_summary, plan_pacing, kpi_alerts): a release that changes them (a new column, say) makes every earlier run date's
 * partition stale, so the next run rebuilds them all instead of leaving old partitions of another
 * shape (a new column read as null) beside new ones.
 */
export function runMartsModelVersion(): string {
  return modelVersion(
    [
      loadQuery('marts/partner_performance'),
      loadQuery('marts/segment_summary'),
      loadQuery('marts/plan_pacing'),
      loadQuery('marts/kpi_alert_series'),
    ],
    [PARTNER_PERFORMANCE, SEGMENT_SUMMARY, PLAN_PACING, KPI_ALERTS],
  );
}

/** The version of the spend_daily model, part of its dates' fingerprints (see stateModelVersion). */
export function spendModelVersion(): string {
  return modelVersion([loadQuery('models/spend_daily')], [SPEND_DAILY]);
}

/** Which ingests added rows to which dates, for one input kind. */
class IngestIndex {
  readonly #byDate = new Map<string, string[]>();
  readonly #cumulative: { date: string; hash: string }[] = [];

  public constructor(rows: readonly { dt: string; ingest_id: string }[]) {
    for (const row of rows) {
      const ids = this.#byDate.get(row.dt) ?? [];
      ids.push(row.ingest_id);
      this.#byDate.set(row.dt, ids);
    }
    const seen = new Set<string>();
    for (const date of [...this.#byDate.keys()].sort()) {
      for (const id of this.#byDate.get(date) ?? []) seen.add(id);
      this.#cumulative.push({ date, hash: fingerprint(seen) });
    }
  }

  public dates(): string[] {
    return this.#cumulative.map((entry) => entry.date);
  }

  public onDate(date: string): string | undefined {
    const ids = this.#byDate.get(date);
    return ids === undefined ? undefined : fingerprint(ids);
  }

  public upTo(date: string): string {
    let hash = fingerprint([]);
    for (const entry of this.#cumulative) {
      if (entry.date > date) break;
      hash = entry.hash;
    }
    return hash;
  }
}

/**
 * What each built partition depends on, derived from which ingests added rows to which dates:
 * `user_daily` of a date depends on the event ingests of that date; `user_state` as of a date on
 * every event ingest of that date or earlier; a run date's marts on the event and spend ingests up to
 * it. A partition whose recorded fingerprint differs is stale: new, late or restated data reached it.
 */
export class InputFingerprints {
  readonly #events: IngestIndex;
  readonly #spend: IngestIndex;
  readonly #exposures: IngestIndex;
  readonly #trackers: IngestIndex;
  readonly #modelVersion: string;
  readonly #spendModelVersion: string;
  readonly #rows: readonly { kind: string; dt: string; ingest_id: string }[];

  /**
   * `modelVersion` is {@link stateModelVersion} of the code that builds the state,
   * `spendVersion` {@link spendModelVersion}.
   */
  public constructor(
    rows: readonly { kind: string; dt: string; ingest_id: string }[],
    modelVersion: string,
    spendVersion: string,
  ) {
    this.#rows = rows;
    this.#events = new IngestIndex(rows.filter((row) => row.kind === 'events'));
    this.#spend = new IngestIndex(rows.filter((row) => row.kind === 'spend'));
    this.#exposures = new IngestIndex(rows.filter((row) => row.kind === 'exposures'));
    this.#trackers = new IngestIndex(rows.filter((row) => TRACKER_KINDS.has(row.kind)));
    this.#modelVersion = modelVersion;
    this.#spendModelVersion = spendVersion;
  }

  /** The fingerprints as they were before one ingest: what a partition built before it recorded. */
  public without(ingestId: string): InputFingerprints {
    return new InputFingerprints(
      this.#rows.filter((row) => row.ingest_id !== ingestId),
      this.#modelVersion,
      this.#spendModelVersion,
    );
  }

  /** Dates with events, ascending. */
  public eventDates(): string[] {
    return this.#events.dates();
  }

  /** The fingerprint of `user_daily` for a date (undefined when the date has no events). */
  public daily(date: string): string | undefined {
    const ingests = this.#events.onDate(date);
    return ingests === undefined ? undefined : fingerprint([ingests, this.#modelVersion]);
  }

  /**
   * The fingerprint of the event ingests that added events to a date (undefined when none did):
   * what a date folded into identifier_users was.
   */
  public eventsOn(date: string): string | undefined {
    return this.#events.onDate(date);
  }

  /** Dates with spend, ascending. */
  public spendDates(): string[] {
    return this.#spend.dates();
  }

  /** The fingerprint of a date's rows of `spend_daily` (undefined when the date has no spend). */
  public spendDaily(date: string): string | undefined {
    const ingests = this.#spend.onDate(date);
    return ingests === undefined ? undefined : fingerprint([ingests, this.#spendModelVersion]);
  }

  /** The fingerprint of `user_state` as of a date. */
  public state(date: string): string {
    return fingerprint([this.#events.upTo(date), this.#modelVersion]);
  }

  /** Dates with exposures, ascending. */
  public exposureDates(): string[] {
    return this.#exposures.dates();
  }

  /**
   * The fingerprint of `campaign_user_state` as of a date: the event and exposure ingests of that
   * date or earlier, the campaigns' windows it was built with (`windows`, a fingerprint of the
   * registry's windows and the playbook defaults), and the campaign model's version.
   */
  public campaignState(date: string, windows: string): string {
    return fingerprint([
      this.#events.upTo(date),
      `exposures:${this.#exposures.upTo(date)}`,
      `windows:${windows}`,
      `model:${campaignModelVersion()}`,
    ]);
  }

  /** True when some AppsFlyer, Adjust or Impact ingest stored rows. */
  public hasTrackerData(): boolean {
    return this.#trackers.dates().length > 0;
  }

  /**
   * The fingerprint of the AppsFlyer, Adjust and Impact ingests that stored conversions dated on or
   * before a date (all of them without one): what the tracker tables of that date read.
   */
  public trackers(date = '9999-12-31'): string {
    return this.#trackers.upTo(date);
  }

  /** The fingerprint of a run date's marts. */
  public run(date: string): string {
    return fingerprint([this.#events.upTo(date), this.#spend.upTo(date)]);
  }
}

/** The tracker kinds whose ingests store dated conversions. */
const TRACKER_KINDS: ReadonlySet<string> = new Set(['appsflyer', 'adjust', 'impact']);

/** Reads the fingerprints of the lake's event, spend, exposure and tracker ingests. */
export async function loadInputFingerprints(engine: Engine): Promise<InputFingerprints> {
  const rows = await engine.query(queryFile('run/input_ingests'));
  return new InputFingerprints(
    rows.map((row) => ({ kind: String(row.kind), dt: String(row.dt), ingest_id: String(row.ingest_id) })),
    stateModelVersion(),
    spendModelVersion(),
  );
}

/** The recorded fingerprints of built partitions, keyed `table|date`. */
export class BuildManifest {
  readonly #entries: Map<string, string>;

  private constructor(entries: Map<string, string>) {
    this.#entries = entries;
  }

  /** Reads the manifest table. */
  public static async load(engine: Engine): Promise<BuildManifest> {
    const rows = await engine.query(queryFile('run/build_manifest'));
    return new BuildManifest(
      new Map(rows.map((row) => [`${row.table_name}|${row.dt}`, String(row.inputs_hash)])),
    );
  }

  public get(table: StateTable, date: string): string | undefined {
    return this.#entries.get(`${table}|${date}`);
  }

  /** The dates recorded for a table, ascending. */
  public dates(table: StateTable): string[] {
    const prefix = `${table}|`;
    return [...this.#entries.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length))
      .sort();
  }

  public set(table: StateTable, date: string, hash: string): void {
    this.#entries.set(`${table}|${date}`, hash);
  }

  /** Writes the manifest back, whole. */
  public async save(engine: Engine): Promise<void> {
    if (this.#entries.size === 0) return;
    const rows = [...this.#entries].sort().map(([key, hash]) => {
      const [table, date] = key.split('|') as [string, string];
      return [table, { date }, hash];
    });
    await engine.writeRows(
      BUILD_MANIFEST,
      { columns: ['table_name', 'dt', 'inputs_hash'], rows },
      { kind: 'replace-table' },
    );
  }
}
