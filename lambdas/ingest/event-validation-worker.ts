/** A worker thread that validates blocks of event lines (see validateEventBlock). */
import { parentPort, workerData } from 'node:worker_threads';
import { type EventBlock, type EventValidationWorkerData, validateEventBlock } from './event-batch.ts';
import { Pseudonymizer } from './pseudonymizer.ts';

const { pseudonymizationKey } = (workerData ?? {}) as EventValidationWorkerData;
const pseudonymizer = pseudonymizationKey === undefined ? undefined : new Pseudonymizer(pseudonymizationKey);

parentPort?.on('message', (request: EventBlock & { readonly id: number }) => {
  parentPort?.postMessage({ id: request.id, ...validateEventBlock(request, pseudonymizer) });
});
// Loading the validation code takes a while; the main thread validates inline until this arrives.
parentPort?.postMessage({ ready: true });
