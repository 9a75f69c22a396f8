/**
 * A growthlake Lambda: one handler of `lambdas/handlers/`, bundled by esbuild (local, no Docker) as
 * a minified, tree-shaken ESM file for nodejs22.x on ARM64, with its own role and log group.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/** The repository root: bundling reads `lambdas/`, `queries/`, `node_modules/` and the lockfile from it. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The bundle's stand-in for `import.meta.url`. The core finds `queries/` and Chart.js relative to
 * its own module (`lambdas/<module>/x.ts`, two levels under the root); in the single-file bundle
 * every module answers as `lambdas/bundle/index.mjs` beside the bundle, so `../../queries` is the
 * `queries/` copied next to `index.mjs` and `node_modules/chart.js` resolves there too.
 */
const MODULE_URL = '__growthlakeModuleUrl';

/**
 * Lines prepended to the bundle: `require` for the CommonJS dependencies esbuild inlines into the
 * ESM output (they require Node builtins), and the module URL above.
 */
const ESM_BANNER = [
  "import { createRequire as __growthlakeCreateRequire } from 'node:module';",
  'const require = __growthlakeCreateRequire(import.meta.url);',
  `const ${MODULE_URL} = new URL('./lambdas/bundle/index.mjs', import.meta.url).href;`,
].join(' ');

/** Properties of {@link GrowthlakeFunction}. */
export interface GrowthlakeFunctionProps {
  /** The handler file under `lambdas/handlers/`, without `.ts`: `ingest`, `transform`, ... */
  readonly handler: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Memory, MiB (1769 MiB buys one full vCPU).
   * @default 1769
   */
  readonly memorySize?: number;
  /**
   * @default Duration.minutes(15) - Lambda's maximum: Athena steps wait on queries
   */
  readonly timeout?: Duration;
  /**
   * The function's /tmp.
   * @default Size.mebibytes(512)
   */
  readonly ephemeralStorageSize?: Size;
  /**
   * Concurrency reserved for (and capping) the function.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Where asynchronous invocations that failed every retry go. Its key, if any, is granted too.
   * @default - none: the function is invoked synchronously
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Retries of a failed asynchronous invocation (with a dead-letter queue only).
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long an asynchronous invocation may wait (throttled by reserved concurrency) before it
   * goes to the dead-letter queue (with a dead-letter queue only).
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /**
   * Log retention.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Leave `@aws-sdk/*` out of the bundle and use the SDK v3 the runtime ships.
   * @default true
   */
  readonly externalAwsSdk?: boolean;
  /**
   * Copy Chart.js next to the bundle, for the dashboard the publish step renders.
   * @default false
   */
  readonly includeChartJs?: boolean;
}

/** Shell commands that copy the files the core reads at run time next to the bundle. */
function runtimeFileCommands(inputDir: string, outputDir: string, includeChartJs: boolean): string[] {
  const commands = [`cp -R "${inputDir}/queries" "${outputDir}/queries"`];
  if (includeChartJs) {
    const from = `${inputDir}/node_modules/chart.js`;
    const to = `${outputDir}/node_modules/chart.js`;
    commands.push(
      `mkdir -p "${to}/dist"`,
      `cp "${from}/package.json" "${to}/package.json"`,
      `cp "${from}/dist/chart.cjs" "${from}/dist/chart.umd.js" "${to}/dist/"`,
    );
  }
  return commands;
}

/** A Lambda of the app with its role (no managed policies) and its log group. */
export class GrowthlakeFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  /** The execution role: log writing only, until grants add what the function needs. */
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: GrowthlakeFunctionProps) {
    super(scope, id);
    if (!/^[a-z][a-z-]*$/.test(props.handler)) {
      throw new Error(
        `GrowthlakeFunction handler must name a file of lambdas/handlers/ such as "ingest" (got "${props.handler}")`,
      );
    }
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `growthlake ${props.handler} Lambda`,
    });
    this.logGroup.grantWrite(this.role);

    const includeChartJs = props.includeChartJs ?? false;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, 'lambdas', 'handlers', `${props.handler}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 1769,
      timeout: props.timeout ?? Duration.minutes(15),
      ephemeralStorageSize: props.ephemeralStorageSize ?? Size.mebibytes(512),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ...(props.deadLetterQueue === undefined
        ? {}
        : {
            deadLetterQueue: props.deadLetterQueue,
            retryAttempts: props.retryAttempts ?? 2,
            maxEventAge: props.maxEventAge ?? Duration.hours(6),
          }),
      role: this.role,
      logGroup: this.logGroup,
      // The bundle ships its source map; Node applies it to stack traces only when asked.
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: props.externalAwsSdk === false ? [] : ['@aws-sdk/*'],
        banner: ESM_BANNER,
        define: { 'import.meta.url': MODULE_URL },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => runtimeFileCommands(inputDir, outputDir, includeChartJs),
        },
      },
    });
    if (props.deadLetterQueue !== undefined) props.deadLetterQueue.grantSendMessages(this.role);
    acknowledge(this, {
      'AwsSolutions-L1':
        'nodejs22.x on purpose: the tooling (vitest 4, middy 6) targets Node 20-22, and the bundle is tested on it.',
    });
  }
}
