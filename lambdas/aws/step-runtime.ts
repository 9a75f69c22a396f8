/**
 * The composition root of the daily-run step Lambdas: configuration, clients and adapters created
 * once per process, and how one step runs with them.
 */
import type { RunConfig } from '../contract/run-config.ts';
import type { StepContext } from '../pipeline/steps.ts';
import type { Mailer } from '../publish/mailer.ts';
import { publishedKeys } from '../publish/publisher.ts';
import { S3Store } from '../storage/s3-store.ts';
import { newAthenaClient, newS3Client, newSesClient } from './clients.ts';
import { DAILY_STEPS, type DailySteps, type StepSummary } from './daily-steps.ts';
import { ENV, parseEnv, StepEnvSchema } from './env.ts';
import { LakeAccess } from './lake-access.ts';
import { recordAthenaScan } from './metrics.ts';
import { newObservability, type Observability } from './observability.ts';
import { PresignedLinks } from './presigned-links.ts';
import { PublishedRoutingStore } from './published-routing-store.ts';
import { SesMailer } from './ses-mailer.ts';
import type { DailyStepEvent, DailyStepName } from './step-events.ts';

/** Everything a step Lambda needs, created once per process. */
export interface StepRuntime extends Observability {
  readonly lake: LakeAccess;
  /** The published bucket: dashboards, digests and audiences. */
  readonly published: S3Store;
  readonly links: PresignedLinks;
  readonly mailer: Mailer;
  readonly config: RunConfig;
  readonly steps: DailySteps;
}

/** A step Lambda's runtime from its environment; throws AwsConfigError naming every bad variable. */
export function stepRuntimeFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): StepRuntime {
  const settings = parseEnv(StepEnvSchema, env);
  const s3 = newS3Client();
  const published = settings[ENV.publishedBucket];
  return {
    ...newObservability(),
    lake: new LakeAccess({ env: settings, s3, athena: newAthenaClient() }),
    published: new S3Store({ client: s3, bucket: published }),
    links: new PresignedLinks({
      client: s3,
      bucket: published,
      expiresInSeconds: settings[ENV.dashboardLinkTtlSeconds],
    }),
    mailer: new SesMailer(newSesClient()),
    config: settings[ENV.runConfig],
    steps: DAILY_STEPS,
  };
}

/**
 * Runs step `name` of the run `event` names, as Athena job `<executionId>:<name>`: a retry of the
 * step by the state machine replays its own queries, a new execution never does. The context
 * carries the SES mailer and a presigned link to the run's dashboard, which the publish step puts
 * in the digests. Records Athena's bytes scanned even when the step fails, then the step's own
 * metrics; returns its summary.
 */
export async function runDailyStep(
  runtime: StepRuntime,
  name: DailyStepName,
  event: DailyStepEvent,
): Promise<StepSummary> {
  const engine = runtime.lake.engine(`${event.executionId}:${name}`);
  const context: StepContext = {
    engine,
    store: new PublishedRoutingStore(runtime.lake.store, runtime.published),
    config: runtime.config,
    log: (message) => runtime.logger.info(message),
    mailer: runtime.mailer,
    dashboardUrl: await runtime.links.link(publishedKeys.dashboard(event.runDate)),
  };
  try {
    const outcome = await runtime.steps[name].run(context, event.runDate);
    outcome.record(runtime.metrics);
    const summary = {
      step: name,
      runDate: event.runDate,
      executionId: event.executionId,
      athenaBytesScanned: engine.stats().bytesRead,
      ...outcome.summary,
    };
    runtime.logger.info(`${name} step done`, { ...summary, queries: engine.executions().length });
    return summary;
  } finally {
    recordAthenaScan(runtime.metrics, engine.stats().bytesRead);
    await engine.close();
  }
}
