import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPublishModel } from '../../lambdas/publish/load-model.ts';
import { type PublishModel, PublishModelSchema } from '../../lambdas/publish/model.ts';
import { scopeModel } from '../../lambdas/publish/scope.ts';
import { buildFixtureLake, R } from './fixture.ts';

type Lake = Awaited<ReturnType<typeof buildFixtureLake>>;

describe('loadPublishModel over the fixture lake', () => {
  let lake: Lake;
  let model: PublishModel;

  beforeAll(async () => {
    lake = await buildFixtureLake();
    model = await loadPublishModel(lake.engine, R);
  });
  afterAll(async () => lake.dispose());

  it('is a valid PublishModel', () => {
    expect(PublishModelSchema.safeParse(model).success).toBe(true);
    expect(model.runDate).toBe(R);
    expect(model.previousWeekSource).toBe('partner_performance');
  });

  it('names every partner, with no channel or status outside the registry', () => {
    const byId = Object.fromEntries(model.partners.map((p) => [p.partnerId, p]));
    expect(Object.keys(byId).sort()).toEqual(
      [
        'aff_one',
        'aff_two',
        'content_blog',
        'ghost_99',
        'kol_alpha',
        'kol_beta',
        'organic',
        'unattributed',
      ].sort(),
    );
    expect(byId.kol_alpha).toEqual({
      partnerId: 'kol_alpha',
      name: 'Alpha Crypto <Live> & "Friends"',
      channel: 'kol',
      status: 'active',
      isRegistered: true,
    });
    expect(byId.kol_beta?.status).toBe('paused');
    for (const id of ['organic', 'unattributed', 'ghost_99']) {
      expect(byId[id]).toEqual({ partnerId: id, name: id, channel: null, status: null, isRegistered: false });
    }
  });

  it('takes the week from the run of R and the previous week from the run of R - 7', () => {
    const alpha = model.performance.find((row) => row.partnerId === 'kol_alpha');
    expect(alpha?.week).toEqual({
      spendUsd: 7000,
      signups: 100,
      ftds: 20,
      netRevenueUsd: 2100,
      gmvUsd: 700000,
      roiD7: -0.4,
      roiD30: 0.2,
    });
    expect(alpha?.previousWeek).toEqual({
      spendUsd: 4900,
      signups: 90,
      ftds: 25,
      netRevenueUsd: 1800,
      gmvUsd: 600000,
      roiD7: -0.5,
      roiD30: null,
    });
    expect(alpha?.month.roiD30).toBe(0.15);
    // ghost_99 was first seen after R - 7: nothing then.
    const ghost = model.performance.find((row) => row.partnerId === 'ghost_99');
    expect(ghost?.previousWeek).toEqual({
      spendUsd: 0,
      signups: 0,
      ftds: 0,
      netRevenueUsd: 0,
      gmvUsd: 0,
      roiD7: null,
      roiD30: null,
    });
  });

  it('computes the weekly headline from partner_performance', () => {
    const { week } = model.kpis;
    expect([week.from, week.to, week.previousFrom, week.previousTo]).toEqual([
      '2026-11-16',
      '2026-11-22',
      '2026-11-09',
      '2026-11-15',
    ]);
    // 7000 + 1400 + 3500 + 700 against 4900 + 1400 + 2800 + 700.
    expect(week.spendUsd).toEqual({ current: 12600, previous: 9800, change: 12600 / 9800 - 1 });
    expect(week.signups).toEqual({ current: 375, previous: 348, change: 375 / 348 - 1 });
    expect(week.ftds).toEqual({ current: 75, previous: 77, change: 75 / 77 - 1 });
    expect(week.cacUsd.current).toBeCloseTo(168, 9);
    expect(week.cacUsd.previous).toBeCloseTo(9800 / 77, 9);
    expect(week.cacUsd.change).toBeCloseTo(0.32, 9);
    expect(week.netRevenueUsd).toEqual({ current: 9260, previous: 8490, change: 9260 / 8490 - 1 });
    // GMV: 700k + 100k + 500k + 40k + 60k + 1.5M + 20k + 6k = 2,926,000 against
    // 600k + 120k + 400k + 50k + 50k + 1.4M + 15k = 2,635,000 (ghost_99 unseen then).
    expect(week.gmvUsd).toEqual({
      current: 2_926_000,
      previous: 2_635_000,
      change: 2_926_000 / 2_635_000 - 1,
    });
  });

  it('loads plan_pacing of R, every column', () => {
    // Assess: the fixture's rows by period, scope and metric (test/publish/fixture.ts, PLAN_ROWS)
    expect(model.plan.map((row) => [row.period, row.scope, row.metric, row.status])).toEqual([
      ['2026-11', 'all', 'signups', 'at_risk'],
      ['2026-11', 'channel:kol', 'spend_usd', 'over'],
      ['2026-11', 'partner:content_blog', 'ftds', 'off_track'],
      ['2026-Q4', 'all', 'gmv_usd', 'on_track'],
    ]);
    expect(model.plan[1]).toEqual({
      period: '2026-11',
      scope: 'channel:kol',
      metric: 'spend_usd',
      target: 30000,
      actualToDate: 24000,
      daysElapsed: 22,
      daysInPeriod: 30,
      expectedToDate: 22000, // 30000 * 22 / 30
      runRate7d: 1200, // 8400 / 7
      forecastEnd: 33600, // 24000 + 1200 * 8
      forecastAttainment: 1.12,
      status: 'over',
    });
  });

  it('loads kpi_alerts of R, not of R - 1, and scopes them to the partners and channels of a view', () => {
    // Assess: the fixture's nine alerts of R by scope, scope id and metric (fixture.ts, KPI_ALERT_ROWS);
    // kol_beta's sign-ups alert is of R - 1.
    expect(model.alerts.map((row) => [row.scope, row.scopeId, row.metric])).toEqual([
      ['all', 'all', 'signups'],
      ['channel', 'kol', 'spend_usd'],
      ['partner', 'aff_one', 'cac_usd'],
      ['partner', 'aff_two', 'spend_usd'],
      ['partner', 'aff_two', 'tracking'],
      ['partner', 'ghost_99', 'signups'],
      ['partner', 'kol_alpha', 'signups'],
      ['partner', 'kol_beta', 'net_revenue_usd'],
      ['partner', 'organic', 'ftds'],
    ]);
    expect(model.alerts[1]).toEqual({
      scope: 'channel',
      scopeId: 'kol',
      metric: 'spend_usd',
      value: 3000,
      expected: 1000,
      lower: 650,
      upper: 1350,
      direction: 'up',
      severity: 'critical',
      reason: 'spend_usd of channel kol: 3000 against 1000.',
    });
    // A KOL view keeps the kol channel's alert and its partners'; a view of two partners, only theirs.
    const kol = scopeModel(model, { kind: 'channels', channels: ['kol'] });
    expect(kol.alerts.map((row) => `${row.scope}:${row.scopeId}:${row.metric}`)).toEqual([
      'channel:kol:spend_usd',
      'partner:kol_alpha:signups',
      'partner:kol_beta:net_revenue_usd',
    ]);
    const two = scopeModel(model, { kind: 'partners', partnerIds: ['aff_two', 'ghost_99'] });
    expect(two.alerts.map((row) => `${row.scope}:${row.scopeId}:${row.metric}`)).toEqual([
      'partner:aff_two:spend_usd',
      'partner:aff_two:tracking',
      'partner:ghost_99:signups',
    ]);
  });

  it('pools day-7 ROI over partners weighted by the spend of their matured cohorts', () => {
    // Now: cohorts of Nov 9-15 (spend 4900, 1400, 2800): (-0.4*4900 - 0.7*1400 - 0.2*2800) / 9100.
    // Before: cohorts of Nov 2-8 (4200, 1400, 2800, 700): (-0.5*4200 - 0.6*1400 - 0.3*2800 - 0.9*700) / 9100.
    const { roiD7 } = model.kpis.week;
    expect(roiD7.current).toBeCloseTo(-3500 / 9100, 12);
    expect(roiD7.previous).toBeCloseTo(-4410 / 9100, 12);
    expect(roiD7.change).toBeCloseTo(0.1, 12);
  });

  it('compares R with the same weekday a week earlier from spend and users', () => {
    const { day } = model.kpis;
    expect(day.date).toBe(R);
    expect(day.comparedWith).toBe('2026-11-15');
    expect(day.spendUsd).toEqual({ current: 1800, previous: 1400, change: 1800 / 1400 - 1 });
    expect(day.signups).toEqual({ current: 54, previous: 48, change: 54 / 48 - 1 });
    expect(day.ftds).toEqual({ current: 11, previous: 11, change: 0 });
    expect(day.cacUsd.current).toBeCloseTo(1800 / 11, 9);
    expect(day.cacUsd.previous).toBeCloseTo(1400 / 11, 9);
  });

  it('carries 60 days of series ending on R, never a day after it', () => {
    expect(model.series).toHaveLength(60);
    expect(model.series[0]?.date).toBe('2026-09-24');
    expect(model.series.at(-1)).toMatchObject({ date: R, spendUsd: 1800, signups: 54, ftds: 11 });
    expect(model.daily.every((row) => row.date >= '2026-09-24' && row.date <= R)).toBe(true);
    // The spend table agrees with partner_performance on the week.
    expect(model.series.slice(-7).reduce((sum, point) => sum + point.spendUsd, 0)).toBe(12600);
    expect(model.series.slice(0, 6).every((point) => point.cac7dUsd === null)).toBe(true);
    expect(model.series[6]?.cac7dUsd).not.toBeNull();
  });

  it('pools LTV over the last 90 days of cohorts, at each age only the cohorts that reached it', () => {
    const alpha = model.cohortLtv.filter((point) => point.partnerId === 'kol_alpha');
    // Cohorts of Nov 1 (10 users) and Nov 20 (5); Aug 1 is older than 90 days; Nov 20 is 2 days old on R.
    expect(alpha).toEqual(
      expect.arrayContaining([
        { partnerId: 'kol_alpha', ageDay: 0, cohorts: 2, cohortUsers: 15, cumNetRevenueUsd: 7 },
        { partnerId: 'kol_alpha', ageDay: 1, cohorts: 2, cohortUsers: 15, cumNetRevenueUsd: 11 },
        { partnerId: 'kol_alpha', ageDay: 3, cohorts: 1, cohortUsers: 10, cumNetRevenueUsd: 12 },
        { partnerId: 'kol_alpha', ageDay: 7, cohorts: 1, cohortUsers: 10, cumNetRevenueUsd: 20 },
        { partnerId: 'kol_alpha', ageDay: 14, cohorts: 1, cohortUsers: 10, cumNetRevenueUsd: 30 },
      ]),
    );
    expect(alpha).toHaveLength(5);
    const affOne = model.cohortLtv.filter((point) => point.partnerId === 'aff_one').map((p) => p.ageDay);
    expect(affOne.sort((a, b) => a - b)).toEqual([0, 1, 3, 7, 14, 30]);
    expect(model.cohortLtv.some((point) => point.partnerId === 'aff_two')).toBe(false);
  });

  it('keeps the funnel of the last 8 cohort weeks', () => {
    expect(model.funnel).toHaveLength(8);
    expect(model.funnel.some((row) => row.cohortWeek === '2026-09-21')).toBe(false);
    expect(model.funnel.find((row) => row.cohortWeek === '2026-09-28')).toEqual({
      partnerId: 'aff_two',
      cohortWeek: '2026-09-28',
      signups: 25,
      kycUsers: 15,
      fundedUsers: 5,
      tradedUsers: 3,
    });
  });

  it('splits segment sizes from lifecycle transitions', () => {
    expect(model.segments?.sizes).toHaveLength(27);
    expect(model.segments?.sizes).toContainEqual({
      dimension: 'lifecycle',
      segment: 'at_risk',
      users: 150,
      share: 0.15,
    });
    expect(model.segments?.transitions).toHaveLength(11);
    expect(model.segments?.transitions).toContainEqual({ from: 'dormant', to: 'resurrected', users: 25 });
  });

  it('loads the recommendations of R', () => {
    expect(model.recommendations.map((row) => row.partnerId).sort()).toEqual(
      ['aff_one', 'aff_two', 'content_blog', 'kol_alpha', 'kol_beta'].sort(),
    );
    expect(model.recommendations.find((row) => row.partnerId === 'content_blog')?.changePct).toBeNull();
  });

  it('loads partner_roi_forecast of R, and a channel view keeps its own partners', () => {
    expect(model.roi.find((row) => row.partnerId === 'aff_two')).toEqual({
      partnerId: 'aff_two',
      horizonDays: 180,
      spendUsd: 3000,
      roiD7: -0.8,
      roiD30: -0.35,
      projectedRoi: 0.25,
      projectedRoiLow: 0.05,
      projectedRoiHigh: 0.45,
      paybackDay: 140,
      paybackDayEarliest: 110,
      paybackDayLatest: 200,
    });
    expect(model.roi.find((row) => row.partnerId === 'content_blog')?.projectedRoi).toBeNull();
    const kol = scopeModel(model, { kind: 'channels', channels: ['kol'] });
    expect(kol.roi.map((row) => row.partnerId)).toEqual(['kol_alpha', 'kol_beta']);
  });

  it('scopes to a channel: only its partners, every number recomputed from their rows', () => {
    // Act
    const kol = scopeModel(model, { kind: 'channels', channels: ['kol'] });

    // Assess
    expect(kol.partners.map((p) => p.partnerId)).toEqual(['kol_alpha', 'kol_beta']);
    for (const rows of [kol.performance, kol.daily, kol.cohortLtv, kol.funnel, kol.recommendations]) {
      expect(rows.every((row) => row.partnerId === 'kol_alpha' || row.partnerId === 'kol_beta')).toBe(true);
    }
    expect(kol.segments).toBeNull();
    expect(kol.kpis.week.spendUsd).toEqual({ current: 8400, previous: 6300, change: 8400 / 6300 - 1 });
    expect(kol.kpis.week.ftds).toEqual({ current: 24, previous: 32, change: 24 / 32 - 1 });
    expect(kol.kpis.week.cacUsd.current).toBe(350);
    expect(kol.kpis.week.cacUsd.previous).toBe(6300 / 32);
    expect(kol.kpis.week.roiD7.current).toBeCloseTo((-0.4 * 4900 - 0.7 * 1400) / 6300, 12);
    expect(kol.kpis.day.spendUsd).toEqual({ current: 1200, previous: 900, change: 1200 / 900 - 1 });
    expect(kol.kpis.day.signups.current).toBe(19);
    expect(kol.series.at(-1)).toMatchObject({ spendUsd: 1200, signups: 19, ftds: 4 });
  });

  it('groups campaign results by campaign, primary metric first, with the verdict of R - 1', () => {
    expect(model.campaigns.map((c) => c.campaignId)).toEqual(['playbook:winback', 'spring-kyc', 'vip-bonus']);
    const [winback, spring, vip] = model.campaigns;
    // A playbook campaign has no registry row: named by its id, no owner.
    expect(winback).toMatchObject({
      name: 'playbook:winback',
      owner: null,
      isRegistered: false,
      nTreatment: 800,
      nControl: 200,
      srmFlag: true,
      srmPValue: 1e-25,
    });
    expect(winback?.metrics.map((m) => [m.metric, m.verdict, m.previousVerdict, m.isNewVerdict])).toEqual([
      ['active_days', 'srm', null, false],
    ]);
    expect(spring).toMatchObject({
      name: 'Spring KYC push',
      owner: 'CRM team',
      isRegistered: true,
      nTreatment: 900,
      nControl: 100,
      nSwitched: 3,
      srmFlag: false,
      costUsd: 1800,
    });
    // kyc is primary, so it comes before net_revenue_usd; inconclusive yesterday, win today: new.
    expect(spring?.metrics[0]).toEqual({
      metric: 'kyc',
      isPrimary: true,
      meanTreatment: 0.15,
      meanControl: 0.1,
      upliftAbs: 0.05,
      upliftRel: 0.5,
      ciLow: 0.03,
      ciHigh: 0.07,
      pValue: 0.0001,
      csLow: 0.01,
      csHigh: 0.09,
      incrementalTotal: 45,
      roi: null,
      verdict: 'win',
      previousVerdict: 'inconclusive',
      isNewVerdict: true,
    });
    expect(spring?.metrics[1]).toMatchObject({ metric: 'net_revenue_usd', roi: 0, previousVerdict: null });
    // An empty registry owner reads as none; inconclusive on both days is not new.
    expect(vip).toMatchObject({ name: 'VIP deposit bonus', owner: null });
    expect(vip?.metrics[0]).toMatchObject({
      verdict: 'inconclusive',
      previousVerdict: 'inconclusive',
      isNewVerdict: false,
    });
  });

  it('keeps every campaign in a view scoped to some partners', () => {
    const view = scopeModel(model, { kind: 'channels', channels: ['kol'] });
    expect(view.campaigns).toEqual(model.campaigns);
  });

  it('scopes to a list of partners, outside the registry included', () => {
    const view = scopeModel(model, { kind: 'partners', partnerIds: ['ghost_99', 'content_blog'] });
    expect(view.partners.map((p) => p.partnerId)).toEqual(['content_blog', 'ghost_99']);
    expect(view.kpis.week.signups.current).toBe(15);
  });
});

describe('loadPublishModel without the run of R - 7', () => {
  let lake: Lake;
  let model: PublishModel;

  beforeAll(async () => {
    lake = await buildFixtureLake({
      withoutPreviousRun: true,
      withoutRecommendations: true,
      withoutCampaigns: true,
    });
    model = await loadPublishModel(lake.engine, R);
  });
  afterAll(async () => lake.dispose());

  it('derives the previous week from spend and users, with revenue and ROI unknown', () => {
    expect(model.previousWeekSource).toBe('derived');
    // kol_alpha on Nov 9-15: 700 a day; sign-ups 15+16+12+13+14+15 (background) + 12 (Nov 15);
    // FTDs 3+4+3+3+3+3 + 4.
    expect(model.performance.find((row) => row.partnerId === 'kol_alpha')?.previousWeek).toEqual({
      spendUsd: 4900,
      signups: 97,
      ftds: 23,
      netRevenueUsd: null,
      gmvUsd: null,
      roiD7: null,
      roiD30: null,
    });
    expect(model.kpis.week.netRevenueUsd).toEqual({ current: 9260, previous: null, change: null });
    expect(model.kpis.week.gmvUsd).toEqual({ current: 2_926_000, previous: null, change: null });
    expect(model.kpis.week.roiD7.previous).toBeNull();
    expect(model.kpis.week.spendUsd.previous).toBe(9800);
  });

  it('has no recommendations and no campaigns', () => {
    expect(model.recommendations).toEqual([]);
    expect(model.roi).toEqual([]);
    expect(model.campaigns).toEqual([]);
  });

  it('rejects a run date that is not a date', async () => {
    await expect(loadPublishModel(lake.engine, '2026-02-30')).rejects.toThrow(
      /not a YYYY-MM-DD calendar date/,
    );
  });
});
