import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryableTables, TABLES, type TableDef } from '../../lambdas/contract/tables.ts';
import { PARTNER_PERFORMANCE } from '../../lambdas/contract/tables-marts.ts';
import { USER_RISK_FLAGS } from '../../lambdas/contract/tables-traffic.ts';
import { Catalog } from '../../lib/catalog.ts';
import { LakeStorage } from '../../lib/lake-storage.ts';
import { QueryEngine, RESTRICTED_TABLES } from '../../lib/query-engine.ts';
import { logicalIdOf, renderValue, type SynthesizedStack, synthStack, testApp } from './stack-fixture.ts';

let synth: SynthesizedStack;

beforeAll(() => {
  synth = synthStack({
    digest: { sesIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com' },
    athena: { pipelineCutoffBytes: 300_000_000_000, analystsCutoffBytes: 20_000_000_000 },
  });
});

/** The tables the analysts' policy reads: every non-staging table but the restricted ones. */
function analystTables() {
  const restricted = new Set(RESTRICTED_TABLES.map((table) => table.name));
  return queryableTables().filter((table) => !restricted.has(table.name));
}

function workGroup(name: string): Record<string, unknown> {
  const found = synth.template.findResources('AWS::Athena::WorkGroup', { Properties: { Name: name } });
  const [resource] = Object.values(found);
  return resource?.Properties as Record<string, unknown>;
}

describe('QueryEngine', () => {
  it.each([
    ['growthlake-pipeline', 'pipeline', 300_000_000_000],
    ['growthlake-analysts', 'analysts', 20_000_000_000],
    ['growthlake-risk-reviewers', 'risk-reviewers', 20_000_000_000],
  ])(
    'enforces the %s workgroup: engine v3, SSE-KMS results under %s/, cutoff %d bytes',
    (name, prefix, cutoff) => {
      // Prepare
      const { storage } = synth.stack;
      const resultsId = logicalIdOf(synth.stack, storage.athenaResults);
      const keyId = logicalIdOf(synth.stack, storage.key);

      // Act
      const properties = workGroup(name);

      // Assess
      expect(properties).toMatchObject({
        State: 'ENABLED',
        RecursiveDeleteOption: true,
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          BytesScannedCutoffPerQuery: cutoff,
          RequesterPaysEnabled: false,
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          ResultConfiguration: {
            EncryptionConfiguration: {
              EncryptionOption: 'SSE_KMS',
              KmsKey: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
          },
        },
      });
      const output = (
        properties.WorkGroupConfiguration as { ResultConfiguration: { OutputLocation: unknown } }
      ).ResultConfiguration.OutputLocation;
      expect(renderValue(output)).toBe(`s3://\${${resultsId}}/${prefix}/`);
    },
  );

  it("saves each analyst table's example in the analysts workgroup, a restricted table's in the risk reviewers'", () => {
    // Prepare
    const { analystsWorkGroup, riskReviewersWorkGroup } = synth.stack.queryEngine;
    const saved = [
      ...analystTables().map((table) => ({ table, group: analystsWorkGroup })),
      ...RESTRICTED_TABLES.map((table) => ({ table, group: riskReviewersWorkGroup })),
    ].filter(({ table }) => table.example !== undefined);
    const queries = Object.values(synth.template.findResources('AWS::Athena::NamedQuery')).map(
      (resource) => resource.Properties,
    );

    // Assess
    expect(saved.length).toBeGreaterThan(10);
    expect(queries.map((query) => query.QueryString).sort()).toEqual(
      saved.map(({ table }) => table.example?.sql).sort(),
    );
    for (const { table, group } of saved) {
      expect(queries).toContainEqual({
        Name: `${table.name}: ${table.example?.question}`.slice(0, 128),
        Description: `An example over ${table.name} (${table.grain}).`,
        Database: 'growthlake',
        WorkGroup: { Ref: logicalIdOf(synth.stack, group) },
        QueryString: table.example?.sql,
      });
    }
  });

  it('lets analysts query in their workgroup only, and read the non-staging, unrestricted tables only', () => {
    // Prepare
    const lakeId = logicalIdOf(synth.stack, synth.stack.storage.lake);
    const policy = Object.values(
      synth.template.findResources('AWS::IAM::ManagedPolicy', {
        Properties: { Description: Match.stringLikeRegexp('growthlake analysts') },
      }),
    )[0]?.Properties as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    const statements = policy.PolicyDocument.Statement;
    const resources = (statement: { Resource: unknown }) =>
      (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(renderValue);

    // Assess
    const athena = statements.find((statement) =>
      [statement.Action].flat().includes('athena:StartQueryExecution'),
    );
    expect(athena && resources(athena)).toEqual([
      `arn:aws:athena:eu-west-1:123456789012:workgroup/\${${logicalIdOf(synth.stack, synth.stack.queryEngine.analystsWorkGroup)}}`,
    ]);
    const glue = statements.find((statement) => [statement.Action].flat().includes('glue:GetTable'));
    expect(glue && resources(glue).sort()).toEqual(
      [
        'arn:aws:glue:eu-west-1:123456789012:catalog',
        'arn:aws:glue:eu-west-1:123456789012:database/growthlake',
        ...analystTables().map(
          (table) => `arn:aws:glue:eu-west-1:123456789012:table/growthlake/${table.name}`,
        ),
      ].sort(),
    );
    const lakeObjects = statements.flatMap(resources).filter((arn) => arn.startsWith(`\${${lakeId}.Arn}/`));
    expect(lakeObjects.sort()).toEqual(
      analystTables()
        .map((table) => `\${${lakeId}.Arn}/${table.location}/*`)
        .sort(),
    );
    expect(lakeObjects.some((arn) => arn.includes('staging'))).toBe(false);
  });

  it('refuses a cutoff below the 10 MB Athena accepts', () => {
    // Prepare
    const stack = new Stack(testApp(), 'Cutoff');
    const lake = new s3.Bucket(stack, 'Lake');
    const catalog = new Catalog(stack, 'Catalog', { databaseName: 'lake', lakeBucket: lake });

    // Act and assess
    expect(
      () =>
        new QueryEngine(stack, 'Engine', {
          namePrefix: 'gl',
          catalog,
          lakeBucket: lake,
          resultsBucket: new s3.Bucket(stack, 'Results'),
          resultsKey: new kms.Key(stack, 'Key'),
          analystsCutoffBytes: 1_000_000,
        }),
    ).toThrow(
      "QueryEngine analystsCutoffBytes must be a whole number of bytes of at least 10000000 (10 MB, Athena's minimum); got 1000000",
    );
  });
});

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
}

/** A stack whose registry lists user_risk_flags (as it will once the table is built), with a pipeline role. */
interface RestrictedFixture {
  readonly template: Template;
  readonly stack: Stack;
  readonly lake: s3.IBucket;
  readonly results: s3.IBucket;
  readonly engine: QueryEngine;
  readonly pipelineRole: iam.IRole;
}

/** The tables with user_risk_flags among them, once even when the registry already lists it. */
function withRiskFlags(tables: readonly TableDef[]): TableDef[] {
  return [...new Map([...tables, USER_RISK_FLAGS].map((table) => [table.name, table])).values()];
}

function registeredFixture(): RestrictedFixture {
  const stack = new Stack(testApp(), 'Registered', { env: { account: '123456789012', region: 'eu-west-1' } });
  const storage = new LakeStorage(stack, 'Storage');
  const catalog = new Catalog(stack, 'Catalog', {
    databaseName: 'growthlake',
    lakeBucket: storage.lake,
    tables: withRiskFlags(Object.values(TABLES)),
  });
  const engine = new QueryEngine(stack, 'QueryEngine', {
    namePrefix: 'growthlake',
    catalog,
    lakeBucket: storage.lake,
    resultsBucket: storage.athenaResults,
    resultsKey: storage.key,
    analystTables: withRiskFlags(queryableTables()),
  });
  const pipelineRole = new iam.Role(stack, 'PipelineRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  engine.grantPipelineQueries(pipelineRole);
  return {
    template: Template.fromStack(stack),
    stack,
    lake: storage.lake,
    results: storage.athenaResults,
    engine,
    pipelineRole,
  };
}

function deployedFixture(): RestrictedFixture {
  const { stack, template } = synth;
  return {
    template,
    stack,
    lake: stack.storage.lake,
    results: stack.storage.athenaResults,
    engine: stack.queryEngine,
    pipelineRole: stack.pipeline.functions.transform.role,
  };
}

/** The statements of a managed policy of the fixture. */
function managedPolicyStatements(fixture: RestrictedFixture, policy: iam.ManagedPolicy): Statement[] {
  const id = logicalIdOf(fixture.stack, policy);
  return fixture.template.toJSON().Resources[id].Properties.PolicyDocument.Statement as Statement[];
}

/** The statements of every inline policy attached to a role of the fixture. */
function roleStatements(fixture: RestrictedFixture, role: iam.IRole): Statement[] {
  const roleId = logicalIdOf(fixture.stack, role);
  return Object.values(
    fixture.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
  ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** An IAM pattern (`*` any run of characters, `?` one) as an anchored regular expression. */
function pattern(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

function matches(statement: Statement, action: string, resource: string): boolean {
  const resources = [statement.Resource].flat().map(renderValue);
  return (
    [statement.Action].flat().some((allowed) => pattern(allowed).test(action)) &&
    resources.some((allowed) => pattern(allowed).test(resource))
  );
}

/** IAM's verdict over these statements alone: allowed when a statement allows and none denies. */
function allows(statements: readonly Statement[], action: string, resource: string): boolean {
  const relevant = statements.filter((statement) => matches(statement, action, resource));
  return (
    relevant.some((statement) => statement.Effect === 'Allow') &&
    !relevant.some((statement) => statement.Effect === 'Deny')
  );
}

/** A file of a table's partition, as the pipeline writes it, as a rendered object ARN. */
function objectArn(fixture: RestrictedFixture, table: TableDef): string {
  const lakeId = logicalIdOf(fixture.stack, fixture.lake);
  return `\${${lakeId}.Arn}/${table.location}/${table.partition?.name}=2026-11-21/part-0.parquet`;
}

function tableArn(table: TableDef): string {
  return `arn:aws:glue:eu-west-1:123456789012:table/growthlake/${table.name}`;
}

const GLUE_READS = ['glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'];

describe.each([
  ['a stack whose registry lists user_risk_flags', registeredFixture],
  ['the growthlake stack', deployedFixture],
])('QueryEngine restricted tables, in %s', (_, build) => {
  let fixture: RestrictedFixture;

  beforeAll(() => {
    fixture = build();
  });

  it("keeps user_risk_flags' files and catalog entry out of the analysts' policy, and partner_performance in", () => {
    // Prepare
    const statements = managedPolicyStatements(fixture, fixture.engine.analystsPolicy);

    // Act
    const readsFlags = allows(statements, 's3:GetObject', objectArn(fixture, USER_RISK_FLAGS));
    const readsPerformance = allows(statements, 's3:GetObject', objectArn(fixture, PARTNER_PERFORMANCE));

    // Assess
    expect(readsFlags).toBe(false);
    expect(readsPerformance).toBe(true);
    for (const action of GLUE_READS) {
      expect(allows(statements, action, tableArn(USER_RISK_FLAGS)), action).toBe(false);
      expect(allows(statements, action, tableArn(PARTNER_PERFORMANCE)), action).toBe(true);
    }
  });

  it("keeps the risk reviewers' query results out of the analysts' policy", () => {
    // Prepare
    const statements = managedPolicyStatements(fixture, fixture.engine.analystsPolicy);
    const resultsId = logicalIdOf(fixture.stack, fixture.results);

    // Act
    const readsOwn = allows(statements, 's3:GetObject', `\${${resultsId}.Arn}/analysts/q-1.csv`);
    const readsReviewers = allows(statements, 's3:GetObject', `\${${resultsId}.Arn}/risk-reviewers/q-1.csv`);

    // Assess
    expect(readsOwn).toBe(true);
    expect(readsReviewers).toBe(false);
  });

  it("lets the risk reviewers' policy read user_risk_flags, query in their workgroup only, and nothing else of the lake", () => {
    // Prepare
    const statements = managedPolicyStatements(fixture, fixture.engine.riskReviewersPolicy);
    const { analystsWorkGroup, riskReviewersWorkGroup } = fixture.engine;
    const resultsId = logicalIdOf(fixture.stack, fixture.results);
    const workGroupArn = (group: typeof analystsWorkGroup) =>
      `arn:aws:athena:eu-west-1:123456789012:workgroup/\${${logicalIdOf(fixture.stack, group)}}`;

    // Act
    const readsFlags = allows(statements, 's3:GetObject', objectArn(fixture, USER_RISK_FLAGS));
    const readsPerformance = allows(statements, 's3:GetObject', objectArn(fixture, PARTNER_PERFORMANCE));

    // Assess
    expect(readsFlags).toBe(true);
    expect(readsPerformance).toBe(false);
    for (const action of GLUE_READS) {
      expect(allows(statements, action, tableArn(USER_RISK_FLAGS)), action).toBe(true);
      expect(allows(statements, action, tableArn(PARTNER_PERFORMANCE)), action).toBe(false);
    }
    expect(allows(statements, 's3:PutObject', `\${${resultsId}.Arn}/risk-reviewers/q-1.csv`)).toBe(true);
    expect(allows(statements, 'athena:StartQueryExecution', workGroupArn(riskReviewersWorkGroup))).toBe(true);
    expect(allows(statements, 'athena:StartQueryExecution', workGroupArn(analystsWorkGroup))).toBe(false);
    expect(
      statements.filter(
        (statement) =>
          statement.Effect === 'Deny' &&
          matches(statement, 'athena:StartQueryExecution', workGroupArn(analystsWorkGroup)),
      ),
    ).toHaveLength(1);
  });

  it('lets the pipeline keep writing and reading user_risk_flags', () => {
    // Prepare
    const statements = roleStatements(fixture, fixture.pipelineRole);

    // Act
    const writes = allows(statements, 's3:PutObject', objectArn(fixture, USER_RISK_FLAGS));
    const reads = allows(statements, 's3:GetObject', objectArn(fixture, USER_RISK_FLAGS));

    // Assess
    expect(writes).toBe(true);
    expect(reads).toBe(true);
    expect(allows(statements, 'glue:GetTable', tableArn(USER_RISK_FLAGS))).toBe(true);
  });
});
