/**
 * `npm run bench -- alerts`: the kpi_alerts method (lambdas/alerts) on generated daily series with
 * a known truth, against the week-over-week rule it replaces, measured on the same series.
 */
import { HISTORY_DAYS } from '../lambdas/alerts/baseline.ts';
import {
  type AlertScope,
  type KpiAlert,
  kpiAlerts,
  perMetric,
  type ScopeSeries,
  SERIES_METRICS,
  type SeriesMetric,
} from '../lambdas/alerts/kpi-alerts.ts';
import { addDays } from '../lambdas/contract/dates.ts';
import { Rng } from '../lambdas/generate/rng.ts';

const SEED = Number(process.env.BENCH_ALERTS_SEED ?? 7);
const PARTNERS = Number(process.env.BENCH_ALERTS_PARTNERS ?? 24);
const WEEKS = Number(process.env.BENCH_ALERTS_WEEKS ?? 30);
/** The first day of the generated series: a Monday, so that offsets 5 and 6 of a week are the weekend. */
const START = '2026-01-05';
/** The chance that an eligible partner's evaluated day carries an injected anomaly. */
const INJECTION_RATE = 1 / 15;
/** Anomalies are injected on partners of at least this many sign-ups on an average weekday. */
const MIN_INJECTED_SIGNUPS = 25;

const ANOMALIES = ['spike', 'drop', 'cac_blowup', 'tracking'] as const;
type Anomaly = (typeof ANOMALIES)[number];

/**
 * The alerts that detect each anomaly: their metrics and direction. A CAC blow-up (spend tripled,
 * FTDs as usual) is detected by CAC up, or by spend up where the FTDs are too few for CAC to be
 * judged: either tells the manager what happened. A tracking outage is detected by tracking, or
 * by sign-ups down (the week-over-week rule has no tracking alert).
 */
const DETECTED_BY: Record<Anomaly, { metrics: readonly string[]; direction: 'up' | 'down' }> = {
  spike: { metrics: ['signups'], direction: 'up' },
  drop: { metrics: ['signups'], direction: 'down' },
  cac_blowup: { metrics: ['cac_usd', 'spend_usd'], direction: 'up' },
  tracking: { metrics: ['tracking', 'signups'], direction: 'down' },
};

interface Partner {
  readonly id: string;
  readonly channel: string;
  /** Mean sign-ups of a weekday. */
  readonly base: number;
  /** Saturday's and Sunday's share of a weekday. */
  readonly weekend: number;
  readonly ftdRate: number;
  readonly cpaUsd: number;
  readonly revenuePerSignupUsd: number;
  /** Weekly drift of the level (log scale). */
  readonly drift: number;
}

/** Sign-ups of a weekday from 0.5 to 150, log-uniform; two partners (organic, unattributed) without spend. */
function drawPartners(rng: Rng): Partner[] {
  return Array.from({ length: PARTNERS }, (_, index) => ({
    id: index === 0 ? 'organic' : index === 1 ? 'unattributed' : `p${String(index).padStart(2, '0')}`,
    channel: index < 2 ? 'none' : rng.pick(['affiliate', 'kol', 'content', 'network']),
    base: Math.exp(rng.between(Math.log(0.5), Math.log(150))),
    // Most partners dip to 60 % on weekends like the program; some barely dip, some dip deeper.
    weekend: rng.pick([0.6, 0.6, 0.6, 0.9, 0.45]),
    ftdRate: rng.between(0.15, 0.4),
    cpaUsd: index < 2 ? 0 : rng.between(20, 120),
    revenuePerSignupUsd: rng.between(5, 30),
    drift: 0.03 * rng.normal(),
  }));
}

/** A negative-binomial count: Poisson with a gamma-distributed mean (shape `k`). */
function negativeBinomial(rng: Rng, mean: number, k: number): number {
  return mean <= 0 ? 0 : rng.poisson(rng.gamma(k, mean / k));
}

function binomial(rng: Rng, n: number, p: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (rng.chance(p)) count++;
  return count;
}

type Series = Record<SeriesMetric, number[]>;

interface Injection {
  readonly partnerId: string;
  readonly day: number;
  readonly anomaly: Anomaly;
}

/** Every partner's daily series over the weeks, with the anomalies injected when `inject` is set. */
function generateSeries(
  partners: readonly Partner[],
  inject: boolean,
): {
  series: Map<string, Series>;
  injections: Injection[];
} {
  const days = WEEKS * 7;
  const series = new Map<string, Series>();
  const injections: Injection[] = [];
  for (const partner of partners) {
    // Each partner's noise and injections have their own streams: the clean run draws the same noise.
    const noise = new Rng(SEED, `alerts:${partner.id}`);
    const chooser = new Rng(SEED, `alerts:inject:${partner.id}`);
    const values: Series = perMetric(() => new Array<number>(days).fill(0));
    for (let day = 0; day < days; day++) {
      const weekday = day % 7;
      const seasonal = weekday >= 5 ? partner.weekend : 1;
      const level = partner.base * Math.exp(partner.drift * (day / 7));
      let signups = negativeBinomial(noise, level * seasonal, 30);
      const spendBase = partner.cpaUsd * level * noise.lognormal(0, 0.05);
      let spend = spendBase;
      const revenueShape = 4 + level;
      const revenue =
        level * seasonal * partner.revenuePerSignupUsd * noise.gamma(revenueShape, 1 / revenueShape);
      const roll = chooser.uniform();
      const pick = chooser.pick(ANOMALIES);
      const eligible =
        inject &&
        day >= HISTORY_DAYS &&
        partner.base >= MIN_INJECTED_SIGNUPS &&
        (pick !== 'cac_blowup' && pick !== 'tracking' ? true : partner.cpaUsd > 0);
      let ftdFactor = 1;
      if (eligible && roll < INJECTION_RATE) {
        injections.push({ partnerId: partner.id, day, anomaly: pick });
        if (pick === 'spike') signups = Math.round(signups * 2.5);
        else if (pick === 'drop') signups = Math.round(signups * 0.25);
        else if (pick === 'cac_blowup') spend *= 3;
        else {
          signups = 0;
          ftdFactor = 0.3;
        }
      }
      values.signups[day] = signups;
      values.ftds[day] = Math.round(binomial(noise, signups, partner.ftdRate) * ftdFactor);
      values.spend_usd[day] = spend;
      values.net_revenue_usd[day] = revenue;
    }
    series.set(partner.id, values);
  }
  return { series, injections };
}

/** The scopes of day `day`: each partner, each channel, and the program, over [day - 28, day]. */
function scopesOf(partners: readonly Partner[], series: Map<string, Series>, day: number): ScopeSeries[] {
  const window = (values: Series) => perMetric((metric) => values[metric].slice(day - HISTORY_DAYS, day + 1));
  const partnerScopes = partners.map((partner) => ({
    scope: 'partner' as AlertScope,
    scopeId: partner.id,
    series: window(series.get(partner.id) as Series),
  }));
  const sum = (members: readonly ScopeSeries[]) =>
    perMetric((metric) =>
      Array.from({ length: HISTORY_DAYS + 1 }, (_, i) =>
        members.reduce((total, member) => total + (member.series[metric][i] as number), 0),
      ),
    );
  const channels = [...new Set(partners.filter((p) => p.channel !== 'none').map((p) => p.channel))].map(
    (channel) => ({
      scope: 'channel' as AlertScope,
      scopeId: channel,
      series: sum(partnerScopes.filter((_, i) => partners[i]?.channel === channel)),
    }),
  );
  return [{ scope: 'all', scopeId: 'all', series: sum(partnerScopes) }, ...channels, ...partnerScopes];
}

/** A partner-level alert of a day, as the truth is matched against it. */
interface RaisedAlert {
  readonly partnerId: string;
  readonly day: number;
  readonly metric: string;
  readonly direction: 'up' | 'down';
}

/**
 * The old digest rule, per partner and metric (CAC as spend / FTDs): a change of more than 25 %
 * against the same day a week earlier, or against the mean of the 7 days before; up is either way.
 */
function weekOverWeekAlerts(
  partners: readonly Partner[],
  series: Map<string, Series>,
  day: number,
): RaisedAlert[] {
  const out: RaisedAlert[] = [];
  for (const partner of partners) {
    const values = series.get(partner.id) as Series;
    const of = (metric: SeriesMetric | 'cac_usd', d: number) =>
      metric === 'cac_usd'
        ? (values.ftds[d] as number) > 0
          ? (values.spend_usd[d] as number) / (values.ftds[d] as number)
          : Number.NaN
        : (values[metric][d] as number);
    for (const metric of [...SERIES_METRICS, 'cac_usd'] as const) {
      const today = of(metric, day);
      const lastWeek = of(metric, day - 7);
      const previous = [1, 2, 3, 4, 5, 6, 7].map((back) => of(metric, day - back));
      const mean = previous.reduce((a, b) => a + b, 0) / 7;
      const changed = (reference: number) =>
        Number.isFinite(today) &&
        Number.isFinite(reference) &&
        reference > 0 &&
        Math.abs(today / reference - 1) > 0.25;
      if (changed(lastWeek) || changed(mean)) {
        out.push({ partnerId: partner.id, day, metric, direction: today > lastWeek ? 'up' : 'down' });
      }
    }
  }
  return out;
}

interface Scores {
  readonly recall: number;
  readonly recallByAnomaly: Record<Anomaly, string>;
  readonly precision: number;
  readonly falsePerTwentyPartnerWeeks: number;
}

/**
 * Recall: the injected anomalies whose partner and day got the alert that detects them (metric and
 * direction). Precision: the partner-days with any alert that carry an injection. False alerts: the
 * partner-level alerts of the clean series, per 20 partners and week.
 */
function score(
  injections: readonly Injection[],
  raised: readonly RaisedAlert[],
  cleanRaised: readonly RaisedAlert[],
  evaluatedDays: number,
): Scores {
  const key = (partnerId: string, day: number) => `${partnerId}|${day}`;
  const injected = new Set(injections.map((injection) => key(injection.partnerId, injection.day)));
  const detected = (injection: Injection) =>
    raised.some(
      (alert) =>
        alert.partnerId === injection.partnerId &&
        alert.day === injection.day &&
        DETECTED_BY[injection.anomaly].metrics.includes(alert.metric) &&
        alert.direction === DETECTED_BY[injection.anomaly].direction,
    );
  const recallByAnomaly = Object.fromEntries(
    ANOMALIES.map((anomaly) => {
      const ofKind = injections.filter((injection) => injection.anomaly === anomaly);
      return [anomaly, `${ofKind.filter(detected).length}/${ofKind.length}`];
    }),
  ) as Record<Anomaly, string>;
  const alertedDays = new Set(raised.map((alert) => key(alert.partnerId, alert.day)));
  const truePositives = [...alertedDays].filter((day) => injected.has(day)).length;
  return {
    recall: injections.filter(detected).length / injections.length,
    recallByAnomaly,
    precision: alertedDays.size === 0 ? 0 : truePositives / alertedDays.size,
    falsePerTwentyPartnerWeeks: (cleanRaised.length / (PARTNERS * (evaluatedDays / 7))) * 20,
  };
}

function partnerAlerts(alerts: readonly KpiAlert[], day: number): RaisedAlert[] {
  return alerts
    .filter((alert) => alert.scope === 'partner')
    .map((alert) => ({ partnerId: alert.scopeId, day, metric: alert.metric, direction: alert.direction }));
}

/**
 * Generates the series twice from one seed (with and without injections; the noise is the same),
 * runs kpiAlerts and the week-over-week rule on every day after the first four weeks, and prints
 * recall, precision and the clean series' false partner-level alerts per 20 partners and week.
 */
export async function benchAlerts(): Promise<void> {
  const started = performance.now();
  const partners = drawPartners(new Rng(SEED, 'alerts:partners'));
  const injectedRun = generateSeries(partners, true);
  const cleanRun = generateSeries(partners, false);
  const days = WEEKS * 7;
  const raised: RaisedAlert[] = [];
  const cleanRaised: RaisedAlert[] = [];
  const oldRaised: RaisedAlert[] = [];
  const oldCleanRaised: RaisedAlert[] = [];
  const falseByMetric = new Map<string, number>();
  for (let day = HISTORY_DAYS; day < days; day++) {
    const runDate = addDays(START, day);
    raised.push(...partnerAlerts(kpiAlerts(runDate, scopesOf(partners, injectedRun.series, day)), day));
    const clean = partnerAlerts(kpiAlerts(runDate, scopesOf(partners, cleanRun.series, day)), day);
    cleanRaised.push(...clean);
    for (const alert of clean) falseByMetric.set(alert.metric, (falseByMetric.get(alert.metric) ?? 0) + 1);
    oldRaised.push(...weekOverWeekAlerts(partners, injectedRun.series, day));
    oldCleanRaised.push(...weekOverWeekAlerts(partners, cleanRun.series, day));
  }
  const evaluatedDays = days - HISTORY_DAYS;
  const ours = score(injectedRun.injections, raised, cleanRaised, evaluatedDays);
  const old = score(injectedRun.injections, oldRaised, oldCleanRaised, evaluatedDays);
  const eligible = partners.filter((partner) => partner.base >= MIN_INJECTED_SIGNUPS).length;
  const row = (name: string, s: Scores) =>
    `| ${name} | ${s.recall.toFixed(3)} | ${s.precision.toFixed(3)} | ${s.falsePerTwentyPartnerWeeks.toFixed(2)} | ` +
    `${ANOMALIES.map((anomaly) => s.recallByAnomaly[anomaly]).join(' | ')} |`;
  const lines = [
    `alerts: seed ${SEED}, ${PARTNERS} partners (${eligible} with >= ${MIN_INJECTED_SIGNUPS} weekday sign-ups get injections), ` +
      `${WEEKS} weeks, ${evaluatedDays} evaluated days, ${injectedRun.injections.length} injected anomalies`,
    '| rule | recall | precision | false partner alerts / 20 partners / week (clean) | spike | drop | cac_blowup | tracking |',
    '|---|---|---|---|---|---|---|---|',
    row('kpi_alerts (lambdas/alerts)', ours),
    row('baseline: > 25 % vs same day last week or previous 7 days', old),
    `false alerts on the clean series by metric: ${[...falseByMetric].map(([metric, n]) => `${metric} ${n}`).join(', ') || 'none'}`,
    `elapsed ${((performance.now() - started) / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
