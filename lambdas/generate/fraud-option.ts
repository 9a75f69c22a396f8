/**
 * The fraud patterns the generator can inject (docs/contract.md, Traffic quality) and the
 * `--fraud` option that names them. Free of zod, so the command line's start-up can offer the
 * option without loading the generator or its schemas.
 */
export const FRAUD_PATTERNS = ['bonus_abuse', 'fast_signups', 'shared_devices', 'shared_funding'] as const;
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];

/** One injection: a pattern in a partner's users. */
export interface FraudInjection {
  readonly partnerId: string;
  readonly pattern: FraudPattern;
}

const isFraudPattern = (value: string): value is FraudPattern =>
  (FRAUD_PATTERNS as readonly string[]).includes(value);

/**
 * Parses `--fraud` text: `<partner_id>=<pattern>[+<pattern>...]` items separated by commas, e.g.
 * `aff-001=fast_signups,kol-002=shared_devices+bonus_abuse`.
 */
export function parseFraudOption(text: string): FraudInjection[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .flatMap((item) => {
      const [partnerId, patterns, extra] = item.split('=');
      if (partnerId === undefined || patterns === undefined || extra !== undefined || partnerId === '') {
        throw new Error(`"${item}" is not <partner_id>=<pattern>`);
      }
      return patterns.split('+').map((pattern) => {
        if (!isFraudPattern(pattern))
          throw new Error(`"${item}": pattern must be one of ${FRAUD_PATTERNS.join(', ')}`);
        return { partnerId, pattern };
      });
    });
}
