/**
 * The daily run's steps as the Lambdas run them: each pipeline step function of
 * `lambdas/pipeline/steps.ts` with the small JSON summary it hands the state machine and the
 * metrics it records. This is the one place a step's Lambda is wired to its pipeline function.
 */
import type { AudienceReport } from '../audiences/audiences.ts';
import {
  audiencesStep,
  publishStep,
  recommendStep,
  type StepContext,
  transformStep,
} from '../pipeline/steps.ts';
import type { TransformReport } from '../pipeline/transform.ts';
import type { PublishResult } from '../publish/publisher.ts';
import type { RecommendReport } from '../recommend/recommend.ts';
import { digestsDelivered, type MetricSink, recordPublish } from './metrics.ts';
import type { DailyStepName } from './step-events.ts';

/** A step's JSON summary for the state machine: small, because Step Functions caps state at 256 KB. */
export type StepSummary = Readonly<Record<string, unknown>>;

/** What a step did, ready for the state machine and CloudWatch. */
export interface StepOutcome {
  readonly summary: StepSummary;
  /** Records the step's metrics beyond Athena's bytes scanned. */
  readonly record: (metrics: MetricSink) => void;
}

/** One step as its Lambda runs it. */
export interface DailyStep {
  run(context: StepContext, runDate: string): Promise<StepOutcome>;
}

/** The steps by name. */
export type DailySteps = Readonly<Record<DailyStepName, DailyStep>>;

/** How a pipeline step function becomes a {@link DailyStep}. */
export interface StepDefinition<Result> {
  /** The pipeline function, `(context, runDate)` as in `lambdas/pipeline/steps.ts`. */
  readonly run: (context: StepContext, runDate: string) => Promise<Result>;
  /** The summary the state machine keeps. */
  readonly summarize: (result: Result) => StepSummary;
  /** Metrics of the result. @default - none */
  readonly record?: (metrics: MetricSink, result: Result) => void;
}

/** Wraps a pipeline step function with its summary and metrics. */
export function defineStep<Result>(definition: StepDefinition<Result>): DailyStep {
  return {
    async run(context, runDate) {
      const result = await definition.run(context, runDate);
      return {
        summary: definition.summarize(result),
        record: (metrics) => definition.record?.(metrics, result),
      };
    },
  };
}

/** The transform step's summary: what was rebuilt. */
export function transformSummary(report: TransformReport): StepSummary {
  return {
    rebuiltDays: report.rebuiltDays.length,
    restatedRuns: report.restatedRuns,
    spendOnlyRuns: report.spendOnlyRuns,
    stateBase: report.stateBase,
  };
}

/** The recommend step's summary: the budget allocated and whether the value models could be fitted. */
export function recommendSummary(report: RecommendReport): StepSummary {
  return {
    partners: report.allocation.partners.length,
    totalBudgetUsd: report.allocation.totalBudgetUsd,
    allocatedUsd: report.allocation.allocatedUsd,
    feasibility: report.allocation.feasibility,
    valueModelFitted: report.valueModel !== null,
  };
}

/** The audiences step's summary: each playbook action, its users per arm and its first exposures. */
export function audiencesSummary(reports: readonly AudienceReport[]): StepSummary {
  return {
    audiences: reports.map((report) => ({
      actionId: report.actionId,
      users: report.users,
      heldOut: report.heldOut,
      firstExposures: report.firstExposures,
    })),
  };
}

/** The publish step's summary: where the dashboard is and how the digests went. */
export function publishSummary(result: PublishResult): StepSummary {
  return {
    dashboardKey: result.dashboardKey,
    digestsDue: result.digests.length,
    digestsDelivered: digestsDelivered(result),
    notDue: result.notDue.length,
  };
}

/** The daily-run steps, wired to their Lambdas. */
export const DAILY_STEPS: DailySteps = {
  transform: defineStep({ run: transformStep, summarize: transformSummary }),
  recommend: defineStep({ run: recommendStep, summarize: recommendSummary }),
  audiences: defineStep({ run: audiencesStep, summarize: audiencesSummary }),
  publish: defineStep({ run: publishStep, summarize: publishSummary, record: recordPublish }),
};
