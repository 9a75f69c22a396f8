// The ingest bench's floor, as a whole process: bare Node (no TypeScript loader, no project code)
// reading the file's lines with readline and JSON.parse-ing each non-blank one, nothing else.
// Prints {"lines": n} (bad lines count as read, as they do for an ingest).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const [file] = process.argv.slice(2);
let lines = 0;
for await (const text of createInterface({
  input: createReadStream(file),
  crlfDelay: Number.POSITIVE_INFINITY,
})) {
  if (text.trim() === '') continue;
  try {
    JSON.parse(text);
  } catch {
    // Counted all the same.
  }
  lines += 1;
}
process.stdout.write(`${JSON.stringify({ lines })}\n`);
