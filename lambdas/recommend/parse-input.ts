import type { z } from 'zod';
import { RecommendInputError } from './errors.ts';

/**
 * Parses `input` with `schema`, turning the first issue into a {@link RecommendInputError} whose
 * message says what was being read, which field failed and why.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  throw new RecommendInputError(`Invalid ${what}${where}: ${issue?.message ?? 'unknown problem'}.`, {
    cause: parsed.error,
  });
}
