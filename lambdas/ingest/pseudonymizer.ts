import { createHmac } from 'node:crypto';
import { IngestError } from './errors.ts';

/** The shortest key accepted: 32 characters, 256 bits of a hex or base64 key. */
export const MIN_PSEUDONYMIZATION_KEY_CHARS = 32;

/** The event fields that hold personal ids and never land in the lake as given (docs/contract.md, Events). */
export const PSEUDONYMIZED_FIELDS = ['device_id', 'funding_id'] as const;

/**
 * Distinct ids remembered per pseudonymizer: a user's events repeat their device, so most lines hit
 * the cache and skip the HMAC; the cap keeps a worker's memory flat on a file of many devices.
 */
const CACHE_LIMIT = 65_536;

/**
 * Replaces a personal id with its keyed hash: HMAC-SHA-256 of the id's UTF-8 bytes under the lake's
 * key, as 64 lowercase hex characters. Equal ids under one key give equal pseudonyms, which is all
 * the traffic-quality signals need; without the key a pseudonym cannot be traced back by hashing
 * guessed ids.
 */
export class Pseudonymizer {
  readonly #key: Buffer;
  readonly #cache = new Map<string, string>();

  /**
   * @param key - the key as text (its UTF-8 bytes are the HMAC key), at least
   *   {@link MIN_PSEUDONYMIZATION_KEY_CHARS} characters
   * @throws IngestError when the key is too short
   */
  public constructor(key: string) {
    if (key.length < MIN_PSEUDONYMIZATION_KEY_CHARS) {
      throw new IngestError(
        `the pseudonymization key has ${key.length} characters; it needs at least ${MIN_PSEUDONYMIZATION_KEY_CHARS}`,
      );
    }
    this.#key = Buffer.from(key, 'utf8');
  }

  /** The pseudonym of an id. */
  public pseudonym(id: string): string {
    const cached = this.#cache.get(id);
    if (cached !== undefined) return cached;
    const hashed = createHmac('sha256', this.#key).update(id, 'utf8').digest('hex');
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(id, hashed);
    return hashed;
  }
}

const MAY_NAME_AN_ID = /device|funding|\\u/i;

/**
 * A quarantined events line as it may be stored: no raw device or funding id in it. A line that
 * parses as a JSON object with either field is written again with those values replaced by their
 * pseudonyms (a value that is not text or a number is hashed as its JSON). A line that does not
 * parse, or any line when there is no key, is cut where it first mentions a device, a funding
 * account or a JSON escape, since its ids cannot be found reliably (or hashed). Any other line is
 * kept as read.
 */
export function redactQuarantinedLine(text: string, pseudonymizer: Pseudonymizer | undefined): string {
  if (pseudonymizer !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>;
      if (!PSEUDONYMIZED_FIELDS.some((field) => field in record)) return text;
      const redacted: Record<string, unknown> = { ...record };
      for (const field of PSEUDONYMIZED_FIELDS) {
        const value = record[field];
        if (value === undefined || value === null || value === '') continue;
        redacted[field] = pseudonymizer.pseudonym(
          typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value),
        );
      }
      return JSON.stringify(redacted);
    }
  }
  // A field name may be spelt with JSON escapes (`device\u005fid`), so any escape counts too.
  const cut = text.search(MAY_NAME_AN_ID);
  return cut < 0 ? text : `${text.slice(0, cut)}[withheld: the rest may hold a device_id or funding_id]`;
}
