/**
 * What `growthlake query` loads before it answers (docs/benchmarks.md, Command line start-up): the
 * bundle's entry and the local lake's chunk, with every chunk they import statically, must not
 * hold zod (775 KB, about 80 ms to load) or the generator. Checked on the bundle esbuild builds
 * with the shipped options, in memory.
 */
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { cliBuildOptions } from '../../bin/build-cli.mjs';
import {
  DEFAULT_PSEUDONYMIZATION_CONFIG,
  PseudonymizationConfigSchema,
} from '../../lambdas/contract/pseudonymization-config.ts';

/** The outputs `output` loads before it runs: itself and its static imports, transitively. */
function staticClosure(metafile: Metafile, output: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const edge of metafile.outputs[path]?.imports ?? []) {
      if (edge.kind === 'import-statement' && !edge.external) visit(edge.path);
    }
  };
  visit(output);
  return [...seen];
}

/** The source files that make up a set of outputs. */
const inputsOf = (metafile: Metafile, outputs: readonly string[]) =>
  outputs.flatMap((output) => Object.keys(metafile.outputs[output]?.inputs ?? {}));

describe('the command line start-up', () => {
  it('loads neither zod nor the generator for `growthlake query`', async () => {
    const result = await build({
      ...cliBuildOptions('/tmp/growthlake-start-up'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const metafile = result.metafile as Metafile;
    const outputs = Object.entries(metafile.outputs);
    const entry = outputs.find(([, output]) => output.entryPoint === 'bin/growthlake.ts')?.[0];
    const localLake = outputs.find(
      ([, output]) => output.entryPoint === 'lambdas/pipeline/local-lake.ts',
    )?.[0];
    expect(entry).toBeDefined();
    expect(localLake).toBeDefined();
    const loaded = inputsOf(metafile, [
      ...staticClosure(metafile, entry as string),
      ...staticClosure(metafile, localLake as string),
    ]);
    expect(loaded).toContain('lambdas/warehouse/duckdb-engine.ts');
    expect(loaded.filter((input) => input.includes('node_modules/zod/'))).toEqual([]);
    expect(
      loaded.filter((input) => input.startsWith('lambdas/generate/') && !input.endsWith('fraud-option.ts')),
    ).toEqual([]);
    // The check sees zod where it is: the ingest's chunk loads it.
    const ingest = outputs.find(([, output]) => output.entryPoint === 'lambdas/ingest/ingest.ts')?.[0];
    expect(
      inputsOf(metafile, staticClosure(metafile, ingest as string)).some((input) =>
        input.includes('node_modules/zod/'),
      ),
    ).toBe(true);
  });

  it('keeps the pseudonymization defaults, written apart from their schema, equal to what the schema gives', () => {
    expect(DEFAULT_PSEUDONYMIZATION_CONFIG).toEqual(PseudonymizationConfigSchema.parse({}));
  });
});
