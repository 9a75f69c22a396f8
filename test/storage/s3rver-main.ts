/**
 * Runs s3rver on a free loopback port until stdin closes, printing `{"port": N}` once it listens.
 * Started by s3rver-process.ts in its own node process with `--openssl-legacy-provider`: s3rver's
 * ListObjectsV2 continuation tokens use DES, which OpenSSL 3 only offers from its legacy provider.
 */
import { createRequire } from 'node:module';

interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverServer;

const [directory, ...buckets] = process.argv.slice(2);
if (directory === undefined) throw new Error('usage: s3rver-main.ts <directory> <bucket>...');
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
