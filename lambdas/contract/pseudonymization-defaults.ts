/**
 * The pseudonymization configuration's defaults (pseudonymization-config.ts), apart from its
 * schema so that opening a local lake does not load zod.
 */
import type { PseudonymizationConfig } from './pseudonymization-config.ts';

/** The environment variable the key is read from by default. */
export const DEFAULT_PSEUDONYMIZATION_KEY_ENV = 'GROWTHLAKE_PSEUDONYMIZATION_KEY';

/** The configuration when none is given: what the schema makes of `{}`. */
export const DEFAULT_PSEUDONYMIZATION_CONFIG: PseudonymizationConfig = {
  key_env: DEFAULT_PSEUDONYMIZATION_KEY_ENV,
};
