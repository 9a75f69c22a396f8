#!/usr/bin/env node
// The installed entry point: the precompiled command line (dist/cli/, built by `npm ci` through
// bin/build-cli.mjs) while it is newer than every source file, else the TypeScript sources through
// tsx, so an edited checkout never runs a stale build.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'growthlake.mjs');

/** The newest modification time of the TypeScript and module sources under `dir`. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    return built >= Math.max(newestSource(join(root, 'bin')), newestSource(join(root, 'lambdas')));
  } catch {
    return false;
  }
}

if (isFresh()) await import(bundle);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./growthlake.ts');
}
