import { normalizeEvent, PlatformEventLineSchema, reasonOf, utcTimestampText } from '../contract/inputs.ts';
import type { StagedValue } from './staging-writer.ts';

/** A valid event line as staged: the values in `staged_events` column order, and its UTC date. */
export interface StagedEvent {
  readonly values: StagedValue[];
  readonly date: string;
}

/**
 * Validates one line of an events file (docs/contract.md, Events). Returns the staged event, or the
 * one-line reason it is quarantined.
 */
export function validateEventLine(line: number, text: string): StagedEvent | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not a JSON object';
  const shape = PlatformEventLineSchema.safeParse(parsed);
  if (!shape.success) return reasonOf(shape.error);
  const event = normalizeEvent(shape.data);
  if (typeof event === 'string') return event;
  const occurredAt = utcTimestampText(event.occurred_at_ms);
  return {
    date: occurredAt.slice(0, 10),
    values: [
      line,
      event.event_id,
      event.event_type,
      event.user_id,
      occurredAt,
      event.partner_id,
      event.amount_usd,
      event.fee_usd,
      event.product,
      event.country,
      event.platform,
      event.campaign_id,
    ],
  };
}
