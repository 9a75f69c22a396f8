import { expect, it } from 'vitest';
/**
 * The sweep: a clean run of a job records every call it makes and what a reader sees between its
 * table writes; then, for each chosen call N and each mode, the job runs again from the same lake
 * with call N failing, a reader looks at the lake before every call, and the job is run again to
 * completion. Each faulted run must leave a reader only states the clean run shows between writes
 * (never a partition missing or half written), and end in the clean run's tables.
 */
import type { Engine } from '../../lambdas/warehouse/engine.ts';
import { CallLog, type Fault, type FaultMode } from './call-log.ts';
import {
  type AllowedStates,
  allowedStates,
  differences,
  type LakeReader,
  type LakeView,
  violations,
} from './lake-view.ts';

/** Awaited by the job before and after each table write of a clean run (see {@link boundedEngine}). */
export type WriteBoundary = (phase: 'before' | 'after') => Promise<void>;

/** A job the sweep can fail at any call and run again. */
export interface FaultJob {
  readonly name: string;
  /** Puts the lake back as it was before the job (a copy of it, or the bucket's objects). */
  reset(): Promise<void>;
  /**
   * Runs the job once, as a fresh process would: new engines and stores, every S3, Athena or
   * object-store call through `log`, and the engine's writes through {@link boundedEngine}.
   */
  run(log: CallLog, boundary: WriteBoundary): Promise<void>;
  /** A reader over the lake, outside the job's calls. */
  readonly reader: LakeReader;
  /** What the job leaves outside the tables (a moved landing file), compared after the rerun. */
  outside?(): Promise<string>;
}

/** What a clean run of a job did. */
export interface CleanRun {
  /** Every call, in order. */
  readonly calls: readonly string[];
  /** The first and last call (1-based) of each table write; empty for a write with no calls. */
  readonly writes: readonly (readonly [number, number])[];
  /** The calls that changed files under a table's location: where a write shows readers its result. */
  readonly placements: readonly number[];
  /** What a reader sees before the job. */
  readonly initial: LakeView;
  /** The states a reader sees before the job, between its writes and after it. */
  readonly allowed: AllowedStates;
  readonly final: LakeView;
  /** States a reader saw during the run, with no fault, that are none of those: gaps and mixes. */
  readonly unfaulted: readonly string[];
  /** The same states, without when they were seen. */
  readonly unfaultedStates: ReadonlySet<string>;
  /** The calls before which a reader saw one of them: failing there shows whether a crash keeps the gap. */
  readonly unfaultedCalls: readonly number[];
  readonly outside: string;
}

/** What a faulted run and its rerun showed. */
export interface FaultOutcome {
  readonly fault: Fault;
  /** The call that failed, as the clean run labels it. */
  readonly label: string;
  /** The first run's error, or undefined when it completed despite the fault. */
  readonly error: string | undefined;
  /** States a reader saw that no clean run shows, with the call before which each was seen. */
  readonly violations: readonly string[];
  /** The rerun's error, if it failed. */
  readonly rerunError: string | undefined;
  /** Where the tables after the rerun differ from the clean run's. */
  readonly differences: readonly string[];
}

/** The engine with a boundary awaited before and after each write, writeRows and defineView. */
export function boundedEngine<T extends Engine>(engine: T, boundary: WriteBoundary): T {
  const bounded = new Set(['write', 'writeRows', 'defineView']);
  return new Proxy(engine, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof property !== 'string' || !bounded.has(property)) return method;
      return async (...args: unknown[]) => {
        await boundary('before');
        const result = await method(...args);
        await boundary('after');
        return result;
      };
    },
  });
}

/** How long one sweep test may take: 3 minutes in CI, a day for `FAULT_SWEEP=full`. */
export const SWEEP_TIMEOUT_MS = process.env.FAULT_SWEEP === 'full' ? 86_400_000 : 180_000;

/** Whether a changed key (a file or a folder) may change what a reader of the table at `location` sees. */
function underTable(key: string, location: string): boolean {
  return key === '' || key === location || key.startsWith(`${location}/`) || location.startsWith(`${key}/`);
}

const NO_BOUNDARY: WriteBoundary = async () => {};

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * What a reader sees, kept current call by call: only the tables whose files a call changed are
 * read again (a table's files are under its location, whatever the layout).
 */
class Watch {
  public view: LakeView;
  readonly #reader: LakeReader;

  public constructor(reader: LakeReader, view: LakeView) {
    this.#reader = reader;
    this.view = new Map(view);
  }

  /** Reads the tables `log`'s calls changed since the last update; returns their new states. */
  public async update(log: CallLog): Promise<LakeView> {
    const keys = log.takeChanged();
    const names = new Set(
      this.#reader.tables
        .filter((table) => keys.some((key) => underTable(key, table.location)))
        .map((table) => table.name),
    );
    if (names.size === 0) return new Map();
    const changed = await this.#reader.read(names);
    for (const [name, partitions] of changed) this.view.set(name, partitions);
    return changed;
  }
}

/**
 * Runs the job once without faults. It records every call, what a reader sees before and after
 * each table write (the states a reader may see) and, before every call, what a reader sees then:
 * a state there that is none of the former is a gap or a mix a reader meets with no fault at all.
 */
export async function cleanRun(job: FaultJob): Promise<CleanRun> {
  await job.reset();
  const initial = await job.reader.read();
  const watch = new Watch(job.reader, initial);
  const views: LakeView[] = [initial];
  const between: { n: number; when: string; view: LakeView }[] = [];
  const writes: [number, number][] = [];
  let first = 0;
  const log: CallLog = new CallLog(undefined, async (n, label) => {
    const changed = await watch.update(log);
    if (changed.size > 0) between.push({ n, when: `before call ${n} (${label})`, view: changed });
  });
  await job.run(log, async (phase) => {
    await watch.update(log);
    views.push(new Map(watch.view));
    if (phase === 'before') first = log.calls.length + 1;
    else if (log.calls.length >= first) writes.push([first, log.calls.length]);
  });
  const final = await job.reader.read();
  views.push(final);
  const allowed = allowedStates(views);
  const placements = [...log.changedBy]
    .filter(([, keys]) =>
      keys.some((key) => job.reader.tables.some((table) => underTable(key, table.location))),
    )
    .map(([n]) => n)
    .sort((a, b) => a - b);
  const seen = new Set<string>();
  const unfaulted: string[] = [];
  const unfaultedCalls: number[] = [];
  for (const { n, when, view } of between) {
    for (const violation of violations(view, allowed)) {
      if (!unfaultedCalls.includes(n)) unfaultedCalls.push(n);
      if (seen.has(violation)) continue;
      seen.add(violation);
      unfaulted.push(`${when}: ${violation}`);
    }
  }
  return {
    calls: [...log.calls],
    writes,
    placements,
    initial,
    allowed,
    final,
    unfaulted,
    unfaultedStates: seen,
    unfaultedCalls,
    outside: (await job.outside?.()) ?? '',
  };
}

/** Calls that change the store (or, for an UNLOAD, its scratch): where a failure can leave something behind. */
export function changesStore(label: string): boolean {
  return (
    /^store\.(put|putStream|delete|deletePrefix|moveFile|replaceDirectory|copy)$/.test(label) ||
    label.startsWith('fs.') ||
    (label.startsWith('s3.') && !/^s3\.(Get|List|Head)/.test(label)) ||
    label === 'athena.StartQueryExecution'
  );
}

/** Up to `count` of `items`, evenly spaced, in order. */
function spread(items: readonly number[], count: number): number[] {
  if (items.length <= count) return [...items];
  return [
    ...new Set(
      Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)] as number),
    ),
  ];
}

/**
 * The calls to fail. A failed read ends the job as a failure of the next change would, so the
 * candidates are the calls that change the store, and the job's first call. When there are more
 * than `budget`, in this order until the budget is spent: the calls before which the fault-free
 * run showed a reader a gap or a mix (does a crash there leave it, and does the rerun mend it?);
 * the job's first call and the placements (the calls that change files under a table's location,
 * where a write shows readers its result), evenly spaced; then the other candidates, evenly spaced.
 * `FAULT_SWEEP=full` fails every call, reads included.
 */
export function faultPoints(clean: CleanRun, budget: number): number[] {
  const calls = clean.calls.map((label, index) => ({ label, n: index + 1 }));
  if (process.env.FAULT_SWEEP === 'full') return calls.map((call) => call.n);
  const candidates = calls
    .filter((call, index) => index === 0 || changesStore(call.label))
    .map((call) => call.n);
  if (candidates.length <= budget) return candidates;
  const points = new Set(spread(clean.unfaultedCalls, budget));
  const placements = [...new Set([1, ...clean.placements])]
    .filter((n) => !points.has(n))
    .sort((a, b) => a - b);
  for (const n of spread(placements, budget - points.size)) points.add(n);
  const others = candidates.filter((n) => !points.has(n));
  for (const n of spread(others, budget - points.size)) points.add(n);
  return [...points].sort((a, b) => a - b);
}

/** Runs the job with `fault`, observing the lake before every call, then runs it again to completion. */
export async function faultedRun(job: FaultJob, fault: Fault, clean: CleanRun): Promise<FaultOutcome> {
  await job.reset();
  const watch = new Watch(job.reader, clean.initial);
  const seen = new Set<string>();
  const found: string[] = [];
  // A gap the fault-free run shows too is reported once, by it; one a failed run leaves is reported here.
  const observe = async (log: CallLog, when: string, afterFailure = false) => {
    const changed = await watch.update(log);
    for (const violation of violations(afterFailure ? watch.view : changed, clean.allowed)) {
      if (seen.has(violation) || (!afterFailure && clean.unfaultedStates.has(violation))) continue;
      seen.add(violation);
      found.push(`${when}: ${violation}`);
    }
  };
  const faulted: CallLog = new CallLog(fault, (n, label) => observe(faulted, `before call ${n} (${label})`));
  let error: string | undefined;
  try {
    await job.run(faulted, NO_BOUNDARY);
  } catch (thrown) {
    error = message(thrown);
  }
  await observe(faulted, 'after the failed run, until the rerun', true);
  const rerun: CallLog = new CallLog(undefined, (n, label) =>
    observe(rerun, `rerun, before call ${n} (${label})`),
  );
  let rerunError: string | undefined;
  try {
    await job.run(rerun, NO_BOUNDARY);
  } catch (thrown) {
    rerunError = message(thrown);
  }
  const left = differences(await job.reader.read(), clean.final);
  const outside = (await job.outside?.()) ?? '';
  if (outside !== clean.outside) left.push(`outside the tables: ${outside}, clean run ${clean.outside}`);
  return {
    fault,
    label: clean.calls[fault.at - 1] ?? '?',
    error,
    violations: found,
    rerunError,
    differences: left,
  };
}

/** One line per failed expectation of a faulted run: empty when it kept every promise. */
export function broken(outcome: FaultOutcome): string[] {
  const name = `${outcome.fault.mode} at call ${outcome.fault.at} (${outcome.label})`;
  return [
    ...outcome.violations.map((violation) => `${name}: a reader saw ${violation}`),
    ...(outcome.rerunError === undefined ? [] : [`${name}: the rerun failed: ${outcome.rerunError}`]),
    ...outcome.differences.map((difference) => `${name}: after the rerun ${difference}`),
  ];
}

/**
 * Sweeps `points` in `modes`, returning every broken promise (empty: the job kept them all).
 * `FAULT_SWEEP_REPORT=1` prints how many calls the job made and which ones fail.
 */
export async function sweep(
  job: FaultJob,
  clean: CleanRun,
  points: readonly number[],
  modes: readonly FaultMode[],
): Promise<{ outcomes: FaultOutcome[]; broken: string[] }> {
  if (process.env.FAULT_SWEEP_REPORT !== undefined) {
    console.log(
      `${job.name}: ${clean.calls.length} calls, ${clean.writes.length} table writes, ` +
        `${clean.placements.length} placements; failing ${modes.join(' and ')} at ${points.join(', ')}`,
    );
  }
  const outcomes: FaultOutcome[] = [];
  for (const at of points) {
    for (const mode of modes) outcomes.push(await faultedRun(job, { at, mode }, clean));
  }
  return { outcomes, broken: outcomes.flatMap(broken) };
}

/**
 * The promises every fault test checks of its job, as tests of the calling describe block: a
 * fault-free run shows a reader no gap, and failing any of `budget` calls in each mode breaks none.
 * `state` is read when the tests run, after the block's `beforeAll` has made the clean run.
 */
export function itKeepsItsPromises(state: () => { job: FaultJob; clean: CleanRun }, budget: number): void {
  it('shows a reader no gap and no mix in a fault-free run', () => {
    expect(state().clean.unfaulted).toEqual([]);
  });

  it.each(['kill', 'error'] as const)(
    'keeps its promises when a call fails (%s): readers see no gap, the rerun completes, the tables equal a clean run',
    async (mode) => {
      const { job, clean } = state();
      const { broken } = await sweep(job, clean, faultPoints(clean, budget), [mode]);
      expect(broken).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );
}
