import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** What a measured child process reported. */
export interface ChildMeasurement {
  readonly elapsedMs: number;
  readonly peakRssMb: number;
  readonly result: Record<string, unknown>;
}

/** How a measured child process is started. */
export interface ChildOptions {
  /**
   * Runs the child under `nice -n <nice>`, so that a long, heavy job leaves the shared machine's
   * cores to timing benchmarks first. @default not niced
   */
  readonly nice?: number;
}

/**
 * Runs `bench/<script>` in a fresh node process (so peak RSS is that job's alone) and returns the
 * JSON line it prints last, with its wall time and peak resident memory.
 */
export async function measureChild(
  script: string,
  args: readonly string[],
  options: ChildOptions = {},
): Promise<ChildMeasurement> {
  const started = performance.now();
  const node = [process.execPath, '--import', 'tsx', join(import.meta.dirname, script), ...args];
  const command = options.nice === undefined ? node : ['nice', '-n', String(options.nice), ...node];
  const { stdout } = await execFileAsync(command[0] as string, command.slice(1), {
    maxBuffer: 1 << 24,
  });
  const elapsedMs = performance.now() - started;
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  const result = JSON.parse(last) as Record<string, unknown> & { peakRssKb?: number };
  return { elapsedMs, peakRssMb: (result.peakRssKb ?? 0) / 1024, result };
}

/** Formats a number of bytes as MB. */
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
