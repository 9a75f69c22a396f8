/**
 * The local store's file-system operations as calls of their own: FsStore moves a partition into
 * place with two renames, and a reader between them finds it missing, so failing and observing
 * only whole store calls would never see that. A test file routes `node:fs/promises` through
 * {@link countedFsPromises} with `vi.mock`; while {@link lakeFs} names a call log, every `rename`
 * and `rm` under its lake is a call of that log.
 */
import type * as FsPromises from 'node:fs/promises';
import { sep } from 'node:path';
import type { CallLog } from './call-log.ts';

/** The call log of the job running now, and the lake directory whose operations it counts. */
export const lakeFs: { log: CallLog | undefined; root: string } = { log: undefined, root: '' };

type Operation = (...args: never[]) => Promise<unknown>;

function counted<T extends Operation>(name: string, operation: T): T {
  return (async (...args: Parameters<T>) => {
    const log = lakeFs.log;
    if (log === undefined || lakeFs.root === '' || !String(args[0]).startsWith(lakeFs.root)) {
      return operation(...args);
    }
    const n = await log.enter(`fs.${name}`);
    try {
      return await operation(...args);
    } finally {
      log.changed(
        n,
        (args as unknown[])
          .filter((arg): arg is string => typeof arg === 'string' && arg.startsWith(`${lakeFs.root}/`))
          .map((path) =>
            path
              .slice(lakeFs.root.length + 1)
              .split(sep)
              .join('/'),
          ),
      );
    }
  }) as T;
}

/** `node:fs/promises` with `rename` and `rm` counted (for `vi.mock`). */
export function countedFsPromises(actual: typeof FsPromises): typeof FsPromises {
  const rename = counted('rename', actual.rename);
  const rm = counted('rm', actual.rm);
  return { ...actual, rename, rm, default: { ...actual, rename, rm } } as typeof FsPromises;
}
