/**
 * campaignResultRows and campaignDesignOf without a lake: which campaigns get rows, what an empty
 * arm gives, and how n_switched and is_primary are assembled from the per-arm statistics.
 */
import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../lambdas/contract/run-config.ts';
import {
  type CampaignDesign,
  campaignDesignOf,
  campaignResultRows,
  PLAYBOOK_CAMPAIGN_DEFAULTS,
  playbookCampaigns,
} from '../../lambdas/experiments/campaign-results.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';

const R = '2026-03-05';
const DESIGN: CampaignDesign = {
  windowDays: 14,
  preDays: 0,
  holdoutShare: 0.5,
  costPerTreatedUsd: 2,
  primaryMetric: 'traded',
};

function arm(
  campaign_id: string,
  metric: string,
  armName: string,
  n: number,
  sum_y: number,
  n_switched = 0,
): Row {
  return {
    campaign_id,
    metric,
    arm: armName,
    n,
    sum_y,
    sum_x: 0,
    sum_yy: sum_y,
    sum_xx: 0,
    sum_xy: 0,
    n_switched,
  };
}

describe('campaignDesignOf', () => {
  it('takes the registry, else the playbook defaults for playbook campaigns, else nothing', () => {
    const registry = new Map([['c1', DESIGN]]);
    expect(campaignDesignOf('c1', registry)).toBe(DESIGN);
    expect(campaignDesignOf('playbook:winback', registry)).toBe(PLAYBOOK_CAMPAIGN_DEFAULTS);
    expect(campaignDesignOf('other', registry)).toBeUndefined();
    // A registry row wins over the defaults for a playbook campaign.
    expect(campaignDesignOf('playbook:vip', new Map([['playbook:vip', DESIGN]]))).toBe(DESIGN);
  });

  it("reads a playbook action's design from the run configuration, its windows from playbook_campaigns", () => {
    // Prepare: vip overrides every field it may; winback keeps the defaults (h 0.10, cost 0, active_days)
    const config = RunConfigSchema.parse({
      playbooks: [
        {
          id: 'vip',
          description: 'x',
          where: {},
          holdout_share: 0.2,
          cost_per_treated_usd: 3,
          primary_metric: 'ftd',
        },
        { id: 'winback', description: 'x', where: {} },
      ],
      playbook_campaigns: { window_days: 7, pre_days: 0 },
    });

    // Act
    const playbook = playbookCampaigns(config);

    // Assess
    const windows = { windowDays: 7, preDays: 0 };
    expect(campaignDesignOf('playbook:vip', new Map(), playbook)).toEqual({
      ...windows,
      holdoutShare: 0.2,
      costPerTreatedUsd: 3,
      primaryMetric: 'ftd',
    });
    expect(campaignDesignOf('playbook:winback', new Map(), playbook)).toEqual({
      ...PLAYBOOK_CAMPAIGN_DEFAULTS,
      ...windows,
    });
    // An action no longer configured keeps the defaults, with the configured windows.
    expect(campaignDesignOf('playbook:gone', new Map(), playbook)).toEqual({
      ...PLAYBOOK_CAMPAIGN_DEFAULTS,
      ...windows,
    });
    // The registry still wins.
    expect(campaignDesignOf('playbook:vip', new Map([['playbook:vip', DESIGN]]), playbook)).toBe(DESIGN);
  });

  it('refuses a holdout share outside (0, 1) with a message naming it', () => {
    const parsed = RunConfigSchema.safeParse({
      playbooks: [{ id: 'a', description: 'x', where: {}, holdout_share: 1 }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('holdout_share must be below 1');
  });
});

describe('campaignResultRows', () => {
  it('gives every registered campaign six rows, and none to an unregistered one', () => {
    // Prepare: statistics of one metric only for c1, and of a campaign the registry lacks.
    const statistics = [arm('c1', 'traded', 'treatment', 4, 3), arm('zz', 'traded', 'treatment', 2, 1)];

    // Act
    const rows = campaignResultRows(R, statistics, new Map([['c1', DESIGN]]));

    // Assess: c1 x the six metrics, in their order; metrics without statistics have no users.
    expect(rows.map((row) => [row[0], row[1], row[2], row[3]])).toEqual([
      ['c1', 'kyc', 0, 0],
      ['c1', 'ftd', 0, 0],
      ['c1', 'traded', 4, 0],
      ['c1', 'active_days', 0, 0],
      ['c1', 'net_revenue_usd', 0, 0],
      ['c1', 'deposits_usd', 0, 0],
    ]);
    expect(rows.every((row) => (row.at(-1) as { date: string }).date === R)).toBe(true);
  });

  it('leaves the uplift null without a control arm, and adds the switches of both arms', () => {
    // Prepare: traded, treatment 4 users (3 traded, 1 switched), control 0 users (absent).
    const rows = campaignResultRows(
      R,
      [arm('c1', 'traded', 'treatment', 4, 3, 1)],
      new Map([['c1', DESIGN]]),
    );
    const traded = rows.find((row) => row[1] === 'traded') as unknown[];

    // Assess, by column: n_switched 1; mean_treatment 3/4; mean_control, uplift_abs, ci null;
    // SRM of 4 vs 0 against (0.5, 0.5): (4-2)²/2 + (0-2)²/2 = 4, p = 0.0455: not flagged;
    // cost 2 * 4 = 8; is_primary (traded); verdict inconclusive.
    const [, , nT, nC, nSwitched, meanT, meanC, theta, upliftAbs, , ciLow] = traded;
    expect([nT, nC, nSwitched, meanT, meanC, theta, upliftAbs, ciLow]).toEqual([
      4,
      0,
      1,
      0.75,
      null,
      0,
      null,
      null,
    ]);
    expect(traded[15] as number).toBeCloseTo(0.0455, 4);
    expect(traded.slice(16)).toEqual(['false', null, 8, null, 'true', 'inconclusive', { date: R }]);
  });
});
