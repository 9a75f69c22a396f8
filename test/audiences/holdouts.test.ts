/**
 * Holdouts on growthlake's own audiences (docs/contract.md, Holdouts on growthlake's own
 * audiences) over the golden fixtures (test/fixtures/golden): the hash rule's split, the CSV without
 * the control arm, first appearances recorded once as exposures, a rerun that changes nothing, and
 * the playbook campaign in the run date's own campaign_results.
 *
 * The action `everyone` matches every user of the snapshot: u01..u11 on both 03-09 and 03-10. Hash
 * positions of 'everyone:<user>' (holdoutPosition, checked against sha256sum in
 * test/experiments/holdout.test.ts): u01 .8657, u02 .5033, u03 .0522, u04 .7411, u05 .0450,
 * u06 .5130, u07 .7072, u08 .6319, u09 .8887, u10 .0336, u11 .7790.
 * At h = 0.10 the control arm is u03, u05, u10 (below .10); the 8 others are treated.
 * The action `comeback` (lifecycle resurrected, default h = 0.10) has no user on 03-09 and u10 on
 * 03-10 (active again after 02-08): 'comeback:u10' is at .7284, treated.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceReport } from '../../lambdas/audiences/audiences.ts';
import type { InputKind } from '../../lambdas/contract/inputs.ts';
import { type RunConfig, RunConfigSchema } from '../../lambdas/contract/run-config.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { audiencesStep, transformStep } from '../../lambdas/pipeline/steps.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));
const INPUTS: readonly [InputKind, string][] = [
  ['partners', 'partners.csv'],
  ['fx', 'fx.csv'],
  ['spend', 'spend-1.csv'],
  ['events', 'events-1.jsonl'],
];
const FIRST = '2026-03-09';
const R = '2026-03-10';
const CAMPAIGN = 'playbook:everyone';

/** One action over every user; the cost and primary metric show the overrides reaching the results. */
const configWith = (holdoutShare: number): RunConfig =>
  RunConfigSchema.parse({
    playbooks: [
      {
        id: 'everyone',
        description: 'Every user of the snapshot.',
        where: {},
        holdout_share: holdoutShare,
        cost_per_treated_usd: 2,
        primary_metric: 'traded',
      },
      { id: 'comeback', description: 'Back after 30+ quiet days.', where: { lifecycle: ['resurrected'] } },
    ],
  });

const csvUsers = (text: string) =>
  (parse(text, { columns: true }) as Record<string, string>[]).map((r) => r.user_id);

describe('holdouts on the playbook audiences: two daily runs, then R again', () => {
  let root: string;
  let lake: LocalLake;
  let first: AudienceReport[];
  let second: AudienceReport[];

  const run = async (date: string, config: RunConfig) => {
    const context = { ...lake, config };
    await transformStep(context, date);
    return audiencesStep(context, date);
  };
  const audienceCsv = async (date: string) =>
    csvUsers(
      Buffer.from((await lake.store.get(`published/${date}/audiences/everyone.csv`)) ?? []).toString('utf8'),
    );
  const recorded = (campaign = CAMPAIGN) =>
    lake.engine.query(
      `select user_id, arm, cast(assigned_at as varchar) as assigned_at, source_file, source_line, cast(dt as varchar) as dt
       from exposures where campaign_id = '${campaign}' order by user_id`,
    );
  const resultRow = async (date: string, metric: string, campaign = CAMPAIGN) =>
    (
      await lake.engine.query(
        `select * from campaign_results where run_date = date '${date}' and campaign_id = '${campaign}' and metric = '${metric}'`,
      )
    )[0];
  const snapshotOf = async () => ({
    exposures: await lake.engine.query('select * from exposures order by ingest_id, source_line'),
    ingestLog: await lake.engine.query('select * from ingest_log order by ingest_id'),
    ingestPartitions: await lake.engine.query(
      'select distinct * from ingest_partitions order by ingest_id, kind, dt',
    ),
    campaignUserState: await lake.engine.query(
      'select * from campaign_user_state order by dt, campaign_id, user_id',
    ),
    campaignResults: await lake.engine.query(
      'select * from campaign_results order by run_date, campaign_id, metric',
    ),
  });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-holdouts-'));
    lake = await openLocalLake(join(root, 'lake'), { threads: 2 });
    for (const [kind, file] of INPUTS) await ingestFile(lake, kind, join(FIXTURES, file));
    first = await run(FIRST, configWith(0.1));
    second = await run(R, configWith(0.1));
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('leaves the control arm (u03, u05, u10 at h = 0.10) out of the audience CSV', async () => {
    // Assess
    expect(await audienceCsv(FIRST)).toEqual(['u01', 'u02', 'u04', 'u06', 'u07', 'u08', 'u09', 'u11']);
    expect(first.map((r) => [r.actionId, r.users, r.heldOut, r.firstExposures])).toEqual([
      ['everyone', 8, 3, 11],
      ['comeback', 0, 0, 0],
    ]);
    const counts = parse(
      Buffer.from((await lake.store.get(`published/${FIRST}/audiences/counts.csv`)) ?? []).toString('utf8'),
      { columns: true },
    );
    expect(counts).toMatchObject([
      { action_id: 'everyone', users: '8', held_out: '3', first_exposures: '11' },
      { action_id: 'comeback', users: '0', held_out: '0', first_exposures: '0' },
    ]);
  });

  it('records each user once, at their first appearance (03-09), in the arm of the hash rule', async () => {
    // Assess: the 03-10 audience of everyone is the same 11 users, none of them new
    expect(second.map((r) => [r.actionId, r.users, r.heldOut, r.firstExposures])).toEqual([
      ['everyone', 8, 3, 0],
      ['comeback', 1, 0, 1],
    ]);
    const rows = await recorded();
    expect(rows).toHaveLength(11);
    const control = new Set(['u03', 'u05', 'u10']);
    for (const row of rows) {
      expect(row).toMatchObject({
        arm: control.has(String(row.user_id)) ? 'control' : 'treatment',
        source_file: `${CAMPAIGN}@${FIRST}`,
        dt: FIRST,
      });
      expect(String(row.assigned_at)).toMatch(/^2026-03-09 00:00:00/);
    }
    // Treated users first (lines 1-8, by user), then the control arm (9-11).
    expect(rows.filter((row) => control.has(String(row.user_id))).map((row) => row.source_line)).toEqual([
      9, 10, 11,
    ]);
  });

  it('records a user on the day they first appear in an action: u10 joins comeback on 03-10', async () => {
    // Assess: after the 11 rows of everyone's ingest of 03-09, line 1 of the ingest of 03-10
    expect(await recorded('playbook:comeback')).toMatchObject([
      { user_id: 'u10', arm: 'treatment', source_file: `playbook:comeback@${R}`, source_line: 1, dt: R },
    ]);
    expect(await resultRow(FIRST, 'active_days', 'playbook:comeback')).toBeUndefined();
    expect(await resultRow(R, 'active_days', 'playbook:comeback')).toMatchObject({
      n_treatment: 1,
      n_control: 0,
      is_primary: true,
    });
  });

  it("counts the playbook campaign in the run date's own results, with the configured design", async () => {
    // Assess: 8 treated, 3 control. SRM against (0.9, 0.1): expected 9.9 and 1.1;
    // chi2 = 1.9^2/9.9 + 1.9^2/1.1 = 0.364646 + 3.281818 = 3.646465, p = 2(1 - Phi(1.909572)) = 0.0562.
    // cost_usd = 2 * 8 = 16 on every row; traded is the primary metric.
    for (const date of [FIRST, R]) {
      const traded = await resultRow(date, 'traded');
      expect(traded).toMatchObject({ n_treatment: 8, n_control: 3, cost_usd: 16, is_primary: true });
      expect(Number(traded?.srm_p_value)).toBeCloseTo(0.0562, 4);
      expect(await resultRow(date, 'active_days')).toMatchObject({ is_primary: false, cost_usd: 16 });
    }
  });

  it('gives identical tables when R runs again', async () => {
    // Prepare
    const before = await snapshotOf();

    // Act
    const again = await run(R, configWith(0.1));

    // Assess
    expect(again).toEqual(second);
    expect(await snapshotOf()).toEqual(before);
  });

  it('splits by the configured holdout share: at h = 0.60 u02 (.5033) and u06 (.5130) join the control arm', async () => {
    // Act: R again under another configuration (the arms of users already exposed stay as recorded)
    const reports = await run(R, configWith(0.6));

    // Assess
    expect(await audienceCsv(R)).toEqual(['u01', 'u04', 'u07', 'u08', 'u09', 'u11']);
    // comeback is unchanged: u10's first appearance is still 03-10, recorded again in the same row
    expect(reports.map((r) => [r.actionId, r.users, r.heldOut, r.firstExposures])).toEqual([
      ['everyone', 6, 5, 0],
      ['comeback', 1, 0, 1],
    ]);
    expect(await recorded()).toHaveLength(11);
    // The SRM check reads h = 0.60: expected 4.4 and 6.6 for 8 and 3;
    // chi2 = 3.6^2/4.4 + 3.6^2/6.6 = 2.945455 + 1.963636 = 4.909091, p = 2(1 - Phi(2.215647)) = 0.0267.
    expect(Number((await resultRow(R, 'traded'))?.srm_p_value)).toBeCloseTo(0.0267, 4);
  });
});
