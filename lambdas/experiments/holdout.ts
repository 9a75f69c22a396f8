import { createHash } from 'node:crypto';

const TWO_TO_THE_32 = 2 ** 32;

/**
 * The user's position in [0, 1) for an action's holdout (docs/contract.md, Holdouts): the first
 * 8 hex digits of the SHA-256 of `<action>:<user_id>` (UTF-8), read as an unsigned 32-bit
 * integer and divided by 2^32. It depends on nothing but the two strings, so a user stays in
 * the same arm on every run, on either engine, and in any CRM that applies the same rule.
 */
export function holdoutPosition(action: string, userId: string): number {
  const digest = createHash('sha256').update(`${action}:${userId}`, 'utf8').digest('hex');
  return Number.parseInt(digest.slice(0, 8), 16) / TWO_TO_THE_32;
}

/** True when the user is in the control arm of the action: position below the holdout share. */
export function isHeldOut(action: string, userId: string, holdoutShare: number): boolean {
  return holdoutPosition(action, userId) < holdoutShare;
}
