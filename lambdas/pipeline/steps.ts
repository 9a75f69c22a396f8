/**
 * The daily run as separate steps, so the CLI runs them in one process and AWS runs each as a
 * Lambda invoked by the Step Functions state machine. Each step is idempotent for its run date.
 */
import { type AudienceReport, writeAudiences } from '../audiences/audiences.ts';
import type { RunConfig } from '../contract/run-config.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine } from '../warehouse/engine.ts';
import { type TransformReport, transformAndMeasure } from './daily-run.ts';

/** What every step needs: the lake, an engine over it, and the validated configuration. */
export interface StepContext {
  readonly engine: Engine;
  readonly store: ObjectStore;
  readonly config: RunConfig;
  /** Progress messages for a terminal or a log. */
  readonly log?: (message: string) => void;
}

/** Step 1: state tables and marts for R (rebuilding earlier run dates that late data reached). */
export async function transformStep(context: StepContext, runDate: string): Promise<TransformReport> {
  context.log?.(`run ${runDate}: transform and metrics`);
  return transformAndMeasure(context.engine, runDate);
}

/** Step 3: the playbook audiences of R, as CSV files under `published/<R>/audiences/`. */
export async function audiencesStep(context: StepContext, runDate: string): Promise<AudienceReport[]> {
  context.log?.(`run ${runDate}: audiences`);
  return writeAudiences(context.engine, context.store, runDate, context.config.playbooks);
}
