import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type GeneratedInputFile, generate, inputFiles } from '../../lambdas/generate/generate.ts';
import type { GenerateOptions } from '../../lambdas/generate/options.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';

/**
 * A local lake with a generated business's registry, FX rates and events ingested (spend too when
 * `spend`, each file as it arrives, restatements after the files they restate), the events of every
 * day as one NDJSON file: one ingest instead of one per day. Nothing is run.
 */
export async function generatedLake(
  options: Omit<GenerateOptions, 'outDir'>,
  { spend = false }: { readonly spend?: boolean } = {},
): Promise<LocalLake> {
  const root = await mkdtemp(join(tmpdir(), 'growthlake-generated-'));
  const inputDir = join(root, 'input');
  const files = inputFiles(await generate({ ...options, outDir: inputDir }));
  const lake = await openLocalLake(join(root, 'lake'));
  const separate = new Set(spend ? ['partners', 'fx', 'spend'] : ['partners', 'fx']);
  for (const file of files.filter((f) => separate.has(f.kind))) {
    await ingestFile(lake, file.kind, join(inputDir, file.path));
  }
  await ingestFile(lake, 'events', await eventsInOneFile(inputDir, files, join(root, 'events-all.jsonl')));
  return lake;
}

/**
 * The generated events files of every day, oldest first, written into `target` as one NDJSON file.
 * Its ingest stores what ingesting them day by day stores: within a file the first line of an
 * event_id wins (queries/ingest/accept_events.sql), as the earliest file's does across ingests.
 */
export async function eventsInOneFile(
  inputDir: string,
  files: readonly GeneratedInputFile[],
  target: string,
): Promise<string> {
  for (const path of files
    .filter((f) => f.kind === 'events')
    .map((f) => f.path)
    .sort()) {
    const bytes = await readFile(join(inputDir, path));
    await appendFile(target, path.endsWith('.gz') ? gunzipSync(bytes) : bytes);
  }
  return target;
}
