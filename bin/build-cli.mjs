#!/usr/bin/env node
// Precompiles the command line into dist/cli/ (run by `npm ci` and `npm install` as `prepare`), so
// `growthlake` starts without compiling TypeScript: esbuild bundles the sources and the pure-JS
// dependencies into ES modules split by command (a command loads only its own chunks); DuckDB's
// native addon and Chart.js, which the dashboard reads as a file, stay in node_modules.
// bin/growthlake.mjs runs the bundle while it is newer than every source, tsx otherwise.
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI_DIR = join(root, 'dist', 'cli');

await rm(CLI_DIR, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    growthlake: 'bin/growthlake.ts',
    // The ingest's worker threads load it beside the chunk that starts them (parallel-validator.ts).
    'event-validation-worker': 'lambdas/ingest/event-validation-worker.ts',
  },
  outdir: CLI_DIR,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@duckdb/*', 'chart.js'],
  // The CommonJS dependencies bundled into ES modules call require: give them Node's.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
