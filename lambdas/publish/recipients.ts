/** Reading the recipients configuration from a file or a value, and when a recipient's digest is due. */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { isoWeekday } from '../contract/dates.ts';
import {
  type Cadence,
  type RecipientsConfig,
  RecipientsConfigSchema,
} from '../contract/recipients-config.ts';
import { RecipientsConfigError } from './errors.ts';

/** One line naming the first problem (and how many more there are). */
function describeIssues(error: z.ZodError): string {
  const [first] = error.issues;
  const where = first === undefined || first.path.length === 0 ? '' : `${first.path.join('.')}: `;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return `${where}${first?.message ?? 'invalid'}${more}`;
}

/** Validates a configuration object; throws {@link RecipientsConfigError} with a one-line message. */
export function parseRecipientsConfig(value: unknown, source = 'recipients config'): RecipientsConfig {
  const parsed = RecipientsConfigSchema.safeParse(value);
  if (!parsed.success) {
    throw new RecipientsConfigError(`${source} is invalid: ${describeIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Reads and validates a JSON recipients file; fails fast with a one-line message. */
export async function loadRecipientsConfig(path: string): Promise<RecipientsConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RecipientsConfigError(`cannot read recipients config ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecipientsConfigError(
      `recipients config ${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return parseRecipientsConfig(value, `recipients config ${path}`);
}

/** Whether a recipient of this cadence gets a digest from the run of `runDate`. */
export function isDigestDue(cadence: Cadence, runDate: string): boolean {
  return cadence === 'daily' || isoWeekday(runDate) === 7;
}
