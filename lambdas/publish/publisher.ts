/**
 * Publishing a run: the dashboard and each recipient's digest written through the ObjectStore
 * under `published/<R>/`, and, with a mailer, the digests sent.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PUBLISHED_ROOT } from '../contract/lake-layout.ts';
import { type Cadence, type RecipientsConfig, recipientSlug } from '../contract/recipients-config.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine } from '../warehouse/engine.ts';
import { renderDashboard } from './dashboard.ts';
import { digestContent } from './digest.ts';
import { composeDigest, type DigestMessage } from './digest-mime.ts';
import { loadPublishModel } from './load-model.ts';
import { type DeliveryResult, deliverAll, type Mailer } from './mailer.ts';
import type { PublishModel } from './model.ts';
import { isDigestDue } from './recipients.ts';

/** Where a run's publications live in the store. */
export const publishedKeys = {
  root: (runDate: string) => `${PUBLISHED_ROOT}/${runDate}/`,
  dashboard: (runDate: string) => `${PUBLISHED_ROOT}/${runDate}/dashboard.html`,
  digests: (runDate: string) => `${PUBLISHED_ROOT}/${runDate}/digests/`,
  digest: (runDate: string, slug: string) => `${PUBLISHED_ROOT}/${runDate}/digests/${slug}.eml`,
  /** A record that a recipient's digest of the run was accepted by the mail provider. */
  delivery: (runDate: string, slug: string) => `${PUBLISHED_ROOT}/${runDate}/delivery/${slug}.json`,
};

/** What {@link publishRun} needs. */
export interface PublishRunOptions {
  readonly engine: Engine;
  readonly store: ObjectStore;
  /** R, `YYYY-MM-DD`. */
  readonly runDate: string;
  readonly recipients: RecipientsConfig;
  /** Sends the digests when given. @default - digests are only written */
  readonly mailer?: Mailer;
  /**
   * The dashboard link in the digests.
   * @default - `<dashboardBaseUrl>/<R>/dashboard.html` from the config, else the dashboard's store location (a file:// URL locally)
   */
  readonly dashboardUrl?: string;
  /** The clock for the digests' Date header. @default - the system clock */
  readonly now?: () => Date;
}

/** A digest written for one recipient. */
export interface PublishedDigest {
  readonly name: string;
  readonly email: string;
  readonly cadence: Cadence;
  readonly subject: string;
  readonly key: string;
}

/** What a publish wrote and sent. */
export interface PublishResult {
  readonly runDate: string;
  readonly dashboardKey: string;
  readonly dashboardUrl: string;
  readonly digests: readonly PublishedDigest[];
  /** Weekly recipients whose digest is not due on R. */
  readonly notDue: readonly string[];
  /**
   * With a mailer: who was sent a digest, who failed and why, and who already had this run's digest
   * (a re-run never mails anyone twice). Call `assertDelivered(result.delivery)` to fail the run on failures.
   */
  readonly delivery?: DeliveryResult & { readonly alreadySent: readonly string[] };
  /** The unscoped model the dashboard shows. */
  readonly model: PublishModel;
}

function resolveDashboardUrl(options: PublishRunOptions, key: string): string {
  if (options.dashboardUrl !== undefined) return options.dashboardUrl;
  const base = options.recipients.dashboardBaseUrl;
  if (base !== undefined) return `${base.replace(/\/+$/, '')}/${options.runDate}/dashboard.html`;
  const uri = options.store.uriOf(key);
  return isAbsolute(uri) ? pathToFileURL(uri).href : uri;
}

/**
 * Publishes run `runDate`: writes `published/<R>/dashboard.html` and
 * `published/<R>/digests/<recipient-slug>.eml` for every recipient due on R (replacing any
 * digests of an earlier publish of R), and, with a mailer, sends each digest not sent before.
 * A failed send is reported in `delivery.failed` without stopping the others.
 */
export async function publishRun(options: PublishRunOptions): Promise<PublishResult> {
  const { engine, store, runDate, recipients: config } = options;
  const model = await loadPublishModel(engine, runDate);
  const dashboardKey = publishedKeys.dashboard(runDate);
  await store.put(dashboardKey, renderDashboard(model));
  const dashboardUrl = resolveDashboardUrl(options, dashboardKey);

  const due = config.recipients.filter((recipient) => isDigestDue(recipient.cadence, runDate));
  const date = (options.now ?? (() => new Date()))();
  await store.deletePrefix(publishedKeys.digests(runDate));
  const messages: (DigestMessage & { readonly slug: string })[] = [];
  const digests: PublishedDigest[] = [];
  for (const recipient of due) {
    const content = digestContent(model, recipient, { thresholds: config.alerts, dashboardUrl });
    const message = await composeDigest(content, config.from, date);
    const key = publishedKeys.digest(runDate, recipientSlug(recipient));
    await store.put(key, message.raw);
    digests.push({
      name: recipient.name,
      email: recipient.email,
      cadence: recipient.cadence,
      subject: message.subject,
      key,
    });
    messages.push({ ...message, slug: recipientSlug(recipient) });
  }
  const notDue = config.recipients
    .filter((recipient) => !due.includes(recipient))
    .map((recipient) => recipient.email);

  if (options.mailer === undefined) return { runDate, dashboardKey, dashboardUrl, digests, notDue, model };

  const alreadySent: string[] = [];
  const unsent: typeof messages = [];
  for (const message of messages) {
    if ((await store.get(publishedKeys.delivery(runDate, message.slug))) === undefined) unsent.push(message);
    else alreadySent.push(message.to);
  }
  const slugOf = new Map(unsent.map((message) => [message.to, message.slug]));
  const result = await deliverAll(options.mailer, unsent, async (to, messageId) => {
    const record = { to, messageId, sentAt: (options.now ?? (() => new Date()))().toISOString() };
    await store.put(publishedKeys.delivery(runDate, slugOf.get(to) as string), `${JSON.stringify(record)}\n`);
  });
  return {
    runDate,
    dashboardKey,
    dashboardUrl,
    digests,
    notDue,
    delivery: { ...result, alreadySent },
    model,
  };
}
