/**
 * The growthlake command line (docs/contract.md, Command line): a thin face over the pipeline.
 * Every command exits 0 on success and 1 with a one-line error on failure.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { INPUT_KINDS, isInputKind } from '../lambdas/contract/input-kinds.ts';
import { commandLine } from './cli/command-line.ts';
import { formatRows, OUTPUT_FORMATS, type OutputFormat } from './cli/format.ts';
import { registerGenerate } from './cli/generate-command.ts';
import { registerRunCommands } from './cli/run-commands.ts';

// Each command imports what it runs inside its action: a command loads only its own modules, so
// `growthlake query` and `--help` do not pay for the ingest, the pipeline or the AWS SDK.

function lakeOption(): Option {
  return new Option('--lake <dir>', 'the lake directory (default: $GROWTHLAKE_LAKE or ./lake)');
}

const program = new Command('growthlake')
  .description(
    'Growth analytics for affiliate and KOL programs: cohort LTV, CAC, ROI, segments and budget advice.',
  )
  .exitOverride()
  .configureOutput({ outputError: () => undefined });

program
  .command('ingest')
  .description(`ingest input files of one kind (${INPUT_KINDS.join('|')}) into the lake`)
  .argument('<kind>', INPUT_KINDS.join('|'), (value: string) => {
    if (!isInputKind(value)) throw new InvalidArgumentError(`kind must be one of ${INPUT_KINDS.join(', ')}`);
    return value;
  })
  .argument('<files...>', 'files to ingest (events: .jsonl/.ndjson, optionally .gz; others: .csv)')
  .addOption(lakeOption())
  .addOption(new Option('--config <file>', 'run configuration (JSON): where the pseudonymization key is'))
  .action(async (kind, files: string[], options: { lake?: string; config?: string }) => {
    const [
      { ingestFile },
      { loadRunConfig },
      { INGEST_ENGINE_OPTIONS, openLocalLake, resolveLakeDir },
      { byteProgress },
    ] = await Promise.all([
      import('../lambdas/ingest/ingest.ts'),
      import('../lambdas/pipeline/load-run-config.ts'),
      import('../lambdas/pipeline/local-lake.ts'),
      import('./cli/progress.ts'),
    ]);
    const config = await loadRunConfig(options.config);
    const lake = await openLocalLake(resolveLakeDir(options.lake), {
      ...INGEST_ENGINE_OPTIONS,
      writer: commandLine(),
      pseudonymization: config.pseudonymization,
    });
    try {
      for (const file of files) {
        const progress = byteProgress(`ingest ${kind}`);
        let result: Awaited<ReturnType<typeof ingestFile>>;
        try {
          result = await ingestFile({ ...lake, onProgress: progress.update }, kind, file);
        } finally {
          progress.stop();
        }
        const note = result.alreadyIngested ? '  (already ingested: nothing changed)' : '';
        process.stdout.write(
          `${file}: ${kind} read=${result.rowsRead} accepted=${result.rowsAccepted} ` +
            `duplicate=${result.rowsDuplicate} quarantined=${result.rowsQuarantined}${note}\n`,
        );
      }
    } finally {
      await lake.close();
    }
  });

program
  .command('query')
  .description('run a read-only SQL query (Trino dialect) over the lake tables')
  .argument('<sql>', 'one SELECT statement')
  .addOption(lakeOption())
  .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
  .action(async (sql: string, options: { lake?: string; format: OutputFormat }) => {
    const { openLocalLake, resolveLakeDir } = await import('../lambdas/pipeline/local-lake.ts');
    // A reader: only the tables the query names get their views (see DuckDbEngineOptions.lazyTables).
    const lake = await openLocalLake(resolveLakeDir(options.lake), { lazyTables: true });
    try {
      const { columns, rows } = await lake.engine.queryReadOnly(sql);
      process.stdout.write(formatRows(rows, columns, options.format));
    } finally {
      await lake.close();
    }
  });

registerRunCommands(program);
registerGenerate(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end the parse "successfully" through the same path.
    if (error.exitCode === 0) process.exit(0);
    process.stderr.write(
      `growthlake: ${error.message.replace(/^error: /, '').split('\n')[0]} (see growthlake --help)\n`,
    );
  } else process.stderr.write(`growthlake: ${(error as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
