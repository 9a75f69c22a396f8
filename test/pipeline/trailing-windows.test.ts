import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dateRange } from '../../lambdas/contract/dates.ts';
import { TRAILING_WINDOW_DAYS } from '../../lambdas/contract/tables.ts';
import { type TransformReport, transformAndMeasure } from '../../lambdas/pipeline/daily-run.ts';
import type { LocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { generatedLake } from './generated-lake.ts';

const END = '2026-06-30';
/** The first run builds from scratch; each later one folds one day into the state of the day before. */
const RUN_DATES = dateRange(addDays(END, -4), END);

/**
 * The spec of the trailing-window columns, straight from user_daily: per user known on the as-of
 * date, each sum over the days in [as-of - N + 1, as-of]; returns the state rows that differ.
 */
function mismatchQuery(asOf: string): string {
  const sums = TRAILING_WINDOW_DAYS.flatMap((days) => {
    const inWindow = `dt > date '${addDays(asOf, -days)}'`;
    return [
      `coalesce(sum(case when ${inWindow} then trades end), 0) as trades_${days}d`,
      `coalesce(sum(case when ${inWindow} and trades > 0 then 1 end), 0) as trade_days_${days}d`,
      `coalesce(sum(case when ${inWindow} then fees_usd end), 0) as fees_${days}d_usd`,
    ];
  });
  const differs = TRAILING_WINDOW_DAYS.flatMap((days) =>
    [`trades_${days}d`, `trade_days_${days}d`, `fees_${days}d_usd`].map(
      (column) => `state.${column} is distinct from expected.${column}`,
    ),
  );
  return `
    with expected as (
      select user_id, ${sums.join(', ')}
      from user_daily
      where dt <= date '${asOf}'
      group by user_id
    ),
    state as (select * from user_state where dt = date '${asOf}')
    select state.user_id
    from state
    full outer join expected on state.user_id = expected.user_id
    where state.user_id is null or expected.user_id is null or ${differs.join(' or ')}`;
}

describe('user_state trailing-window sums (150 generated days, daily folds)', () => {
  let lake: LocalLake;
  const reports: TransformReport[] = [];

  beforeAll(async () => {
    lake = await generatedLake({ endDate: END, days: 150, users: 300, partners: 3, seed: 21 });
    for (const date of RUN_DATES) reports.push(await transformAndMeasure(lake.engine, date));
  }, 120_000);

  afterAll(async () => {
    await lake?.close();
  });

  it('ran one build from scratch, then one-day folds from the previous state', () => {
    // Assess
    expect(reports.map((report) => report.stateBase)).toEqual([null, ...RUN_DATES.slice(0, -1)]);
  });

  it('equals the sums over user_daily for every user on every as-of date', async () => {
    for (const asOf of RUN_DATES) {
      // Act
      const mismatches = await lake.engine.query(mismatchQuery(asOf));

      // Assess
      expect(mismatches, `as of ${asOf}`).toEqual([]);
    }
  });

  it('is exercised: on the last date, every window holds trading that the next shorter one does not', async () => {
    // Act
    const [counts] = await lake.engine.query(`
      select
        count_if(trade_days_30d > trade_days_7d) as beyond_7,
        count_if(trade_days_60d > trade_days_30d) as beyond_30,
        count_if(trade_days_90d > trade_days_60d) as beyond_60,
        count_if(trade_days_120d > trade_days_90d) as beyond_90,
        count_if(trade_days > trade_days_120d) as beyond_120
      from user_state
      where dt = date '${END}'`);

    // Assess
    for (const [window, users] of Object.entries(counts ?? {}))
      expect(Number(users), window).toBeGreaterThan(10);
  });
});
