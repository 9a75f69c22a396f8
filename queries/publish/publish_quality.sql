-- Builds: the Quality section of the publications for :run_date: every partner_quality row of R,
-- and for each flag the partner carries the users behind it: user_risk_flags of snapshot R for the
-- partner's users of the cohorts C = [R - 29, R] (the users its shares are taken over), the first
-- five by user id with their evidence, and how many there are. No quality data for R: no rows.
-- Grain: one row per partner of partner_quality on R and user shown; a partner with no user shown
-- has one row, whose flag and user are null.
with

quality as (
    select * from partner_quality
    where run_date = :run_date
),

risk_flags as (
    select * from user_risk_flags
    where snapshot_date = :run_date
),

cohort_users as (
    select * from user_state
    where dt = :run_date
        and cohort_date between date_add('day', -29, :run_date) and :run_date
),

-- user_risk_flags names what one user did; partner_quality names the rule over a partner's users.
user_flags as (
    select
        cohort_users.partner_id,
        case risk_flags.flag
            when 'fast_signup' then 'fast_signups'
            when 'shared_device' then 'shared_devices'
            when 'shared_funding' then 'shared_funding'
            when 'bonus_abuse' then 'bonus_abuse'
        end as flag,
        risk_flags.user_id,
        risk_flags.evidence
    from risk_flags
    inner join cohort_users
        on risk_flags.user_id = cohort_users.user_id
),

-- Only the flags the partner carries: its comma-separated flags, fenced by commas, hold the name.
flagged_users as (
    select
        user_flags.partner_id,
        user_flags.flag,
        user_flags.user_id,
        user_flags.evidence,
        row_number() over (
            partition by user_flags.partner_id, user_flags.flag
            order by user_flags.user_id
        ) as user_rank,
        count(*) over (partition by user_flags.partner_id, user_flags.flag) as flag_users
    from user_flags
    inner join quality
        on user_flags.partner_id = quality.partner_id
        and strpos(',' || quality.flags || ',', ',' || user_flags.flag || ',') > 0
),

shown_users as (
    select * from flagged_users
    where user_rank <= 5
),

final as (
    select
        quality.partner_id,
        quality.signups,
        quality.kyc_rate,
        quality.ftd_rate,
        quality.fast_signup_share,
        quality.median_click_to_signup_s,
        quality.shared_device_share,
        quality.shared_funding_share,
        quality.bonus_abuse_share,
        quality.flags,
        quality.quality_score,
        shown_users.flag,
        shown_users.flag_users,
        shown_users.user_rank,
        shown_users.user_id,
        shown_users.evidence
    from quality
    left join shown_users
        on quality.partner_id = shown_users.partner_id
)

select * from final
order by partner_id, flag, user_rank
