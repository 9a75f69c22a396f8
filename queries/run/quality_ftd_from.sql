-- Grain: one row: the earliest ftd_date whose first week user_quality_signals reads for the run
-- dates :run_dates (users of each R's cohorts C = [R - 29, R] with ftd_date <= R - 6), as text;
-- null when there is none. The run passes it back as :ftd_from, a literal, so that both engines
-- read only user_daily's partitions from that date on.
with

run_dates as (
    select run_date from :run_dates
),

states as (
    select * from user_state
    where dt in (:dates)
),

eligible as (
    select states.ftd_date
    from states
    inner join run_dates
        on states.dt = run_dates.run_date
    where states.cohort_date between date_add('day', -29, run_dates.run_date) and run_dates.run_date
        and states.ftd_date <= date_add('day', -6, run_dates.run_date)
),

final as (
    select cast(min(ftd_date) as varchar) as ftd_from from eligible
)

select * from final
