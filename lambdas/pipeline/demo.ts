import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addDays } from '../contract/dates.ts';
import { periodDates } from '../contract/targets.ts';
import { type FraudInjection, type GenerateSummary, generate, inputFiles } from '../generate/generate.ts';
import { type IngestContext, type IngestResult, ingestFile } from '../ingest/ingest.ts';
import { queryFile } from '../warehouse/sql.ts';
import { backfill, type RunContext, type RunReport } from './run.ts';

/** What the demo generates and runs. */
export interface DemoOptions {
  /** Where the sample input files are written. */
  readonly inputDir: string;
  /** The last day of sample data, and the last run date. */
  readonly endDate: string;
  /** @default 60 */
  readonly days?: number;
  /** @default 5000 */
  readonly users?: number;
  /** How many of the most recent days to run. @default 7 */
  readonly runDays?: number;
  /** @default 1 */
  readonly seed?: number;
}

/** What the demo did. */
export interface DemoReport {
  readonly generated: GenerateSummary;
  readonly ingests: readonly IngestResult[];
  readonly runs: readonly RunReport[];
}

/** What the demo needs: a run's context, and the key its ingests pseudonymize ids with. */
export type DemoContext = RunContext & Pick<IngestContext, 'pseudonymizationKey'>;

/**
 * Two partners of the sample registry buy part of their users, so the Quality section, the growth
 * digest and the held budget have something to show: a device farm and sign-up-bonus abuse.
 */
const DEMO_FRAUD: FraudInjection[] = [
  { partnerId: 'kol-003', pattern: 'shared_devices' },
  { partnerId: 'aff-003', pattern: 'bonus_abuse' },
];

/** From nothing: a sample data set, ingested in arrival order, and the daily runs of its last days. */
export async function runDemo(context: DemoContext, options: DemoOptions): Promise<DemoReport> {
  context.log?.('generating sample data');
  const generated = await generate({
    outDir: options.inputDir,
    endDate: options.endDate,
    days: options.days ?? 60,
    users: options.users ?? 5000,
    seed: options.seed ?? 1,
    trackers: true,
    fraud: DEMO_FRAUD,
  });
  const ingests: IngestResult[] = [];
  const inputs = inputFiles(generated);
  context.log?.(`ingesting ${inputs.length} files`);
  for (const file of inputs) {
    ingests.push(await ingestFile(context, file.kind, join(options.inputDir, file.path)));
  }
  const runDays = options.runDays ?? 7;
  ingests.push(
    await ingestDemoTargets(context, options.inputDir, options.endDate, addDays(options.endDate, -runDays)),
  );
  const runs = await backfill(context, addDays(options.endDate, 1 - runDays), options.endDate);
  return { generated, ingests, runs };
}

/** The days of a period `YYYY-MM` or `YYYY-Qn`. */
function daysIn(period: string): number {
  const dates = periodDates(period);
  if (dates === null) throw new RangeError(`${period} is not a period`);
  return (Date.parse(dates.end) - Date.parse(dates.start)) / 86_400_000 + 1;
}

/**
 * A plan for the month and quarter of the demo's last day, from the rates of the 28 days ending on
 * `ratesUntil` (before its runs): a little more sign-ups, a little less GMV and the same KOL
 * spend, so the Plan section has targets on track and off it.
 */
async function ingestDemoTargets(
  context: DemoContext,
  inputDir: string,
  endDate: string,
  ratesUntil: string,
): Promise<IngestResult> {
  const [rates] = await context.engine.query(
    queryFile('run/demo_target_rates', { last_date: { date: ratesUntil } }),
  );
  const month = endDate.slice(0, 7);
  const quarter = `${endDate.slice(0, 4)}-Q${Math.ceil(Number(endDate.slice(5, 7)) / 3)}`;
  const target = (perDay: unknown, period: string, factor: number) =>
    Math.max(1, Math.round(Number(perDay ?? 0) * daysIn(period) * factor));
  const path = join(inputDir, 'targets.csv');
  await writeFile(
    path,
    [
      'period,scope,metric,target',
      `${month},all,signups,${target(rates?.signups_per_day, month, 1.05)}`,
      `${month},all,gmv_usd,${target(rates?.gmv_usd_per_day, month, 0.95)}`,
      `${month},channel:kol,spend_usd,${target(rates?.kol_spend_usd_per_day, month, 1)}`,
      `${quarter},all,gmv_usd,${target(rates?.gmv_usd_per_day, quarter, 1.1)}`,
      '',
    ].join('\n'),
  );
  return ingestFile(context, 'targets', path);
}
