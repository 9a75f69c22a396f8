-- Builds: the sufficient statistics of campaign_results for each of :run_dates (lambdas/experiments/
-- turns them into the results): per run date, campaign, metric and arm, the users and the sums of Y,
-- X, Y², X² and XY, Y the metric over the user's outcome window and X over their pre-window
-- (docs/contract.md, campaign_results). Read from the campaign state of each date, with kyc, ftd and
-- attribution from user_state of :state_date, the latest of them, and net revenue from the fees and
-- the registry's revshare rate of the user's partner. The latest state answers for every earlier
-- date: a user's first kyc and first deposit dated on or before a date D are the same as of D and as
-- of any later date, and the windows compared with them end on or before D; the partner is the one
-- of the user's earliest signup, counted from its cohort_date on. So a run that late data sends back
-- several days reads user_state once. Every value and sum is an exact decimal, so the result does not
-- depend on the order users are summed in.
-- Grain: one row per run date, campaign, metric and arm with users.
with

campaign_state as (
    select * from campaign_user_state
    where dt in (:run_dates)
),

user_states as (
    select * from user_state
    where dt = :state_date
),

partner_registry as (
    select * from partners
),

metrics as (
    select metric
    from (
        values ('kyc'), ('ftd'), ('traded'), ('active_days'), ('net_revenue_usd'), ('deposits_usd')
    ) as metric_list (metric)
),

-- Each exposed user's windows as of each date (the outcome window is cut there), milestones and
-- revenue share.
user_windows as (
    select
        campaign_state.*,
        least(date_add('day', campaign_state.window_days - 1, campaign_state.assigned_date), campaign_state.dt)
            as outcome_end_date,
        date_add('day', -campaign_state.pre_days, campaign_state.assigned_date) as pre_start_date,
        user_states.kyc_date,
        user_states.ftd_date,
        -- Net revenue's share of the fees (docs/contract.md, Definitions), as an exact decimal.
        cast(1 - coalesce(partner_registry.revshare_rate, 0) as decimal(38, 9)) as net_share
    from campaign_state
    left join user_states
        on campaign_state.user_id = user_states.user_id
    left join partner_registry
        on user_states.partner_id = partner_registry.partner_id
        and user_states.cohort_date <= campaign_state.dt
),

-- One row per user and metric: Y over the outcome window, X over the pre-window.
user_metrics as (
    select
        user_windows.dt as run_date,
        user_windows.campaign_id,
        user_windows.arm,
        metrics.metric,
        user_windows.switched_date,
        cast(
            case metrics.metric
                when 'kyc' then
                    case when user_windows.kyc_date between user_windows.assigned_date and user_windows.outcome_end_date then 1 else 0 end
                when 'ftd' then
                    case when user_windows.ftd_date between user_windows.assigned_date and user_windows.outcome_end_date then 1 else 0 end
                when 'traded' then case when user_windows.has_traded_outcome then 1 else 0 end
                when 'active_days' then user_windows.active_days_outcome
                when 'net_revenue_usd' then cast(user_windows.fees_outcome_usd * user_windows.net_share as decimal(38, 9))
                else user_windows.deposits_outcome_usd
            end
            as decimal(38, 9)
        ) as y,
        cast(
            case metrics.metric
                when 'kyc' then
                    case when user_windows.kyc_date >= user_windows.pre_start_date and user_windows.kyc_date < user_windows.assigned_date then 1 else 0 end
                when 'ftd' then
                    case when user_windows.ftd_date >= user_windows.pre_start_date and user_windows.ftd_date < user_windows.assigned_date then 1 else 0 end
                when 'traded' then case when user_windows.has_traded_pre then 1 else 0 end
                when 'active_days' then user_windows.active_days_pre
                when 'net_revenue_usd' then cast(user_windows.fees_pre_usd * user_windows.net_share as decimal(38, 9))
                else user_windows.deposits_pre_usd
            end
            as decimal(38, 9)
        ) as x
    from user_windows
    cross join metrics
),

final as (
    select
        run_date,
        campaign_id,
        metric,
        arm,
        count(*) as n,
        count(switched_date) as n_switched,
        sum(y) as sum_y,
        sum(x) as sum_x,
        sum(cast(y * y as decimal(38, 9))) as sum_yy,
        sum(cast(x * x as decimal(38, 9))) as sum_xx,
        sum(cast(x * y as decimal(38, 9))) as sum_xy
    from user_metrics
    group by run_date, campaign_id, metric, arm
)

select * from final
