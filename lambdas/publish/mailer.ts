/** The port that sends a raw MIME message, and the delivery of many digests through it. */
import { DigestDeliveryError, MailSendError } from './errors.ts';

/** What a provider returns for an accepted message. */
export interface SentMessage {
  readonly messageId: string;
}

/** Sends raw MIME messages (SES on AWS; a fake in tests). */
export interface Mailer {
  /**
   * Sends `raw` to `to`. Resolves once the provider has accepted it; rejects with
   * {@link MailSendError} when it will not (`permanent`) or kept throttling past the retries.
   */
  sendRaw(from: string, to: readonly string[], raw: Uint8Array): Promise<SentMessage>;
}

/** One message to deliver. */
export interface Outgoing {
  readonly from: string;
  readonly to: string;
  readonly raw: Uint8Array;
}

/** What happened to each message. */
export interface DeliveryResult {
  readonly sent: readonly { readonly to: string; readonly messageId: string }[];
  readonly failed: readonly { readonly to: string; readonly reason: string; readonly permanent: boolean }[];
}

/**
 * Sends every message, one after the other (SES counts a sending rate per second), and records
 * each failure without stopping: one rejected address never costs the others their mail.
 * `onSent` runs right after each accepted message (to record it before the next is tried).
 */
export async function deliverAll(
  mailer: Mailer,
  messages: readonly Outgoing[],
  onSent: (to: string, messageId: string) => Promise<void> = async () => {},
): Promise<DeliveryResult> {
  const sent: { to: string; messageId: string }[] = [];
  const failed: { to: string; reason: string; permanent: boolean }[] = [];
  for (const message of messages) {
    let messageId: string;
    try {
      messageId = (await mailer.sendRaw(message.from, [message.to], message.raw)).messageId;
    } catch (error) {
      failed.push({
        to: message.to,
        reason: (error as Error).message,
        permanent: error instanceof MailSendError ? error.permanent : true,
      });
      continue;
    }
    sent.push({ to: message.to, messageId });
    await onSent(message.to, messageId);
  }
  return { sent, failed };
}

/** Throws {@link DigestDeliveryError} naming every recipient whose digest was not delivered. */
export function assertDelivered(result: DeliveryResult): void {
  if (result.failed.length > 0) {
    throw new DigestDeliveryError(
      result.failed.map((failure) => ({ email: failure.to, reason: failure.reason })),
    );
  }
}
