/**
 * Who gets a digest, about which partners, and how often: the `recipients` of the run
 * configuration.
 */
import { z } from 'zod';
import { CHANNELS } from './inputs.ts';

/** Which partners a recipient owns. */
export const ScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({
    kind: z.literal('channels'),
    channels: z.array(z.enum(CHANNELS)).min(1, 'list at least one channel'),
  }),
  z.object({
    kind: z.literal('partners'),
    partnerIds: z.array(z.string().min(1)).min(1, 'list at least one partner id'),
  }),
]);
export type Scope = z.infer<typeof ScopeSchema>;

/** `daily`: every run. `weekly`: the run of a Sunday (mailed on Monday), covering the 7 days to it. */
export const CadenceSchema = z.enum(['daily', 'weekly']);
export type Cadence = z.infer<typeof CadenceSchema>;

/**
 * What a recipient's digest covers beyond their partners' numbers: `user_operations` (the
 * user-operations lead) also gets the campaigns that reached a verdict since the day before and
 * those whose arms are not split as designed. Campaigns are not about partners, so scope does not
 * narrow them.
 */
export const RoleSchema = z.enum(['growth', 'user_operations'], {
  error: 'must be growth or user_operations',
});
export type Role = z.infer<typeof RoleSchema>;

/** One person who gets a digest. */
export const RecipientSchema = z.object({
  name: z.string().trim().min(1, 'give the recipient a name'),
  email: z.email('must be an email address'),
  scope: ScopeSchema,
  cadence: CadenceSchema.default('daily'),
  role: RoleSchema.default('growth'),
});
export type Recipient = z.infer<typeof RecipientSchema>;

/** When a partner's numbers raise an alert in a digest. */
export const AlertThresholdsSchema = z.object({
  /**
   * The ROI target (a fraction; 0 = break-even). A partner's ROI alert compares with it the projected
   * ROI at the value horizon (partner_roi_forecast), its whole 95% interval below it; roi_d30 only
   * while there is no projection. The name predates the projection.
   */
  targetRoiD30: z.number().default(0),
});
export type AlertThresholds = z.infer<typeof AlertThresholdsSchema>;

/** The digest configuration: sender, dashboard address, alert thresholds and recipients. */
export const RecipientsConfigSchema = z
  .object({
    /** The sender address (verified in SES on AWS). */
    from: z.email('must be an email address'),
    /**
     * Where published dashboards are served: a digest links to `<dashboardBaseUrl>/<R>/dashboard.html`.
     * @default - the dashboard's location in the object store (a file:// URL locally)
     */
    dashboardBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    alerts: AlertThresholdsSchema.default({ targetRoiD30: 0 }),
    recipients: z.array(RecipientSchema).min(1, 'list at least one recipient'),
  })
  .superRefine((config, context) => {
    // Digests are stored by slug, so two addresses with one slug would overwrite each other.
    const seen = new Map<string, string>();
    config.recipients.forEach((recipient, index) => {
      const slug = recipientSlug(recipient);
      const earlier = seen.get(slug);
      if (earlier !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['recipients', index, 'email'],
          message:
            earlier.toLowerCase() === recipient.email.toLowerCase()
              ? `${recipient.email} is listed twice; merge the two entries`
              : `${recipient.email} and ${earlier} would share the digest file ${slug}.eml; list one of them once`,
        });
      }
      seen.set(slug, recipient.email);
    });
  });
/** The configuration after defaults are applied. */
export type RecipientsConfig = z.output<typeof RecipientsConfigSchema>;
/** The configuration as written (defaults may be left out). */
export type RecipientsConfigInput = z.input<typeof RecipientsConfigSchema>;

/**
 * The configuration the demo uses when none is given: the whole programme, the KOL manager, and the
 * user-operations lead (who also reads the campaigns' verdicts).
 */
export const DEFAULT_RECIPIENTS_CONFIG: RecipientsConfig = RecipientsConfigSchema.parse({
  from: 'growthlake@example.com',
  recipients: [
    { name: 'Growth team', email: 'growth@example.com', scope: { kind: 'all' }, cadence: 'daily' },
    {
      name: 'KOL manager',
      email: 'kol-manager@example.com',
      scope: { kind: 'channels', channels: ['kol'] },
      cadence: 'daily',
    },
    {
      name: 'User operations',
      email: 'user-ops@example.com',
      scope: { kind: 'all' },
      cadence: 'daily',
      role: 'user_operations',
    },
  ],
});

/** A file-name-safe, unique-per-address name for a recipient's digest: `ana@example.com` -> `ana-example-com`. */
export function recipientSlug(recipient: Pick<Recipient, 'email'>): string {
  return recipient.email
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
