import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/** What a whole measured process took: wall time from spawn to exit, its peak RSS and its stdout. */
export interface ProcessMeasurement {
  readonly wallMs: number;
  readonly peakRssMb: number;
  /** User plus system CPU time of the process and its threads, seconds. */
  readonly cpuSeconds: number;
  readonly stdout: string;
}

/**
 * Runs `node <args>` as a whole process under GNU time (`/usr/bin/time`, Debian's `time` package),
 * which reports the process's peak resident memory and CPU time, worker threads included, as the
 * kernel counted them; the wall time is taken here, from spawn to exit, so it includes Node's start-up and the
 * command's own loading.
 */
export async function measureProcess(args: readonly string[], cwd?: string): Promise<ProcessMeasurement> {
  const dir = await mkdtemp(join(tmpdir(), 'growthlake-measure-'));
  const report = join(dir, 'time.txt');
  try {
    const started = performance.now();
    const { stdout } = await execFileAsync(
      '/usr/bin/time',
      ['-f', '%M %U %S', '-o', report, process.execPath, ...args],
      { maxBuffer: 1 << 24, ...(cwd === undefined ? {} : { cwd }) },
    );
    const wallMs = performance.now() - started;
    const [peakRssKb, user, system] = ((await readFile(report, 'utf8')).trim().split('\n').at(-1) ?? '')
      .split(' ')
      .map(Number) as [number, number, number];
    return { wallMs, peakRssMb: peakRssKb / 1024, cpuSeconds: user + system, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
