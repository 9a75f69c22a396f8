/** The local pseudonymization key: from an environment variable, or a key file outside the lake. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { PseudonymizationConfig } from '../contract/pseudonymization-config.ts';
import { DEFAULT_PSEUDONYMIZATION_CONFIG } from '../contract/pseudonymization-defaults.ts';
import { MIN_PSEUDONYMIZATION_KEY_CHARS } from '../ingest/pseudonymizer.ts';
import { PseudonymizationKeyError } from './errors.ts';

/** The default key file: `$XDG_CONFIG_HOME/growthlake/pseudonymization.key`, else under `~/.config`. */
export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ''
      ? env.XDG_CONFIG_HOME
      : join(homedir(), '.config');
  return join(base, 'growthlake', 'pseudonymization.key');
}

function checked(key: string, source: string): string {
  if (key.length < MIN_PSEUDONYMIZATION_KEY_CHARS) {
    throw new PseudonymizationKeyError(
      `the pseudonymization key in ${source} has ${key.length} characters; it needs at least ${MIN_PSEUDONYMIZATION_KEY_CHARS}`,
    );
  }
  return key;
}

/**
 * Resolves the key a local ingest pseudonymizes device and funding ids with (docs/deploy.md,
 * Pseudonymization key): the configured environment variable when it is set; otherwise the key
 * file, which is created with 32 random bytes as hex (mode 0600) when it does not exist yet, so a
 * first `npm run demo` just works. A key file inside the lake is refused: the key must never be
 * stored with the data it protects.
 */
export async function resolvePseudonymizationKey(
  lakeDir: string,
  config: PseudonymizationConfig = DEFAULT_PSEUDONYMIZATION_CONFIG,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const fromEnv = env[config.key_env];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return checked(fromEnv.trim(), `$${config.key_env}`);
  const file = resolve(config.key_file ?? defaultKeyFile(env));
  const inLake = relative(resolve(lakeDir), file);
  if (!inLake.startsWith('..') && !inLake.startsWith('/')) {
    throw new PseudonymizationKeyError(
      `the pseudonymization key file ${file} is inside the lake ${lakeDir}; keep it outside (pseudonymization.key_file)`,
    );
  }
  try {
    return checked((await readFile(file, 'utf8')).trim(), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof PseudonymizationKeyError) throw error;
      throw new PseudonymizationKeyError(
        `cannot read the pseudonymization key file ${file}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const key = randomBytes(32).toString('hex');
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${key}\n`);
    } finally {
      await handle.close();
    }
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return checked((await readFile(file, 'utf8')).trim(), file);
    throw new PseudonymizationKeyError(
      `cannot create the pseudonymization key file ${file}: ${(error as Error).message} ` +
        `(set $${config.key_env} or pseudonymization.key_file)`,
      { cause: error },
    );
  }
}
