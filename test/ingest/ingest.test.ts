/**
 * The accounting of docs/contract.md (Every input file) as a check that can fail: `rows_read = rows_accepted +
 * rows_duplicate + rows_quarantined`, each count taken where its rows are decided. Faults injected
 * into the engine lose one accepted row on its way to the lake; the ingest must refuse to log it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENTS, STAGED_SPEND, type TableDef } from '../../lambdas/contract/tables.ts';
import { IngestAccountingError, IngestError } from '../../lambdas/ingest/errors.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import type { Engine } from '../../lambdas/warehouse/engine.ts';
import { FIXTURES_DIR, openTestLake, overrideEngine, snapshotTables, type TestLake } from './lake-helpers.ts';

/** events-two-days.jsonl: 9 rows read; 6 accepted, 1 duplicate (evt-003 again), 2 quarantined. */
const EVENTS_FIXTURE = join(FIXTURES_DIR, 'events-two-days.jsonl');

const opened: TestLake[] = [];
async function newLake(): Promise<TestLake> {
  const lake = await openTestLake();
  opened.push(lake);
  return lake;
}

afterEach(async () => {
  for (const lake of opened.splice(0)) await lake.close();
});

/** An engine whose writes to `events` leave out `eventId`: a bug that loses an accepted event. */
function losingEvent(engine: Engine, eventId: string): Engine {
  return overrideEngine(engine, {
    write: (table, sql, mode) =>
      engine.write(
        table,
        table.name === EVENTS.name
          ? `select * from (\n${sql}\n) as accepted where event_id <> '${eventId}'`
          : sql,
        mode,
      ),
  });
}

/**
 * An engine that, before it first reads the staging table `table`, cuts the last row from the
 * staged file: a bug that loses a row between the staging writer and the load.
 */
function losingLastStagedRow(lake: TestLake, table: TableDef): Engine {
  const { engine, store } = lake.lake;
  let lost = false;
  return overrideEngine(engine, {
    async refresh(target) {
      const [staged] = await store.list(table.location);
      if (!lost && target.name === table.name && staged !== undefined) {
        const text = new TextDecoder().decode(await store.get(staged.key));
        await store.put(staged.key, text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
        lost = true;
      }
      await engine.refresh(target);
    },
  });
}

/** An engine that records the SQL of every query it runs in `queries`. */
function recordingQueries(engine: Engine, queries: string[]): Engine {
  return overrideEngine(engine, {
    query: (sql) => {
      queries.push(sql);
      return engine.query(sql);
    },
  });
}

describe('ingestFile: every row read is accepted, a duplicate or quarantined', () => {
  it('fails with the accounting error when an accepted event never reaches the lake, logging nothing', async () => {
    // Prepare
    const lake = await newLake();
    const context = { ...lake.context, engine: losingEvent(lake.lake.engine, 'evt-005') };

    // Act
    const failure = await ingestFile(context, 'events', EVENTS_FIXTURE).catch((error: unknown) => error);

    // Assess: 6 - 1 = 5 accepted; 5 + 1 + 2 = 8 of the 9 rows read. Before the duplicates were
    // counted, the lost row passed for a second duplicate (9 - 5 - 2 = 2) and the ingest succeeded.
    expect(failure).toBeInstanceOf(IngestAccountingError);
    expect(failure).toBeInstanceOf(IngestError);
    expect((failure as IngestAccountingError).message).toBe(
      `${EVENTS_FIXTURE}: 9 rows were read, but 5 accepted + 1 duplicate + 2 quarantined account for 8, ` +
        'so the ingest was not logged as done',
    );
    expect((failure as IngestAccountingError).counts).toEqual({
      rowsRead: 9,
      rowsAccepted: 5,
      rowsDuplicate: 1,
      rowsQuarantined: 2,
    });
    expect(await lake.rows('select count(*) as logged from ingest_log')).toEqual([{ logged: 0 }]);
    expect(await lake.rows('select count(*) as quarantined from quarantine')).toEqual([{ quarantined: 0 }]);
    expect(await lake.lake.store.list('staging')).toEqual([]);
  });

  it('completes an ingest that failed its accounting when the file is ingested again', async () => {
    // Prepare
    const clean = await newLake();
    await ingestFile(clean.context, 'events', EVENTS_FIXTURE);
    const expected = await snapshotTables(clean.lake.engine);
    const lake = await newLake();
    const faulty = { ...lake.context, engine: losingEvent(lake.lake.engine, 'evt-005') };
    await expect(ingestFile(faulty, 'events', EVENTS_FIXTURE)).rejects.toThrow(IngestAccountingError);

    // Act
    const retry = await ingestFile(lake.context, 'events', EVENTS_FIXTURE);

    // Assess
    expect([retry.rowsRead, retry.rowsAccepted, retry.rowsDuplicate, retry.rowsQuarantined]).toEqual([
      9, 6, 1, 2,
    ]);
    expect(retry.alreadyIngested).toBe(false);
    expect(await snapshotTables(lake.lake.engine)).toEqual(expected);
  });

  it('fails with the accounting error when a staged spend row is lost before the merge', async () => {
    // Prepare: 4 rows; line 5 restates line 2's key, so 3 are staged (lines 3, 4, 5) and 1 is a duplicate.
    const lake = await newLake();
    const file = await lake.writeLines('spend.csv', [
      'date,partner_id,spend,currency,cost_type,campaign_id,impressions,clicks',
      '2026-11-20,aff-one,100,USD,flat,,,',
      '2026-11-20,kol-two,30,USD,flat,launch,,',
      '2026-11-21,aff-one,200,USD,cpc,bf-2026,,',
      '2026-11-20,aff-one,120.5,USD,flat,,,',
    ]);
    const context = { ...lake.context, engine: losingLastStagedRow(lake, STAGED_SPEND) };

    // Act
    const failure = ingestFile(context, 'spend', file);

    // Assess: 3 - 1 = 2 accepted; 2 + 1 + 0 = 3 of the 4 rows read.
    await expect(failure).rejects.toBeInstanceOf(IngestAccountingError);
    await expect(failure).rejects.toThrow(
      new IngestAccountingError(file, { rowsRead: 4, rowsAccepted: 2, rowsDuplicate: 1, rowsQuarantined: 0 }),
    );
    expect(await lake.rows('select count(*) as logged from ingest_log')).toEqual([{ logged: 0 }]);
  });

  it('reads the stored event ids to count duplicates of the lake only for a file whose first lines were not all stored', async () => {
    // Prepare: day 2 repeats e-2 of day 1 and its own e-3; day 3 repeats only its own e-4.
    const lake = await newLake();
    const login = (eventId: string) =>
      JSON.stringify({
        event_id: eventId,
        event_type: 'login',
        user_id: 'u-1',
        occurred_at: '2026-11-20T10:00:00Z',
      });
    await ingestFile(
      lake.context,
      'events',
      await lake.writeLines('day-1.jsonl', [login('e-1'), login('e-2')]),
    );
    const day2 = await lake.writeLines('day-2.jsonl', [login('e-2'), login('e-3'), login('e-3')]);
    const day3 = await lake.writeLines('day-3.jsonl', [login('e-4'), login('e-4'), login('e-5')]);
    const queries: string[] = [];
    const context = { ...lake.context, engine: recordingQueries(lake.lake.engine, queries) };
    const readsStoredIds = () => queries.splice(0).some((sql) => sql.includes('rows_accepted_before'));

    // Act
    const second = await ingestFile(context, 'events', day2);
    const secondReadStoredIds = readsStoredIds();
    const third = await ingestFile(context, 'events', day3);
    const thirdReadStoredIds = readsStoredIds();

    // Assess: day 2: 3 read = 1 accepted (e-3) + 2 duplicates (e-2 stored before, e-3 again);
    // day 3: 3 read = 2 accepted (e-4, e-5) + 1 duplicate (e-4 again), every first line stored.
    expect([second.rowsRead, second.rowsAccepted, second.rowsDuplicate, second.rowsQuarantined]).toEqual([
      3, 1, 2, 0,
    ]);
    expect(secondReadStoredIds).toBe(true);
    expect([third.rowsRead, third.rowsAccepted, third.rowsDuplicate, third.rowsQuarantined]).toEqual([
      3, 2, 1, 0,
    ]);
    expect(thirdReadStoredIds).toBe(false);
  });
});
