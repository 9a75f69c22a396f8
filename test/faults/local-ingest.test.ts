/**
 * Fault injection over ingests on a local lake (FsStore and DuckDbEngine): a new partner registry
 * (replaces the table), restated spend (replaces a date's partition) and a file of events with a
 * bad line (appends events, quarantine, ingest_partitions and ingest_log), ingested one after the
 * other as one job. See sweep.ts for what each faulted run must keep.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import type { InputKind } from '../../lambdas/contract/inputs.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { FIXTURES_DIR, INGESTED_AT } from '../ingest/lake-helpers.ts';
import { type LocalFaultJob, localJob } from './local-job.ts';
import { type CleanRun, cleanRun, itKeepsItsPromises } from './sweep.ts';

vi.mock('node:fs/promises', async (importOriginal) => {
  const { countedFsPromises } = await import('./fs-calls.ts');
  return countedFsPromises(await importOriginal());
});

const KEY = 'faults-test-pseudonymization-key-0123456789';

/** Fault points per mode: a faulted run and its rerun take about 1.5 s here (see faultPoints). */
const BUDGET = 8;

const LATE_EVENTS = [
  '{"event_id":"evt-101","event_type":"signup","user_id":"u-101","occurred_at":"2026-11-21T10:00:00Z","partner_id":"aff-one","country":"VN","platform":"web"}',
  '{"event_id":"evt-102","event_type":"deposit","user_id":"u-101","occurred_at":"2026-11-22T11:00:00Z","amount_usd":80}',
  '{"event_id":"evt-103","event_type":"deposit","user_id":"u-101","occurred_at":"not a time","amount_usd":80}',
];

describe('ingests on a local lake, failed at any call', () => {
  let root: string;
  let job: LocalFaultJob;
  let clean: CleanRun;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-faults-ingest-'));
    const lake = await openLocalLake(join(root, 'lake'));
    const context = { ...lake, pseudonymizationKey: KEY, now: () => INGESTED_AT };
    try {
      for (const [kind, file] of [
        ['partners', 'partners-v1.csv'],
        ['fx', 'fx-2026-11.csv'],
        ['spend', 'spend-network-a.csv'],
        ['events', 'events-two-days.jsonl'],
      ] as const) {
        await ingestFile(context, kind, join(FIXTURES_DIR, file));
      }
    } finally {
      await lake.close();
    }
    const events = join(root, 'events-late.jsonl');
    await writeFile(events, `${LATE_EVENTS.join('\n')}\n`);
    const inputs: [InputKind, string][] = [
      ['partners', join(FIXTURES_DIR, 'partners-v2.csv')],
      ['spend', join(FIXTURES_DIR, 'spend-network-b.csv')],
      ['events', events],
    ];
    job = await localJob('ingests', join(root, 'lake'), async ({ store, engine }) => {
      for (const [kind, path] of inputs) {
        await ingestFile({ store, engine, pseudonymizationKey: KEY, now: () => INGESTED_AT }, kind, path);
      }
    });
    clean = await cleanRun(job);
  }, 120_000);

  afterAll(async () => {
    await job?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  itKeepsItsPromises(() => ({ job, clean }), BUDGET);
});
