import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { LakeBusyError } from './errors.ts';

/** The lock file's name in the lake's root. */
export const LAKE_LOCK_FILE = '_lock.json';

/** Who holds a lake: written into the lock file, read back by whoever finds it taken. */
export const LakeLockHolderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  /** The command line or job that took it, for the one-line error a second writer gets. */
  command: z.string(),
  /** When it was taken, ISO 8601 UTC. */
  since: z.string(),
});
export type LakeLockHolder = z.infer<typeof LakeLockHolderSchema>;

/** A taken lock; `release` removes it if it is still this process's. */
export interface LakeLock {
  readonly holder: LakeLockHolder;
  release(): Promise<void>;
}

/**
 * Whether the holder's process is still running. Only a process on this host can be checked; a
 * holder on another host (a lake on a shared disk) is taken as alive, so its lock is never broken.
 */
function isAlive(holder: LakeLockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<LakeLockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = LakeLockHolderSchema.safeParse(JSON.parse(text === '' ? 'null' : text));
  // A lock file cut short by a crash while it was written: its writer is gone.
  return parsed.success ? parsed.data : { pid: 1, host: '', command: 'unknown', since: '' };
}

const sameHolder = (a: LakeLockHolder | undefined, b: LakeLockHolder): boolean =>
  a !== undefined && a.pid === b.pid && a.host === b.host && a.since === b.since;

/**
 * Removes the lock file judged stale. It is renamed to a name of its own first and read again:
 * if another process broke the same stale lock and took a new one in between, the file renamed
 * is that live lock, and it is put back (with link, which fails if yet another lock exists).
 */
async function breakStaleLock(path: string, stale: LakeLockHolder): Promise<void> {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (!sameHolder(await readHolder(aside), stale)) {
      await link(aside, path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
  } finally {
    await rm(aside, { force: true });
  }
}

/**
 * Takes the lake for one writing command (ingest, run, backfill, demo): two writers on one lake
 * would replace partitions the other is reading, and the ingest-log compaction and the build
 * manifest assume one run at a time. The lock is a file created with O_EXCL, so exactly one
 * process creates it; a second writer fails at once with a {@link LakeBusyError} naming the
 * holder. A lock whose process has died on this host is broken (see breakStaleLock) and the
 * lock competed for again.
 */
export async function lockLake(
  lakeDir: string,
  command: string,
  now: () => Date = () => new Date(),
): Promise<LakeLock> {
  await mkdir(lakeDir, { recursive: true });
  const path = join(lakeDir, LAKE_LOCK_FILE);
  const holder: LakeLockHolder = { pid: process.pid, host: hostname(), command, since: now().toISOString() };
  for (;;) {
    try {
      const file = await open(path, 'wx');
      try {
        await file.writeFile(JSON.stringify(holder));
      } finally {
        await file.close();
      }
      return {
        holder,
        release: async () => {
          if (sameHolder(await readHolder(path), holder)) await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = await readHolder(path);
    if (current === undefined) continue;
    if (isAlive(current)) {
      throw new LakeBusyError(
        `the lake ${lakeDir} is in use by \`${current.command}\` (pid ${current.pid} on ${current.host}, since ${current.since}); wait for it to finish`,
      );
    }
    await breakStaleLock(path, current);
  }
}
