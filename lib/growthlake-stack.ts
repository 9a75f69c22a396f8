/** The growthlake stack: the lake's storage, catalog and query engine, ingestion, the daily run, publishing and monitoring. */
import { CfnOutput, Duration, Size, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alerts } from './alerts.ts';
import { Catalog } from './catalog.ts';
import { effectiveRunConfig, type GrowthlakeConfig } from './config.ts';
import { DailyPipeline } from './daily-pipeline.ts';
import { Ingestion } from './ingestion.ts';
import { LakeStorage } from './lake-storage.ts';
import { Monitoring } from './monitoring.ts';
import { Publishing } from './publishing.ts';
import { QueryEngine } from './query-engine.ts';

/** Properties of {@link GrowthlakeStack}. */
export interface GrowthlakeStackProps extends StackProps {
  /** The validated deployment configuration (see `parseGrowthlakeConfig`). */
  readonly config: GrowthlakeConfig;
}

/** Everything growthlake runs on in one account and region. */
export class GrowthlakeStack extends Stack {
  public readonly storage: LakeStorage;
  public readonly catalog: Catalog;
  public readonly queryEngine: QueryEngine;
  public readonly alerts: Alerts;
  public readonly ingestion: Ingestion;
  public readonly publishing: Publishing;
  public readonly pipeline: DailyPipeline;
  public readonly monitoring: Monitoring;

  public constructor(scope: Construct, id: string, props: GrowthlakeStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.storage = new LakeStorage(this, 'Storage');
    this.catalog = new Catalog(this, 'Catalog', {
      databaseName: config.glueDatabase,
      lakeBucket: this.storage.lake,
    });
    this.queryEngine = new QueryEngine(this, 'QueryEngine', {
      namePrefix: config.namePrefix,
      catalog: this.catalog,
      lakeBucket: this.storage.lake,
      resultsBucket: this.storage.athenaResults,
      resultsKey: this.storage.key,
      pipelineCutoffBytes: config.athena.pipelineCutoffBytes,
      analystsCutoffBytes: config.athena.analystsCutoffBytes,
    });
    this.alerts = new Alerts(this, 'Alerts', { email: config.alarms.email });
    this.ingestion = new Ingestion(this, 'Ingestion', {
      landingBucket: this.storage.landing,
      lakeBucket: this.storage.lake,
      catalog: this.catalog,
      queryEngine: this.queryEngine,
      alerts: this.alerts,
      encryptionKey: this.storage.key,
      reservedConcurrency: config.ingest.reservedConcurrency,
      memorySize: config.ingest.memoryMiB,
      ephemeralStorageSize: Size.gibibytes(config.ingest.ephemeralStorageGiB),
    });
    this.publishing = new Publishing(this, 'Publishing', {
      publishedBucket: this.storage.published,
      sesIdentityArn: config.digest.sesIdentityArn,
      fromAddress: effectiveRunConfig(config).recipients.from,
    });
    this.pipeline = new DailyPipeline(this, 'DailyPipeline', {
      lakeBucket: this.storage.lake,
      landingBucket: this.storage.landing,
      catalog: this.catalog,
      queryEngine: this.queryEngine,
      publishing: this.publishing,
      alerts: this.alerts,
      scheduleExpression: config.schedule.cron,
      scheduleTimeZone: TimeZone.of(config.schedule.timeZone),
      scheduleEnabled: config.schedule.enabled,
      dashboardLinkLifetime: Duration.hours(config.digest.linkLifetimeHours),
      runConfig: config.runConfig,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      alarmTopic: this.alerts.topic,
      stateMachine: this.pipeline.stateMachine,
      ingestFunction: this.ingestion.function.function,
      deadLetterQueues: {
        Ingest: this.ingestion.deadLetterQueue,
        Schedule: this.pipeline.scheduleDeadLetterQueue,
      },
      quarantineRatePercent: config.alarms.quarantineRatePercent,
      dailyScanBudgetBytes: config.athena.dailyScanBudgetBytes,
      dashboardName: `${config.namePrefix}-pipeline`,
    });

    const outputs: Record<string, [string, string]> = {
      LandingBucket: [this.storage.landing.bucketName, 'Upload input files under landing/<kind>/ here'],
      UploaderPolicyArn: [
        this.ingestion.uploaderPolicy.managedPolicyArn,
        'Attach to the roles that upload input files',
      ],
      PublishedBucket: [
        this.storage.published.bucketName,
        'Dashboards, digests and audiences, under published/<run date>/',
      ],
      DailyRunStateMachineArn: [
        this.pipeline.stateMachine.stateMachineArn,
        'Start with {"runDate":"YYYY-MM-DD"} to run or backfill a date',
      ],
      AnalystsWorkGroup: [this.queryEngine.analystsWorkGroup.ref, 'The Athena workgroup analysts query in'],
      AnalystsPolicyArn: [
        this.queryEngine.analystsPolicy.managedPolicyArn,
        "Attach to analysts' roles or permission sets",
      ],
      RiskReviewersWorkGroup: [
        this.queryEngine.riskReviewersWorkGroup.ref,
        'The Athena workgroup risk reviewers query user_risk_flags in',
      ],
      RiskReviewersPolicyArn: [
        this.queryEngine.riskReviewersPolicy.managedPolicyArn,
        'Attach to the roles cleared to read user_risk_flags (personal data); see docs/deploy.md',
      ],
      GlueDatabase: [this.catalog.databaseName, 'The Glue database of the lake tables'],
      AlarmTopicArn: [this.alerts.topic.topicArn, 'Subscribe on-call to growthlake alarms'],
    };
    for (const [id, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, id, { value, description });
  }
}
