import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../lambdas/contract/run-config.ts';
import { type GeneratedInputFile, generate, inputFiles } from '../../lambdas/generate/generate.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { runDaily } from '../../lambdas/pipeline/run.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { eventsInOneFile } from './generated-lake.ts';

const END = '2026-03-20';

const spendDaily = (lake: LocalLake): Promise<Row[]> =>
  lake.engine.query('select * from spend_daily order by spend_date, partner_id');

/** The curated spend summed per date and partner: what spend_daily must hold. */
const spendSums = (lake: LocalLake): Promise<Row[]> =>
  lake.engine.query(
    'select spend_date, partner_id, sum(cast(spend_usd as decimal(38, 9))) as spend_usd from spend group by all order by spend_date, partner_id',
  );

describe('spend_daily after restated spend (generated data)', () => {
  let inputDir: string;
  let restatements: GeneratedInputFile[];
  let incremental: LocalLake;
  let rebuilt: LocalLake;
  let before: Row[];

  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'growthlake-spend-daily-'));
    inputDir = join(root, 'input');
    const inputs = inputFiles(
      await generate({ outDir: inputDir, endDate: END, days: 20, users: 100, partners: 4, seed: 5 }),
    );
    const isRestatement = (file: GeneratedInputFile) => file.path.endsWith('.restated.csv');
    restatements = inputs.filter(isRestatement);
    // The events of the 20 days go in as one file: one ingest instead of 20, storing the same rows
    // (see eventsInOneFile); spend arrives file by file.
    const events = await eventsInOneFile(inputDir, inputs, join(root, 'events-all.jsonl'));
    const ingest = async (lake: LocalLake, files: readonly GeneratedInputFile[]) => {
      for (const file of files.filter((f) => f.kind !== 'events')) {
        await ingestFile(lake, file.kind, join(inputDir, file.path));
      }
      if (files.some((f) => f.kind === 'events')) await ingestFile(lake, 'events', events);
    };

    // Incremental: every file but the restatements, a run; then the restatements, a run.
    incremental = await openLocalLake(join(root, 'incremental'));
    await ingest(
      incremental,
      inputs.filter((file) => !isRestatement(file)),
    );
    await runDaily({ ...incremental, config: DEFAULT_RUN_CONFIG }, END);
    before = await spendDaily(incremental);
    await ingest(incremental, restatements);
    await runDaily({ ...incremental, config: DEFAULT_RUN_CONFIG }, END);

    // Rebuild: everything, one run.
    rebuilt = await openLocalLake(join(root, 'rebuilt'));
    await ingest(rebuilt, inputs);
    await runDaily({ ...rebuilt, config: DEFAULT_RUN_CONFIG }, END);
  }, 120_000);

  afterAll(async () => {
    await incremental?.close();
    await rebuilt?.close();
  });

  it('is exercised: restatements changed the spend of dates already summed', async () => {
    // Assess
    expect(restatements.length).toBeGreaterThan(0);
    expect(await spendDaily(incremental)).not.toEqual(before);
  });

  it('equals the curated spend summed per date and partner, and the rebuild', async () => {
    // Act
    const rows = await spendDaily(incremental);

    // Assess
    expect(rows).toEqual(await spendSums(incremental));
    expect(rows).toEqual(await spendDaily(rebuilt));
  });

  it('leaves cohort_ltv and partner_performance as the rebuild has them', async () => {
    for (const sql of [
      'select * from cohort_ltv order by cohort_date, partner_id, age_day',
      'select * from partner_performance order by run_date, partner_id, window_days',
    ]) {
      // Assess
      expect(await incremental.engine.query(sql)).toEqual(await rebuilt.engine.query(sql));
    }
  });
});
