/**
 * campaign_results (docs/contract.md, campaign_results): the SQL hands over each campaign's
 * sufficient statistics per metric and arm (queries/marts/campaign_arm_statistics.sql), and the
 * statistics are computed here with {@link upliftOf}.
 */
import { z } from 'zod';
import { CAMPAIGN_METRICS, type CampaignMetric, CampaignMetricSchema } from '../contract/campaigns.ts';
import type { RunConfig } from '../contract/run-config.ts';
import { CAMPAIGN_RESULTS } from '../contract/tables.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlParam } from '../warehouse/sql.ts';
import { CampaignRegistryError } from './errors.ts';
import { type ArmSums, upliftOf } from './uplift.ts';

/** What a campaign is measured with: its windows and the design its results are judged against. */
export const CampaignDesignSchema = z.object({
  /** Outcome window of each user, days. */
  windowDays: z.number().int().min(1).max(90),
  /** Covariate window before the exposure, days; 0 turns CUPED off. */
  preDays: z.number().int().min(0).max(90),
  /** The designed control share h. */
  holdoutShare: z.number().gt(0).lt(1),
  costPerTreatedUsd: z.number().nonnegative(),
  primaryMetric: CampaignMetricSchema,
});
export type CampaignDesign = z.infer<typeof CampaignDesignSchema>;

/**
 * The design of a `playbook:<action>` campaign the registry does not list (docs/contract.md,
 * Holdouts on growthlake's own audiences) when the run configuration says nothing else.
 */
export const PLAYBOOK_CAMPAIGN_DEFAULTS: CampaignDesign = {
  windowDays: 14,
  preDays: 30,
  holdoutShare: 0.1,
  costPerTreatedUsd: 0,
  primaryMetric: 'active_days',
};

/** The prefix of the campaigns growthlake's own playbook audiences expose users to. */
export const PLAYBOOK_CAMPAIGN_PREFIX = 'playbook:';

/** The campaign growthlake's own audience of a playbook action exposes its users to. */
export function playbookCampaignId(actionId: string): string {
  return `${PLAYBOOK_CAMPAIGN_PREFIX}${actionId}`;
}

/** The campaign registry by campaign id. */
export type CampaignRegistry = ReadonlyMap<string, CampaignDesign>;

/** Reads the campaign registry; a row that breaks the registry's rules fails the run with its campaign named. */
export async function loadCampaignRegistry(engine: Engine): Promise<CampaignRegistry> {
  const rows = await engine.query(queryFile('experiments/campaign_registry'));
  const registry = new Map<string, CampaignDesign>();
  for (const row of rows) {
    const parsed = CampaignDesignSchema.safeParse({
      windowDays: Number(row.window_days),
      preDays: Number(row.pre_days),
      holdoutShare: Number(row.holdout_share),
      costPerTreatedUsd: Number(row.cost_per_treated_usd ?? 0),
      primaryMetric: row.primary_metric,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CampaignRegistryError(
        `campaign ${String(row.campaign_id)}: ${issue?.path.join('.') ?? 'value'} ${issue?.message ?? 'is invalid'}`,
      );
    }
    registry.set(String(row.campaign_id), parsed.data);
  }
  return registry;
}

/** How a run measures the campaigns of its own playbook audiences, from the run configuration. */
export interface PlaybookCampaigns {
  /**
   * The design of a playbook campaign no configured action names (an action removed since its
   * exposures were recorded); its windows are those of every playbook campaign.
   */
  readonly defaults: CampaignDesign;
  /** Each configured action's design, by campaign id (`playbook:<action>`). */
  readonly actions: CampaignRegistry;
}

/** The playbook campaigns' designs when no run configuration is given. */
export const DEFAULT_PLAYBOOK_CAMPAIGNS: PlaybookCampaigns = {
  defaults: PLAYBOOK_CAMPAIGN_DEFAULTS,
  actions: new Map(),
};

/**
 * The playbook campaigns' designs of a run configuration: the configured windows, and per action its
 * holdout share, cost per treated user and primary metric.
 */
export function playbookCampaigns(config: RunConfig): PlaybookCampaigns {
  const windows = {
    windowDays: config.playbook_campaigns.window_days,
    preDays: config.playbook_campaigns.pre_days,
  };
  return {
    defaults: { ...PLAYBOOK_CAMPAIGN_DEFAULTS, ...windows },
    actions: new Map(
      config.playbooks.map((action) => [
        playbookCampaignId(action.id),
        {
          ...windows,
          holdoutShare: action.holdout_share,
          costPerTreatedUsd: action.cost_per_treated_usd,
          primaryMetric: action.primary_metric,
        },
      ]),
    ),
  };
}

/**
 * The design a campaign is measured with: the registry's, else the configured action's for a
 * playbook campaign, else the playbook defaults; undefined for any other campaign the registry
 * lacks (it has no results).
 */
export function campaignDesignOf(
  campaignId: string,
  registry: CampaignRegistry,
  playbook: PlaybookCampaigns = DEFAULT_PLAYBOOK_CAMPAIGNS,
): CampaignDesign | undefined {
  const registered = registry.get(campaignId) ?? playbook.actions.get(campaignId);
  if (registered !== undefined) return registered;
  return campaignId.startsWith(PLAYBOOK_CAMPAIGN_PREFIX) ? playbook.defaults : undefined;
}

/** One row of campaign_arm_statistics.sql, as numbers. */
interface ArmStatistics {
  readonly campaignId: string;
  readonly metric: CampaignMetric;
  readonly arm: 'treatment' | 'control';
  readonly sums: ArmSums;
  readonly nSwitched: number;
}

function armStatistics(row: Row): ArmStatistics {
  return {
    campaignId: String(row.campaign_id),
    metric: CampaignMetricSchema.parse(row.metric),
    arm: row.arm === 'control' ? 'control' : 'treatment',
    sums: {
      n: Number(row.n),
      sumY: Number(row.sum_y),
      sumX: Number(row.sum_x),
      sumYY: Number(row.sum_yy),
      sumXX: Number(row.sum_xx),
      sumXY: Number(row.sum_xy),
    },
    nSwitched: Number(row.n_switched),
  };
}

const NO_USERS: ArmSums = { n: 0, sumY: 0, sumX: 0, sumYY: 0, sumXX: 0, sumXY: 0 };

/** The columns of campaign_results in the registry's order, partition last. */
const RESULT_COLUMNS = [...CAMPAIGN_RESULTS.columns.map((column) => column.name), 'run_date'];

/**
 * The rows of campaign_results for R from the sufficient statistics of each campaign, metric and
 * arm: six rows per campaign that has a design, in campaign and metric order.
 */
export function campaignResultRows(
  runDate: string,
  statistics: readonly Row[],
  registry: CampaignRegistry,
  playbook: PlaybookCampaigns = DEFAULT_PLAYBOOK_CAMPAIGNS,
): SqlParam[][] {
  const byKey = new Map<string, ArmStatistics>();
  for (const row of statistics.map(armStatistics)) {
    byKey.set(`${row.campaignId}|${row.metric}|${row.arm}`, row);
  }
  const campaigns = [...new Set([...byKey.values()].map((row) => row.campaignId))].sort();
  const rows: SqlParam[][] = [];
  for (const campaignId of campaigns) {
    const design = campaignDesignOf(campaignId, registry, playbook);
    if (design === undefined) continue;
    for (const metric of CAMPAIGN_METRICS) {
      const treatment = byKey.get(`${campaignId}|${metric}|treatment`);
      const control = byKey.get(`${campaignId}|${metric}|control`);
      const result = upliftOf(treatment?.sums ?? NO_USERS, control?.sums ?? NO_USERS, {
        holdoutShare: design.holdoutShare,
        preDays: design.preDays,
        costPerTreatedUsd: design.costPerTreatedUsd,
        isRevenueMetric: metric === 'net_revenue_usd',
      });
      rows.push([
        campaignId,
        metric,
        result.nTreatment,
        result.nControl,
        (treatment?.nSwitched ?? 0) + (control?.nSwitched ?? 0),
        result.meanTreatment,
        result.meanControl,
        result.cupedTheta,
        result.upliftAbs,
        result.upliftRel,
        result.ciLow,
        result.ciHigh,
        result.pValue,
        result.csLow,
        result.csHigh,
        result.srmPValue,
        String(result.srmFlag),
        result.incrementalTotal,
        result.costUsd,
        result.roi,
        String(metric === design.primaryMetric),
        result.verdict,
        { date: runDate },
      ]);
    }
  }
  return rows;
}

/**
 * Builds campaign_results for each of `runDates` from their campaign states and the user_state of
 * the latest of them (all built first): one small query for the statistics of every date, then
 * the rows written as those dates' partitions in one write. Returns how many rows.
 */
export async function buildCampaignResults(
  engine: Engine,
  runDates: readonly string[],
  registry: CampaignRegistry,
  playbook: PlaybookCampaigns = DEFAULT_PLAYBOOK_CAMPAIGNS,
): Promise<number> {
  const dates = [...runDates].sort();
  const stateDate = dates.at(-1);
  if (stateDate === undefined) return 0;
  const statistics = await engine.query(
    queryFile('marts/campaign_arm_statistics', {
      run_dates: { dates },
      state_date: { date: stateDate },
    }),
  );
  const rows = dates.flatMap((date) =>
    campaignResultRows(
      date,
      statistics.filter((row) => String(row.run_date) === date),
      registry,
      playbook,
    ),
  );
  await engine.writeRows(
    CAMPAIGN_RESULTS,
    { columns: RESULT_COLUMNS, rows },
    { kind: 'replace-partitions', partitions: dates },
  );
  return rows.length;
}
