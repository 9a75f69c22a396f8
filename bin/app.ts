/**
 * The CDK app: one growthlake stack, configured by the `growthlake` context (cdk.json), checked
 * with cdk-nag's AwsSolutions rules at synth. Synthesizes offline, without AWS credentials.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseGrowthlakeConfig } from '../lib/config.ts';
import { GrowthlakeStack } from '../lib/growthlake-stack.ts';

const app = new App();
const config = parseGrowthlakeConfig(app.node.tryGetContext('growthlake'));
new GrowthlakeStack(app, app.node.tryGetContext('stackName') ?? 'Growthlake', {
  config,
  description:
    'growthlake: growth analytics for affiliate and KOL programs (S3, Glue, Athena, Lambda, Step Functions)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
