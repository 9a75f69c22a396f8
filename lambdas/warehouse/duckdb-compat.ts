/**
 * The Trino-to-DuckDB compatibility layer: settings and macros that make DuckDB give the answers
 * Athena gives for the Trino SQL in `queries/`. Where the two engines disagree on the same syntax
 * (`5 / 2` is 2 in Trino and 2.5 in DuckDB, for one), DuckDB is bent to Trino's meaning, never the
 * other way round.
 */
export const DUCKDB_COMPAT_STATEMENTS: readonly string[] = [
  // Trino divides integers as integers: 5 / 2 = 2.
  'set integer_division = true',
  // Dates and timestamps are UTC everywhere.
  "set timezone = 'UTC'",
  // Trino's 3-argument date_add, on dates (the only use in queries/): the result stays a DATE.
  `create or replace macro date_add(unit, n, d) as
     cast(case lower(unit)
       when 'day' then d + to_days(cast(n as integer))
       when 'week' then d + to_days(7 * cast(n as integer))
       when 'month' then d + to_months(cast(n as integer))
       when 'year' then d + to_years(cast(n as integer))
     end as date)`,
  "create or replace macro from_iso8601_timestamp(text) as cast(strptime(text, '%Y-%m-%dT%H:%M:%S%z') as timestamp)",
  'create or replace macro approx_distinct(x) as approx_count_distinct(x)',
  'create or replace macro approx_percentile(x, p) as approx_quantile(x, p)',
  // Trino: Monday = 1 ... Sunday = 7.
  'create or replace macro day_of_week(d) as isodow(d)',
  'create or replace macro to_unixtime(ts) as epoch(ts)',
  'create or replace macro cardinality(list) as len(list)',
  'create or replace macro regexp_like(text, pattern) as regexp_matches(text, pattern)',
  // Trino's date_format uses MySQL-style specifiers; the ones queries/ use map one to one.
  "create or replace macro date_format(ts, fmt) as strftime(ts, replace(replace(fmt, '%i', '%M'), '%s', '%S'))",
  // Trino hashes bytes: to_hex(sha256(to_utf8(text))) is the uppercase hex of the digest of the
  // text's UTF-8 (the playbook holdout rule, docs/contract.md, Holdouts). DuckDB's own sha256 takes
  // the text and returns lowercase hex, so under these macros to_utf8 gives the UTF-8 bytes, sha256
  // the digest's bytes (system.main.sha256 is DuckDB's built-in; this one shadows it), and DuckDB's
  // to_hex of a blob is already Trino's.
  'create or replace macro to_utf8(text) as encode(text)',
  'create or replace macro sha256(bytes) as unhex(system.main.sha256(bytes))',
  // Trino's from_base, for the radix queries/ uses (16): DuckDB casts '0x'-prefixed hex text.
  `create or replace macro from_base(text, radix) as
     case when radix = 16 then cast('0x' || text as bigint)
     else error('from_base: only radix 16 is translated for DuckDB (lambdas/warehouse/duckdb-compat.ts)') end`,
];
