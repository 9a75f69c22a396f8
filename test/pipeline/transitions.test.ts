/**
 * The lifecycle of the day before, which user_state keeps (previous_lifecycle) so that
 * segment_summary's transitions read one state partition: hand-built users, each crossing one rule
 * of the lifecycle (docs/contract.md, user_segments) between D - 1 and D, every expected value worked
 * out in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { openTestLake, type TestLake } from '../ingest/lake-helpers.ts';

const D = '2026-05-11';
const BEFORE = '2026-05-10';

/** One login (or signup) event of `user` at noon UTC on `date`. */
function event(user: string, date: string, type: 'signup' | 'login' = 'login'): string {
  return JSON.stringify({
    event_id: `${user}-${type}-${date}`,
    event_type: type,
    user_id: user,
    occurred_at: `${date}T12:00:00Z`,
  });
}

const EVENTS = [
  // a: resurrected on D - 1 (previous active day 04-01, 39 days earlier), active again on D.
  // On D its last two active days are D and D - 1: D - 1's lifecycle needs the one before those.
  event('a', '2026-04-01', 'signup'),
  event('a', BEFORE),
  event('a', D),
  // b: last active 04-01: dormant on D - 1 (39 days), resurrected on D.
  event('b', '2026-04-01', 'signup'),
  event('b', D),
  // c: signed up 05-04: new on D - 1 (6 days), on D 7 days since signup and since its last event: at_risk.
  event('c', '2026-05-04', 'signup'),
  // d: signed up 05-06: new on both days (4 and 5 days).
  event('d', '2026-05-06', 'signup'),
  // e: signed up on D: not known on D - 1.
  event('e', D, 'signup'),
  // f: last active 02-10: dormant on D - 1 (89 days), churned on D (90).
  event('f', '2026-01-01', 'signup'),
  event('f', '2026-02-10'),
  // g: no signup (unattributed, never new), active on both days.
  event('g', '2026-05-09'),
  event('g', BEFORE),
  event('g', D),
  // h: last active 04-10: dormant on D - 1 (30 days), resurrected on D (31 days after).
  event('h', '2026-04-01', 'signup'),
  event('h', '2026-04-10'),
  event('h', D),
];

const EXPECTED_PREVIOUS: Record<string, [string, string]> = {
  a: ['resurrected', 'active'],
  b: ['dormant', 'resurrected'],
  c: ['new', 'at_risk'],
  d: ['new', 'new'],
  e: ['none', 'new'],
  f: ['dormant', 'churned'],
  g: ['active', 'active'],
  h: ['dormant', 'resurrected'],
};

describe('the lifecycle of the day before, kept in user_state (hand-built users)', () => {
  let lake: TestLake;

  beforeAll(async () => {
    lake = await openTestLake();
    await ingestFile(lake.context, 'events', await lake.writeLines('events.jsonl', EVENTS));
    await transformAndMeasure(lake.lake.engine, BEFORE);
    await transformAndMeasure(lake.lake.engine, D);
  });

  afterAll(async () => {
    await lake?.close();
  });

  it('is, for every user known on D, their lifecycle on D - 1, or none', async () => {
    // Act
    const rows = await lake.rows(
      `select user_id, previous_lifecycle, lifecycle from user_state where dt = date '${D}' order by user_id`,
    );

    // Assess
    expect(
      Object.fromEntries(rows.map((row) => [row.user_id, [row.previous_lifecycle, row.lifecycle]])),
    ).toEqual(EXPECTED_PREVIOUS);
  });

  it("agrees with the day before's snapshot", async () => {
    // Act
    const rows = await lake.rows(
      `select user_id, lifecycle from user_segments where snapshot_date = date '${BEFORE}' order by user_id`,
    );

    // Assess: e was not known on D - 1.
    expect(Object.fromEntries(rows.map((row) => [row.user_id, row.lifecycle]))).toEqual(
      Object.fromEntries(
        Object.entries(EXPECTED_PREVIOUS)
          .filter(([, [before]]) => before !== 'none')
          .map(([user, [before]]) => [user, before]),
      ),
    );
  });

  it('counts the users of every segment of D in segment_summary, with their shares of the 8 users', async () => {
    // Act
    const rows = await lake.rows(`
      select dimension, segment, users, share from segment_summary
      where snapshot_date = date '${D}' and dimension <> 'lifecycle_transition' order by dimension, segment`);

    // Assess: no deposits and no trades; tenures from the cohort dates (a, b, h 40 days; f 130).
    const of = (dimension: string, segment: string, users: number) => ({
      dimension,
      segment,
      users,
      share: users / 8,
    });
    expect(rows).toEqual([
      of('funnel_stage', 'registered', 8),
      of('lifecycle', 'active', 2), // a, g
      of('lifecycle', 'at_risk', 1), // c
      of('lifecycle', 'churned', 1), // f
      of('lifecycle', 'new', 2), // d, e
      of('lifecycle', 'resurrected', 2), // b, h
      of('product_mix', 'none', 8),
      of('tenure_bucket', '0-7', 3), // c, d, e
      of('tenure_bucket', '31-90', 3), // a, b, h
      of('tenure_bucket', '91-180', 1), // f
      of('tenure_bucket', 'unknown', 1), // g
      of('trade_frequency', 'none', 8),
      of('value_tier', 'zero', 8),
    ]);
  });

  it('makes the transitions of segment_summary on D, and none on D - 1 (no snapshot before it)', async () => {
    // Act
    const transitions = await lake.rows(`
      select snapshot_date, segment, users from segment_summary
      where dimension = 'lifecycle_transition' order by snapshot_date, segment`);

    // Assess
    expect(transitions).toEqual([
      { snapshot_date: D, segment: 'active>active', users: 1 }, // g
      { snapshot_date: D, segment: 'dormant>churned', users: 1 }, // f
      { snapshot_date: D, segment: 'dormant>resurrected', users: 2 }, // b, h
      { snapshot_date: D, segment: 'new>at_risk', users: 1 }, // c
      { snapshot_date: D, segment: 'new>new', users: 1 }, // d
      { snapshot_date: D, segment: 'none>new', users: 1 }, // e
      { snapshot_date: D, segment: 'resurrected>active', users: 1 }, // a
    ]);
  });
});
