import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryableTables } from '../../lambdas/contract/tables.ts';
import { Catalog } from '../../lib/catalog.ts';
import { QueryEngine } from '../../lib/query-engine.ts';
import { logicalIdOf, renderValue, type SynthesizedStack, synthStack, testApp } from './stack-fixture.ts';

let synth: SynthesizedStack;

beforeAll(() => {
  synth = synthStack({
    digest: { sesIdentityArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com' },
    athena: { pipelineCutoffBytes: 300_000_000_000, analystsCutoffBytes: 20_000_000_000 },
  });
});

function workGroup(name: string): Record<string, unknown> {
  const found = synth.template.findResources('AWS::Athena::WorkGroup', { Properties: { Name: name } });
  const [resource] = Object.values(found);
  return resource?.Properties as Record<string, unknown>;
}

describe('QueryEngine', () => {
  it.each([
    ['growthlake-pipeline', 'pipeline', 300_000_000_000],
    ['growthlake-analysts', 'analysts', 20_000_000_000],
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

  it("saves each analyst table's example as a named query in the analysts workgroup", () => {
    // Prepare
    const withExamples = queryableTables().filter((table) => table.example !== undefined);
    const queries = Object.values(synth.template.findResources('AWS::Athena::NamedQuery')).map(
      (resource) => resource.Properties,
    );

    // Assess
    expect(withExamples.length).toBeGreaterThan(10);
    expect(queries.map((query) => query.QueryString).sort()).toEqual(
      withExamples.map((table) => table.example?.sql).sort(),
    );
    for (const table of withExamples) {
      expect(queries).toContainEqual({
        Name: `${table.name}: ${table.example?.question}`.slice(0, 128),
        Description: `An example over ${table.name} (${table.grain}).`,
        Database: 'growthlake',
        WorkGroup: { Ref: logicalIdOf(synth.stack, synth.stack.queryEngine.analystsWorkGroup) },
        QueryString: table.example?.sql,
      });
    }
  });

  it('lets analysts query in their workgroup only, and read the non-staging tables only', () => {
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
        ...queryableTables().map(
          (table) => `arn:aws:glue:eu-west-1:123456789012:table/growthlake/${table.name}`,
        ),
      ].sort(),
    );
    const lakeObjects = statements.flatMap(resources).filter((arn) => arn.startsWith(`\${${lakeId}.Arn}/`));
    expect(lakeObjects.sort()).toEqual(
      queryableTables()
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
