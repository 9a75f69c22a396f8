// Worker entry point: registers tsx so the TypeScript worker runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./event-validation-worker.ts');
