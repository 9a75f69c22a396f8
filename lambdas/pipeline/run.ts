import type { AudienceReport } from '../audiences/audiences.ts';
import { dateRange } from '../contract/dates.ts';
import type { PublishResult } from '../publish/publisher.ts';
import type { RecommendReport } from '../recommend/recommend.ts';
import { audiencesStep, publishStep, recommendStep, type StepContext, transformStep } from './steps.ts';
import type { TransformReport } from './transform.ts';

/** What a run needs: the lake, an engine over it, and the validated configuration. */
export type RunContext = StepContext;

/** What one daily run built and published. */
export interface RunReport {
  readonly runDate: string;
  readonly transform: TransformReport;
  readonly recommendations: RecommendReport;
  readonly audiences: readonly AudienceReport[];
  readonly publication: PublishResult;
}

/**
 * The daily run for R: every state table and mart, the budget recommendations, the playbook
 * audiences (their first exposures measured in R's campaign_results before the dashboard reads
 * them), then the dashboard and digests; each step is the same for the CLI and for Lambda.
 * Idempotent: running R again gives the same tables (and sends no digest twice).
 */
export async function runDaily(context: RunContext, runDate: string): Promise<RunReport> {
  const transform = await transformStep(context, runDate);
  const recommendations = await recommendStep(context, runDate);
  const audiences = await audiencesStep(context, runDate);
  const publication = await publishStep(context, runDate);
  return { runDate, transform, recommendations, audiences, publication };
}

/** Runs every date of a range in order, each from the state of the day before. */
export async function backfill(context: RunContext, from: string, to: string): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (const date of dateRange(from, to)) reports.push(await runDaily(context, date));
  return reports;
}
