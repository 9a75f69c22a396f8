/** How the run times its parts and names the one that failed. */
import { PipelineError } from './errors.ts';

/** What one step of the run did, for logs, metrics and the benchmark. */
export interface StepReport {
  readonly step: string;
  readonly elapsedMs: number;
}

/**
 * Runs `work` as the part `step` of the run: its time is added to `steps`, and a failure becomes a
 * PipelineError that names it, keeping its cause.
 */
export async function timed(steps: StepReport[], step: string, work: () => Promise<void>): Promise<void> {
  const started = performance.now();
  try {
    await work();
  } catch (error) {
    throw new PipelineError(`${step} failed: ${(error as Error).message}`, { cause: error });
  }
  steps.push({ step, elapsedMs: performance.now() - started });
}
