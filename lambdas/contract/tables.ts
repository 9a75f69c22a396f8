/**
 * The table registry: the one place a table's name, columns, grain, key and partitioning live.
 * The DuckDB views, the Glue tables and the table docs are all derived from it.
 */
import type { TableDef } from './table-def.ts';
import { KPI_ALERTS } from './tables-alerts.ts';
import { CAMPAIGN_RESULTS, CAMPAIGN_USER_STATE } from './tables-campaigns.ts';
import { CHURN_MODEL } from './tables-churn.ts';
import { CAMPAIGNS, EVENTS, EXPOSURES, FX, PARTNERS, SPEND } from './tables-curated.ts';
import {
  COHORT_LTV,
  FUNNEL,
  PARTNER_PERFORMANCE,
  RETENTION,
  SEGMENT_SUMMARY,
  USER_SEGMENTS,
  USERS,
} from './tables-marts.ts';
import { BUILD_MANIFEST, SPEND_DAILY, USER_DAILY, USER_MILESTONES, USER_STATE } from './tables-models.ts';
import { PLAN_PACING, STAGED_TARGETS, TARGETS } from './tables-plans.ts';
import { INGEST_LOG, INGEST_PARTITIONS, QUARANTINE } from './tables-quality.ts';
import { BUDGET_RECOMMENDATIONS, LTV_FORECAST, PARTNER_ROI_FORECAST } from './tables-recommend.ts';
import {
  STAGED_CAMPAIGNS,
  STAGED_EVENTS,
  STAGED_EXPOSURES,
  STAGED_FX,
  STAGED_IMPACT,
  STAGED_PARTNERS,
  STAGED_QUARANTINE,
  STAGED_SPEND,
  STAGED_TRACKER_EVENTS,
  STAGED_TRACKER_MAP,
} from './tables-staging.ts';
import {
  IMPACT_ACTIONS,
  TRACKER_CONVERSIONS,
  TRACKER_EVENTS,
  TRACKER_MAP,
  TRACKER_RECONCILIATION,
} from './tables-trackers.ts';
import {
  IDENTIFIER_USERS,
  PARTNER_QUALITY,
  SIGNUP_CLICKS,
  USER_QUALITY_SIGNALS,
  USER_RISK_FLAGS,
} from './tables-traffic.ts';

export type { ColumnDef, ColumnType, StorageFormat, TableDef, TableLayer } from './table-def.ts';
export * from './tables-alerts.ts';
export * from './tables-campaigns.ts';
export * from './tables-churn.ts';
export * from './tables-curated.ts';
export * from './tables-marts.ts';
export * from './tables-models.ts';
export * from './tables-plans.ts';
export * from './tables-quality.ts';
export * from './tables-recommend.ts';
export * from './tables-staging.ts';
export * from './tables-trackers.ts';
export * from './tables-traffic.ts';

/** Every table of the lake, by name. */
export const TABLES = {
  events: EVENTS,
  spend: SPEND,
  partners: PARTNERS,
  fx: FX,
  campaigns: CAMPAIGNS,
  exposures: EXPOSURES,
  tracker_events: TRACKER_EVENTS,
  impact_actions: IMPACT_ACTIONS,
  tracker_map: TRACKER_MAP,
  targets: TARGETS,
  ingest_log: INGEST_LOG,
  quarantine: QUARANTINE,
  ingest_partitions: INGEST_PARTITIONS,
  staged_events: STAGED_EVENTS,
  staged_spend: STAGED_SPEND,
  staged_partners: STAGED_PARTNERS,
  staged_fx: STAGED_FX,
  staged_campaigns: STAGED_CAMPAIGNS,
  staged_exposures: STAGED_EXPOSURES,
  staged_tracker_events: STAGED_TRACKER_EVENTS,
  staged_impact: STAGED_IMPACT,
  staged_tracker_map: STAGED_TRACKER_MAP,
  staged_targets: STAGED_TARGETS,
  staged_quarantine: STAGED_QUARANTINE,
  user_daily: USER_DAILY,
  user_milestones: USER_MILESTONES,
  spend_daily: SPEND_DAILY,
  user_state: USER_STATE,
  campaign_user_state: CAMPAIGN_USER_STATE,
  build_manifest: BUILD_MANIFEST,
  users: USERS,
  cohort_ltv: COHORT_LTV,
  partner_performance: PARTNER_PERFORMANCE,
  user_segments: USER_SEGMENTS,
  churn_model: CHURN_MODEL,
  funnel: FUNNEL,
  retention: RETENTION,
  segment_summary: SEGMENT_SUMMARY,
  ltv_forecast: LTV_FORECAST,
  budget_recommendations: BUDGET_RECOMMENDATIONS,
  partner_roi_forecast: PARTNER_ROI_FORECAST,
  campaign_results: CAMPAIGN_RESULTS,
  tracker_conversions: TRACKER_CONVERSIONS,
  tracker_reconciliation: TRACKER_RECONCILIATION,
  plan_pacing: PLAN_PACING,
  kpi_alerts: KPI_ALERTS,
  identifier_users: IDENTIFIER_USERS,
  signup_clicks: SIGNUP_CLICKS,
  user_quality_signals: USER_QUALITY_SIGNALS,
  partner_quality: PARTNER_QUALITY,
  user_risk_flags: USER_RISK_FLAGS,
} as const satisfies Record<string, TableDef>;

export type TableName = keyof typeof TABLES;

/** The tables analysts may read with `growthlake query` (staging is internal). */
export function queryableTables(): TableDef[] {
  return Object.values(TABLES).filter((table) => table.layer !== 'staging');
}
