/**
 * The layer picture of the README, checked on every import of `lambdas/` and `lib/`: the AWS SDK
 * stays in its adapters, the CDK app reads only the Lambdas' contract and AWS constants, and no
 * Lambda code imports a face.
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

/** The faces: the Lambda handlers, the CLI and the CDK app. */
const FACES = ['lambdas/handlers/', 'bin/', 'lib/'];

/** Each import of a face by Lambda code that is not itself a face, as `<file> -> <module>`. */
function facesImported(files: readonly SourceFile[]): string[] {
  return files
    .filter((file) => file.path.startsWith('lambdas/') && !file.path.startsWith('lambdas/handlers/'))
    .flatMap((file) =>
      file.imports
        .filter((specifier) => FACES.some((face) => specifier.startsWith(face)))
        .map((specifier) => `${file.path} -> ${specifier}`),
    );
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

  it('lets no Lambda code below the handlers import a face', async () => {
    const lambdas = await sourcesUnder('lambdas');

    expect(facesImported(lambdas)).toEqual([]);
  });

  it('reports the imports that break a rule', () => {
    // Prepare: two imports the layout had before SesMailer and the Athena scratch prefix moved, and
    // a pipeline step importing a handler
    const mailer =
      "import { SendRawEmailCommand } from '@aws-sdk/client-ses';\nimport { MailSendError } from './errors.ts';";
    const storage = "import { ATHENA_SCRATCH_PREFIX } from '../lambdas/warehouse/athena-engine.ts';";
    const step = "export { handler } from '../handlers/transform.ts';";

    // Act
    const files: SourceFile[] = [
      { path: 'lambdas/publish/ses-mailer.ts', imports: importsOf('lambdas/publish/ses-mailer.ts', mailer) },
      { path: 'lib/lake-storage.ts', imports: importsOf('lib/lake-storage.ts', storage) },
      { path: 'lambdas/pipeline/steps.ts', imports: importsOf('lambdas/pipeline/steps.ts', step) },
    ];

    // Assess
    expect(files[0]?.imports).toEqual(['@aws-sdk/client-ses', 'lambdas/publish/errors.ts']);
    expect(awsSdkOutsideAdapters(files)).toEqual(['lambdas/publish/ses-mailer.ts']);
    expect(libImportsBeyondContract(files)).toEqual([
      'lib/lake-storage.ts -> lambdas/warehouse/athena-engine.ts',
    ]);
    expect(facesImported(files)).toEqual(['lambdas/pipeline/steps.ts -> lambdas/handlers/transform.ts']);
  });
});
