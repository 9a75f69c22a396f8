import { join } from 'node:path';
import { z } from 'zod';
import { buildGroundTruth } from './build-truth.ts';
import { Calendar } from './calendar.ts';
import { GenerateError } from './errors.ts';
import { writeEventFiles } from './event-files.ts';
import { expectUserValue, type UserValueExpectation } from './expectations.ts';
import { fxCsv, partnersCsv, spendFileText } from './formats.ts';
import { FxRates } from './fx.ts';
import { LTV_HORIZON_DAYS, ORGANIC_SHARE, TRUTH_SAMPLE_USERS, WEEKDAY_FACTORS } from './model.ts';
import { sum } from './numbers.ts';
import { type GenerateOptions, GenerateOptionsSchema, type ResolvedGenerateOptions } from './options.ts';
import { drawPartners, ORGANIC_QUALITY } from './partners.ts';
import { calibrateCurves, expectedSignups, type HillCurve } from './response-curve.ts';
import { Rng } from './rng.ts';
import { planSpend } from './spend.ts';
import { TrackerExports } from './tracker-exports.ts';
import { FRAUD_BIT } from './traffic-quality.ts';
import { writeTextFile } from './writers.ts';

export { GenerateError } from './errors.ts';
export { type GenerateOptions, GenerateOptionsSchema, type ProgressCallback } from './options.ts';
export {
  FRAUD_PATTERNS,
  type FraudInjection,
  type FraudPattern,
  parseFraudOption,
} from './traffic-quality.ts';
export { type GroundTruth, GroundTruthSchema } from './truth.ts';

/** The input kinds (docs/contract.md, Inputs), plus the ground truth (which is not an input). */
export type GeneratedFileKind =
  | 'fx'
  | 'partners'
  | 'spend'
  | 'events'
  | 'tracker-map'
  | 'appsflyer'
  | 'truth';

/** One file written. */
export interface GeneratedFile {
  /** Path under the output folder, with `/` separators. */
  readonly path: string;
  readonly kind: GeneratedFileKind;
  /** Non-blank lines after the header, good and bad. */
  readonly rows: number;
}

/** A generated file that is an input (docs/contract.md, Inputs): everything but truth.json. */
export type GeneratedInputFile = GeneratedFile & { readonly kind: Exclude<GeneratedFileKind, 'truth'> };

/** The files to ingest, in the order to ingest them. */
export function inputFiles(summary: GenerateSummary): GeneratedInputFile[] {
  return summary.files.filter((file): file is GeneratedInputFile => file.kind !== 'truth');
}

/** What `generate` wrote. */
export interface GenerateSummary {
  readonly outDir: string;
  readonly startDate: string;
  readonly endDate: string;
  /**
   * Every file, in the order to ingest them: fx, partners, spend in arrival order (each day's
   * file, then that day's restatement), events by day, when asked the tracker map and the
   * AppsFlyer exports by week; `truth.json` last (not an input).
   */
  readonly files: readonly GeneratedFile[];
  /** Distinct users with events. */
  readonly users: number;
  /** Distinct good events. */
  readonly events: number;
  /** Event rows written: good events, duplicates and bad rows. */
  readonly eventRows: number;
  readonly spendRows: number;
  readonly badEventRows: number;
  readonly badSpendRows: number;
  readonly duplicateEvents: number;
  readonly lateEvents: number;
  readonly restatedSpendRows: number;
}

function parseOptions(options: GenerateOptions): ResolvedGenerateOptions {
  const parsed = GenerateOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new GenerateError(`Invalid generate options: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Organic signups per day: their share of the users, with the weekly pattern. */
function organicDailySignups(calendar: Calendar, total: number): Float64Array {
  const factors = Array.from(
    { length: calendar.days },
    (_, day) => WEEKDAY_FACTORS[calendar.weekdayOf(day)] as number,
  );
  const meanFactor = sum(factors) / calendar.days;
  return Float64Array.from(factors, (factor) => (total / calendar.days) * (factor / meanFactor));
}

/** Expected good events over the period, from each day's expected signups and events per user by age. */
function expectedEventCount(
  calendar: Calendar,
  dailySignups: readonly ArrayLike<number>[],
  values: readonly UserValueExpectation[],
): number {
  let total = 0;
  dailySignups.forEach((signups, index) => {
    const eventsByAge = (values[index] as UserValueExpectation).eventsByAge;
    let cumulative = 0;
    const eventsUpToAge = Float64Array.from(eventsByAge, (events) => (cumulative += events));
    for (let day = 0; day < calendar.days; day++) {
      total += (signups[day] as number) * (eventsUpToAge[calendar.days - 1 - day] as number);
    }
  });
  return total;
}

/**
 * Generates a realistic, deterministic synthetic data set in the input formats (docs/contract.md,
 * Inputs) under `outDir`: `fx.csv`, `partners.csv`, `spend/spend-YYYY-MM-DD.csv` (one day as `.jsonl`)
 * with `spend/spend-YYYY-MM-DD.restated.csv` restatements (named to sort after the files they restate), `events/events-YYYY-MM-DD.jsonl[.gz]`,
 * when `trackers` is set `trackers/tracker-map.csv` and `trackers/appsflyer-YYYY-MM-DD.csv` (weekly),
 * and `truth.json` (see {@link GroundTruthSchema}). The same options give byte-identical files.
 *
 * @throws GenerateError when the options are invalid or a file cannot be written
 */
export async function generate(options: GenerateOptions): Promise<GenerateSummary> {
  const settings = parseOptions(options);
  const { seed, days, outDir } = settings;
  const calendar = new Calendar(settings.endDate, days);
  const partners = drawPartners(settings.partners, days, settings.users / days, new Rng(seed, 'partners'));
  const fraudBits = partners.map(() => 0);
  for (const { partnerId, pattern } of settings.fraud) {
    const p = partners.findIndex((partner) => partner.partnerId === partnerId);
    if (p < 0) {
      throw new GenerateError(
        `cannot inject ${pattern} into ${partnerId}: the partners are ${partners.map((x) => x.partnerId).join(', ')}`,
      );
    }
    fraudBits[p] = (fraudBits[p] as number) | FRAUD_BIT[pattern];
  }
  const fx = new FxRates(calendar, new Rng(seed, 'fx'));
  const spend = planSpend(partners, calendar, fx, new Rng(seed, 'spend'));
  const curves = calibrateCurves(partners, spend.dailySpendUsd, (1 - ORGANIC_SHARE) * settings.users);
  const organicExpected = organicDailySignups(calendar, ORGANIC_SHARE * settings.users);
  const truthRng = new Rng(seed, 'truth');
  const ages = Math.max(LTV_HORIZON_DAYS + 1, days);
  const values = [...partners.map((partner) => partner.quality), ORGANIC_QUALITY].map((quality) =>
    expectUserValue(quality, ages, TRUTH_SAMPLE_USERS, truthRng),
  );
  const expectedDaily = [
    ...partners.map((_, p) =>
      (spend.dailySpendUsd[p] as Float64Array).map((s) => expectedSignups(s, curves[p] as HillCurve)),
    ),
    organicExpected,
  ];

  const files: GeneratedFile[] = [];
  const fxRows = fx.rows();
  await writeTextFile(join(outDir, 'fx.csv'), fxCsv(fxRows));
  files.push({ path: 'fx.csv', kind: 'fx', rows: fxRows.length });
  await writeTextFile(join(outDir, 'partners.csv'), partnersCsv(partners));
  files.push({ path: 'partners.csv', kind: 'partners', rows: partners.length });
  for (const file of spend.files) {
    await writeTextFile(join(outDir, file.path), spendFileText(file));
    files.push({ path: file.path, kind: 'spend', rows: file.rows.length });
  }
  const trackers = settings.trackers ? new TrackerExports() : null;
  const events = await writeEventFiles({
    outDir,
    seed,
    calendar,
    partners,
    curves,
    dailySpendUsd: spend.dailySpendUsd,
    organicDailySignups: organicExpected,
    expectedEvents: expectedEventCount(calendar, expectedDaily, values),
    onProgress: settings.onProgress,
    fraudBits,
    onDayLines: trackers === null ? undefined : (lines) => trackers.observe(lines),
  });
  for (const file of events.files) files.push({ path: file.path, kind: 'events', rows: file.rowsRead });
  if (trackers !== null) files.push(...(await trackers.write(outDir, calendar, partners, seed)));

  const truth = buildGroundTruth(settings, calendar, {
    partners,
    curves,
    spend,
    values,
    organicExpected,
    events,
  });
  await writeTextFile(join(outDir, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  files.push({ path: 'truth.json', kind: 'truth', rows: 1 });
  return {
    outDir,
    startDate: calendar.dateOf(0),
    endDate: calendar.dateOf(days - 1),
    files,
    users: truth.users.total,
    events: truth.events.goodEvents,
    eventRows: truth.events.rowsRead,
    spendRows: truth.spend.rowsRead,
    badEventRows: truth.events.rowsQuarantined,
    badSpendRows: truth.spend.rowsQuarantined,
    duplicateEvents: truth.events.rowsDuplicate,
    lateEvents: truth.events.lateEvents,
    restatedSpendRows: truth.spend.restatedRows,
  };
}
