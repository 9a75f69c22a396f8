import { type Command, InvalidArgumentError } from 'commander';
import {
  FRAUD_PATTERNS,
  type FraudInjection,
  parseFraudOption,
} from '../../lambdas/generate/fraud-option.ts';

/** The default last day of generated data: fixed, so the same options always give the same files. */
const DEFAULT_GENERATE_END = '2026-11-21';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function fraudInjections(value: string): FraudInjection[] {
  try {
    return parseFraudOption(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('must be a YYYY-MM-DD date');
  return value;
}

/** `growthlake generate`: writes a synthetic data set in the contract's input formats. */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('write a realistic synthetic data set (partners, FX, spend, events) in the contract formats')
    .requiredOption('--out <dir>', 'directory to write into')
    .option('--days <n>', 'days of history', positiveInteger, 60)
    .option('--users <n>', 'users who sign up over the period (about)', positiveInteger, 5000)
    .option('--partners <n>', 'partners in the registry', positiveInteger, 12)
    .option('--seed <n>', 'random seed: the same seed gives the same files', integer, 1)
    .option('--end <date>', 'last day of data, UTC', isoDate, DEFAULT_GENERATE_END)
    .option(
      '--fraud <list>',
      `inject fraud into partners: <partner_id>=<pattern>[+<pattern>] items, comma-separated; patterns: ${FRAUD_PATTERNS.join(', ')}`,
      fraudInjections,
    )
    .option('--trackers', 'also write AppsFlyer raw-data exports and the tracker map under trackers/')
    .action(
      async (options: {
        out: string;
        days: number;
        users: number;
        partners: number;
        seed: number;
        end: string;
        fraud?: FraudInjection[];
        trackers?: boolean;
      }) => {
        const [{ generate }, { byteProgress }] = await Promise.all([
          import('../../lambdas/generate/generate.ts'),
          import('./progress.ts'),
        ]);
        const progress = byteProgress('generate');
        try {
          const summary = await generate({
            outDir: options.out,
            days: options.days,
            users: options.users,
            partners: options.partners,
            seed: options.seed,
            endDate: options.end,
            fraud: options.fraud ?? [],
            trackers: options.trackers ?? false,
            onProgress: (done: number, total: number) => progress.update(done, total),
          });
          progress.stop();
          const count = (kind: string) => summary.files.filter((file) => file.kind === kind).length;
          process.stdout.write(
            `wrote ${summary.files.length} files to ${summary.outDir} for ${summary.startDate}..${summary.endDate}: ` +
              `${count('events')} events files (${summary.eventRows.toLocaleString('en-US')} rows: ` +
              `${summary.badEventRows} bad, ${summary.duplicateEvents} duplicates, ${summary.lateEvents} late), ` +
              `${count('spend')} spend files (${summary.restatedSpendRows} restated rows), partners.csv, fx.csv, truth.json` +
              (options.trackers
                ? `, ${count('appsflyer')} AppsFlyer files and trackers/tracker-map.csv\n`
                : '\n') +
              `ingest in this order: fx, partners, spend (sorted), events (sorted), e.g.\n` +
              `  growthlake ingest fx ${summary.outDir}/fx.csv && growthlake ingest partners ${summary.outDir}/partners.csv && ` +
              `growthlake ingest spend ${summary.outDir}/spend/* && growthlake ingest events ${summary.outDir}/events/*` +
              (options.trackers
                ? ` && growthlake ingest tracker-map ${summary.outDir}/trackers/tracker-map.csv && growthlake ingest appsflyer ${summary.outDir}/trackers/appsflyer-*\n`
                : '\n'),
          );
        } finally {
          progress.stop();
        }
      },
    );
}
