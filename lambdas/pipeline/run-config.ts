import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_PLAYBOOKS, PlaybooksSchema } from '../contract/playbooks.ts';
import { DEFAULT_RECIPIENTS_CONFIG, RecipientsConfigSchema } from '../publish/recipients.ts';
import { RecommendConfigSchema } from '../recommend/recommend.ts';

/** A `YYYY-MM-DD` run date. */
export const RunDateSchema = z.iso.date({ error: 'the date must be YYYY-MM-DD' });

/** The daily run's configuration: a JSON file (`--config`), validated at start-up. */
export const RunConfigSchema = z.strictObject({
  /** Segment playbooks: the audiences `run` writes for the user-operations team. */
  playbooks: PlaybooksSchema.default(DEFAULT_PLAYBOOKS),
  /** Who gets which digest, the sender, the dashboard link base and alert thresholds. */
  recipients: RecipientsConfigSchema.default(DEFAULT_RECIPIENTS_CONFIG),
  /**
   * The budget recommender: total budget (budget-neutral when absent), maximum change per run, value
   * horizon, minimum data and target ROAS.
   */
  budget: RecommendConfigSchema.default(RecommendConfigSchema.parse({})),
});
export type RunConfig = z.infer<typeof RunConfigSchema>;

/** The configuration when no file is given. */
export const DEFAULT_RUN_CONFIG: RunConfig = RunConfigSchema.parse({});

/** A configuration file was unreadable or invalid. */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';
}

/** Reads and validates a configuration file; the error names the file and the first problem. */
export async function loadRunConfig(path: string | undefined): Promise<RunConfig> {
  if (path === undefined) return DEFAULT_RUN_CONFIG;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config ${path}: ${(error as Error).message}`);
  }
  const parsed = RunConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid config ${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}
