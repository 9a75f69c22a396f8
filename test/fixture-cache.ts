/**
 * vitest's global setup: a directory for the run's shared test fixtures (built once per run by the
 * first file that needs them, copied by the others), removed when the run ends. Made anew for each
 * run, so no fixture outlives the code that built it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run's shared fixtures are built. */
    fixtureCache: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'growthlake-fixture-cache-'));
  project.provide('fixtureCache', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
