/**
 * The daily run as separate steps, so the CLI runs them in one process and AWS runs each as a
 * Lambda invoked by the Step Functions state machine. Each step is idempotent for its run date.
 */
import { type AudienceReport, playbookExposuresIngestId, writeAudiences } from '../audiences/audiences.ts';
import type { RunConfig } from '../contract/run-config.ts';
import { TABLES } from '../contract/tables.ts';
import { playbookCampaigns } from '../experiments/campaign-results.ts';
import { assertDelivered, type Mailer } from '../publish/mailer.ts';
import { type PublishResult, publishRun } from '../publish/publisher.ts';
import { type RecommendReport, recommendBudgets } from '../recommend/recommend.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine } from '../warehouse/engine.ts';
import { adoptListedTables } from '../warehouse/table-files.ts';
import { refreshCampaigns } from './campaigns.ts';
import { compactIngestPartitions } from './ingest-partitions.ts';
import { type TransformReport, transformAndMeasure } from './transform.ts';

/** What every step needs: the lake, an engine over it, and the validated configuration. */
export interface StepContext {
  readonly engine: Engine;
  readonly store: ObjectStore;
  readonly config: RunConfig;
  /** Progress messages for a terminal or a log. */
  readonly log?: (message: string) => void;
  /** Sends the digests; without one they are only written as .eml files. */
  readonly mailer?: Mailer;
  /** The dashboard link in the digests (a presigned URL on AWS). @default - from the recipients config */
  readonly dashboardUrl?: string;
}

/**
 * Step 1: state tables and marts for R (rebuilding earlier run dates that late data reached), after
 * gathering the small files of ingest_partitions when there are many (see compactIngestPartitions).
 */
export async function transformStep(context: StepContext, runDate: string): Promise<TransformReport> {
  context.log?.(`run ${runDate}: transform and metrics`);
  const adopted = await adoptListedTables(context.store, Object.values(TABLES));
  if (adopted.length > 0) context.log?.(`published the files of ${adopted.length} tables in manifests, once`);
  await compactIngestPartitions(context.engine, context.store);
  return transformAndMeasure(context.engine, runDate, playbookCampaigns(context.config));
}

/** Step 2: LTV forecasts and tomorrow's budget per partner (`ltv_forecast`, `budget_recommendations`). */
export async function recommendStep(context: StepContext, runDate: string): Promise<RecommendReport> {
  context.log?.(`run ${runDate}: budget recommendations`);
  return recommendBudgets(context.engine, runDate, context.config.budget);
}

/**
 * Step 3: the playbook audiences of R, as CSV files under `published/<R>/audiences/` without their
 * holdouts; the first appearances they record as exposures are then measured, so that R's
 * campaign_results include them (docs/contract.md: they count in R's own results).
 */
export async function audiencesStep(context: StepContext, runDate: string): Promise<AudienceReport[]> {
  context.log?.(`run ${runDate}: audiences`);
  const audiences = await writeAudiences(context.engine, context.store, runDate, context.config.playbooks);
  await refreshCampaigns(
    context.engine,
    runDate,
    playbookCampaigns(context.config),
    playbookExposuresIngestId(runDate),
  );
  return audiences;
}

/**
 * Step 4: the dashboard and the digests of R under `published/<R>/`, sent when a mailer is given.
 * Fails loudly when any digest could not be delivered, after every other recipient was served.
 */
export async function publishStep(context: StepContext, runDate: string): Promise<PublishResult> {
  context.log?.(`run ${runDate}: dashboard and digests`);
  const result = await publishRun({
    engine: context.engine,
    store: context.store,
    runDate,
    recipients: context.config.recipients,
    ...(context.mailer === undefined ? {} : { mailer: context.mailer }),
    ...(context.dashboardUrl === undefined ? {} : { dashboardUrl: context.dashboardUrl }),
  });
  if (result.delivery !== undefined) assertDelivered(result.delivery);
  return result;
}
