import { z } from 'zod';
import { DEFAULT_PSEUDONYMIZATION_KEY_ENV } from './pseudonymization-defaults.ts';

export {
  DEFAULT_PSEUDONYMIZATION_CONFIG,
  DEFAULT_PSEUDONYMIZATION_KEY_ENV,
} from './pseudonymization-defaults.ts';

/**
 * Where a local run finds the key that pseudonymizes `device_id` and `funding_id` at ingest
 * (docs/deploy.md, Pseudonymization key). The key itself is never part of the configuration, the
 * lake or the repository. On AWS the key is a Secrets Manager secret the stack creates instead.
 */
export const PseudonymizationConfigSchema = z.strictObject({
  /**
   * An environment variable holding the key (at least 32 characters); when it is set it wins.
   * @default GROWTHLAKE_PSEUDONYMIZATION_KEY
   */
  key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'key_env must name an environment variable')
    .default(DEFAULT_PSEUDONYMIZATION_KEY_ENV),
  /**
   * A file holding the key, outside the lake; created with a random key (mode 0600) on first use
   * when missing.
   * @default - `$XDG_CONFIG_HOME/growthlake/pseudonymization.key`, else `~/.config/growthlake/pseudonymization.key`
   */
  key_file: z.string().min(1, 'key_file must name a file').optional(),
});
export type PseudonymizationConfig = z.infer<typeof PseudonymizationConfigSchema>;
