import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsStore } from '../../lambdas/storage/fs-store.ts';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function newStore(): Promise<FsStore> {
  const root = await mkdtemp(join(tmpdir(), 'growthlake-fs-store-'));
  roots.push(root);
  return new FsStore(root);
}

const keysUnder = async (store: FsStore, prefix: string) => (await store.list(prefix)).map((f) => f.key);

describe('FsStore.replaceDirectory', () => {
  it('replaces a partition directory with the new one, old files gone', async () => {
    // Prepare
    const store = await newStore();
    await store.put('curated/events/dt=2026-11-21/part_0.parquet', 'old');
    await store.put('curated/events/dt=2026-11-21/part_1.parquet', 'old');
    await store.put('_tmp/write-1/dt=2026-11-21/part_0.parquet', 'new');

    // Act
    await store.replaceDirectory('_tmp/write-1/dt=2026-11-21', 'curated/events/dt=2026-11-21');

    // Assess
    expect(await keysUnder(store, 'curated/events')).toEqual(['curated/events/dt=2026-11-21/part_0.parquet']);
    expect(
      Buffer.from((await store.get('curated/events/dt=2026-11-21/part_0.parquet')) ?? []).toString(),
    ).toBe('new');
  });

  it('never leaves the old rows where a reader of the table finds them when it stops half-way', async () => {
    // Prepare: the new directory is missing, as if the process died before staging it.
    const store = await newStore();
    await store.put('curated/events/dt=2026-11-21/part_0.parquet', 'old');

    // Act
    await expect(
      store.replaceDirectory('_tmp/write-gone/dt=2026-11-21', 'curated/events/dt=2026-11-21'),
    ).rejects.toThrow();

    // Assess: the table holds no copy of the old partition beside it (a `dt=...old` sibling would
    // be read by the hive glob as the same date), and the old files wait in the scratch.
    expect(await keysUnder(store, 'curated/events')).toEqual([]);
    expect(await keysUnder(store, '_tmp/replaced')).toHaveLength(1);
  });
});
