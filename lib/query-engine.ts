/**
 * Athena over the lake: the `pipeline` workgroup the Lambdas query in, the `analysts` workgroup
 * people query in (with a named query per table that has an example), and the `risk-reviewers`
 * workgroup of the restricted tables (personal data such as `user_risk_flags`), each with
 * enforced, KMS-encrypted results and a bytes-scanned cutoff per query.
 */
import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { queryableTables, type TableDef } from '../lambdas/contract/tables.ts';
import { USER_RISK_FLAGS } from '../lambdas/contract/tables-traffic.ts';
import type { Catalog } from './catalog.ts';
import { MIN_ATHENA_CUTOFF_BYTES } from './config.ts';
import { acknowledgeBucketGrants } from './nag.ts';

/** Properties of {@link QueryEngine}. */
export interface QueryEngineProps {
  /** Prefix of the workgroup names: `<prefix>-pipeline` and `<prefix>-analysts`. */
  readonly namePrefix: string;
  readonly catalog: Catalog;
  /** The lake the tables live in. */
  readonly lakeBucket: s3.IBucket;
  /** Where query results go (`pipeline/` and `analysts/` prefixes). */
  readonly resultsBucket: s3.IBucket;
  /** The key results are encrypted with (SSE-KMS). */
  readonly resultsKey: kms.IKey;
  /**
   * The pipeline workgroup's per-query bytes-scanned cutoff.
   * @default 200 GB
   */
  readonly pipelineCutoffBytes?: number;
  /**
   * The analysts workgroup's per-query bytes-scanned cutoff.
   * @default 50 GB
   */
  readonly analystsCutoffBytes?: number;
  /**
   * The tables analysts may query, each with a named query when it has an example. A restricted
   * table is left out even when listed here: only the risk reviewers' grant reads it.
   * @default - every registry table but staging (`queryableTables()`), less the restricted ones
   */
  readonly analystTables?: readonly TableDef[];
  /**
   * Tables of personal data that only the risk reviewers' policy reads: the analysts' policy
   * neither lists their files nor their catalog entries, and their example queries are saved in
   * the risk reviewers' workgroup.
   * @default RESTRICTED_TABLES (`user_risk_flags`)
   */
  readonly restrictedTables?: readonly TableDef[];
}

/**
 * The tables of personal data readable only with their own grant: `user_risk_flags` names users
 * and, as evidence, the other users sharing their device or funding account.
 */
export const RESTRICTED_TABLES: readonly TableDef[] = [USER_RISK_FLAGS];

const GB = 1_000_000_000;

function checkCutoff(name: string, bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < MIN_ATHENA_CUTOFF_BYTES) {
    throw new Error(
      `QueryEngine ${name} must be a whole number of bytes of at least ${MIN_ATHENA_CUTOFF_BYTES} (10 MB, Athena's minimum); got ${bytes}`,
    );
  }
}

/** Actions that run and read queries in one workgroup. */
const QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
];

/** The two workgroups, the named queries, and the analysts' policy. */
export class QueryEngine extends Construct {
  /** Where the Lambdas query: enforced configuration, results under `pipeline/`. */
  public readonly pipelineWorkGroup: athena.CfnWorkGroup;
  /** Where people query: enforced configuration, results under `analysts/`, a tighter cutoff. */
  public readonly analystsWorkGroup: athena.CfnWorkGroup;
  /**
   * Where risk reviewers query the restricted tables: results under `risk-reviewers/`, which
   * the analysts' policy cannot read, and the analysts' cutoff.
   */
  public readonly riskReviewersWorkGroup: athena.CfnWorkGroup;
  /** One saved query per analyst or restricted table with an example question, in its workgroup. */
  public readonly namedQueries: readonly athena.CfnNamedQuery[];
  /**
   * Attach to analysts' roles (or SSO permission sets): query in `analysts`, read the non-staging
   * tables but the restricted ones.
   */
  public readonly analystsPolicy: iam.ManagedPolicy;
  /**
   * Attach to a risk team's role, or beside {@link analystsPolicy} to an analyst cleared for
   * personal data: query in `risk-reviewers` (never in `analysts`, whose results every analyst
   * reads) and read the restricted tables.
   */
  public readonly riskReviewersPolicy: iam.ManagedPolicy;
  readonly #props: QueryEngineProps;

  public constructor(scope: Construct, id: string, props: QueryEngineProps) {
    super(scope, id);
    const pipelineCutoff = props.pipelineCutoffBytes ?? 200 * GB;
    const analystsCutoff = props.analystsCutoffBytes ?? 50 * GB;
    checkCutoff('pipelineCutoffBytes', pipelineCutoff);
    checkCutoff('analystsCutoffBytes', analystsCutoff);
    this.#props = props;

    const workGroup = (workGroupId: string, name: string, cutoff: number, description: string) =>
      new athena.CfnWorkGroup(this, workGroupId, {
        name: `${props.namePrefix}-${name}`,
        description,
        state: 'ENABLED',
        recursiveDeleteOption: true,
        workGroupConfiguration: {
          enforceWorkGroupConfiguration: true,
          publishCloudWatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: cutoff,
          requesterPaysEnabled: false,
          engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
          resultConfiguration: {
            outputLocation: props.resultsBucket.s3UrlForObject(`${name}/`),
            encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.resultsKey.keyArn },
          },
        },
      });
    this.pipelineWorkGroup = workGroup(
      'PipelineWorkGroup',
      'pipeline',
      pipelineCutoff,
      'growthlake Lambdas: ingest and the daily run',
    );
    this.analystsWorkGroup = workGroup(
      'AnalystsWorkGroup',
      'analysts',
      analystsCutoff,
      'growthlake analysts: read-only queries over the lake tables',
    );

    this.riskReviewersWorkGroup = workGroup(
      'RiskReviewersWorkGroup',
      'risk-reviewers',
      analystsCutoff,
      'growthlake risk reviewers: read-only queries over the restricted tables of personal data',
    );

    const restricted = props.restrictedTables ?? RESTRICTED_TABLES;
    const restrictedNames = new Set(restricted.map((table) => table.name));
    const tables = (props.analystTables ?? queryableTables()).filter(
      (table) => !restrictedNames.has(table.name),
    );
    const namedQuery = (table: TableDef, group: athena.CfnWorkGroup): athena.CfnNamedQuery[] => {
      if (table.example === undefined) return [];
      const query = new athena.CfnNamedQuery(this, `${table.name}-example`, {
        name: `${table.name}: ${table.example.question}`.slice(0, 128),
        description: `An example over ${table.name} (${table.grain}).`.slice(0, 1024),
        database: props.catalog.databaseName,
        workGroup: group.ref,
        queryString: table.example.sql,
      });
      query.node.addDependency(group);
      return [query];
    };
    this.namedQueries = [
      ...tables.flatMap((table) => namedQuery(table, this.analystsWorkGroup)),
      ...restricted.flatMap((table) => namedQuery(table, this.riskReviewersWorkGroup)),
    ];

    // An allow-list, not a Deny of the restricted tables: an explicit Deny here would also defeat
    // the risk reviewers' policy for an analyst who holds both.
    this.analystsPolicy = this.#readerPolicy(
      'AnalystsPolicy',
      // Kept as first deployed: a new description would replace the policy, and its ARN with it.
      'growthlake analysts: query in the analysts workgroup and read the lake tables (not staging)',
      this.analystsWorkGroup,
      'analysts',
      tables,
    );
    this.riskReviewersPolicy = this.#readerPolicy(
      'RiskReviewersPolicy',
      'growthlake risk reviewers: query in the risk-reviewers workgroup and read the restricted tables of personal data',
      this.riskReviewersWorkGroup,
      'risk-reviewers',
      restricted,
    );
    // Results of a query in the analysts workgroup are readable by every analyst (S3 and
    // GetQueryResults), so restricted rows must never be queried there.
    this.riskReviewersPolicy.addStatements(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['athena:StartQueryExecution'],
        resources: [this.workGroupArn(this.analystsWorkGroup)],
      }),
    );
  }

  /**
   * A managed policy that queries in `group` (results under `resultsPrefix/`) and reads `tables`:
   * their catalog entries and the files under their locations, nothing else of the lake.
   */
  #readerPolicy(
    policyId: string,
    description: string,
    group: athena.CfnWorkGroup,
    resultsPrefix: string,
    tables: readonly TableDef[],
  ): iam.ManagedPolicy {
    const props = this.#props;
    const policy = new iam.ManagedPolicy(this, policyId, { description });
    policy.addStatements(
      new iam.PolicyStatement({
        actions: [
          ...QUERY_ACTIONS,
          'athena:ListQueryExecutions',
          'athena:ListNamedQueries',
          'athena:GetNamedQuery',
          'athena:BatchGetNamedQuery',
        ],
        resources: [this.workGroupArn(group)],
      }),
    );
    props.catalog.grantRead(
      policy,
      tables.map((table) => table.name),
    );
    for (const table of tables) props.lakeBucket.grantRead(policy, `${table.location}/*`);
    props.resultsBucket.grantReadWrite(policy, `${resultsPrefix}/*`);
    acknowledgeBucketGrants(policy, {
      ...Object.fromEntries(
        tables.map((table) => [
          props.lakeBucket.arnForObjects(`${table.location}/*`),
          `The files of the ${table.name} table, which the ${resultsPrefix} workgroup's users query.`,
        ]),
      ),
      [props.resultsBucket.arnForObjects(`${resultsPrefix}/*`)]:
        `The ${resultsPrefix} workgroup's own query results.`,
    });
    return policy;
  }

  /** The ARN of a workgroup of this engine. */
  public workGroupArn(workGroup: athena.CfnWorkGroup): string {
    return Stack.of(this).formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: workGroup.ref,
    });
  }

  /** The name of the pipeline workgroup, for the Lambdas' environment. */
  public get pipelineWorkGroupName(): string {
    return this.pipelineWorkGroup.ref;
  }

  /**
   * Lets `grantee` run the pipeline's queries: Athena in the pipeline workgroup, the catalog's
   * table definitions, the lake (Athena reads and UNLOADs with the caller's rights) and the
   * pipeline's results, with the key they are encrypted under.
   */
  public grantPipelineQueries(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: QUERY_ACTIONS,
      resourceArns: [this.workGroupArn(this.pipelineWorkGroup)],
    });
    this.#props.catalog.grantRead(grantee);
    this.#props.lakeBucket.grantReadWrite(grantee);
    this.#props.resultsBucket.grantReadWrite(grantee, 'pipeline/*');
    if (Construct.isConstruct(grantee)) {
      acknowledgeBucketGrants(grantee, {
        [this.#props.lakeBucket.arnForObjects('*')]:
          "The pipeline reads and rewrites every table of the lake (Athena UNLOADs with the caller's rights).",
        [this.#props.resultsBucket.arnForObjects('pipeline/*')]:
          "The pipeline workgroup's own query results.",
      });
    }
  }
}
