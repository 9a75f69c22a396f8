/**
 * The churn model in SQL on a hand-made lake: the levels of each user as of R, p_active_30d and
 * churn_risk of the user_segments view against the TypeScript scoring of the same coefficients,
 * the training query's cells, and the audience of the retain_at_risk_valuable playbook action.
 * Every level is worked out by hand below, not by running the SQL.
 *
 * R = 2026-11-21 (C = R - 30 = 2026-10-22, which has no state: the run keeps the prior).
 *   u1  signup and deposit 2,000 on 09-01 (mid); trades on 10-01, 10-15, 10-25, 11-01, 11-05,
 *       11-10, 11-18, 11-20, 11-21. Last 11-21 (recency 0), previous 11-20 (gap 1), the one
 *       before 11-18 (gap2 2: '2-3'); trade days in [11-15, 11-21] 3 and [10-23, 11-14] 4: 7
 *       ('5-9'); in [08-24, 10-22] 2 (10-01, 10-15: '1-2'); tenure 09-01 to 11-21 = 81 days
 *       ('31-90'); overdue '0' (active on R).
 *   u2  signup 11-09, login 11-11, no deposit (zero). Recency 10 ('10-13'), gap 2 ('2-3'), no
 *       gap2; no trades; tenure 12 ('8-30'); overdue: 10 days over one gap of 2 = 5 ('4-8').
 *   u3  signup and deposit 150,000 on 05-01 only (whale). Recency 204 (May 30 + Jun 30 + Jul 31
 *       + Aug 31 + Sep 30 + Oct 31 + Nov 21: '180+'), no gaps, tenure 204 ('181+'), overdue none.
 *   u4  signup and deposit 50 on 11-12 (low), logins 11-15 and 11-18. Recency 3 ('3'), gap 3 and
 *       gap2 3 ('2-3'); tenure 9 ('8-30'); overdue: 3 days over a mean gap of 6 / 2 = 3 is 1
 *       ('0.5-1': 3 * 2 <= 6).
 *   u5  signup and deposit 20,000 on 08-01 (high), logins 10-10 and 10-20, a trade 11-01.
 *       Recency 20 ('14-20'), gap 12 and gap2 10 ('8-14'); trade days in 30 days 1 ('1'), in the
 *       60 before 0; tenure 112 ('91-180'); overdue: 20 over 22 / 2 = 11 is 1.8 ('1-2').
 *
 * The test's model: intercept 0.5; recency '0' 1.2, '3' 0.1, '10-13' -0.8, '14-20' -2.5,
 * '180+' -3; gap '1' 0.3; gap2 '8-14' 0.05; trade_days_30d '5-9' 0.7; tenure '8-30' -0.2;
 * value_tier whale 0.4; overdue none -0.5, '1-2' -0.3, '4-8' -0.6. Logits:
 *   u1  0.5 + 1.2 + 0.3 + 0.7 = 2.7            p = 1 / (1 + e^-2.7)  = 0.937026644  low
 *   u2  0.5 - 0.8 - 0.2 - 0.6 = -1.1           p = 0.249739894                     high
 *   u3  0.5 - 3 + 0.4 - 0.5 = -2.6             p = 0.069138420                     high
 *   u4  0.5 + 0.1 - 0.2 = 0.4                  p = 0.598687660                     medium
 *   u5  0.5 - 2.5 + 0.05 - 0.3 = -2.25         p = 0.095349465                     high
 */
import { describe, expect, it } from 'vitest';
import { audienceActions } from '../../lambdas/audiences/audiences.ts';
import { churnCells } from '../../lambdas/churn/churn-model.ts';
import { type ChurnLevels, churnRisk, pActive30d } from '../../lambdas/churn/features.ts';
import { DEFAULT_PLAYBOOKS } from '../../lambdas/contract/playbooks.ts';
import { CHURN_MODEL } from '../../lambdas/contract/tables.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { queryFile } from '../../lambdas/warehouse/sql.ts';
import { testLakes } from '../ingest/lake-helpers.ts';

const R = '2026-11-21';

let n = 0;
const event = (type: string, user: string, date: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_id: `e${++n}`,
    event_type: type,
    user_id: user,
    occurred_at: `${date}T10:00:00Z`,
    ...extra,
  });
const trade = (user: string, date: string) =>
  event('trade', user, date, { amount_usd: 100, fee_usd: 0.1, product: 'spot' });

const EVENTS = [
  event('signup', 'u1', '2026-09-01'),
  event('deposit', 'u1', '2026-09-01', { amount_usd: 2000 }),
  ...['10-01', '10-15', '10-25', '11-01', '11-05', '11-10', '11-18', '11-20', '11-21'].map((day) =>
    trade('u1', `2026-${day}`),
  ),
  event('signup', 'u2', '2026-11-09'),
  event('login', 'u2', '2026-11-11'),
  event('signup', 'u3', '2026-05-01'),
  event('deposit', 'u3', '2026-05-01', { amount_usd: 150000 }),
  event('signup', 'u4', '2026-11-12'),
  event('deposit', 'u4', '2026-11-12', { amount_usd: 50 }),
  event('login', 'u4', '2026-11-15'),
  event('login', 'u4', '2026-11-18'),
  event('signup', 'u5', '2026-08-01'),
  event('deposit', 'u5', '2026-08-01', { amount_usd: 20000 }),
  event('login', 'u5', '2026-10-10'),
  event('login', 'u5', '2026-10-20'),
  trade('u5', '2026-11-01'),
];

const levels = (
  recency: string,
  gap: string,
  gap2: string,
  tradeDays30d: string,
  tradeDays31to90d: string,
  tenure: string,
  valueTier: string,
  overdue: string,
): ChurnLevels => ({
  recency,
  gap,
  gap2,
  trade_days_30d: tradeDays30d,
  trade_days_31_90d: tradeDays31to90d,
  tenure,
  value_tier: valueTier,
  overdue,
});

/** Each user's levels as of R, from the module comment. */
const LEVELS: Record<string, ChurnLevels> = {
  u1: levels('0', '1', '2-3', '5-9', '1-2', '31-90', 'mid', '0'),
  u2: levels('10-13', '2-3', 'none', '0', '0', '8-30', 'zero', '4-8'),
  u3: levels('180+', 'none', 'none', '0', '0', '181+', 'whale', 'none'),
  u4: levels('3', '2-3', '2-3', '0', '0', '8-30', 'low', '0.5-1'),
  u5: levels('14-20', '8-14', '8-14', '1', '0', '91-180', 'high', '1-2'),
};

const COEFFICIENTS = [
  { feature: 'intercept', level: '', coefficient: 0.5 },
  { feature: 'recency', level: '0', coefficient: 1.2 },
  { feature: 'recency', level: '3', coefficient: 0.1 },
  { feature: 'recency', level: '10-13', coefficient: -0.8 },
  { feature: 'recency', level: '14-20', coefficient: -2.5 },
  { feature: 'recency', level: '180+', coefficient: -3 },
  { feature: 'gap', level: '1', coefficient: 0.3 },
  { feature: 'gap2', level: '8-14', coefficient: 0.05 },
  { feature: 'trade_days_30d', level: '5-9', coefficient: 0.7 },
  { feature: 'tenure', level: '8-30', coefficient: -0.2 },
  { feature: 'value_tier', level: 'whale', coefficient: 0.4 },
  { feature: 'overdue', level: 'none', coefficient: -0.5 },
  { feature: 'overdue', level: '1-2', coefficient: -0.3 },
  { feature: 'overdue', level: '4-8', coefficient: -0.6 },
];

const newLake = testLakes();

async function scoredLake() {
  const lake = await newLake();
  await ingestFile(lake.context, 'events', await lake.writeLines('events.jsonl', EVENTS));
  const report = await transformAndMeasure(lake.lake.engine, R);
  const columns = [...CHURN_MODEL.columns.map((column) => column.name), 'run_date'];
  await lake.lake.engine.writeRows(
    CHURN_MODEL,
    {
      columns,
      rows: COEFFICIENTS.map((c) => [
        c.feature,
        c.level,
        c.coefficient,
        'fit',
        { date: '2026-10-22' },
        5,
        null,
        null,
        null,
        null,
        { date: R },
      ]),
    },
    { kind: 'replace-partitions', partitions: [R] },
  );
  return { lake, report };
}

describe('the churn model in SQL', () => {
  it('scores every user of the snapshot as the TypeScript scoring does, and bands them', async () => {
    // Prepare
    const { lake, report } = await scoredLake();

    // Act
    const rows = await lake.rows(
      `select user_id, p_active_30d, churn_risk from user_segments where snapshot_date = date '${R}' order by user_id`,
    );

    // Assess: no state at C, so the run kept the prior; the view then scores with the test's model.
    expect(report.churnModels.map((m) => [m.runDate, m.source, m.trainingUsers])).toEqual([[R, 'prior', 0]]);
    expect(rows.map((row) => row.user_id)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    const expected: Record<string, [number, string]> = {
      u1: [0.937026644, 'low'],
      u2: [0.249739894, 'high'],
      u3: [0.06913842, 'high'],
      u4: [0.59868766, 'medium'],
      u5: [0.095349465, 'high'],
    };
    for (const row of rows) {
      const user = String(row.user_id);
      const [p, risk] = expected[user] as [number, string];
      expect(row.p_active_30d as number, user).toBeCloseTo(p, 9);
      expect(row.p_active_30d as number, user).toBeCloseTo(
        pActive30d(COEFFICIENTS, LEVELS[user] as ChurnLevels),
        12,
      );
      expect(row.churn_risk, user).toBe(risk);
      expect(churnRisk(row.p_active_30d as number), user).toBe(risk);
    }
  });

  it("gives the dashboard's Segments the users per churn_risk band", async () => {
    // Prepare
    const { lake } = await scoredLake();

    // Act
    const rows = await lake.rows(
      `select segment, users, share from (${queryFile('publish/publish_segments', { run_date: { date: R } })}) where dimension = 'churn_risk' order by segment`,
    );

    // Assess: u1 low, u4 medium, u2, u3 and u5 high (see above): of 5 users, 3/5 = 0.6 high.
    expect(rows).toEqual([
      { segment: 'high', users: 3, share: 0.6 },
      { segment: 'low', users: 1, share: 0.2 },
      { segment: 'medium', users: 1, share: 0.2 },
    ]);
  });

  it('gives the training query the same levels, counted per combination', async () => {
    // Prepare
    const { lake } = await scoredLake();

    // Act: the cut-off R itself, so that the levels are those of R (no one is active after it).
    const cells = churnCells(
      await lake.rows(
        queryFile('churn/churn_training_cells', { cutoff_date: { date: R }, run_date: { date: R } }),
      ),
    );

    // Assess: five users, five distinct combinations, none active after the cut-off.
    expect(cells.map((cell) => cell.levels).sort((a, b) => a.value_tier.localeCompare(b.value_tier))).toEqual(
      Object.values(LEVELS).sort((a, b) => a.value_tier.localeCompare(b.value_tier)),
    );
    expect(cells.map((cell) => [cell.users, cell.activeUsers])).toEqual(new Array(5).fill([1, 0]));
  });

  it('leaves p_active_30d and churn_risk null for a snapshot whose date has no model', async () => {
    // Prepare
    const { lake } = await scoredLake();
    await lake.lake.engine.writeRows(
      CHURN_MODEL,
      { columns: [...CHURN_MODEL.columns.map((column) => column.name), 'run_date'], rows: [] },
      { kind: 'replace-partitions', partitions: [R] },
    );

    // Act
    const rows = await lake.rows(
      `select count(*) as users, count(p_active_30d) as scored, count(churn_risk) as banded from user_segments where snapshot_date = date '${R}'`,
    );

    // Assess
    expect(rows).toEqual([{ users: 5, scored: 0, banded: 0 }]);
  });

  it('targets the high-risk valuable users still in play with retain_at_risk_valuable', async () => {
    // Prepare
    const { lake } = await scoredLake();
    const action = DEFAULT_PLAYBOOKS.filter((a) => a.id === 'retain_at_risk_valuable');

    // Act
    const rows = await lake.rows(
      queryFile('audiences/audience', { run_date: { date: R }, actions: audienceActions(action) }),
    );

    // Assess: high risk are u2 (zero value), u3 (whale, but churned: the win-back's) and u5 (high
    // value, at_risk): only u5.
    expect(
      rows.map((row) => [row.action_id, row.user_id, row.value_tier, row.lifecycle, row.churn_risk]),
    ).toEqual([['retain_at_risk_valuable', 'u5', 'high', 'at_risk', 'high']]);
  });
});
