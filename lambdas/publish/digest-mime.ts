/** A digest as a MIME message (multipart/alternative: text and HTML), built by nodemailer's MailComposer. */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { DigestContent } from './digest.ts';
import { renderDigestHtml } from './digest-html.ts';
import { renderDigestText } from './digest-text.ts';
import { PublishError } from './errors.ts';

/** A rendered digest: the headers' values and the raw message. */
export interface DigestMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  /** The whole RFC 5322 message, as written to the `.eml` file and sent. */
  readonly raw: Buffer;
}

/** The display name of the sender. */
export const SENDER_NAME = 'growthlake';

/** Builds the MIME message of a digest. `date` is the Date header (the send time). */
export async function composeDigest(
  content: DigestContent,
  from: string,
  date: Date,
): Promise<DigestMessage> {
  const composer = new MailComposer({
    from: { name: SENDER_NAME, address: from },
    to: { name: content.recipient.name, address: content.recipient.email },
    subject: content.subject,
    text: renderDigestText(content),
    html: renderDigestHtml(content),
    date,
    textEncoding: 'quoted-printable',
    headers: { 'X-Growthlake-Run-Date': content.runDate },
  });
  try {
    const raw = await composer.compile().build();
    return { from, to: content.recipient.email, subject: content.subject, raw };
  } catch (error) {
    throw new PublishError(
      `could not build the digest for ${content.recipient.email}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
