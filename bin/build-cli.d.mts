import type { BuildOptions } from 'esbuild';

/** esbuild's options for the command line's bundle, written to `outdir` (default `dist/cli/`). */
export function cliBuildOptions(outdir?: string): BuildOptions;
