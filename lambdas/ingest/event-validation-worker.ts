/** A worker thread that validates batches of event lines (see validateEventBatch). */
import { parentPort } from 'node:worker_threads';
import { validateEventBatch } from './event-batch.ts';

interface BatchRequest {
  readonly id: number;
  readonly lineNumbers: number[];
  readonly texts: string[];
}

parentPort?.on('message', (request: BatchRequest) => {
  parentPort?.postMessage({ id: request.id, ...validateEventBatch(request.lineNumbers, request.texts) });
});
