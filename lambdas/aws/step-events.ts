/**
 * What the state machine sends each daily-run step Lambda. Every step gets the run date and the
 * execution's name (the Athena engine's job id, so a retried step attaches to its own queries);
 * the first step gets the execution's input instead of a run date and resolves it.
 */
import { z } from 'zod';
import { RunDateSchema } from '../contract/run-config.ts';

/** The daily run's steps, in the order the state machine runs them. */
export const DAILY_STEP_NAMES = ['transform', 'recommend', 'audiences', 'publish'] as const;
/** A daily-run step. */
export type DailyStepName = (typeof DAILY_STEP_NAMES)[number];

/** A Step Functions execution name: 1 to 80 characters. */
const ExecutionIdSchema = z
  .string({ error: 'executionId is required: the Step Functions execution name' })
  .min(1, 'executionId must not be empty')
  .max(80, 'executionId must be at most 80 characters (a Step Functions execution name)');

/** The event of every step after the first: `{ runDate, executionId }`. */
export const DailyStepEventSchema = z.object({
  runDate: RunDateSchema,
  executionId: ExecutionIdSchema,
});
export type DailyStepEvent = z.infer<typeof DailyStepEventSchema>;

/**
 * How an execution was started: `{ runDate }` for a backfill or a manual run, or
 * `{ scheduledTime }` (an ISO 8601 UTC timestamp) from the daily schedule.
 */
export const RunRequestSchema = z.union(
  [
    z.object({ runDate: RunDateSchema }),
    z.object({
      scheduledTime: z.iso.datetime({ offset: true, error: 'scheduledTime must be an ISO 8601 timestamp' }),
    }),
  ],
  { error: 'the execution input must be { "runDate": "YYYY-MM-DD" } or { "scheduledTime": "<ISO 8601>" }' },
);
export type RunRequest = z.infer<typeof RunRequestSchema>;

/** The event of the first step: the execution's name and its input. */
export const FirstStepEventSchema = z.object({
  executionId: ExecutionIdSchema,
  request: RunRequestSchema,
});
export type FirstStepEvent = z.infer<typeof FirstStepEventSchema>;

/**
 * The run date a request asks for: its `runDate`, or for a scheduled start the UTC day before
 * the scheduled time (a run at 06:00 on the 22nd covers the 21st, the last complete day).
 */
export function runDateOf(request: RunRequest): string {
  if ('runDate' in request) return request.runDate;
  const scheduled = new Date(request.scheduledTime);
  const yesterday = new Date(
    Date.UTC(scheduled.getUTCFullYear(), scheduled.getUTCMonth(), scheduled.getUTCDate() - 1),
  );
  return yesterday.toISOString().slice(0, 10);
}

/**
 * The schema of step `name`'s event, parsed to `{ runDate, executionId }` whatever the step: the
 * first step's `{ executionId, request }` becomes the run date its request asks for.
 */
export function stepEventSchema(name: DailyStepName): z.ZodType<DailyStepEvent, unknown> {
  if (name !== DAILY_STEP_NAMES[0]) return DailyStepEventSchema;
  return FirstStepEventSchema.transform((event) => ({
    runDate: runDateOf(event.request),
    executionId: event.executionId,
  }));
}

/**
 * The event of the lake-lock states that open and close every execution: `acquire` (with the
 * execution's input, to name the run date in the lock) and `release`.
 */
export const LakeLockEventSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('acquire'), executionId: ExecutionIdSchema, request: RunRequestSchema }),
    z.object({ action: z.literal('release'), executionId: ExecutionIdSchema }),
  ],
  { error: 'action must be "acquire" or "release"' },
);
export type LakeLockEvent = z.infer<typeof LakeLockEventSchema>;
