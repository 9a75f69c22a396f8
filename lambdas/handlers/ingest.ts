/** Lambda entry: ingests each file that lands under `landing/<kind>/` in the landing bucket. */
import { ingestRuntimeFromEnv } from '../aws/ingest-runtime.ts';
import { createIngestHandler } from './create-ingest-handler.ts';

export const handler = createIngestHandler(ingestRuntimeFromEnv());
