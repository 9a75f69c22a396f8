/** A worker thread that validates blocks of event lines (see validateEventBlock). */
import { parentPort } from 'node:worker_threads';
import { type EventBlock, validateEventBlock } from './event-batch.ts';

parentPort?.on('message', (request: EventBlock & { readonly id: number }) => {
  parentPort?.postMessage({ id: request.id, ...validateEventBlock(request) });
});
// Loading the validation code takes a while; the main thread validates inline until this arrives.
parentPort?.postMessage({ ready: true });
