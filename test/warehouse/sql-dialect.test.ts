import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { QUERIES_DIR, renderSql, type SqlParam } from '../../lambdas/warehouse/sql.ts';

const trino = new TrinoSQL();

/** Sample values for every parameter the query files use, so a rendered query is plain Trino. */
const SAMPLE_PARAMS: Record<string, SqlParam> = {
  run_date: { date: '2026-11-21' },
  run_dates: { table: { columns: ['run_date'], rows: [[{ date: '2026-11-20' }], [{ date: '2026-11-21' }]] } },
  state_date: { date: '2026-11-21' },
  cutoff_date: { date: '2026-10-22' },
  base_date: { date: '2026-11-20' },
  last_date: { date: '2026-11-21' },
  as_of_date: { date: '2026-11-21' },
  pre_from: { date: '2026-08-23' },
  days_from: { date: '2026-11-21' },
  exposures_from: { date: '2026-11-21' },
  playbook_window_days: 14,
  playbook_pre_days: 30,
  campaign_ids: ['playbook:kyc_reminder', 'playbook:dormant_whale_vip'],
  as_of_dates: {
    table: { columns: ['as_of_date'], rows: [[{ date: '2026-11-20' }], [{ date: '2026-11-21' }]] },
  },
  dates: { dates: ['2026-11-20', '2026-11-21'] },
  leaving_dates: {
    dates: ['2026-07-24', '2026-08-23', '2026-09-22', '2026-10-22', '2026-11-14'],
  },
  keep_previous: 1,
  signups_from: { date: '2026-10-21' },
  ftd_from: { date: '2026-10-15' },
  ingest_id: 'a'.repeat(64),
  staging_id: 'b'.repeat(32),
  window_start: { date: '2026-09-27' },
  file: 'events.jsonl',
  kind: 'events',
  ingested_at: { timestamp: '2026-11-22 06:00:00.000' },
  rows_read: 10,
  rows_accepted: 8,
  rows_duplicate: 1,
  rows_quarantined: 1,
  impact_rows: {
    table: {
      columns: ['spend_date', 'partner_id', 'campaign_id', 'spend_usd'],
      rows: [[{ date: '2026-11-21' }, 'p1', 'impact:500', 31.6]],
    },
  },
  step_rules: {
    table: {
      columns: ['source', 'field', 'value', 'step'],
      rows: [['appsflyer', 'event_name', 'install', 'install']],
    },
  },
  actions: {
    table: {
      columns: [
        'action_id',
        'campaign_id',
        'action_order',
        'holdout_share',
        'lifecycles',
        'min_days_since_signup',
      ],
      rows: [
        ['kyc_reminder', 'playbook:kyc_reminder', 1, 0.1, '|new|active|', 1],
        ['dormant_whale_vip', 'playbook:dormant_whale_vip', 2, 0.2, '|dormant|', -1],
      ],
    },
  },
  audience: {
    query:
      "select 'kyc_reminder' as action_id, 'playbook:kyc_reminder' as campaign_id, 1 as action_order, 'u1' as user_id, 'treatment' as arm",
  },
  exposed_before: { query: "select 'playbook:kyc_reminder' as campaign_id, 'u2' as user_id" },
  user_windows: {
    query:
      "select 'u1' as user_id, date '2026-01-01' as cohort_date, 'p1' as partner_id, 40 as age_days, " +
      '1.0 as net_revenue_usd, 1.0 as net_revenue_age_90_usd, 1.0 as net_revenue_age_180_usd, ' +
      '1.0 as net_revenue_age_365_usd, 1 as trade_days_0, 0 as trade_days_1, 0 as trade_days_2, ' +
      '0 as trade_days_3, 1.0 as net_revenue_0_usd, 0.0 as net_revenue_1_usd, 0.0 as net_revenue_2_usd',
  },
};

function sqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sqlFiles(join(dir, entry.name))
      : entry.name.endsWith('.sql')
        ? [join(dir, entry.name)]
        : [],
  );
}

function trinoErrors(sql: string): string[] {
  return trino.validate(sql).map((error) => `${error.startLine}:${error.startColumn} ${error.message}`);
}

/** The holdout bench's queries, outside queries/ so no Lambda bundles them, held to the same rules. */
const BENCH_QUERIES_DIR = join(QUERIES_DIR, '..', 'bench', 'models', 'queries');

describe('queries/ and the bench queries are Trino SQL', () => {
  const files = [QUERIES_DIR, BENCH_QUERIES_DIR].flatMap(sqlFiles);

  it('has query files to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((file) => [relative(join(QUERIES_DIR, '..'), file), file]))(
    '%s parses with the Trino grammar',
    (_, file) => {
      // Prepare
      const sql = renderSql(readFileSync(file, 'utf8'), SAMPLE_PARAMS);

      // Act
      const errors = trinoErrors(sql);

      // Assess
      expect(errors).toEqual([]);
    },
  );

  it.each([
    ['a :: cast', 'select 1::integer as x'],
    ['a DuckDB list literal', 'select [1, 2, 3] as x'],
    ['GROUP BY ALL', 'select a, count(*) from t group by all'],
    ['a struct literal', "select {'a': 1} as x"],
    ['FROM-first syntax', 'from t select a'],
    ['QUALIFY', 'select a from t qualify row_number() over () = 1'],
  ])('rejects DuckDB-only syntax: %s', (_, sql) => {
    expect(trinoErrors(sql)).not.toEqual([]);
  });

  it.each(files.map((file) => [relative(join(QUERIES_DIR, '..'), file), file]))(
    '%s follows the house style',
    (_, file) => {
      const text = readFileSync(file, 'utf8');
      // Every model states what it builds (a view: defines) or its grain in its header comment.
      expect(text).toMatch(/^-- (Builds|Defines|Grain):/);
      // Lowercase keywords, explicit joins: no bare "JOIN" and no comma joins in FROM clauses.
      expect(text).not.toMatch(/\b(SELECT|FROM|WHERE|GROUP BY)\b/);
      expect(text).not.toMatch(/^\s*join\b/m);
    },
  );
});
