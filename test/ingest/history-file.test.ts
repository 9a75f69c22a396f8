import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { INGEST_ENGINE_OPTIONS, type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { MAX_PARTITIONS_PER_COPY } from '../../lambdas/warehouse/duckdb-engine.ts';
import { INGESTED_AT } from './lake-helpers.ts';

const DAYS = 365;
const EVENTS_PER_DAY = 10;
const FIRST_DAY_MS = Date.UTC(2025, 10, 22);

/** Event `i` of a year of history: day `i % 365`, the events of a day spread over its hours. */
function historyLine(i: number): string {
  const day = i % DAYS;
  const occurredAt = new Date(FIRST_DAY_MS + day * 86_400_000 + Math.floor(i / DAYS) * 3_600_000);
  return JSON.stringify({
    event_id: `hist-${i}`,
    event_type: 'trade',
    user_id: `u-${i % 97}`,
    occurred_at: occurredAt.toISOString(),
    amount_usd: '100.5',
    fee_usd: '0.1',
    product: 'spot',
  });
}

const lines = Array.from({ length: DAYS * EVENTS_PER_DAY }, (_, i) => historyLine(i));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A lake opened with the CLI's ingest settings, and a scratch folder for the input files. */
async function cliLake(): Promise<{ lake: LocalLake; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'growthlake-history-'));
  const lake = await openLocalLake(join(dir, 'lake'), INGEST_ENGINE_OPTIONS);
  cleanups.push(async () => {
    await lake.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { lake, dir };
}

describe('ingestFile events: a first import of history in one file', () => {
  it('loads a file spanning 365 dates within the CLI memory limit, every date in its partition', async () => {
    // Prepare: 3,650 events, 10 on each of 365 dates. Before the writes went out in groups of
    // partitions, DuckDB's one COPY held a writer per date and ran out of the 192 MB.
    expect(DAYS).toBeGreaterThan(MAX_PARTITIONS_PER_COPY * 5);
    const { lake, dir } = await cliLake();
    const file = join(dir, 'history.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);

    // Act
    const result = await ingestFile({ ...lake, now: () => INGESTED_AT }, 'events', file);

    // Assess: 365 * 10 = 3,650 accepted, and each date holds its 10 events.
    expect(result).toMatchObject({
      rowsRead: 3650,
      rowsAccepted: 3650,
      rowsDuplicate: 0,
      rowsQuarantined: 0,
    });
    expect(
      await lake.engine.query(
        `select count(*) as dates, min(events) as fewest, max(events) as most,
                cast(min(dt) as varchar) as first_dt, cast(max(dt) as varchar) as last_dt
         from (select dt, count(*) as events from events group by dt)`,
      ),
    ).toEqual([{ dates: 365, fewest: 10, most: 10, first_dt: '2025-11-22', last_dt: '2026-11-21' }]);
    expect(
      await lake.engine.query(
        'select count(*) as dates, sum(rows_accepted) as events, min(rows_accepted) as fewest from ingest_partitions',
      ),
    ).toEqual([{ dates: 365, events: 3650, fewest: 10 }]);
    const partitionDirs = new Set((await lake.store.list('curated/events')).map((f) => f.key.split('/')[2]));
    expect(partitionDirs.size).toBe(365);
    // Every event as its line says: the time in UTC, partitioned by its UTC date.
    const expected = lines
      .map((line) => JSON.parse(line) as { event_id: string; occurred_at: string })
      .map(({ event_id, occurred_at }) => ({
        event_id,
        occurred_at: occurred_at.replace('T', ' ').replace('.000Z', ''),
        dt: occurred_at.slice(0, 10),
      }))
      .sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
    expect(
      await lake.engine.query(
        'select event_id, cast(occurred_at as varchar) as occurred_at, cast(dt as varchar) as dt from events order by event_id',
      ),
    ).toEqual(expected);
  });
});
