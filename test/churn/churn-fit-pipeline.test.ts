/**
 * The churn model as the run fits it, on a generated lake with runs 30 days apart: the fit of the
 * second run date against counts taken straight from user_daily (not from the state the training
 * query reads), and the view's forecasts under it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../lambdas/contract/dates.ts';
import type { LocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { type TransformReport, transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { generatedLake } from '../pipeline/generated-lake.ts';

const END = '2026-03-31';
const CUTOFF = addDays(END, -30);

describe('the churn model of a run date 30 days after another (60 generated days, 600 users)', () => {
  let lake: LocalLake;
  let first: TransformReport;
  let second: TransformReport;

  beforeAll(async () => {
    lake = await generatedLake({ endDate: END, days: 60, users: 600, partners: 3, seed: 7 });
    first = await transformAndMeasure(lake.engine, CUTOFF);
    second = await transformAndMeasure(lake.engine, END);
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
  });

  it('keeps the prior where there is no state 30 days back, and fits where there is', () => {
    expect(first.churnModels.map((m) => [m.runDate, m.source])).toEqual([[CUTOFF, 'prior']]);
    expect(second.churnModels.map((m) => [m.runDate, m.source, m.cutoffDate])).toEqual([
      [END, 'fit', CUTOFF],
    ]);
  });

  it('fits on every user with an event by the cut-off, labelled by any event after it', async () => {
    // Prepare: the same counts from user_daily directly.
    const [expected] = await lake.engine.query(`
      with known as (
        select user_id, max(case when dt > date '${CUTOFF}' then 1 else 0 end) as is_active_next
        from user_daily
        where dt <= date '${END}'
        group by user_id
        having min(dt) <= date '${CUTOFF}'
      )
      select count(*) as users, avg(is_active_next) as active_rate from known`);
    const model = second.churnModels[0];

    // Assess
    expect(model?.trainingUsers).toBe(Number(expected?.users));
    expect(model?.trainingActiveRate).toBeCloseTo(Number(expected?.active_rate), 12);
    // The in-sample AUC, and the prior's on the same users as the holdout (the model of the cut-off).
    expect(model?.trainingAuc).toBeGreaterThan(0.7);
    expect(model?.holdoutAuc).toBeGreaterThan(0.6);
    expect(model?.holdoutRecencyAuc).toBeGreaterThan(0.6);
  });

  it('stores one coefficient per design column and scores every user of the snapshot', async () => {
    // Act
    const [stored] = await lake.engine.query(
      `select count(*) as coefficients, count(distinct source) as sources, min(source) as source from churn_model where run_date = date '${END}'`,
    );
    const [scored] = await lake.engine.query(`
      select count(*) as users, count(p_active_30d) as scored,
        min(p_active_30d) > 0 and max(p_active_30d) < 1 as in_range,
        count_if(churn_risk <> case when p_active_30d >= 0.7 then 'low' when p_active_30d >= 0.3 then 'medium' else 'high' end) as misbanded
      from user_segments where snapshot_date = date '${END}'`);

    // Assess: 1 intercept + 14 recency + 7 gap + 7 gap2 + 5 + 4 trade-day levels + 5 tenure +
    // 5 value tiers + 9 overdue = 57.
    expect(stored).toEqual({ coefficients: 57, sources: 1, source: 'fit' });
    expect(scored?.scored).toBe(scored?.users);
    expect(scored?.in_range).toBe(true);
    expect(scored?.misbanded).toBe(0);
  });
});
