import { join } from 'node:path';
import { addDays } from '../contract/dates.ts';
import { type GenerateSummary, generate, inputFiles } from '../generate/generate.ts';
import { type IngestContext, type IngestResult, ingestFile } from '../ingest/ingest.ts';
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
  });
  const ingests: IngestResult[] = [];
  const inputs = inputFiles(generated);
  context.log?.(`ingesting ${inputs.length} files`);
  for (const file of inputs) {
    ingests.push(await ingestFile(context, file.kind, join(options.inputDir, file.path)));
  }
  const runDays = options.runDays ?? 7;
  const runs = await backfill(context, addDays(options.endDate, 1 - runDays), options.endDate);
  return { generated, ingests, runs };
}
