// The floor `npm run bench -- cli` compares `growthlake query` with: a bare Node script that opens
// DuckDB and counts the same rows with read_parquet over the same files, nothing else.
import { DuckDBInstance } from '@duckdb/node-api';

const [lake] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const reader = await connection.runAndReadAll(
  `select count(*) as n from read_parquet('${lake}/state/user_state/*/*.parquet', hive_partitioning = true)`,
);
process.stdout.write(`${JSON.stringify({ n: Number(reader.getRowsJson()[0]?.[0]) })}\n`);
