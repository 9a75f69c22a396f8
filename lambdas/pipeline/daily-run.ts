import {
  COHORT_LTV,
  FUNNEL,
  PARTNER_PERFORMANCE,
  RETENTION,
  SEGMENT_SUMMARY,
  type TableDef,
  USER_DAILY,
  USER_SEGMENTS,
  USER_STATE,
  USERS,
} from '../contract/tables.ts';
import type { Engine, WriteMode } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';
import { PipelineError } from './errors.ts';
import { BuildManifest, loadInputFingerprints } from './manifest.ts';

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
  /** The state the run started from: the previous day normally, none for a rebuild. */
  readonly stateBase: string | null;
  readonly steps: readonly StepReport[];
}

/** Marts rebuilt for R from the state as of R; each replaces its partition of R or the whole table. */
const MARTS: readonly { table: TableDef; query: string; mode: 'run-partition' | 'table' }[] = [
  { table: USERS, query: 'marts/users', mode: 'table' },
  { table: COHORT_LTV, query: 'marts/cohort_ltv', mode: 'table' },
  { table: PARTNER_PERFORMANCE, query: 'marts/partner_performance', mode: 'run-partition' },
  { table: USER_SEGMENTS, query: 'marts/user_segments', mode: 'run-partition' },
  { table: FUNNEL, query: 'marts/funnel', mode: 'table' },
  { table: RETENTION, query: 'marts/retention', mode: 'table' },
  { table: SEGMENT_SUMMARY, query: 'marts/segment_summary', mode: 'run-partition' },
];

function previousDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
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
 * Builds every state table and mart for run date R. Incremental: `user_daily` is rebuilt only for
 * dates whose events changed since it was built (the new day, late or restated data), and the
 * state as of R is folded from the newest still-valid state before R. Running it twice, or after
 * late data, gives the same tables as rebuilding the lake from its inputs.
 */
export async function transformAndMeasure(engine: Engine, runDate: string): Promise<TransformReport> {
  const steps: StepReport[] = [];
  const fingerprints = await loadInputFingerprints(engine);
  const manifest = await BuildManifest.load(engine);

  const staleDays = fingerprints
    .dates()
    .filter((date) => date <= runDate && manifest.get('user_daily', date) !== fingerprints.daily(date));
  await timed(steps, 'user_daily', async () => {
    for (const dates of chunks(staleDays, MAX_PARTITIONS_PER_WRITE)) {
      await engine.write(USER_DAILY, queryFile('models/user_daily', { dates: { dates } }), {
        kind: 'replace-partitions',
        partitions: dates,
      });
      for (const date of dates) manifest.set('user_daily', date, fingerprints.daily(date) as string);
    }
  });

  let stateBase: string | null = null;
  const wanted = fingerprints.cumulative(runDate);
  if (manifest.get('user_state', runDate) !== wanted) {
    const firstDate = fingerprints.dates()[0] ?? runDate;
    for (let date = previousDay(runDate); date >= firstDate; date = previousDay(date)) {
      if (manifest.get('user_state', date) === fingerprints.cumulative(date)) {
        stateBase = date;
        break;
      }
    }
    await timed(steps, 'user_state', async () => {
      await engine.write(
        USER_STATE,
        queryFile('models/user_state', {
          base_date: { date: stateBase ?? NO_BASE },
          run_date: { date: runDate },
        }),
        { kind: 'replace-partitions', partitions: [runDate] },
      );
    });
    manifest.set('user_state', runDate, wanted);
  } else stateBase = runDate;
  await manifest.save(engine);

  for (const mart of MARTS) {
    const mode: WriteMode =
      mart.mode === 'table'
        ? { kind: 'replace-table' }
        : { kind: 'replace-partitions', partitions: [runDate] };
    await timed(steps, mart.table.name, () =>
      engine.write(mart.table, queryFile(mart.query, { run_date: { date: runDate } }), mode),
    );
  }
  return { runDate, rebuiltDays: staleDays, stateBase, steps };
}
