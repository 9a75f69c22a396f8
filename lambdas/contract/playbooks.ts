import { z } from 'zod';
import { CampaignMetricSchema } from './campaigns.ts';
import { CHANNELS } from './inputs.ts';
import {
  CHURN_RISKS,
  FUNNEL_STAGES,
  LIFECYCLES,
  PRODUCT_MIXES,
  TENURE_BUCKETS,
  TRADE_FREQUENCIES,
  VALUE_TIERS,
} from './segments.ts';

/** Which users of the day's `user_segments` snapshot an action targets; an omitted dimension matches all. */
export const SegmentFilterSchema = z.strictObject({
  lifecycle: z.array(z.enum(LIFECYCLES)).min(1).optional(),
  value_tier: z.array(z.enum(VALUE_TIERS)).min(1).optional(),
  funnel_stage: z.array(z.enum(FUNNEL_STAGES)).min(1).optional(),
  tenure_bucket: z.array(z.enum(TENURE_BUCKETS)).min(1).optional(),
  trade_frequency: z.array(z.enum(TRADE_FREQUENCIES)).min(1).optional(),
  product_mix: z.array(z.enum(PRODUCT_MIXES)).min(1).optional(),
  /** Bands of p_active_30d; a user without a forecast (no churn model for the date) matches no band. */
  churn_risk: z.array(z.enum(CHURN_RISKS)).min(1).optional(),
  /** Channels of the user's partner; `organic` and `unattributed` users have the channel `none`. */
  partner_channel: z
    .array(z.enum([...CHANNELS, 'none']))
    .min(1)
    .optional(),
  /** Days since signup (R - cohort_date), inclusive bounds; users without a cohort never match a bound. */
  min_days_since_signup: z.number().int().min(0).optional(),
  max_days_since_signup: z.number().int().min(0).optional(),
});
export type SegmentFilter = z.infer<typeof SegmentFilterSchema>;

/** One action of a segment playbook: an audience and what to do with it. */
export const PlaybookActionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'id must be lowercase letters, digits, _ or -'),
  description: z.string().min(1),
  channel: z.enum(['email', 'push', 'sms', 'in_app', 'account_manager']).default('email'),
  where: SegmentFilterSchema,
  /**
   * The control share of the action's holdout (docs/contract.md, Holdouts on growthlake's own
   * audiences): the users whose hash position falls below it are left out of the audience CSV and
   * measured as the control arm of `playbook:<id>`; also the share its sample-ratio check expects.
   * @default 0.10
   */
  holdout_share: z
    .number()
    .gt(0, 'holdout_share must be above 0')
    .lt(1, 'holdout_share must be below 1')
    .default(0.1),
  /** What the action costs per treated user, for the campaign's `cost_usd` and ROI. @default 0 */
  cost_per_treated_usd: z.number().nonnegative().default(0),
  /** The metric the campaign's verdict is read on. @default 'active_days' */
  primary_metric: CampaignMetricSchema.default('active_days'),
});
export type PlaybookAction = z.infer<typeof PlaybookActionSchema>;

/** The user-operations playbook: segments mapped to actions; `run` writes one audience file per action. */
export const PlaybooksSchema = z
  .array(PlaybookActionSchema)
  .min(1)
  .refine(
    (actions) => new Set(actions.map((a) => a.id)).size === actions.length,
    'action ids must be unique',
  );
export type Playbooks = z.infer<typeof PlaybooksSchema>;

/** The playbook used when none is configured. */
export const DEFAULT_PLAYBOOKS: Playbooks = PlaybooksSchema.parse([
  {
    id: 'kyc_reminder',
    description: 'Registered more than a day ago and not verified: remind them to finish KYC.',
    channel: 'email',
    where: { funnel_stage: ['registered'], min_days_since_signup: 1 },
  },
  {
    id: 'first_deposit_offer',
    description: 'Verified but never funded: offer a first-deposit bonus.',
    channel: 'email',
    where: { funnel_stage: ['kyc'] },
  },
  {
    id: 'first_trade_nudge',
    description: 'Funded but never traded: show a guided first trade.',
    channel: 'in_app',
    where: { funnel_stage: ['funded'] },
  },
  {
    id: 'at_risk_reengagement',
    description: 'Traders who went quiet for 7 to 29 days: re-engage with a fee discount.',
    channel: 'push',
    where: { lifecycle: ['at_risk'], funnel_stage: ['trader'] },
  },
  {
    id: 'dormant_whale_vip',
    description: 'Whales and high-value users dormant for 30 to 89 days: personal VIP outreach.',
    channel: 'account_manager',
    where: { lifecycle: ['dormant'], value_tier: ['whale', 'high'] },
  },
  {
    id: 'churned_winback',
    description: 'Funded users inactive for 90 days or more: win-back campaign.',
    channel: 'email',
    where: { lifecycle: ['churned'], value_tier: ['whale', 'high', 'mid', 'low'] },
  },
  {
    id: 'retain_at_risk_valuable',
    description:
      'Funded users worth 1,000 USD or more whom the churn model gives under 30% to be back within 30 days, ' +
      'before they go dormant: a personal retention offer.',
    channel: 'account_manager',
    where: {
      churn_risk: ['high'],
      value_tier: ['whale', 'high', 'mid'],
      lifecycle: ['new', 'resurrected', 'active', 'at_risk'],
    },
  },
  {
    id: 'resurrected_welcome_back',
    description: 'Back after 30+ quiet days: welcome them back before they drift again.',
    channel: 'in_app',
    where: { lifecycle: ['resurrected'] },
  },
]);
