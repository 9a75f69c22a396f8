import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { isIsoDate } from '../../lambdas/contract/dates.ts';
import type { DemoContext } from '../../lambdas/pipeline/demo.ts';
import type { LocalLake } from '../../lambdas/pipeline/local-lake.ts';
import type { Mailer } from '../../lambdas/publish/mailer.ts';
import { commandLine } from './command-line.ts';

function runDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('must be a YYYY-MM-DD date');
  return value;
}

/** Yesterday, UTC. */
export function yesterdayUtc(now = new Date()): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

const log = (message: string) => {
  if (process.stderr.isTTY) process.stderr.write(`${message}\n`);
};

/**
 * Digests are also sent when `GROWTHLAKE_SES_ENDPOINT` names an SES API (aws-ses-v2-local, or a
 * regional endpoint with credentials from the environment); otherwise they are only written.
 */
async function mailerFromEnvironment(): Promise<Mailer | undefined> {
  const endpoint = process.env.GROWTHLAKE_SES_ENDPOINT;
  if (endpoint === undefined || endpoint === '') return undefined;
  // Loaded only to send mail: the AWS SDK adds about half a second to every command's start.
  const [{ newSesClient }, { SesMailer }] = await Promise.all([
    import('../../lambdas/aws/clients.ts'),
    import('../../lambdas/aws/ses-mailer.ts'),
  ]);
  return new SesMailer(newSesClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' }));
}

/**
 * Runs `work` on the lake with the run configuration. The pipeline is imported here, not at the
 * top: a command loads only what it runs, so `growthlake query` and `--help` start at once.
 */
async function withLake<T>(
  options: { lake?: string; config?: string },
  work: (lake: LocalLake, context: DemoContext) => Promise<T>,
): Promise<T> {
  const [{ loadRunConfig }, { openLocalLake, resolveLakeDir }] = await Promise.all([
    import('../../lambdas/pipeline/load-run-config.ts'),
    import('../../lambdas/pipeline/local-lake.ts'),
  ]);
  const config = await loadRunConfig(options.config);
  const mailer = await mailerFromEnvironment();
  const lake = await openLocalLake(resolveLakeDir(options.lake), {
    writer: commandLine(),
    pseudonymization: config.pseudonymization,
  });
  try {
    return await work(lake, {
      engine: lake.engine,
      store: lake.store,
      pseudonymizationKey: lake.pseudonymizationKey,
      config,
      log,
      ...(mailer === undefined ? {} : { mailer }),
    });
  } finally {
    await lake.close();
  }
}

const lakeOption = () =>
  new Option('--lake <dir>', 'the lake directory (default: $GROWTHLAKE_LAKE or ./lake)');
const configOption = () =>
  new Option('--config <file>', 'run configuration (JSON): playbooks, recipients, budgets');

/** `growthlake run`, `backfill` and `demo`. */
export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('build every table, audience, dashboard and digest for run date R (idempotent)')
    .requiredOption('--date <YYYY-MM-DD>', 'the run date R: the last day whose data the run covers', runDate)
    .addOption(lakeOption())
    .addOption(configOption())
    .action(async (options: { date: string; lake?: string; config?: string }) => {
      const [{ runDaily }, { summarizeRun }] = await Promise.all([
        import('../../lambdas/pipeline/run.ts'),
        import('./summary.ts'),
      ]);
      await withLake(options, async (lake, context) => {
        const report = await runDaily(context, options.date);
        process.stdout.write(await summarizeRun(lake.engine, report, lake.store.root));
      });
    });

  program
    .command('backfill')
    .description('run every date from --from to --to, in order')
    .requiredOption('--from <YYYY-MM-DD>', 'first run date', runDate)
    .requiredOption('--to <YYYY-MM-DD>', 'last run date', runDate)
    .addOption(lakeOption())
    .addOption(configOption())
    .action(async (options: { from: string; to: string; lake?: string; config?: string }) => {
      if (options.from > options.to) throw new Error(`--from ${options.from} is after --to ${options.to}`);
      const [{ backfill }, { summarizeRun }] = await Promise.all([
        import('../../lambdas/pipeline/run.ts'),
        import('./summary.ts'),
      ]);
      await withLake(options, async (lake, context) => {
        const reports = await backfill(context, options.from, options.to);
        for (const report of reports) {
          process.stdout.write(
            `${report.runDate}: rebuilt ${report.transform.rebuiltDays.length} day(s) of user_daily, ` +
              `state from ${report.transform.stateBase ?? 'scratch'}\n`,
          );
        }
        const last = reports[reports.length - 1];
        if (last !== undefined) process.stdout.write(await summarizeRun(lake.engine, last, lake.store.root));
      });
    });

  program
    .command('demo')
    .description('generate sample data, ingest it, run the most recent days, and show what was published')
    .addOption(lakeOption())
    .option('--end <YYYY-MM-DD>', 'last day of sample data (default: yesterday, UTC)', runDate)
    .action(async (options: { lake?: string; end?: string }) => {
      const [{ runDemo }, { resolveLakeDir }, { summarizeRun }] = await Promise.all([
        import('../../lambdas/pipeline/demo.ts'),
        import('../../lambdas/pipeline/local-lake.ts'),
        import('./summary.ts'),
      ]);
      const lakeDir = resolveLakeDir(options.lake);
      const inputDir = await mkdtemp(join(tmpdir(), 'growthlake-demo-'));
      await withLake({ lake: lakeDir }, async (lake, context) => {
        const demo = await runDemo(context, { inputDir, endDate: options.end ?? yesterdayUtc() });
        const quarantined = demo.ingests.reduce((total, r) => total + r.rowsQuarantined, 0);
        const accepted = demo.ingests.reduce((total, r) => total + r.rowsAccepted, 0);
        process.stdout.write(
          `sample data: ${demo.generated.files.length - 1} files in ${inputDir}; ingested ${accepted} rows, ` +
            `quarantined ${quarantined} with reasons (growthlake query "select reason, count(*) from quarantine group by reason")\n`,
        );
        const last = demo.runs[demo.runs.length - 1];
        if (last !== undefined) process.stdout.write(await summarizeRun(lake.engine, last, lake.store.root));
      });
    });
}
