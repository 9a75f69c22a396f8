/**
 * The audiences' SQL (queries/audiences/): the holdout rule computed by the audience query on
 * DuckDB (the Trino text, through the macros of lambdas/warehouse/duckdb-compat.ts) against
 * holdoutPosition, and the first exposures, counts and CSV pages over tiny hand-made inputs.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceActions } from '../../lambdas/audiences/audiences.ts';
import { type Playbooks, PlaybooksSchema } from '../../lambdas/contract/playbooks.ts';
import { USER_SEGMENTS } from '../../lambdas/contract/tables.ts';
import { holdoutPosition, isHeldOut } from '../../lambdas/experiments/holdout.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { columnTypes, queryFile, type SqlParam, valuesQuery } from '../../lambdas/warehouse/sql.ts';

const R = '2026-03-10';

/** Open playbook actions (every user matches) with these ids and holdout shares. */
const openActions = (actions: readonly [string, number][]): Playbooks =>
  PlaybooksSchema.parse(
    actions.map(([id, share]) => ({ id, description: id, where: {}, holdout_share: share })),
  );

/**
 * The snapshot of R (user_segments is a view) as one row per user, typed as the registry has it,
 * with values every open action matches.
 */
async function defineSnapshot(lake: LocalLake, userIds: readonly string[]): Promise<void> {
  const values: Record<string, SqlParam> = {
    lifecycle: 'active',
    value_tier: 'mid',
    funnel_stage: 'trader',
    tenure_bucket: '31-90',
    trade_frequency: 'light',
    product_mix: 'spot',
    snapshot_date: { date: R },
  };
  const columns = [...USER_SEGMENTS.columns.map((column) => column.name), 'snapshot_date'];
  const types = columnTypes(USER_SEGMENTS, columns);
  const rows = valuesQuery(
    columns,
    userIds.map((userId) =>
      columns.map((column) => (column === 'user_id' ? userId : (values[column] ?? null))),
    ),
  );
  await lake.engine.defineView(
    USER_SEGMENTS,
    `select ${columns.map((column, i) => `cast(${column} as ${types[i]}) as ${column}`).join(', ')} from (${rows})`,
  );
}

const audienceOf = (lake: LocalLake, playbooks: Playbooks) =>
  lake.engine.query(
    `${queryFile('audiences/audience', { run_date: { date: R }, actions: audienceActions(playbooks) })}
     order by action_order, user_id`,
  );

describe('the audience query computes the holdout rule', () => {
  let root: string;
  let lake: LocalLake;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-audience-sql-'));
    lake = await openLocalLake(join(root, 'lake'), { threads: 2 });
  });

  afterAll(async () => {
    await lake?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('puts a user at exactly the share in the treated arm, and just above it in control', async () => {
    // Prepare: the position of 'edge:u-1', worked out here with node's crypto:
    // p = 0x<first 8 hex digits> / 2^32. At h = p, p < h is false (treatment); at the next double
    // above p, p < h (control). A third action at h = 0.5 checks the comparison's side against p.
    const hex = createHash('sha256').update('edge:u-1', 'utf8').digest('hex').slice(0, 8);
    const p = Number.parseInt(hex, 16) / 2 ** 32;
    const above = p + Number.EPSILON;
    await defineSnapshot(lake, ['u-1']);

    // Act
    const rows = await audienceOf(lake, [...openActions([['edge', p]]), ...openActions([['edge', above]])]);

    // Assess
    expect(rows.map((row) => [row.user_id, row.holdout_position, row.arm])).toEqual([
      ['u-1', p, 'treatment'],
      ['u-1', p, 'control'],
    ]);
  });

  it('gives every generated (action, user) the position and arm holdoutPosition gives', async () => {
    // Prepare: 20 action ids of the playbook's alphabet and 150 user ids of any printable text
    // (quotes, ':', accents, emoji: the hash reads UTF-8 bytes), 3,000 pairs, with shares spread
    // over (0, 1) so that both arms occur.
    const actionIds = fc.sample(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/), { numRuns: 200, seed: 7 });
    const actions = [...new Set(actionIds)].slice(0, 20).map((id, i): [string, number] => [id, (i + 1) / 21]);
    const users = [
      ...new Set(
        fc
          .sample(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { numRuns: 400, seed: 11 })
          // biome-ignore lint/suspicious/noControlCharactersInRegex: SQL literals refuse control characters
          .filter((text) => !/[\u0000-\u001f]/.test(text)),
      ),
      "o'hara",
      'a:b',
      'ü-ñ',
    ].slice(0, 150);
    expect(actions).toHaveLength(20);
    expect(users.length).toBe(150);
    const playbooks = openActions(actions);
    await defineSnapshot(lake, users);

    // Act
    const rows: Row[] = await audienceOf(lake, playbooks);

    // Assess
    expect(rows).toHaveLength(20 * 150);
    const share = new Map(actions);
    for (const row of rows) {
      const action = String(row.action_id);
      const userId = String(row.user_id);
      expect([action, userId, row.holdout_position]).toEqual([
        action,
        userId,
        holdoutPosition(action, userId),
      ]);
      expect(row.arm).toBe(isHeldOut(action, userId, share.get(action) ?? 0) ? 'control' : 'treatment');
    }
    expect(new Set(rows.map((row) => row.arm))).toEqual(new Set(['treatment', 'control']));
  });
});

describe('the first exposures of the audiences', () => {
  let root: string;
  let lake: LocalLake;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-first-exposures-'));
    lake = await openLocalLake(join(root, 'lake'), { threads: 2 });
  });

  afterAll(async () => {
    await lake?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  const audienceRows = (rows: [string, number, string, string][]) => ({
    query: valuesQuery(
      ['action_id', 'campaign_id', 'action_order', 'user_id', 'arm'],
      rows.map(([action, order, user, arm]) => [action, `playbook:${action}`, order, user, arm]),
    ),
  });

  it('numbers the new users by playbook order, then treated before control, then user_id', async () => {
    // Prepare: the playbook is zeta (1st) then alpha (2nd), so zeta's users come first although
    // 'alpha' sorts before 'zeta'; u2 was exposed to zeta before R, so only alpha records it.
    // zeta: treated u3, u1; control u0. alpha: treated u2; control u9.
    const audience = audienceRows([
      ['alpha', 2, 'u9', 'control'],
      ['zeta', 1, 'u3', 'treatment'],
      ['zeta', 1, 'u0', 'control'],
      ['alpha', 2, 'u2', 'treatment'],
      ['zeta', 1, 'u1', 'treatment'],
      ['zeta', 1, 'u2', 'treatment'],
    ]);
    const exposedBefore = {
      query: valuesQuery(['campaign_id', 'user_id'], [['playbook:zeta', 'u2']]),
    };

    // Act
    const rows = await lake.engine.query(
      `select campaign_id, user_id, arm, cast(assigned_at as varchar) as assigned_at, source_file,
         source_line, ingest_id, cast(ingested_at as varchar) as ingested_at, cast(dt as varchar) as dt
       from (${queryFile('audiences/first_exposures', {
         run_date: { date: R },
         ingest_id: 'i1',
         audience,
         exposed_before: exposedBefore,
       })}) order by source_line`,
    );

    // Assess: zeta treated u1 (1), u3 (2), zeta control u0 (3), alpha treated u2 (4), alpha control u9 (5)
    expect(rows.map((row) => [row.campaign_id, row.user_id, row.arm, row.source_line])).toEqual([
      ['playbook:zeta', 'u1', 'treatment', 1],
      ['playbook:zeta', 'u3', 'treatment', 2],
      ['playbook:zeta', 'u0', 'control', 3],
      ['playbook:alpha', 'u2', 'treatment', 4],
      ['playbook:alpha', 'u9', 'control', 5],
    ]);
    expect(rows[0]).toMatchObject({
      assigned_at: `${R} 00:00:00`,
      source_file: `playbook:zeta@${R}`,
      ingest_id: 'i1',
      ingested_at: `${R} 00:00:00`,
      dt: R,
    });
  });

  it('lists the treated arm by user_id, an empty id first, and leaves the control arm out', async () => {
    // Prepare: treated '', u1, u2, u4, u5 (given out of order); u3 is control.
    const audience = audienceRows([
      ['a', 1, 'u5', 'treatment'],
      ['a', 1, '', 'treatment'],
      ['a', 1, 'u3', 'control'],
      ['a', 1, 'u1', 'treatment'],
      ['a', 1, 'u4', 'treatment'],
      ['a', 1, 'u2', 'treatment'],
    ]);

    // Act
    const batches: string[][] = [];
    for await (const batch of lake.engine.queryBatches(queryFile('audiences/treated_audience', { audience })))
      batches.push(batch.map((row) => String(row.user_id)));

    // Assess: one batch (a batch holds up to 16,384 rows)
    expect(batches).toEqual([['', 'u1', 'u2', 'u4', 'u5']]);
  });
});
