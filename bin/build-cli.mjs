#!/usr/bin/env node
// Precompiles the command line into dist/cli/ (run by `npm ci` and `npm install` as `prepare`), so
// `growthlake` starts without compiling TypeScript: esbuild bundles the sources and the pure-JS
// dependencies into ES modules split by command (a command loads only its own chunks); DuckDB's
// native addon and Chart.js, which the dashboard reads as a file, stay in node_modules.
// bin/growthlake.mjs runs the bundle while it is newer than every source, tsx otherwise.
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * DuckDB's Node API is CommonJS. Imported as an ES module, Node scans its source for the names it
 * exports (cjs-module-lexer) at every start: 70 ms of a 700 ms `growthlake query`. Loaded with
 * require, which the banner gives every chunk, it is not scanned; esbuild's interop hands the
 * named imports their values as before.
 */
const requireDuckDb = {
  name: 'require-duckdb',
  setup(build) {
    build.onResolve({ filter: /^@duckdb\/node-api$/ }, (args) =>
      args.namespace === 'require-duckdb'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'require-duckdb' },
    );
    build.onLoad({ filter: /.*/, namespace: 'require-duckdb' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};
const CLI_DIR = join(root, 'dist', 'cli');

/** esbuild's options for the bundle, written to `outdir` (a test builds them in memory). */
export function cliBuildOptions(outdir = CLI_DIR) {
  return {
    absWorkingDir: root,
    entryPoints: {
      growthlake: 'bin/growthlake.ts',
      // The ingest's worker threads load it beside the chunk that starts them (parallel-validator.ts).
      'event-validation-worker': 'lambdas/ingest/event-validation-worker.ts',
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['@duckdb/*', 'chart.js'],
    plugins: [requireDuckDb],
    // The CommonJS dependencies bundled into ES modules call require: give them Node's.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await rm(CLI_DIR, { recursive: true, force: true });
  await build(cliBuildOptions());
}
