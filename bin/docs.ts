/** `npm run docs`: regenerates docs/tables.md from the table registry. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTableDocs } from '../lambdas/contract/table-docs.ts';

const target = join(import.meta.dirname, '..', 'docs', 'tables.md');
await writeFile(target, renderTableDocs());
process.stdout.write(`wrote ${target}\n`);
