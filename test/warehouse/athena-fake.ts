import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import type { MemoryStore } from './memory-store.ts';

/** What the fake Athena answers. */
export interface FakeAthenaOptions {
  /** The values `select distinct <partition> ...` returns. */
  readonly partitions?: readonly (string | null)[];
  /** How many files an UNLOAD writes per partition (or in all, unpartitioned). @default 1 */
  readonly filesPerPartition?: number;
  /** DataScannedInBytes of every execution. @default 1 MiB */
  readonly bytesScanned?: number;
}

const UNLOAD = /^unload \(([\s\S]*)\) to 's3:\/\/memory-lake\/([^']+)' with \(([^)]*ARRAY\['\w+'\])?[^)]*\)$/;

/**
 * A fake Athena behind aws-sdk-client-mock that keeps Athena's promises the engine relies on: a
 * repeated ClientRequestToken returns the existing execution without running it again, and an
 * UNLOAD writes hive-partitioned files (named like Athena's) under its TO location in the store.
 */
export class FakeAthena {
  public readonly client = new AthenaClient({ region: 'us-east-1' });
  public readonly mock = mockClient(this.client);
  /** The SQL of every execution that really ran, in order. */
  public readonly ran: string[] = [];
  readonly #byToken = new Map<string, string>();
  readonly #sqlById = new Map<string, string>();

  public constructor(store: MemoryStore, options: FakeAthenaOptions = {}) {
    this.mock
      .on(StartQueryExecutionCommand)
      .callsFake(async (input: { QueryString: string; ClientRequestToken: string }) => {
        const known = this.#byToken.get(input.ClientRequestToken);
        if (known !== undefined) return { QueryExecutionId: known };
        const id = `2f1c7d4e-0000-4000-8000-${String(this.ran.length).padStart(12, '0')}`;
        this.#byToken.set(input.ClientRequestToken, id);
        this.#sqlById.set(id, input.QueryString);
        this.ran.push(input.QueryString);
        const unload = UNLOAD.exec(input.QueryString);
        if (unload !== null) await this.#unload(store, unload, options.filesPerPartition ?? 1);
        return { QueryExecutionId: id };
      });
    this.mock.on(GetQueryExecutionCommand).callsFake(async (input: { QueryExecutionId: string }) => ({
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        Query: this.#sqlById.get(input.QueryExecutionId),
        StatementType: 'DML',
        Status: { State: 'SUCCEEDED' },
        Statistics: {
          DataScannedInBytes: options.bytesScanned ?? 1024 * 1024,
          EngineExecutionTimeInMillis: 900,
        },
      },
    }));
    this.mock.on(GetQueryResultsCommand).callsFake(async () => ({
      ResultSet: {
        Rows: [
          { Data: [{ VarCharValue: 'dt' }] },
          ...(options.partitions ?? []).map((value) => ({
            Data: [value === null ? {} : { VarCharValue: value }],
          })),
        ],
        ResultSetMetadata: { ColumnInfo: [{ Name: 'dt', Label: 'dt', Type: 'date', Nullable: 'UNKNOWN' }] },
      },
    }));
  }

  /** The UNLOAD statements that really ran. */
  public unloads(): string[] {
    return this.ran.filter((sql) => sql.startsWith('unload'));
  }

  async #unload(store: MemoryStore, match: RegExpExecArray, files: number): Promise<void> {
    const [, select = '', location = '', partitioned] = match;
    const n = this.ran.length;
    const fileName = (i: number) => `20261121_101500_${String(n).padStart(5, '0')}_fake${i}_b8e3c2a1`;
    if (partitioned === undefined) {
      for (let i = 0; i < files; i++)
        await store.put(`${location}${fileName(i)}`, `rows of unload ${n}, file ${i}`);
      return;
    }
    const filter = select.slice(select.lastIndexOf(' in ('));
    const values = [...filter.matchAll(/'([^']+)'/g)].map((found) => found[1]);
    for (const value of values) {
      for (let i = 0; i < files; i++)
        await store.put(`${location}dt=${value}/${fileName(i)}`, `rows of dt=${value}, file ${i}`);
    }
  }
}
