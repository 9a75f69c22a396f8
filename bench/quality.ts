import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays } from '../lambdas/contract/dates.ts';
import { generate, inputFiles } from '../lambdas/generate/generate.ts';
import { drawPartners } from '../lambdas/generate/partners.ts';
import { Rng } from '../lambdas/generate/rng.ts';
import {
  FRAUD_PATTERNS,
  type FraudInjection,
  type FraudPattern,
} from '../lambdas/generate/traffic-quality.ts';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { openLocalLake } from '../lambdas/pipeline/local-lake.ts';
import { transformAndMeasure } from '../lambdas/pipeline/transform.ts';

const BENCH_DIR = join(import.meta.dirname, '..', '.bench', 'quality');
const END = '2026-11-21';
const DAYS = 60;
const PARTNERS = Number(process.env.BENCH_QUALITY_PARTNERS ?? 24);
const USERS = Number(process.env.BENCH_QUALITY_USERS ?? 24_000);
const SEED = Number(process.env.BENCH_QUALITY_SEED ?? 5);

/** The partner_quality flag each injected pattern should raise (docs/contract.md, partner_quality). */
const FLAG_OF: Record<FraudPattern, string> = {
  bonus_abuse: 'bonus_abuse',
  fast_signups: 'fast_signups',
  shared_devices: 'shared_devices',
  shared_funding: 'shared_funding',
};

interface PartnerRow {
  partnerId: string;
  signups: number;
  ftdRate: number | null;
  flags: string[];
  qualityScore: number | null;
}

/**
 * The area under the ROC curve of `score` as a test that tells clean partners (higher is cleaner)
 * from injected ones: the chance that a random clean partner scores above a random injected one,
 * ties counting half. 1 separates them perfectly, 0.5 is a coin.
 */
export function cleanAboveInjectedAuc(clean: readonly number[], injected: readonly number[]): number {
  let wins = 0;
  for (const c of clean) for (const i of injected) wins += c > i ? 1 : c === i ? 0.5 : 0;
  return wins / (clean.length * injected.length);
}

/**
 * Fraud detection on generated data: every other partner gets one injected pattern (the four
 * patterns in turn), the others stay clean; one run at the end date, then per pattern the share of
 * injected partners (with >= 20 sign-ups in C) that get its flag, the share of clean partners with
 * any flag, and how well quality_score ranks clean above injected partners (AUC) against the
 * baseline of ranking by FTD rate alone, measured on the same partners.
 */
export async function benchQuality(): Promise<void> {
  await rm(BENCH_DIR, { recursive: true, force: true });
  const input = join(BENCH_DIR, 'input');
  // The generator draws the registry from the seed alone, so the ids are known before it runs.
  const ids = drawPartners(PARTNERS, DAYS, USERS / DAYS, new Rng(SEED, 'partners')).map((p) => p.partnerId);
  const injected = new Map<string, FraudPattern>();
  ids.forEach((id, index) => {
    if (index % 2 === 0)
      injected.set(id, FRAUD_PATTERNS[(index / 2) % FRAUD_PATTERNS.length] as FraudPattern);
  });
  const fraud: FraudInjection[] = [...injected].map(([partnerId, pattern]) => ({ partnerId, pattern }));
  const started = performance.now();
  const generated = await generate({
    outDir: input,
    endDate: END,
    days: DAYS,
    users: USERS,
    partners: PARTNERS,
    seed: SEED,
    fraud,
  });
  const lake = await openLocalLake(join(BENCH_DIR, 'lake'));
  // Everything but END's files, a run of the day before (a build from scratch), then END's files and
  // its run: a daily run, whose steps are timed.
  const files = inputFiles(generated);
  const isLast = (path: string) => path.includes(END);
  for (const file of files.filter((f) => !isLast(f.path)))
    await ingestFile(lake, file.kind, join(input, file.path));
  const runStarted = performance.now();
  await transformAndMeasure(lake.engine, addDays(END, -1));
  for (const file of files.filter((f) => isLast(f.path)))
    await ingestFile(lake, file.kind, join(input, file.path));
  const daily = await transformAndMeasure(lake.engine, END);
  const runSeconds = (performance.now() - runStarted) / 1000;
  const stepSeconds = (name: string) =>
    daily.steps.filter((step) => step.step === name).reduce((sum, step) => sum + step.elapsedMs, 0) / 1000;
  const rows: PartnerRow[] = (
    await lake.engine.query(
      `select partner_id, signups, ftd_rate, flags, quality_score from partner_quality where run_date = date '${END}'`,
    )
  )
    .filter((row) => ids.includes(String(row.partner_id)))
    .map((row) => ({
      partnerId: String(row.partner_id),
      signups: Number(row.signups),
      ftdRate: row.ftd_rate === null ? null : Number(row.ftd_rate),
      flags: String(row.flags) === '' ? [] : String(row.flags).split(','),
      qualityScore: row.quality_score === null ? null : Number(row.quality_score),
    }));
  await lake.close();

  const eligible = rows.filter((row) => row.signups >= 20);
  const clean = eligible.filter((row) => !injected.has(row.partnerId));
  const lines = [
    `bench quality: ${DAYS} days, ${USERS.toLocaleString('en-US')} users, ${PARTNERS} partners (seed ${SEED}); ` +
      `every other partner injected with one pattern; runs of ${addDays(END, -1)} and ${END} in ` +
      `${runSeconds.toFixed(1)} s (${((runStarted - started) / 1000).toFixed(0)} s generating and ingesting)`,
    `  the daily run of ${END}: identifier_users ${stepSeconds('identifier_users').toFixed(2)} s (folding ` +
      `${daily.identifierDates.join(', ')}), signup_clicks ${stepSeconds('signup_clicks').toFixed(2)} s, user_quality_signals ${stepSeconds('user_quality_signals').toFixed(2)} s, ` +
      `partner_quality ${stepSeconds('partner_quality').toFixed(2)} s, user_risk_flags ${stepSeconds('user_risk_flags').toFixed(2)} s; ` +
      `baseline user_state ${stepSeconds('user_state').toFixed(2)} s`,
    `  partners with >= 20 sign-ups in C: ${eligible.length} of ${rows.length} (${clean.length} clean)`,
    `  ${'pattern'.padEnd(16)} ${'injected'.padStart(8)} ${'its flag'.padStart(9)} ${'any flag'.padStart(9)}`,
  ];
  for (const pattern of FRAUD_PATTERNS) {
    const mine = eligible.filter((row) => injected.get(row.partnerId) === pattern);
    const withFlag = mine.filter((row) => row.flags.includes(FLAG_OF[pattern])).length;
    const withAny = mine.filter((row) => row.flags.length > 0).length;
    lines.push(
      `  ${pattern.padEnd(16)} ${String(mine.length).padStart(8)} ${`${withFlag}/${mine.length}`.padStart(9)} ${`${withAny}/${mine.length}`.padStart(9)}`,
    );
  }
  const cleanFlagged = clean.filter((row) => row.flags.length > 0);
  lines.push(
    `  ${'clean'.padEnd(16)} ${String(clean.length).padStart(8)} ${''.padStart(9)} ${`${cleanFlagged.length}/${clean.length}`.padStart(9)}` +
      (cleanFlagged.length > 0
        ? `  (${cleanFlagged.map((row) => `${row.partnerId}: ${row.flags.join('+')}`).join('; ')})`
        : ''),
  );
  const auc = (score: (row: PartnerRow) => number | null) => {
    const scored = eligible.filter((row) => score(row) !== null);
    return cleanAboveInjectedAuc(
      scored.filter((row) => !injected.has(row.partnerId)).map((row) => score(row) as number),
      scored.filter((row) => injected.has(row.partnerId)).map((row) => score(row) as number),
    );
  };
  lines.push(
    `  AUC, clean ranked above injected: quality_score ${auc((row) => row.qualityScore).toFixed(3)}, ` +
      `baseline ftd_rate ${auc((row) => row.ftdRate).toFixed(3)}`,
  );
  for (const pattern of FRAUD_PATTERNS) {
    const subset = eligible.filter(
      (row) => !injected.has(row.partnerId) || injected.get(row.partnerId) === pattern,
    );
    const subsetAuc = (score: (row: PartnerRow) => number | null) =>
      cleanAboveInjectedAuc(
        subset.filter((row) => !injected.has(row.partnerId)).map((row) => score(row) ?? 0),
        subset.filter((row) => injected.has(row.partnerId)).map((row) => score(row) ?? 0),
      );
    lines.push(
      `    ${pattern.padEnd(16)} quality_score ${subsetAuc((row) => row.qualityScore).toFixed(3)}, ftd_rate ${subsetAuc((row) => row.ftdRate).toFixed(3)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
