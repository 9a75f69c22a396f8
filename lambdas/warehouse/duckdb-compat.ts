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
];
