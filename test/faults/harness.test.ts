/**
 * The harness itself, on jobs small enough to work out by hand: an in-memory store whose keys are
 * a table's partitions and whose values are their states. It must find the gap of a delete-then-put,
 * the gap a crash leaves between the two, and a rerun that does not converge, and pass a job that
 * swaps each partition in one call.
 */
import { describe, expect, it } from 'vitest';
import { col, dtPartition, type TableDef } from '../../lambdas/contract/table-def.ts';
import { CallLog, countedStore, InjectedFault } from './call-log.ts';
import type { LakeReader, LakeView } from './lake-view.ts';
import { cleanRun, type FaultJob, faultedRun, faultPoints, sweep } from './sweep.ts';

const TABLE: TableDef = {
  name: 'daily_signups',
  layer: 'mart',
  description: 'Signups per day.',
  grain: 'one row per day',
  key: ['dt'],
  columns: [col('signups', 'bigint', 'Signups.')],
  partition: dtPartition('The day.'),
  location: 'marts/daily_signups',
  format: 'parquet',
};

/** A store of partitions: `marts/daily_signups/<dt>` holds that partition's state. */
class PartitionStore {
  public readonly values = new Map<string, string>();
  public async put(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  public async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.values.delete(key);
  }
  public async list(prefix: string): Promise<string[]> {
    return [...this.values.keys()].filter((key) => key.startsWith(`${prefix}/`));
  }
}

const KEY = (dt: string) => `${TABLE.location}/${dt}`;

/** A job over a store that holds 2026-11-20 = "old" before it; `work` writes through the counted store. */
function jobOf(work: (store: PartitionStore, run: number) => Promise<void>): FaultJob {
  const store = new PartitionStore();
  let runs = 0;
  const reader: LakeReader = {
    tables: [TABLE],
    async read(): Promise<LakeView> {
      const partitions = new Map<string, string>();
      for (const [key, value] of store.values) partitions.set(key.slice(TABLE.location.length + 1), value);
      return new Map([[TABLE.name, partitions]]);
    },
    async close() {},
  };
  return {
    name: 'hand-made',
    reader,
    async reset() {
      store.values.clear();
      store.values.set(KEY('2026-11-20'), 'old');
      runs = 0;
    },
    async run(log, boundary) {
      runs += 1;
      await boundary('before');
      await work(countedStore(store, log), runs);
      await boundary('after');
    },
  };
}

/** Replaces 2026-11-20 by deleting it, then putting the new state: a reader between finds it missing. */
const deleteThenPut = jobOf(async (store) => {
  await store.list(TABLE.location);
  await store.delete([KEY('2026-11-20')]);
  await store.put(KEY('2026-11-20'), 'new');
});

/** Replaces 2026-11-20 in one put, as a manifest's PUT or rename does. */
const swap = jobOf(async (store) => {
  await store.list(TABLE.location);
  await store.put(KEY('2026-11-20'), 'new');
  await store.put(KEY('2026-11-21'), 'added');
});

describe('CallLog', () => {
  it('fails the chosen call once in error mode, and every call from it on in kill mode', async () => {
    // Prepare
    const error = new CallLog({ at: 2, mode: 'error' });
    const kill = new CallLog({ at: 2, mode: 'kill' });

    // Act
    const outcomes = async (log: CallLog) => {
      const results: string[] = [];
      for (const label of ['a', 'b', 'c']) {
        results.push(
          await log.enter(label).then(
            (n) => `${n} ran`,
            (thrown: unknown) => (thrown instanceof InjectedFault ? 'failed' : 'other'),
          ),
        );
      }
      return results;
    };

    // Assess: the error fails call 2 only; after the kill nothing runs or is counted.
    expect(await outcomes(error)).toEqual(['1 ran', 'failed', '3 ran']);
    expect(await outcomes(kill)).toEqual(['1 ran', 'failed', 'failed']);
    expect(kill.calls).toEqual(['a', 'b']);
    expect(kill.killed).toBe(true);
  });
});

describe('the sweep', () => {
  it('shows the gap of a delete-then-put in a fault-free run, before the put', async () => {
    // Act
    const clean = await cleanRun(deleteThenPut);

    // Assess: 3 calls (list, delete, put); the delete changes the table, so does the put.
    expect(clean.calls).toEqual(['store.list', 'store.delete', 'store.put']);
    expect(clean.placements).toEqual([2, 3]);
    // Between the writes a reader may see "old" (before) or "new" (after); before call 3, "absent".
    expect(clean.unfaulted).toEqual([
      'before call 3 (store.put): daily_signups/2026-11-20: absent, never seen in a clean run (old | new)',
    ]);
    expect(clean.unfaultedCalls).toEqual([3]);
  });

  it('reports the gap a crash leaves until the rerun, and passes once the rerun mends it', async () => {
    // Prepare
    const clean = await cleanRun(deleteThenPut);

    // Act: the process dies as the put starts, after the delete.
    const outcome = await faultedRun(deleteThenPut, { at: 3, mode: 'kill' }, clean);

    // Assess: the partition stays missing until the rerun puts it back; the rerun ends as a clean run.
    expect(outcome.error).toBe('InjectedFault: injected kill at call 3 (store.put)');
    expect(outcome.violations).toEqual([
      'after the failed run, until the rerun: daily_signups/2026-11-20: absent, never seen in a clean run (old | new)',
    ]);
    expect(outcome.rerunError).toBeUndefined();
    expect(outcome.differences).toEqual([]);
  });

  it('passes a job that swaps each partition in one call, at every call and in both modes', async () => {
    // Prepare
    const clean = await cleanRun(swap);

    // Act: 3 calls, each failed once and killed.
    const { outcomes, broken } = await sweep(swap, clean, faultPoints(clean, 10), ['kill', 'error']);

    // Assess: a reader sees 2026-11-20 old or new and 2026-11-21 absent or added, never more.
    expect(clean.unfaulted).toEqual([]);
    expect(outcomes.map((o) => `${o.fault.mode} ${o.fault.at}`)).toEqual([
      'kill 1',
      'error 1',
      'kill 2',
      'error 2',
      'kill 3',
      'error 3',
    ]);
    expect(broken).toEqual([]);
  });

  it('finds a rerun that does not end where a clean run does', async () => {
    // Prepare: each run writes its own run number, so a rerun after a failure writes "2".
    const counting = jobOf(async (store, run) => {
      await store.list(TABLE.location);
      await store.put(KEY('2026-11-20'), `run ${run}`);
    });
    const clean = await cleanRun(counting);

    // Act
    const outcome = await faultedRun(counting, { at: 1, mode: 'error' }, clean);

    // Assess: the clean run ends at "run 1"; the rerun, the job's second run, at "run 2".
    expect(outcome.differences).toEqual(['daily_signups/2026-11-20: run 2, clean run run 1']);
  });
});
