import { createHash } from 'node:crypto';
import { INGEST_PARTITIONS, MAX_LOOSE_INGEST_PARTITION_FILES } from '../contract/tables.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine } from '../warehouse/engine.ts';
import { queryFile } from '../warehouse/sql.ts';

/** How the files a compaction writes are named: ingests name theirs after their 64-hex id. */
const COMPACTED_PREFIX = 'compacted-';

/**
 * Gathers the rows of `ingest_partitions` into one file once more than `maxLooseFiles` ingests have
 * added their own, then removes the files it gathered. Every ingest writes one small file (which
 * dates it added rows to), and the run reads them all to find new and late data: after a year of
 * daily inputs that is 700+ files, whose footers cost more than their rows (263 KB on the 360-day
 * bench lake). Only the run compacts, and it removes only files it listed before its query, which
 * read them all: an ingest that lands meanwhile keeps its file, and one that writes its file again
 * (a retry, with the same rows) writes over it at once (see WriteMode 'append'), so the query reads
 * one version or the other. A compaction that fails after its write leaves rows twice until the
 * next one; readers of the table take distinct rows.
 *
 * @returns how many files were gathered (0 when there were too few to bother).
 */
export async function compactIngestPartitions(
  engine: Engine,
  store: ObjectStore,
  maxLooseFiles = MAX_LOOSE_INGEST_PARTITION_FILES,
): Promise<number> {
  const files = (await store.list(INGEST_PARTITIONS.location)).map((file) => file.key);
  const loose = files.filter((key) => !(key.split('/').pop() ?? '').startsWith(COMPACTED_PREFIX));
  if (loose.length <= maxLooseFiles) return 0;
  // Named after what it gathers: never the name of a file it is about to remove.
  const hash = createHash('sha256');
  for (const key of [...files].sort()) hash.update(`${key}\n`);
  await engine.write(INGEST_PARTITIONS, queryFile('run/compact_ingest_partitions'), {
    kind: 'append',
    filePrefix: `${COMPACTED_PREFIX}${hash.digest('hex').slice(0, 16)}`,
  });
  // Both engines read the table's files by listing them at each query: nothing to refresh.
  await store.delete(files);
  return files.length;
}
