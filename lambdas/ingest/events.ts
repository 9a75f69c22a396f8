import {
  isPlainEventLine,
  normalizeEvent,
  type PlatformEventLine,
  PlatformEventLineSchema,
  reasonOf,
  utcTimestampText,
} from '../contract/inputs.ts';
import { MissingPseudonymizationKeyError } from './errors.ts';
import type { Pseudonymizer } from './pseudonymizer.ts';
import type { StagedValue } from './staging-writer.ts';

/** A valid event line as staged: the values in `staged_events` column order, and its UTC date. */
export interface StagedEvent {
  readonly values: StagedValue[];
  readonly date: string;
}

/**
 * Validates one line of an events file (docs/contract.md, Events). Returns the staged event, with its
 * device and funding ids replaced by their pseudonyms, or the one-line reason it is quarantined.
 *
 * @throws MissingPseudonymizationKeyError when the line carries such an id and there is no pseudonymizer
 */
export function validateEventLine(
  line: number,
  text: string,
  pseudonymizer?: Pseudonymizer,
): StagedEvent | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not a JSON object';
  let shaped: PlatformEventLine;
  if (isPlainEventLine(parsed as Record<string, unknown>)) shaped = parsed as PlatformEventLine;
  else {
    const shape = PlatformEventLineSchema.safeParse(parsed);
    if (!shape.success) return reasonOf(shape.error);
    shaped = shape.data;
  }
  const event = normalizeEvent(shaped);
  if (typeof event === 'string') return event;
  const occurredAt = utcTimestampText(event.occurred_at_ms);
  const device = event.device_id;
  const funding = event.funding_id;
  if ((device !== null || funding !== null) && pseudonymizer === undefined) {
    throw new MissingPseudonymizationKeyError(line);
  }
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
      event.click_at_ms === null ? null : utcTimestampText(event.click_at_ms),
      device === null ? null : (pseudonymizer as Pseudonymizer).pseudonym(device),
      funding === null ? null : (pseudonymizer as Pseudonymizer).pseudonym(funding),
    ],
  };
}
