/**
 * The daily run's inputs: its date and its configuration, one schema for the CLI, the step Lambdas
 * and the CDK app (which validates the configuration before it deploys it).
 */
import { z } from 'zod';
import { DEFAULT_PLAYBOOKS, PlaybooksSchema } from './playbooks.ts';
import { DEFAULT_PSEUDONYMIZATION_CONFIG, PseudonymizationConfigSchema } from './pseudonymization-config.ts';
import { DEFAULT_RECIPIENTS_CONFIG, RecipientsConfigSchema } from './recipients-config.ts';
import { RecommendConfigSchema } from './recommend-config.ts';

/** A `YYYY-MM-DD` run date. */
export const RunDateSchema = z.iso.date({ error: 'the date must be YYYY-MM-DD' });

/**
 * The windows every `playbook:<action>` campaign is measured over (docs/contract.md, Holdouts on
 * growthlake's own audiences). One pair for all actions: the campaign state is folded with one
 * window per campaign kind, and a change rebuilds it from scratch.
 */
export const PlaybookCampaignWindowsSchema = z.strictObject({
  /** Each user's outcome window, days. @default 14 */
  window_days: z.number().int().min(1).max(90).default(14),
  /** The covariate window before the exposure, days; 0 turns CUPED off. @default 30 */
  pre_days: z.number().int().min(0).max(90).default(30),
});
export type PlaybookCampaignWindows = z.infer<typeof PlaybookCampaignWindowsSchema>;

/** The daily run's configuration: a JSON file (`--config`), validated at start-up. */
export const RunConfigSchema = z.strictObject({
  /** Segment playbooks: the audiences `run` writes for the user-operations team. */
  playbooks: PlaybooksSchema.default(DEFAULT_PLAYBOOKS),
  /** The windows of the playbook actions' campaigns. @default - 14 days after, 30 days before */
  playbook_campaigns: PlaybookCampaignWindowsSchema.default(PlaybookCampaignWindowsSchema.parse({})),
  /** Who gets which digest, the sender, the dashboard link base and alert thresholds. */
  recipients: RecipientsConfigSchema.default(DEFAULT_RECIPIENTS_CONFIG),
  /**
   * The budget recommender: total budget (budget-neutral when absent), maximum change per run, value
   * horizon, minimum data and target ROAS.
   */
  budget: RecommendConfigSchema.default(RecommendConfigSchema.parse({})),
  /**
   * Where a local ingest finds the key that pseudonymizes device and funding ids.
   * @default - the environment variable GROWTHLAKE_PSEUDONYMIZATION_KEY, else a key file created on first use
   */
  pseudonymization: PseudonymizationConfigSchema.default(DEFAULT_PSEUDONYMIZATION_CONFIG),
});
/** The run configuration after defaults are applied. */
export type RunConfig = z.infer<typeof RunConfigSchema>;

/** The configuration when no file is given. */
export const DEFAULT_RUN_CONFIG: RunConfig = RunConfigSchema.parse({});
