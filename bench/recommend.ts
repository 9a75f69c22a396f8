import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GroundTruthSchema, generate, inputFiles } from '../lambdas/generate/generate.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../lambdas/pipeline/transform.ts';
import { allocateBudget } from '../lambdas/recommend/allocate.ts';
import type { PartnerBudgetInput } from '../lambdas/recommend/allocation-types.ts';
import { recommendBudgets } from '../lambdas/recommend/recommend.ts';
import {
  type HillParameters,
  hillInflectionSpend,
  hillMarginalValue,
  hillValue,
} from '../lambdas/recommend/response-curve.ts';

const BENCH_DIR = join(import.meta.dirname, '..', '.bench', 'recommend');
const END = '2026-11-21';
const SEEDS = (process.env.BENCH_RECOMMEND_SEEDS ?? '5,6,7').split(',').map(Number);

interface SeedResult {
  readonly seed: number;
  readonly current: number;
  readonly recommended: number;
  readonly optimum: number;
  readonly share: number;
}

/** One data set: generate with known curves, run the pipeline, value its recommendation with the truth. */
async function benchSeed(seed: number): Promise<SeedResult> {
  const root = join(BENCH_DIR, `seed-${seed}`);
  await rm(root, { recursive: true, force: true });
  const generated = await generate({
    outDir: join(root, 'input'),
    endDate: END,
    days: 120,
    users: 12_000,
    partners: 10,
    seed,
  });
  const truth = GroundTruthSchema.parse(
    JSON.parse(await readFile(join(root, 'input', 'truth.json'), 'utf8')),
  );
  const lake = await openLocalLake(join(root, 'lake'));
  for (const file of inputFiles(generated)) await ingestFile(lake, file.kind, join(root, 'input', file.path));
  await transformAndMeasure(lake.engine, END);
  const report = await recommendBudgets(lake.engine, END, {});
  await lake.close();

  // The true daily value of a spend level: signups from the true Hill curve x true 180-day value per signup.
  const trueCurves = new Map<string, HillParameters>(
    truth.partners.map((p) => [
      p.partnerId,
      {
        vmaxUsd: p.hill.maxSignups * p.expectedNetRevenue180dPerUserUsd,
        ec50Usd: p.hill.halfSaturationUsd,
        k: p.hill.exponent,
      },
    ]),
  );
  const trueValue = (partnerId: string, spend: number) => {
    const curve = trueCurves.get(partnerId);
    return curve === undefined ? 0 : hillValue(curve, spend);
  };
  const total = (spend: (partnerId: string) => number) =>
    report.allocation.partners.reduce((sum, p) => sum + trueValue(p.partnerId, spend(p.partnerId)), 0);
  const recommended = new Map(report.allocation.partners.map((p) => [p.partnerId, p.recommendedSpendUsd]));
  const current = new Map(report.allocation.partners.map((p) => [p.partnerId, p.currentSpendUsd]));

  // The achievable optimum: the same constraints (budget, registry bounds, max change, paused), true curves.
  const inputs: PartnerBudgetInput[] = report.allocation.partners.map((p) => {
    const registry = truth.partners.find((t) => t.partnerId === p.partnerId);
    const curve = trueCurves.get(p.partnerId) as HillParameters;
    const bounds = report.bounds.get(p.partnerId) ?? { min: null, max: null };
    return {
      partnerId: p.partnerId,
      status: registry?.status ?? p.status,
      currentSpendUsd: p.currentSpendUsd,
      minDailyBudgetUsd: bounds.min,
      maxDailyBudgetUsd: bounds.max,
      spendDataDays: 365,
      response: {
        curve: {
          value: (s) => hillValue(curve, s),
          marginal: (s) => hillMarginalValue(curve, s),
          inflectionSpendUsd: hillInflectionSpend(curve),
        },
        trustedSpendRange: { minUsd: 0, maxUsd: Number.MAX_SAFE_INTEGER },
        rSquared: 1,
      },
    };
  });
  const optimum = allocateBudget(inputs, report.allocation.config);
  const optimal = new Map(optimum.partners.map((p) => [p.partnerId, p.recommendedSpendUsd]));
  const valueCurrent = total((id) => current.get(id) ?? 0);
  const valueRecommended = total((id) => recommended.get(id) ?? 0);
  const valueOptimum = total((id) => optimal.get(id) ?? 0);
  return {
    seed,
    current: valueCurrent,
    recommended: valueRecommended,
    optimum: valueOptimum,
    share: (valueRecommended - valueCurrent) / (valueOptimum - valueCurrent),
  };
}

/** The share of the achievable gain the recommendation captures, on data with known response curves. */
export async function benchRecommend(): Promise<void> {
  const results: SeedResult[] = [];
  for (const seed of SEEDS) results.push(await benchSeed(seed));
  const usd = (n: number) => `$${n.toFixed(0)}`;
  const lines = results.map(
    (r) =>
      `  seed ${r.seed}: true daily 180-day value at current spend ${usd(r.current)}, recommended ${usd(r.recommended)}, ` +
      `optimum ${usd(r.optimum)}; share of achievable gain ${r.share.toFixed(2)}`,
  );
  const gains = results.reduce((s, r) => s + (r.recommended - r.current), 0);
  const achievable = results.reduce((s, r) => s + (r.optimum - r.current), 0);
  process.stdout.write(
    [
      'bench recommend: 120 days, 12,000 users, 10 partners with known Hill curves and per-user values (truth.json)',
      ...lines,
      `  pooled share of the achievable gain captured: ${(gains / achievable).toFixed(2)} (target >= 0.8)`,
    ].join('\n') + '\n',
  );
}
