-- Builds: the `partner_quality` partitions of the run dates :run_dates (docs/contract.md, Traffic
-- quality): per run date R and partner, the shares of its sign-ups of C = [R - 29, R] that carry
-- each signal of user_quality_signals, the flags those shares raise, and the quality score.
-- Grain: one row per run date and partner (every registry partner, and any other with sign-ups in C).
with

run_dates as (
    select run_date from :run_dates
),

signals as (
    select * from user_quality_signals
    where dt in (:dates)
),

registry as (
    select * from partners
),

partner_counts as (
    select
        dt as run_date,
        partner_id,
        count(*) as signups,
        count_if(has_kyc) as kyc_users,
        count_if(has_ftd) as ftd_users,
        count(click_to_signup_ms) as clicked_users,
        count_if(is_fast_signup) as fast_users,
        count_if(has_shared_device) as shared_device_users,
        count_if(has_shared_funding) as shared_funding_users,
        count(is_bonus_abuse) as bonus_eligible_users,
        count_if(is_bonus_abuse) as bonus_abuse_users,
        count(is_retained) as retention_eligible_users,
        count_if(is_retained) as retained_users
    from signals
    group by dt, partner_id
),

-- The median gap: the middle one of an odd count, the mean of the middle two of an even one
-- (2 x rank is count + 1, or count and count + 2).
ranked_gaps as (
    select
        dt as run_date,
        partner_id,
        click_to_signup_ms,
        row_number() over (partition by dt, partner_id order by click_to_signup_ms) as gap_rank,
        count(*) over (partition by dt, partner_id) as gap_count
    from signals
    where click_to_signup_ms is not null
),

median_gaps as (
    select
        run_date,
        partner_id,
        avg(cast(click_to_signup_ms as double) / 1000) as median_click_to_signup_s
    from ranked_gaps
    where 2 * gap_rank in (gap_count, gap_count + 1, gap_count + 2)
    group by run_date, partner_id
),

partner_ids as (
    select
        run_dates.run_date,
        registry.partner_id
    from run_dates
    cross join registry
    union
    select run_date, partner_id from partner_counts
),

-- Shares are null for a partner without sign-ups (its counts are null).
shares as (
    select
        partner_ids.run_date,
        partner_ids.partner_id,
        coalesce(partner_counts.signups, 0) as signups,
        cast(partner_counts.kyc_users as double) / partner_counts.signups as kyc_rate,
        cast(partner_counts.ftd_users as double) / partner_counts.signups as ftd_rate,
        cast(partner_counts.fast_users as double) / nullif(partner_counts.clicked_users, 0) as fast_signup_share,
        median_gaps.median_click_to_signup_s,
        cast(partner_counts.shared_device_users as double) / partner_counts.signups as shared_device_share,
        cast(partner_counts.shared_funding_users as double) / partner_counts.signups as shared_funding_share,
        cast(partner_counts.bonus_abuse_users as double) / nullif(partner_counts.bonus_eligible_users, 0)
            as bonus_abuse_share,
        cast(partner_counts.retained_users as double) / nullif(partner_counts.retention_eligible_users, 0)
            as retained_share
    from partner_ids
    left join partner_counts
        on partner_ids.run_date = partner_counts.run_date
        and partner_ids.partner_id = partner_counts.partner_id
    left join median_gaps
        on partner_ids.run_date = median_gaps.run_date
        and partner_ids.partner_id = median_gaps.partner_id
),

-- Flags in alphabetical order, each rule strict; the leading comma is cut off.
flagged as (
    select
        shares.*,
        case
            when shares.signups >= 20
                then substr(
                    coalesce(case when shares.bonus_abuse_share > 0.10 then ',bonus_abuse' end, '')
                    || coalesce(case when shares.fast_signup_share > 0.20 then ',fast_signups' end, '')
                    || coalesce(case when shares.shared_device_share > 0.10 then ',shared_devices' end, '')
                    || coalesce(case when shares.shared_funding_share > 0.05 then ',shared_funding' end, ''),
                    2
                )
            else ''
        end as flags
    from shares
),

-- The quality score (docs/contract.md, partner_quality): a weighted mean of six goods in [0, 1]
-- (one minus each fraud share, the KYC rate, the retained share); a good that is null for the
-- partner (no click times, no FTD a week old, no user a week old) drops out with its weight.
scored as (
    select
        flagged.*,
        round(
            100 * (
                0.20 * coalesce(1 - flagged.fast_signup_share, 0)
                + 0.15 * (1 - flagged.shared_device_share)
                + 0.15 * (1 - flagged.shared_funding_share)
                + 0.20 * coalesce(1 - flagged.bonus_abuse_share, 0)
                + 0.10 * flagged.kyc_rate
                + 0.20 * coalesce(flagged.retained_share, 0)
            ) / (
                0.40
                + case when flagged.fast_signup_share is null then 0 else 0.20 end
                + case when flagged.bonus_abuse_share is null then 0 else 0.20 end
                + case when flagged.retained_share is null then 0 else 0.20 end
            ),
            1
        ) as quality_score
    from flagged
),

final as (
    select
        partner_id,
        signups,
        kyc_rate,
        ftd_rate,
        fast_signup_share,
        median_click_to_signup_s,
        shared_device_share,
        shared_funding_share,
        bonus_abuse_share,
        flags,
        cast(quality_score as double) as quality_score,
        run_date
    from scored
)

select * from final
