/**
 * publishRun sending the digests to aws-ses-v2-local on loopback: every recipient's mail arrives
 * once, throttling is retried, and one rejected address costs nobody else their mail.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  MessageRejected,
  SESClient,
  SESServiceException,
  type SendRawEmailCommand,
} from '@aws-sdk/client-ses';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SesMailer, type SesSendClient } from '../../lambdas/aws/ses-mailer.ts';
import { DigestDeliveryError } from '../../lambdas/publish/errors.ts';
import { assertDelivered } from '../../lambdas/publish/mailer.ts';
import { publishRun } from '../../lambdas/publish/publisher.ts';
import { buildFixtureLake, R, TEST_RECIPIENTS } from './fixture.ts';

interface StoredEmail {
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly html?: string; readonly text?: string };
}

type Lake = Awaited<ReturnType<typeof buildFixtureLake>>;

const startSesLocal = createRequire(import.meta.url)('aws-ses-v2-local').default as (config: {
  host: string;
  port: number;
}) => Promise<Server>;

let server: Server;
let endpoint: string;
let ses: SESClient;
let lake: Lake;

async function sentEmails(): Promise<StoredEmail[]> {
  const response = await fetch(`${endpoint}/store`);
  return ((await response.json()) as { emails: StoredEmail[] }).emails;
}

/** The address of each stored mail's first To, e.g. `kol@example.com` from `"Kim (KOLs)" <kol@example.com>`. */
const recipientsOf = (emails: readonly StoredEmail[]) =>
  emails.map((email) => /<([^>]+)>/.exec(email.destination.to[0] ?? '')?.[1] ?? email.destination.to[0]);

beforeAll(async () => {
  server = await startSesLocal({ host: '127.0.0.1', port: 0 });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ses = new SESClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  lake = await buildFixtureLake();
});

afterAll(async () => {
  ses?.destroy();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await lake?.dispose();
});

beforeEach(async () => {
  await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  await lake.store.deletePrefix('published/');
});

describe('publishRun with SES (aws-ses-v2-local)', () => {
  it("delivers every recipient's digest, once even when the run is repeated", async () => {
    // Prepare
    const mailer = new SesMailer(ses);

    // Act
    const first = await publishRun({
      engine: lake.engine,
      store: lake.store,
      runDate: R,
      recipients: TEST_RECIPIENTS,
      mailer,
    });
    const again = await publishRun({
      engine: lake.engine,
      store: lake.store,
      runDate: R,
      recipients: TEST_RECIPIENTS,
      mailer,
    });

    // Assess
    const emails = await sentEmails();
    expect(recipientsOf(emails)).toEqual(TEST_RECIPIENTS.recipients.map((r) => r.email));
    expect(emails.map((email) => email.subject)).toEqual(first.digests.map((digest) => digest.subject));
    for (const email of emails) {
      expect(email.from).toBe('"growthlake" <growthlake@example.com>');
      expect(email.body.text).toContain('Headline');
      expect(email.body.html).toContain('Open the dashboard');
    }
    expect(first.delivery?.sent.map((s) => s.to)).toEqual(TEST_RECIPIENTS.recipients.map((r) => r.email));
    expect(first.delivery?.failed).toEqual([]);
    expect(again.delivery).toMatchObject({
      sent: [],
      failed: [],
      alreadySent: TEST_RECIPIENTS.recipients.map((r) => r.email),
    });
    expect(() => assertDelivered(first.delivery as NonNullable<typeof first.delivery>)).not.toThrow();
  });

  it('retries throttling, reports a rejected address, and still delivers everyone else', async () => {
    // Prepare: SES throttles the KOL manager's mail twice and rejects the affiliates' address.
    const attempts = new Map<string, number>();
    const flaky: SesSendClient = {
      send: async (command: SendRawEmailCommand) => {
        const to = command.input.Destinations?.[0] ?? '';
        const attempt = (attempts.get(to) ?? 0) + 1;
        attempts.set(to, attempt);
        if (to === 'kol@example.com' && attempt <= 2) {
          throw new SESServiceException({
            name: 'Throttling',
            $fault: 'client',
            $metadata: { httpStatusCode: 400 },
            message: 'Maximum sending rate exceeded.',
          });
        }
        if (to === 'affiliates@example.com') {
          throw new MessageRejected({
            $metadata: { httpStatusCode: 400 },
            message: 'Email address is not verified.',
          });
        }
        return ses.send(command);
      },
    };
    const waits: number[] = [];
    const mailer = new SesMailer(flaky, {
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
      baseDelayMs: 200,
    });

    // Act
    const result = await publishRun({
      engine: lake.engine,
      store: lake.store,
      runDate: R,
      recipients: TEST_RECIPIENTS,
      mailer,
    });

    // Assess
    expect(waits).toEqual([100, 200]);
    expect(attempts.get('kol@example.com')).toBe(3);
    expect(attempts.get('affiliates@example.com')).toBe(1);
    expect(result.delivery?.sent.map((s) => s.to)).toEqual([
      'growth@example.com',
      'kol@example.com',
      'content@example.com',
    ]);
    expect(result.delivery?.failed).toEqual([
      {
        to: 'affiliates@example.com',
        permanent: true,
        reason:
          'SES refused the message to affiliates@example.com: MessageRejected: Email address is not verified.',
      },
    ]);
    expect(recipientsOf(await sentEmails())).toEqual([
      'growth@example.com',
      'kol@example.com',
      'content@example.com',
    ]);
    expect(() => assertDelivered(result.delivery as NonNullable<typeof result.delivery>)).toThrow(
      DigestDeliveryError,
    );
    // Every digest is still written, the rejected one included.
    expect(result.digests).toHaveLength(4);

    // Act again, once the address is fixed: only the missing digest goes out.
    const retry = await publishRun({
      engine: lake.engine,
      store: lake.store,
      runDate: R,
      recipients: TEST_RECIPIENTS,
      mailer: new SesMailer(ses),
    });

    // Assess
    expect(retry.delivery?.sent.map((s) => s.to)).toEqual(['affiliates@example.com']);
    expect(retry.delivery?.alreadySent).toEqual([
      'growth@example.com',
      'kol@example.com',
      'content@example.com',
    ]);
    expect(recipientsOf(await sentEmails()).sort()).toEqual(
      TEST_RECIPIENTS.recipients.map((r) => r.email).sort(),
    );
  });
});
