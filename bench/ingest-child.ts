/** A child process of the ingest benchmark: a baseline (JSON or CSV) or a real ingest (events or AppsFlyer), then its peak RSS. */

import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { ingestFile } from '../lambdas/ingest/ingest.ts';
import { readLines } from '../lambdas/ingest/line-reader.ts';
import { INGEST_ENGINE_OPTIONS, openLocalLake } from '../lambdas/pipeline/local-lake.ts';

const [mode, file, lakeDir] = process.argv.slice(2) as [string, string, string];
const started = performance.now();
let lines = 0;
let accepted = 0;
if (mode === 'baseline') {
  for await (const { text } of readLines(file)) {
    if (text.trim() === '') continue;
    try {
      JSON.parse(text);
    } catch {
      // Bad lines count as read, as they do for an ingest.
    }
    lines += 1;
  }
} else if (mode === 'csv-baseline') {
  // The CSV library at its own pace: the whole file through one streaming parser.
  for await (const _ of createReadStream(file).pipe(
    parse({ relax_quotes: true, trim: true, from_line: 2 }),
  )) {
    lines += 1;
  }
} else {
  const lake = await openLocalLake(lakeDir, INGEST_ENGINE_OPTIONS);
  const result = await ingestFile(lake, mode === 'appsflyer' ? 'appsflyer' : 'events', file);
  await lake.close();
  lines = result.rowsRead;
  accepted = result.rowsAccepted;
}
const elapsedMs = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ lines, accepted, elapsedMs, peakRssKb: process.resourceUsage().maxRSS })}\n`,
);
