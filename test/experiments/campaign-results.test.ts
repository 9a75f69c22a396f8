/**
 * campaign_user_state and campaign_results (docs/contract.md, campaign_results) on a small hand-made
 * lake, run day by day with exposures arriving each day and one file arriving late. Every expected
 * value was worked out by hand from the contract's definitions; the comments show the arithmetic.
 *
 * Partners: kol-a revshare 0.25. Events (UTC):
 *   u1 signup 02-27 (kol-a), login 02-28, trade 03-02 (fee 2), kyc + deposit 100 on 03-03, login 03-05
 *   u2 signup 02-20 (organic), kyc + deposit 50 on 03-01, login 03-04
 *   u3 no events at all
 *   u4 signup 02-25 (organic), trade 03-03 (fee 1)
 *   u5 login 03-02 (no signup: unattributed)
 *   u7 login 03-02, deposit 20 on 03-04; a login on 03-03 arrives late (before run 03-05)
 * Campaigns: c1 window 3, pre 2, h 0.5, cost 1 per treated user, primary deposits_usd;
 *            c0 window 2, pre 0 (no CUPED), h 0.5, cost 0, primary active_days;
 *            playbook:winback not in the registry: window 14, pre 30, h 0.1, primary active_days;
 *            unreg not in the registry: no rows.
 * Exposures (file, ingested at, line: campaign, user, arm, assigned_at UTC), arriving:
 *   before run 03-02: exp-0 (03-02 19:00) 9: c1 u5 treatment 03-02 12:00
 *                     exp-1 (03-02 20:00) 2: c1 u1 treatment 03-02 10:00
 *                                         3: c1 u2 control 03-02 17:00 (2026-03-03T01:00+08:00)
 *                                         4: c1 u5 control 03-02 12:00 (ties exp-0's row: exp-0 came first)
 *                                         5: unreg u1 treatment 03-02 10:00
 *   before run 03-03: exp-2 (03-03 20:00) c1 u3 treatment 03-03 08:00, c1 u4 control 03-03 09:00,
 *                                         c0 u1 T, u2 C, u4 T, u5 C, all 03-03 00:00
 *   before run 03-04: exp-3 (03-04 20:00) c1 u3 treatment 03-04 (a duplicate, same arm),
 *                                         c1 u4 treatment 03-04 (a switch), playbook:winback u2 C, u4 T 03-04
 *   before run 03-05, late: exp-4 (03-05 21:00) c1 u2 treatment 03-03 06:00 (a late switch),
 *                                         c1 u7 control 03-03 15:00 (a late new user)
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGN_RESULTS, CAMPAIGN_USER_STATE, type TableDef } from '../../lambdas/contract/tables.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { refreshCampaigns } from '../../lambdas/pipeline/campaigns.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { type TransformReport, transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import type { Row, SqlValue } from '../../lambdas/warehouse/engine.ts';
import { type ExposureRow, writeCampaigns, writeExposures } from './campaign-lake.ts';

const RUN_DATES = ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'] as const;
const R = '2026-03-05';

const PARTNERS_CSV = [
  'partner_id,name,channel,network,revshare_rate,status,min_daily_budget_usd,max_daily_budget_usd',
  'kol-a,KOL Alpha,kol,,0.25,active,,',
].join('\n');

let eventCount = 0;
function event(user: string, type: string, at: string, extra: Record<string, unknown> = {}): string {
  eventCount += 1;
  return JSON.stringify({
    event_id: `e${eventCount}`,
    event_type: type,
    user_id: user,
    occurred_at: at,
    ...extra,
  });
}

const EVENTS = [
  event('u1', 'signup', '2026-02-27T08:00:00Z', { partner_id: 'kol-a' }),
  event('u1', 'login', '2026-02-28T09:00:00Z'),
  event('u1', 'trade', '2026-03-02T11:00:00Z', { amount_usd: 100, fee_usd: 2 }),
  event('u1', 'kyc_verified', '2026-03-03T08:00:00Z'),
  event('u1', 'deposit', '2026-03-03T09:00:00Z', { amount_usd: 100 }),
  event('u1', 'login', '2026-03-05T10:00:00Z'),
  event('u2', 'signup', '2026-02-20T10:00:00Z'),
  event('u2', 'kyc_verified', '2026-03-01T12:00:00Z'),
  event('u2', 'deposit', '2026-03-01T13:00:00Z', { amount_usd: 50 }),
  event('u2', 'login', '2026-03-04T07:00:00Z'),
  event('u4', 'signup', '2026-02-25T10:00:00Z'),
  event('u4', 'trade', '2026-03-03T10:00:00Z', { amount_usd: 10, fee_usd: 1 }),
  event('u5', 'login', '2026-03-02T13:00:00Z'),
  event('u7', 'login', '2026-03-02T14:00:00Z'),
  event('u7', 'deposit', '2026-03-04T16:00:00Z', { amount_usd: 20 }),
].join('\n');

/** Events that arrive late, with exp-4: they reach the states of 03-03 and 03-04 as well. */
const LATE_EVENTS = [event('u7', 'login', '2026-03-03T09:00:00Z')].join('\n');

const exposure = (
  line: number,
  campaignId: string,
  userId: string,
  arm: 'treatment' | 'control',
  assignedAt: string,
): ExposureRow => ({ line, campaignId, userId, arm, assignedAt });

interface ExposureFile {
  readonly ingest: { ingestId: string; file: string; ingestedAt: string };
  readonly rows: readonly ExposureRow[];
}

const file = (ingestId: string, ingestedAt: string, rows: ExposureRow[]): ExposureFile => ({
  ingest: { ingestId, file: `${ingestId}.csv`, ingestedAt },
  rows,
});

/** The exposure files that arrive before each run date's run. */
const ARRIVALS: Record<(typeof RUN_DATES)[number], ExposureFile[]> = {
  '2026-03-02': [
    file('exp-0', '2026-03-02 19:00:00', [exposure(9, 'c1', 'u5', 'treatment', '2026-03-02 12:00:00')]),
    file('exp-1', '2026-03-02 20:00:00', [
      exposure(2, 'c1', 'u1', 'treatment', '2026-03-02 10:00:00'),
      exposure(3, 'c1', 'u2', 'control', '2026-03-02 17:00:00'),
      exposure(4, 'c1', 'u5', 'control', '2026-03-02 12:00:00'),
      exposure(5, 'unreg', 'u1', 'treatment', '2026-03-02 10:00:00'),
    ]),
  ],
  '2026-03-03': [
    file('exp-2', '2026-03-03 20:00:00', [
      exposure(2, 'c1', 'u3', 'treatment', '2026-03-03 08:00:00'),
      exposure(3, 'c1', 'u4', 'control', '2026-03-03 09:00:00'),
      exposure(4, 'c0', 'u1', 'treatment', '2026-03-03 00:00:00'),
      exposure(5, 'c0', 'u2', 'control', '2026-03-03 00:00:00'),
      exposure(6, 'c0', 'u4', 'treatment', '2026-03-03 00:00:00'),
      exposure(7, 'c0', 'u5', 'control', '2026-03-03 00:00:00'),
    ]),
  ],
  '2026-03-04': [
    file('exp-3', '2026-03-04 20:00:00', [
      exposure(2, 'c1', 'u3', 'treatment', '2026-03-04 08:00:00'),
      exposure(3, 'c1', 'u4', 'treatment', '2026-03-04 09:00:00'),
      exposure(4, 'playbook:winback', 'u2', 'control', '2026-03-04 00:00:00'),
      exposure(5, 'playbook:winback', 'u4', 'treatment', '2026-03-04 00:00:00'),
    ]),
  ],
  '2026-03-05': [
    file('exp-4', '2026-03-05 21:00:00', [
      exposure(2, 'c1', 'u2', 'treatment', '2026-03-03 06:00:00'),
      exposure(3, 'c1', 'u7', 'control', '2026-03-03 15:00:00'),
    ]),
  ],
};

async function openCampaignLake(root: string, name: string, withLateEvents: boolean): Promise<LocalLake> {
  const lake = await openLocalLake(join(root, name));
  await ingestFile(lake, 'partners', join(root, 'partners.csv'));
  await ingestFile(lake, 'events', join(root, 'events.jsonl'));
  if (withLateEvents) await ingestFile(lake, 'events', join(root, 'events-late.jsonl'));
  await writeCampaigns(lake.engine, [
    {
      campaignId: 'c1',
      windowDays: 3,
      preDays: 2,
      holdoutShare: 0.5,
      costPerTreatedUsd: 1,
      primaryMetric: 'deposits_usd',
    },
    { campaignId: 'c0', windowDays: 2, preDays: 0, holdoutShare: 0.5, primaryMetric: 'active_days' },
  ]);
  return lake;
}

async function partition(lake: LocalLake, table: TableDef, date: string): Promise<Row[]> {
  const dateColumn = table.partition?.name ?? 'dt';
  return lake.engine.query(
    `select * from ${table.name} where ${dateColumn} = date '${date}' order by ${table.key.join(', ')}`,
  );
}

/**
 * A state row from one line. `who` is `<campaign>/<user>`; `measures` is
 * `window pre | active days | traded | deposits | fees`, each pair the outcome window's value then
 * the pre-window's (`T`/`F` for traded): `'3 2 | 2 1 | T F | 100 0 | 2 0'`.
 */
function stateRow(
  who: string,
  arm: string,
  assigned_date: string,
  switched_date: string | null,
  measures: string,
  dt: string,
): Record<string, SqlValue> {
  const [campaign_id, user_id] = who.split('/');
  const [windows, active, traded, deposits, fees] = measures.split('|').map((pair) => pair.trim().split(' '));
  const number = (pair: string[] | undefined, i: number) => Number(pair?.[i]);
  return {
    campaign_id: campaign_id ?? '',
    user_id: user_id ?? '',
    arm,
    assigned_date,
    switched_date,
    window_days: number(windows, 0),
    pre_days: number(windows, 1),
    active_days_outcome: number(active, 0),
    active_days_pre: number(active, 1),
    has_traded_outcome: traded?.[0] === 'T',
    has_traded_pre: traded?.[1] === 'T',
    deposits_outcome_usd: number(deposits, 0),
    deposits_pre_usd: number(deposits, 1),
    fees_outcome_usd: number(fees, 0),
    fees_pre_usd: number(fees, 1),
    dt,
  };
}

/** c1's rows that the late files leave as they were, as of `dt`. */
function c1Unchanged(dt: string) {
  return {
    // u1: outcome [03-02, 03-04]: 03-02 (trade, fee 2), 03-03 (deposit 100); pre [02-28, 03-01]: the
    // login. Its 03-05 login is past the window.
    u1: stateRow('c1/u1', 'treatment', '2026-03-02', null, '3 2 | 2 1 | T F | 100 0 | 2 0', dt),
    // u3: no events; the 03-04 row is a duplicate in the same arm, no switch.
    u3: stateRow('c1/u3', 'treatment', '2026-03-03', null, '3 2 | 0 0 | F F | 0 0 | 0 0', dt),
    // u4: control on 03-03, treatment on 03-04: switched; trade 03-03 (fee 1).
    u4: stateRow('c1/u4', 'control', '2026-03-03', '2026-03-04', '3 2 | 1 0 | T F | 0 0 | 1 0', dt),
    // u5: two rows at 12:00 on 03-02; exp-0 was ingested first, so treatment; the control row switches.
    u5: stateRow('c1/u5', 'treatment', '2026-03-02', '2026-03-02', '3 2 | 1 0 | F F | 0 0 | 0 0', dt),
  };
}

describe('campaign_user_state and campaign_results (hand-computed, late exposures)', () => {
  let root: string;
  let incremental: LocalLake;
  let rebuilt: LocalLake;
  let scratch: LocalLake;
  const reports: TransformReport[] = [];
  let stateBeforeLate: Row[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-campaigns-'));
    await writeFile(join(root, 'partners.csv'), PARTNERS_CSV);
    await writeFile(join(root, 'events.jsonl'), `${EVENTS}\n`);
    await writeFile(join(root, 'events-late.jsonl'), `${LATE_EVENTS}\n`);

    // Incremental: each day's exposure files arrive, then the day is run.
    incremental = await openCampaignLake(root, 'incremental', false);
    for (const date of RUN_DATES) {
      if (date === R) {
        stateBeforeLate = await partition(incremental, CAMPAIGN_USER_STATE, '2026-03-04');
        await ingestFile(incremental, 'events', join(root, 'events-late.jsonl'));
      }
      for (const arrival of ARRIVALS[date])
        await writeExposures(incremental.engine, arrival.ingest, arrival.rows);
      reports.push(await transformAndMeasure(incremental.engine, date));
    }

    // Rebuilt: every file first, then the same dates run once each.
    rebuilt = await openCampaignLake(root, 'rebuilt', true);
    for (const date of RUN_DATES) {
      for (const arrival of ARRIVALS[date])
        await writeExposures(rebuilt.engine, arrival.ingest, arrival.rows);
    }
    for (const date of RUN_DATES) await transformAndMeasure(rebuilt.engine, date);

    // From scratch: every file first, then R alone (no base to fold from).
    scratch = await openCampaignLake(root, 'scratch', true);
    for (const date of RUN_DATES) {
      for (const arrival of ARRIVALS[date])
        await writeExposures(scratch.engine, arrival.ingest, arrival.rows);
    }
    await transformAndMeasure(scratch.engine, R);
  }, 120_000);

  afterAll(async () => {
    await incremental?.engine.close();
    await rebuilt?.engine.close();
    await scratch?.engine.close();
  });

  it('folds each day from the day before, and refolds the dates late exposures and events reached', () => {
    // Assess: 03-02 from scratch, then one day each; exp-4 and the late login (dated 03-03) make
    // 03-03 and 03-04 stale.
    expect(reports.map((report) => [report.campaignStateBase, report.campaignStates])).toEqual([
      [null, ['2026-03-02']],
      ['2026-03-02', ['2026-03-03']],
      ['2026-03-03', ['2026-03-04']],
      ['2026-03-02', ['2026-03-03', '2026-03-04', '2026-03-05']],
    ]);
  });

  it('keeps the first exposure, its arm and date, and windows cut by the as-of date (before the late file)', () => {
    // As of 03-04: c1 windows [A, A + 2] cut at 03-04, pre-windows [A - 2, A - 1]; c0 [03-03, 03-04], no
    // pre-window; playbook:winback [03-04, 03-17] cut at 03-04, pre-window [02-02, 03-03].
    const d = '2026-03-04';
    const c1 = c1Unchanged(d);
    expect(stateBeforeLate).toEqual([
      // u1: 03-03 (kyc, deposit 100) in [03-03, 03-04] (its trade was 03-02); c0 has no pre-window.
      stateRow('c0/u1', 'treatment', '2026-03-03', null, '2 0 | 1 0 | F F | 100 0 | 0 0', d),
      stateRow('c0/u2', 'control', '2026-03-03', null, '2 0 | 1 0 | F F | 0 0 | 0 0', d),
      stateRow('c0/u4', 'treatment', '2026-03-03', null, '2 0 | 1 0 | T F | 0 0 | 1 0', d),
      // u5: its only event (03-02) is before the window: an exposed user with no events has 0.
      stateRow('c0/u5', 'control', '2026-03-03', null, '2 0 | 0 0 | F F | 0 0 | 0 0', d),
      c1.u1,
      // u2: assigned 2026-03-03T01:00+08:00 = 03-02 17:00 UTC; pre [02-28, 03-01]: deposit 50.
      stateRow('c1/u2', 'control', '2026-03-02', null, '3 2 | 1 1 | F F | 0 50 | 0 0', d),
      c1.u3,
      c1.u4,
      c1.u5,
      // u2: login 03-04 in [03-04, 03-04]; pre [02-02, 03-03]: 02-20 and 03-01 (deposit 50).
      stateRow('playbook:winback/u2', 'control', '2026-03-04', null, '14 30 | 1 2 | F F | 0 50 | 0 0', d),
      // u4: nothing on 03-04; pre: 02-25 and 03-03 (trade, fee 1).
      stateRow('playbook:winback/u4', 'treatment', '2026-03-04', null, '14 30 | 0 2 | F T | 0 0 | 0 1', d),
    ]);
  });

  it('takes in the late exposures when the next run folds again (as of R)', async () => {
    const rows = await partition(incremental, CAMPAIGN_USER_STATE, R);
    const kept = c1Unchanged(R);
    expect(rows.filter((row) => row.campaign_id === 'c1')).toEqual([
      kept.u1,
      // The late treatment row dated 03-03 is a switch.
      stateRow('c1/u2', 'control', '2026-03-02', '2026-03-03', '3 2 | 1 1 | F F | 0 50 | 0 0', R),
      kept.u3,
      kept.u4,
      kept.u5,
      // u7, late: outcome [03-03, 03-05]: the late login 03-03, deposit 20 on 03-04; pre [03-01, 03-02]: the login.
      stateRow('c1/u7', 'control', '2026-03-03', null, '3 2 | 2 1 | F F | 20 0 | 0 0', R),
    ]);
    // No campaign outside the registry but the playbook one.
    expect([...new Set(rows.map((row) => row.campaign_id))]).toEqual(['c0', 'c1', 'playbook:winback']);
  });

  it('equals a day-by-day run of everything ingested first, and a build of R from scratch', async () => {
    for (const table of [CAMPAIGN_USER_STATE, CAMPAIGN_RESULTS]) {
      for (const date of RUN_DATES) {
        expect(await partition(incremental, table, date)).toEqual(await partition(rebuilt, table, date));
      }
      expect(await partition(incremental, table, R)).toEqual(await partition(scratch, table, R));
    }
  });

  it('measures c1 as of R: CUPED on the pre-window, interval, switches, cost and ROI', async () => {
    // Arms by first exposure: treatment u1, u3, u5; control u2, u4, u7. Switched: u2, u4, u5.
    const rows = await partition(incremental, CAMPAIGN_RESULTS, R);
    const c1 = new Map(rows.filter((row) => row.campaign_id === 'c1').map((row) => [row.metric, row]));
    expect([...c1.keys()].sort()).toEqual([
      'active_days',
      'deposits_usd',
      'ftd',
      'kyc',
      'net_revenue_usd',
      'traded',
    ]);
    for (const row of c1.values()) {
      expect(row).toMatchObject({ n_treatment: 3, n_control: 3, n_switched: 3, cost_usd: 3 });
      // 3 vs 3 against (0.5, 0.5): chi-square 0, p = 1.
      expect(row.srm_p_value).toBeCloseTo(1, 9);
      expect(row.srm_flag).toBe(false);
    }

    // deposits_usd: Y T (100, 0, 0), C (0 u2, 0 u4, 20 u7); X T (0, 0, 0), C (50, 0, 0).
    // Pooled: ΣY 120, ΣX 50, ΣXY 0, ΣX² 2500: Sxy = 0 - 120 * 50 / 6 = -1000, Sxx = 2500 - 50² / 6 = 2083.33;
    // θ = -1000 / 2083.33 = -0.48. uplift = (100/3 - 20/3) - (-0.48) * (0 - 50/3) = 26.667 - 8 = 18.667.
    // Y' variances: T (100, 0, 0): 3333.33; C Y + 0.48 X = (24, 0, 20): 330.667 / 2 = 165.333;
    // se = sqrt(3333.33 / 3 + 165.333 / 3) = sqrt(1166.22) = 34.150; CI 18.667 -/+ 1.959964 * 34.150.
    const deposits = c1.get('deposits_usd') as Row;
    expect(deposits.mean_treatment).toBeCloseTo(100 / 3, 9);
    expect(deposits.mean_control).toBeCloseTo(20 / 3, 9);
    expect(deposits.cuped_theta).toBeCloseTo(-0.48, 9);
    expect(deposits.uplift_abs).toBeCloseTo(56 / 3, 9);
    expect(deposits.uplift_rel).toBeCloseTo(2.8, 9); // 18.667 / 6.667
    expect(deposits.ci_low).toBeCloseTo(56 / 3 - 1.959964 * Math.sqrt(1166.2222222), 6);
    expect(deposits.ci_high).toBeCloseTo(56 / 3 + 1.959964 * Math.sqrt(1166.2222222), 6);
    expect(deposits.incremental_total).toBeCloseTo(56, 9); // 18.667 * 3
    expect(deposits.roi).toBeNull(); // not net revenue
    expect(deposits.is_primary).toBe(true);
    expect(deposits.verdict).toBe('inconclusive'); // the interval, and so the sequence, spans 0
    expect(deposits.cs_low as number).toBeLessThanOrEqual(deposits.ci_low as number);

    // kyc: Y T (u1 03-03 in [03-02, 03-04]: 1, 0, 0), C (0, 0, 0); X: u2's kyc 03-01 in [02-28, 03-01].
    // Pooled Y (1,0,0,0,0,0), X (0,0,0,1,0,0): Sxy = 0 - 6/36 = -1/6, Sxx = 1 - 1/6 = 5/6, θ = -0.2;
    // uplift = 1/3 - 0 - (-0.2) * (0 - 1/3) = 0.8/3.
    const kyc = c1.get('kyc') as Row;
    expect(kyc.cuped_theta).toBeCloseTo(-0.2, 9);
    expect(kyc.uplift_abs).toBeCloseTo(0.8 / 3, 9);
    expect(kyc.uplift_rel).toBeNull(); // mean_control 0
    expect(kyc.is_primary).toBe(false);

    // net_revenue_usd: u1 fee 2 * (1 - 0.25) = 1.5 (kol-a); u4 fee 1 (organic). No pre-window fees: θ = 0.
    // uplift = 1.5/3 - 1/3 = 1/6; incremental 1/6 * 3 = 0.5; roi (0.5 - 3) / 3.
    const revenue = c1.get('net_revenue_usd') as Row;
    expect(revenue.cuped_theta).toBe(0);
    expect(revenue.uplift_abs).toBeCloseTo(1 / 6, 9);
    expect(revenue.incremental_total).toBeCloseTo(0.5, 9);
    expect(revenue.roi).toBeCloseTo(-2.5 / 3, 9);

    // active_days (u7's late login counts): Y T (u1 2, u5 1, u3 0), C (u2 1, u4 1, u7 2); X T (1, 0, 0),
    // C (1, 0, 1). Pooled ΣY 7, ΣX 3, ΣXY 5, ΣX² 3: Sxy = 5 - 7 * 3 / 6 = 1.5, Sxx = 3 - 9 / 6 = 1.5, θ = 1;
    // uplift = (1 - 4/3) - 1 * (1/3 - 2/3) = 0. Y' = Y - X: T (1, 1, 0), C (0, 1, 1), variances 1/3:
    // se = sqrt(1/9 + 1/9) > 0, p = 2 (1 - Φ(0)) = 1.
    const activeDays = c1.get('active_days') as Row;
    expect(activeDays.cuped_theta).toBeCloseTo(1, 9);
    expect(activeDays.uplift_abs).toBeCloseTo(0, 9);
    expect(activeDays.ci_high).toBeCloseTo(1.959964 * Math.sqrt(2 / 9), 9);
    expect(activeDays.p_value).toBeCloseTo(1, 9);
    expect(activeDays.verdict).toBe('inconclusive');

    // ftd: u1's first deposit 03-03 in its window; u7's 03-04 in [03-03, 03-05]; u2's 03-01 in its pre-window.
    const ftd = c1.get('ftd') as Row;
    expect(ftd.mean_treatment).toBeCloseTo(1 / 3, 9);
    expect(ftd.mean_control).toBeCloseTo(1 / 3, 9);
  });

  it('turns CUPED off with pre_days 0, and measures playbook campaigns with their defaults', async () => {
    const rows = await partition(incremental, CAMPAIGN_RESULTS, R);
    const active = (campaign: string) =>
      rows.find((row) => row.campaign_id === campaign && row.metric === 'active_days') as Row;

    // c0 active_days: T u1 1, u4 1; C u2 1, u5 0. θ = 0 (pre_days 0); uplift 1 - 0.5 = 0.5;
    // se = sqrt(0 / 2 + 0.5 / 2) = 0.5; CI 0.5 -/+ 0.979982; p = 2 (1 - Φ(1)) = 0.317311.
    expect(active('c0')).toMatchObject({
      n_treatment: 2,
      n_control: 2,
      n_switched: 0,
      cuped_theta: 0,
      is_primary: true,
    });
    expect(active('c0').uplift_abs).toBeCloseTo(0.5, 9);
    expect(active('c0').ci_low).toBeCloseTo(0.5 - 0.979982, 9);
    expect(active('c0').ci_high).toBeCloseTo(0.5 + 0.979982, 9);
    expect(active('c0').p_value).toBeCloseTo(0.317311, 6);
    expect(rows.find((row) => row.campaign_id === 'c0' && row.metric === 'net_revenue_usd')?.roi).toBeNull(); // cost 0

    // playbook:winback: T u4 0, C u2 1 (window [03-04, 03-05]); one user per arm: no interval.
    // SRM against (0.9, 0.1): expected 1.8 and 0.2; 0.8² / 1.8 + 0.8² / 0.2 = 3.5556, p = 0.0593.
    const playbook = active('playbook:winback');
    expect(playbook).toMatchObject({
      n_treatment: 1,
      n_control: 1,
      cost_usd: 0,
      is_primary: true,
      ci_low: null,
    });
    expect(playbook.uplift_abs).toBeCloseTo(-1, 9);
    expect(playbook.srm_p_value).toBeCloseTo(0.0593, 4);
    expect(playbook.verdict).toBe('inconclusive');

    // unreg is not in the registry and not a playbook campaign: no rows.
    expect(rows.filter((row) => row.campaign_id === 'unreg')).toEqual([]);
    expect(rows).toHaveLength(18); // c0, c1, playbook:winback x 6 metrics
  });

  it('keeps the new tables keyed: no duplicate and no null key', async () => {
    for (const table of [CAMPAIGN_USER_STATE, CAMPAIGN_RESULTS]) {
      const key = [...table.key].join(', ');
      const nulls = table.key.map((column) => `${column} is null`).join(' or ');
      const [stats] = await incremental.engine.query(
        `select count(*) as rows_total, count(distinct (${key})) as keys_total, count_if(${nulls}) as null_keys from ${table.name}`,
      );
      expect(Number(stats?.rows_total)).toBeGreaterThan(0);
      expect(stats?.keys_total).toBe(stats?.rows_total);
      expect(Number(stats?.null_keys)).toBe(0);
    }
  });
});

describe('campaign_results after the transform step: exposures recorded for R later in the run', () => {
  let root: string;
  let lake: LocalLake;
  let toppedUp: LocalLake;
  const AUDIENCE_INGEST = { ingestId: 'audience-r', file: 'audience.csv', ingestedAt: '2026-03-06 06:10:00' };
  // R's playbook audience records u1 (treatment) and u5 (control), assigned at R 00:00, as the
  // audiences step does (docs/contract.md, Holdouts).
  const AUDIENCE_ROWS = [
    exposure(1, 'playbook:winback', 'u1', 'treatment', '2026-03-05 00:00:00'),
    exposure(2, 'playbook:winback', 'u5', 'control', '2026-03-05 00:00:00'),
  ];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-campaign-refresh-'));
    await writeFile(join(root, 'partners.csv'), PARTNERS_CSV);
    await writeFile(join(root, 'events.jsonl'), `${EVENTS}\n`);
    await writeFile(join(root, 'events-late.jsonl'), `${LATE_EVENTS}\n`);
    lake = await openCampaignLake(root, 'refresh', true);
    toppedUp = await openCampaignLake(root, 'top-up', true);
    for (const each of [lake, toppedUp]) {
      for (const date of RUN_DATES) {
        for (const arrival of ARRIVALS[date]) await writeExposures(each.engine, arrival.ingest, arrival.rows);
      }
      await transformAndMeasure(each.engine, R);
      await writeExposures(each.engine, AUDIENCE_INGEST, AUDIENCE_ROWS);
    }
  });

  afterAll(async () => {
    await lake?.engine.close();
    await toppedUp?.engine.close();
  });

  it("counts playbook exposures of R recorded after the transform step in R's own results", async () => {
    // Act
    const report = await refreshCampaigns(lake.engine, R);

    // Assess: R's state is folded again (from scratch: R was the only run date) and its results rebuilt.
    expect([report.stateBase, report.states, report.results]).toEqual([null, [R], [R]]);
    const rows = await partition(lake, CAMPAIGN_RESULTS, R);
    const active = rows.find((row) => row.campaign_id === 'playbook:winback' && row.metric === 'active_days');
    // Treatment u4 (0 active days in [03-04, 03-05]) and u1 (its 03-05 login: 1); control u2 (03-04: 1)
    // and u5 (0).
    expect(active).toMatchObject({ n_treatment: 2, n_control: 2, mean_treatment: 0.5, mean_control: 0.5 });
  });

  it('tops R up from its own state when the recorded exposures are all that changed, to the same tables', async () => {
    // Act
    const report = await refreshCampaigns(toppedUp.engine, R, undefined, AUDIENCE_INGEST.ingestId);

    // Assess: folded from R itself, and equal to the full refold of the lake above.
    expect([report.stateBase, report.states, report.results]).toEqual([R, [R], [R]]);
    for (const table of [CAMPAIGN_USER_STATE, CAMPAIGN_RESULTS]) {
      expect(await partition(toppedUp, table, R)).toEqual(await partition(lake, table, R));
    }
  });

  it('folds in full when more than the recorded exposures changed', async () => {
    // Prepare: a late events file reaches R after its state was built.
    const late = await openCampaignLake(root, 'late-after-transform', true);
    for (const date of RUN_DATES) {
      for (const arrival of ARRIVALS[date]) await writeExposures(late.engine, arrival.ingest, arrival.rows);
    }
    await transformAndMeasure(late.engine, R);
    await writeExposures(late.engine, AUDIENCE_INGEST, AUDIENCE_ROWS);
    await writeFile(join(root, 'events-later.jsonl'), `${event('u2', 'login', '2026-03-05T12:00:00Z')}\n`);
    await ingestFile(late, 'events', join(root, 'events-later.jsonl'));

    // Act
    const report = await refreshCampaigns(late.engine, R, undefined, AUDIENCE_INGEST.ingestId);

    // Assess: not a top-up: R is folded from scratch, as the other lake's was.
    expect([report.stateBase, report.states]).toEqual([null, [R]]);
    await late.engine.close();
  });
});
