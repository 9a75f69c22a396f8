/** The lake on AWS: its S3 store and an Athena engine per unit of work, over clients created once. */
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';
import { TABLES } from '../contract/tables.ts';
import { S3Store } from '../storage/s3-store.ts';
import { AthenaEngine } from '../warehouse/athena-engine.ts';
import { ENV, type LakeEnv } from './env.ts';

/** What {@link LakeAccess} needs. */
export interface LakeAccessOptions {
  readonly env: LakeEnv;
  readonly s3: S3Client;
  readonly athena: AthenaClient;
  /** The engine's waits between polls and retries. @default - a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The engine's jitter source. @default Math.random */
  readonly random?: () => number;
}

/** The lake bucket as an object store, and Athena engines over it. */
export class LakeAccess {
  readonly #options: LakeAccessOptions;
  /** The lake bucket, rooted at the bucket's top: table files live under their registry locations. */
  public readonly store: S3Store;

  public constructor(options: LakeAccessOptions) {
    this.#options = options;
    this.store = new S3Store({ client: options.s3, bucket: options.env[ENV.lakeBucket] });
  }

  /**
   * An engine for one retryable unit of work (see AthenaEngine's `jobId`): `<execution>:<step>`
   * for a daily-run step, `ingest:<event id>` for a landed file. Engines are cheap: the client is shared.
   */
  public engine(jobId: string): AthenaEngine {
    const { env, athena, sleep, random } = this.#options;
    return new AthenaEngine({
      client: athena,
      store: this.store,
      database: env[ENV.glueDatabase],
      workGroup: env[ENV.athenaWorkGroup],
      jobId,
      tables: Object.values(TABLES),
      ...(sleep === undefined ? {} : { sleep }),
      ...(random === undefined ? {} : { random }),
    });
  }
}
