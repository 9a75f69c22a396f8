import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SCRATCH_PREFIX } from '../contract/lake-layout.ts';
import { StorageError } from './errors.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';

/**
 * An {@link ObjectStore} over a local directory. Writes go to a temporary name and are renamed
 * into place, so a reader never sees half a file.
 */
export class FsStore implements ObjectStore {
  public readonly root: string;

  public constructor(root: string) {
    this.root = resolve(root);
  }

  public uriOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  public async putStream(key: string, body: Readable): Promise<void> {
    const target = this.uriOf(key);
    const temporary = `${target}.${randomUUID()}.tmp`;
    await mkdir(dirname(target), { recursive: true });
    try {
      await pipeline(body, createWriteStream(temporary));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new StorageError(`could not write ${key}: ${(error as Error).message}`, { cause: error });
    }
  }

  public async put(key: string, body: string | Uint8Array): Promise<void> {
    const target = this.uriOf(key);
    const temporary = `${target}.${randomUUID()}.tmp`;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temporary, body);
    await rename(temporary, target);
  }

  public async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.uriOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StorageError(`could not read ${key}: ${(error as Error).message}`, { cause: error });
    }
  }

  public async list(prefix: string): Promise<StoredObject[]> {
    const start = this.uriOf(prefix);
    const found: StoredObject[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (
          (error as NodeJS.ErrnoException).code === 'ENOENT' ||
          (error as NodeJS.ErrnoException).code === 'ENOTDIR'
        )
          return;
        throw new StorageError(`could not list ${prefix}: ${(error as Error).message}`, { cause: error });
      }
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && !entry.name.endsWith('.tmp')) {
          const stats = await stat(path);
          found.push({
            key: relative(this.root, path).split(sep).join('/'),
            size: stats.size,
            modifiedMs: stats.mtimeMs,
          });
        }
      }
    };
    await walk(start);
    return found;
  }

  public async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.uriOf(key), { force: true })));
  }

  public async deletePrefix(prefix: string): Promise<void> {
    await rm(this.uriOf(prefix), { recursive: true, force: true });
  }

  /**
   * Moves a directory into place, replacing what was there: the old one is first renamed into the
   * lake's scratch (`_tmp/replaced/<uuid>`), where no table's reader looks, then removed. Between
   * the two renames a reader finds the directory missing for an instant; a crash there leaves it
   * missing until the retried write puts it back, and never leaves the old rows beside the new.
   */
  public async replaceDirectory(fromKey: string, toKey: string): Promise<void> {
    const target = this.uriOf(toKey);
    const aside = this.uriOf(`${SCRATCH_PREFIX}/replaced/${randomUUID()}`);
    await mkdir(dirname(target), { recursive: true });
    await mkdir(dirname(aside), { recursive: true });
    let movedAside = false;
    try {
      await rename(target, aside);
      movedAside = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(this.uriOf(fromKey), target);
    if (movedAside) await rm(aside, { recursive: true, force: true });
  }

  /** Moves one file into place, atomically replacing any file of that name. */
  public async moveFile(fromKey: string, toKey: string): Promise<void> {
    const target = this.uriOf(toKey);
    await mkdir(dirname(target), { recursive: true });
    await rename(this.uriOf(fromKey), target);
  }
}
