import type { RunReport } from '../../lambdas/pipeline/run.ts';
import type { Engine } from '../../lambdas/warehouse/engine.ts';
import { queryFile } from '../../lambdas/warehouse/sql.ts';

const usd = (value: unknown): string =>
  typeof value === 'number' ? `$${value.toLocaleString('en-US', { maximumFractionDigits: 0 })}` : 'n/a';
const pct = (value: unknown): string => (typeof value === 'number' ? `${(value * 100).toFixed(0)}%` : 'n/a');
const signed = (value: unknown): string =>
  typeof value === 'number' ? `${value >= 0 ? '+' : ''}${value.toFixed(2)}` : 'n/a';

/**
 * A short, human summary of a run: headline numbers, best and worst partners, segments, budget
 * moves, audiences, campaign verdicts on their primary metric, outputs.
 */
export async function summarizeRun(engine: Engine, report: RunReport, lakeRoot: string): Promise<string> {
  const params = { run_date: { date: report.runDate } };
  const headline = await engine.query(queryFile('report/headline', params));
  const partners = await engine.query(queryFile('report/top_partners', params));
  const lifecycle = await engine.query(queryFile('report/lifecycle_sizes', params));
  const campaigns = await engine.query(queryFile('report/campaign_verdicts', params));
  const plan = await engine.query(queryFile('report/plan_statuses', params));
  const lines: string[] = [`growthlake run ${report.runDate}`];
  for (const row of headline) {
    lines.push(
      `  last ${row.window_days} days: spend ${usd(row.spend_usd)}, ${row.signups} sign-ups, ${row.ftds} FTDs, ` +
        `CAC ${usd(row.cac_usd)}, net revenue ${usd(row.net_revenue_usd)}, GMV ${usd(row.gmv_usd)}`,
    );
  }
  if (partners.length > 0) {
    const show = (row: (typeof partners)[number]) =>
      `${row.partner_id} (${row.channel ?? 'n/a'}): spend ${usd(row.spend_usd)}, CAC ${usd(row.cac_usd)}, ROI d7 ${pct(row.roi_d7)}, d30 ${pct(row.roi_d30)}`;
    lines.push(`  best 30-day ROI:  ${show(partners[0] as (typeof partners)[number])}`);
    if (partners.length > 1)
      lines.push(`  worst 30-day ROI: ${show(partners[partners.length - 1] as (typeof partners)[number])}`);
  }
  for (const row of plan) {
    const value = String(row.metric).endsWith('_usd') ? usd : (v: unknown) => `${Math.round(Number(v))}`;
    lines.push(
      `  plan ${row.period} ${row.scope} ${row.metric}: ${String(row.status).replace('_', ' ')}, ` +
        `forecast ${value(row.forecast_end)} of ${value(row.target)} (${pct(row.forecast_attainment)})`,
    );
  }
  if (lifecycle.length > 0) {
    lines.push(`  users by lifecycle: ${lifecycle.map((row) => `${row.segment} ${row.users}`).join(', ')}`);
  }
  const moves = report.recommendations.allocation.partners
    .map((partner, i) => ({ partner, reason: report.recommendations.reasons[i] ?? '' }))
    .filter(({ partner }) => partner.changePct !== null && Math.abs(partner.changePct) >= 0.05)
    .sort((a, b) => Math.abs(b.partner.changePct ?? 0) - Math.abs(a.partner.changePct ?? 0))
    .slice(0, 3);
  lines.push(
    moves.length === 0
      ? '  budget: no partner to move by 5% or more tomorrow'
      : `  budget moves for tomorrow:\n${moves.map(({ reason }) => `    - ${reason}`).join('\n')}`,
  );
  for (const audience of report.audiences) {
    const users = `${audience.users} ${audience.users === 1 ? 'user' : 'users'}`;
    lines.push(
      `  audience ${audience.actionId}: ${users} (${audience.heldOut} held out) -> ${lakeRoot}/${audience.key}`,
    );
  }
  for (const row of campaigns) {
    lines.push(
      `  campaign ${row.campaign_id}: ${row.n_treatment} treated, ${row.n_control} control; ${row.metric} ` +
        `${signed(row.uplift_abs)} [${signed(row.ci_low)}, ${signed(row.ci_high)}]: ${row.verdict}`,
    );
  }
  lines.push(`  dashboard: ${lakeRoot}/${report.publication.dashboardKey}`);
  for (const digest of report.publication.digests) {
    lines.push(`  digest for ${digest.email}: ${lakeRoot}/${digest.key}`);
  }
  const delivery = report.publication.delivery;
  if (delivery !== undefined)
    lines.push(`  digests sent: ${delivery.sent.length}, failed: ${delivery.failed.length}`);
  return `${lines.join('\n')}\n`;
}
