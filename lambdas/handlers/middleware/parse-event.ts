/** A middy middleware that validates the event with a zod schema and hands the handler the parsed value. */
import type middy from '@middy/core';
import type { z } from 'zod';
import { InvalidEventError } from '../../aws/errors.ts';

/** The largest part of an invalid event echoed into the error, so a huge payload never floods the logs. */
const EVENT_EXCERPT_CHARS = 300;

function excerpt(event: unknown): string {
  const text = JSON.stringify(event) ?? String(event);
  return text.length > EVENT_EXCERPT_CHARS ? `${text.slice(0, EVENT_EXCERPT_CHARS)}...` : text;
}

/**
 * Replaces `request.event` with `schema`'s output before the handler runs; an event the schema
 * refuses fails the invocation with {@link InvalidEventError} naming each problem.
 */
export function parseEvent<Schema extends z.ZodType>(schema: Schema): middy.MiddlewareObj<unknown> {
  return {
    name: 'parseEvent',
    before: (request) => {
      const parsed = schema.safeParse(request.event);
      if (!parsed.success) {
        const problems = parsed.error.issues
          .map((issue) =>
            issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
          )
          .join('; ');
        throw new InvalidEventError(`invalid event: ${problems}; event: ${excerpt(request.event)}`, {
          cause: parsed.error,
        });
      }
      request.event = parsed.data;
    },
  };
}
