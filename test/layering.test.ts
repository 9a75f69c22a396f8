/**
 * The layer picture of the README, checked on every import of `lambdas/` and `lib/`: the AWS SDK
 * stays in its adapters, the CDK app reads only the Lambdas' contract and AWS constants, and every
 * import points down the layers.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** A source file by its repository path (`lambdas/aws/env.ts`) and what it imports. */
interface SourceFile {
  readonly path: string;
  readonly imports: readonly string[];
}

/** `from '...'`, `import '...'` and `import('...')`. */
const IMPORT = /\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

/** The module specifiers of `source`, relative ones resolved to repository paths. */
function importsOf(path: string, source: string): string[] {
  return [...source.matchAll(IMPORT)].map(([, specifier = '']) =>
    specifier.startsWith('.') ? posix.join(posix.dirname(path), specifier) : specifier,
  );
}

async function sourcesUnder(folder: string): Promise<SourceFile[]> {
  const names = await readdir(join(ROOT, folder), { recursive: true });
  const paths = names.filter((name) => name.endsWith('.ts')).map((name) => posix.join(folder, name));
  return Promise.all(
    paths.map(async (path) => ({ path, imports: importsOf(path, await readFile(join(ROOT, path), 'utf8')) })),
  );
}

/** The AWS composition root, and the S3 and Athena adapters of the storage and engine ports. */
function mayImportAwsSdk(path: string): boolean {
  return (
    path.startsWith('lambdas/aws/') ||
    path === 'lambdas/storage/s3-store.ts' ||
    /^lambdas\/warehouse\/athena-[^/]+\.ts$/.test(path)
  );
}

/** Each Lambda file outside the adapters that imports the AWS SDK. */
function awsSdkOutsideAdapters(files: readonly SourceFile[]): string[] {
  return files
    .filter((file) => file.path.startsWith('lambdas/') && !mayImportAwsSdk(file.path))
    .filter((file) => file.imports.some((specifier) => specifier.startsWith('@aws-sdk/')))
    .map((file) => file.path);
}

/** What the CDK app may read of the Lambdas' code: the ground it shares with them, and AWS constants. */
const LIB_MAY_IMPORT = ['lambdas/contract/', 'lambdas/aws/'];

/** Each import of the Lambdas' code by the CDK app from anywhere else, as `<file> -> <module>`. */
function libImportsBeyondContract(files: readonly SourceFile[]): string[] {
  return files
    .filter((file) => file.path.startsWith('lib/'))
    .flatMap((file) =>
      file.imports
        .filter((specifier) => specifier.startsWith('lambdas/'))
        .filter((specifier) => !LIB_MAY_IMPORT.some((allowed) => specifier.startsWith(allowed)))
        .map((specifier) => `${file.path} -> ${specifier}`),
    );
}

/** The layers of the README's picture, top first; a file may import its own layer and those below. */
const LAYERS: readonly (readonly string[])[] = [
  ['lambdas/handlers/', 'bin/', 'lib/'],
  ['lambdas/aws/'],
  ['lambdas/pipeline/'],
  [
    'lambdas/ingest/',
    'lambdas/alerts/',
    'lambdas/recommend/',
    'lambdas/experiments/',
    'lambdas/audiences/',
    'lambdas/publish/',
    'lambdas/generate/',
    'lambdas/churn/',
  ],
  ['lambdas/warehouse/'],
  ['lambdas/contract/', 'lambdas/storage/'],
];

/** The index of the layer `path` belongs to in {@link LAYERS}, or -1 for a folder the picture lacks. */
function layerOf(path: string): number {
  return LAYERS.findIndex((folders) => folders.some((folder) => path.startsWith(folder)));
}

/**
 * Each import in Lambda code of a layer above the importer's, as `<file> -> <module>`, and each
 * Lambda file in a folder the picture does not place.
 */
function upwardImports(files: readonly SourceFile[]): string[] {
  return files
    .filter((file) => file.path.startsWith('lambdas/'))
    .flatMap((file) => {
      const layer = layerOf(file.path);
      if (layer === -1) return [`${file.path} is in no layer`];
      return file.imports
        .filter((specifier) => layerOf(specifier) !== -1 && layerOf(specifier) < layer)
        .map((specifier) => `${file.path} -> ${specifier}`);
    });
}

describe('layering', () => {
  it('imports the AWS SDK only in lambdas/aws/, storage/s3-store.ts and warehouse/athena-*', async () => {
    // Prepare
    const lambdas = await sourcesUnder('lambdas');

    // Act
    const sdkUsers = lambdas.filter((file) => file.imports.some((s) => s.startsWith('@aws-sdk/')));

    // Assess
    expect(sdkUsers.map((file) => file.path)).toEqual(
      expect.arrayContaining(['lambdas/aws/clients.ts', 'lambdas/storage/s3-store.ts']),
    );
    expect(awsSdkOutsideAdapters(lambdas)).toEqual([]);
  });

  it('lets lib/ import only lambdas/contract/ and lambdas/aws/', async () => {
    // Prepare
    const lib = await sourcesUnder('lib');

    // Act
    const imported = lib.flatMap((file) => file.imports.filter((s) => s.startsWith('lambdas/')));

    // Assess
    expect(imported).toContain('lambdas/contract/lake-layout.ts');
    expect(libImportsBeyondContract(lib)).toEqual([]);
  });

  it('points every import of lambdas/ down the layers, to its own layer or below', async () => {
    const lambdas = await sourcesUnder('lambdas');

    expect(upwardImports(lambdas)).toEqual([]);
  });

  it('reports the imports that break a rule', () => {
    // Prepare: imports the layout had before this branch, and a pipeline step importing a handler
    const mailer =
      "import { SendRawEmailCommand } from '@aws-sdk/client-ses';\nimport { MailSendError } from './errors.ts';";
    const storage = "import { ATHENA_SCRATCH_PREFIX } from '../lambdas/warehouse/athena-engine.ts';";
    const runConfig = "import { RecommendConfigSchema } from '../recommend/recommend.ts';";
    const step = "export { handler } from '../handlers/transform.ts';";
    const parse = (path: string, source: string): SourceFile => ({ path, imports: importsOf(path, source) });

    // Act
    const files = [
      parse('lambdas/publish/ses-mailer.ts', mailer),
      parse('lib/lake-storage.ts', storage),
      parse('lambdas/contract/run-config.ts', runConfig),
      parse('lambdas/pipeline/steps.ts', step),
      parse('lambdas/misc/helpers.ts', ''),
    ];

    // Assess
    expect(files[0]?.imports).toEqual(['@aws-sdk/client-ses', 'lambdas/publish/errors.ts']);
    expect(awsSdkOutsideAdapters(files)).toEqual(['lambdas/publish/ses-mailer.ts']);
    expect(libImportsBeyondContract(files)).toEqual([
      'lib/lake-storage.ts -> lambdas/warehouse/athena-engine.ts',
    ]);
    expect(upwardImports(files)).toEqual([
      'lambdas/contract/run-config.ts -> lambdas/recommend/recommend.ts',
      'lambdas/pipeline/steps.ts -> lambdas/handlers/transform.ts',
      'lambdas/misc/helpers.ts is in no layer',
    ]);
  });
});
