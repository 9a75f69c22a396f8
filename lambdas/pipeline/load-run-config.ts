/** Reading the daily run's configuration from a JSON file, for the CLI's `--config`. */
import { readFile } from 'node:fs/promises';
import { DEFAULT_RUN_CONFIG, type RunConfig, RunConfigSchema } from '../contract/run-config.ts';

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
