import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dateRange } from '../../lambdas/contract/dates.ts';
import { AGE_BANDS, TRAILING_WINDOW_BANDS } from '../../lambdas/contract/tables.ts';
import type { LocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { type TransformReport, transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { generatedLake } from './generated-lake.ts';

const END = '2026-06-30';
/** The first run builds from scratch; each later one folds one day into the state of the day before. */
const RUN_DATES = dateRange(addDays(END, -4), END);

/**
 * The spec of the volume (GMV) age bands, straight from user_daily: per user with a cohort on the
 * as-of date, the volume of its days up to it at ages in each band (a day before the cohort date
 * at age 0), null when none; returns the state rows that differ.
 */
function volumeAgeMismatchQuery(asOf: string): string {
  const bands = AGE_BANDS.map(({ first, last }) => {
    const age = "greatest(date_diff('day', state.cohort_date, daily.dt), 0)";
    return `sum(case when ${age} between ${first} and ${last} then daily.volume_usd end) as volume_ages_${first}_${last}_usd`;
  });
  const differs = AGE_BANDS.map(
    ({ first, last }) =>
      `state.volume_ages_${first}_${last}_usd is distinct from nullif(expected.volume_ages_${first}_${last}_usd, 0)`,
  );
  return `
    with state as (select * from user_state where dt = date '${asOf}' and cohort_date is not null),
    expected as (
      select state.user_id, ${bands.join(', ')}
      from state
      inner join user_daily as daily
        on state.user_id = daily.user_id and daily.dt <= date '${asOf}'
      group by state.user_id
    )
    select state.user_id
    from state
    inner join expected on state.user_id = expected.user_id
    where ${differs.join(' or ')}`;
}

/**
 * The spec of the trailing-window columns, straight from user_daily: per user known on the as-of
 * date, each band's sums over the days in [as-of - last + 1, as-of - first + 1]; returns the state
 * rows that differ.
 */
function mismatchQuery(asOf: string): string {
  const sums = TRAILING_WINDOW_BANDS.flatMap(({ first, last, suffix }) => {
    const inBand = `dt > date '${addDays(asOf, -last)}' and dt <= date '${addDays(asOf, 1 - first)}'`;
    return [
      `coalesce(sum(case when ${inBand} then trades end), 0) as trades_${suffix}`,
      `coalesce(sum(case when ${inBand} and trades > 0 then 1 end), 0) as trade_days_${suffix}`,
      `coalesce(sum(case when ${inBand} then fees_usd end), 0) as fees_${suffix}_usd`,
    ];
  });
  // Volume (GMV) is kept for the first two bands only: the 7 and 30-day windows.
  const volumes = TRAILING_WINDOW_BANDS.slice(0, 2).map(({ first, last, suffix }) => {
    const inBand = `dt > date '${addDays(asOf, -last)}' and dt <= date '${addDays(asOf, 1 - first)}'`;
    return `coalesce(sum(case when ${inBand} then volume_usd end), 0) as volume_${suffix}_usd`;
  });
  const differs = [
    ...TRAILING_WINDOW_BANDS.flatMap(({ suffix }) => [
      `trades_${suffix}`,
      `trade_days_${suffix}`,
      `fees_${suffix}_usd`,
    ]),
    'volume_7d_usd',
    'volume_8_30d_usd',
  ].map((column) => `state.${column} is distinct from expected.${column}`);
  return `
    with expected as (
      select user_id, ${[...sums, ...volumes].join(', ')}
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

describe('user_state trailing-window sums and volume age bands (150 generated days, daily folds)', () => {
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

  it('keeps the volume (GMV) by age band as the sums over user_daily, for every user with a cohort', async () => {
    for (const asOf of RUN_DATES) {
      // Act
      const mismatches = await lake.engine.query(volumeAgeMismatchQuery(asOf));

      // Assess
      expect(mismatches, `as of ${asOf}`).toEqual([]);
    }
  });

  it('is exercised: on the last date, every band, and the days before the longest, hold trading', async () => {
    // Act
    const [counts] = await lake.engine.query(`
      select
        count_if(trade_days_7d > 0) as days_1_7,
        count_if(trade_days_8_30d > 0) as days_8_30,
        count_if(trade_days_31_60d > 0) as days_31_60,
        count_if(trade_days_61_90d > 0) as days_61_90,
        count_if(trade_days_91_120d > 0) as days_91_120,
        count_if(first_trade_date <= date '${addDays(END, -120)}') as beyond_120
      from user_state
      where dt = date '${END}'`);

    // Assess
    for (const [window, users] of Object.entries(counts ?? {}))
      expect(Number(users), window).toBeGreaterThan(10);
  });
});
