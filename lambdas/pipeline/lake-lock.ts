import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
  if (holder === UNREADABLE) return false;
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What a lock file that does not parse stands for. Locks are linked in whole, so it is no live
 * writer's: it counts as dead and is broken.
 */
const UNREADABLE: LakeLockHolder = { pid: 0, host: hostname(), command: 'unknown', since: '' };

async function readHolder(path: string): Promise<LakeLockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not a lock this code wrote (locks are linked in whole): no holder to name.
  }
  const parsed = LakeLockHolderSchema.safeParse(json);
  return parsed.success ? parsed.data : UNREADABLE;
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
 * manifest assume one run at a time. The lock is a file linked into place only if absent, so
 * exactly one process creates it; a second writer fails at once with a {@link LakeBusyError} naming the
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
      // Written whole under a name of its own, then linked in: link fails if the lock exists, and a
      // reader never finds the lock file empty or half written.
      const draft = `${path}.${randomUUID()}.tmp`;
      await writeFile(draft, JSON.stringify(holder));
      try {
        await link(draft, path);
      } finally {
        await rm(draft, { force: true });
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
