import { MessageRejected, SESClient, SESServiceException, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { isThrottling, SesMailer } from '../../lambdas/aws/ses-mailer.ts';
import { MailSendError } from '../../lambdas/publish/errors.ts';

const RAW = Buffer.from('From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nhello\r\n');

function serviceError(
  name: string,
  httpStatusCode: number,
  message = `${name} happened`,
): SESServiceException {
  return new SESServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message });
}

const throttling = () => serviceError('Throttling', 400, 'Maximum sending rate exceeded.');
const rejected = () =>
  new MessageRejected({ $metadata: { httpStatusCode: 400 }, message: 'Email address is not verified.' });

function mockedSes() {
  const client = new SESClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return { client, ses: mockClient(client) };
}

/** A sleep that records the waits instead of waiting. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('SesMailer', () => {
  it('sends the raw message with SendRawEmail', async () => {
    // Prepare
    const { client, ses } = mockedSes();
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'm-1' });

    // Act
    const sent = await new SesMailer(client).sendRaw('a@example.com', ['b@example.com'], RAW);

    // Assess
    expect(sent).toEqual({ messageId: 'm-1' });
    const input = ses.commandCalls(SendRawEmailCommand)[0]?.args[0].input;
    expect(input?.Source).toBe('a@example.com');
    expect(input?.Destinations).toEqual(['b@example.com']);
    expect(Buffer.from(input?.RawMessage?.Data as Uint8Array).equals(RAW)).toBe(true);
  });

  it('retries throttling with exponential backoff and jitter', async () => {
    // Prepare
    const { client, ses } = mockedSes();
    ses
      .on(SendRawEmailCommand)
      .rejectsOnce(throttling())
      .rejectsOnce(throttling())
      .rejectsOnce(throttling())
      .resolves({
        MessageId: 'm-2',
      });
    const { waits, sleep } = recordingSleep();

    // Act
    const sent = await new SesMailer(client, { sleep, random: () => 0.5, baseDelayMs: 200 }).sendRaw(
      'a@example.com',
      ['b@example.com'],
      RAW,
    );

    // Assess: half of 200, 400, 800 ms.
    expect(sent.messageId).toBe('m-2');
    expect(waits).toEqual([100, 200, 400]);
    expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(4);
  });

  it.each([
    ['TooManyRequestsException', serviceError('TooManyRequestsException', 429)],
    ['HTTP 429', serviceError('SomethingElse', 429)],
    ['HTTP 503', serviceError('ServiceUnavailable', 503)],
  ])('treats %s as throttling', async (_, error) => {
    // Prepare
    const { client, ses } = mockedSes();
    ses.on(SendRawEmailCommand).rejectsOnce(error).resolves({ MessageId: 'm-3' });
    const { waits, sleep } = recordingSleep();

    // Act
    const sent = await new SesMailer(client, { sleep, random: () => 0 }).sendRaw(
      'a@example.com',
      ['b@example.com'],
      RAW,
    );

    // Assess
    expect(isThrottling(error)).toBe(true);
    expect(sent.messageId).toBe('m-3');
    expect(waits).toEqual([0]);
  });

  it('gives up after maxAttempts, the waits capped, and says it was throttling', async () => {
    // Prepare
    const { client, ses } = mockedSes();
    ses.on(SendRawEmailCommand).rejects(throttling());
    const { waits, sleep } = recordingSleep();
    const mailer = new SesMailer(client, {
      sleep,
      random: () => 0.999,
      baseDelayMs: 200,
      maxDelayMs: 500,
      maxAttempts: 5,
    });

    // Act
    const failure = await mailer
      .sendRaw('a@example.com', ['b@example.com'], RAW)
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(MailSendError);
    expect(failure).toMatchObject({ permanent: false, code: 'Throttling' });
    expect((failure as Error).message).toBe(
      'SES kept throttling the message to b@example.com after 5 attempts: Throttling: Maximum sending rate exceeded.',
    );
    expect(waits).toEqual([199, 399, 499, 499]);
    expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(5);
  });

  it('reports a rejection at once, without retrying', async () => {
    // Prepare
    const { client, ses } = mockedSes();
    ses.on(SendRawEmailCommand).rejects(rejected());
    const { waits, sleep } = recordingSleep();

    // Act
    const failure = await new SesMailer(client, { sleep })
      .sendRaw('a@example.com', ['b@example.com'], RAW)
      .catch((e: unknown) => e);

    // Assess
    expect(failure).toMatchObject({ name: 'MailSendError', permanent: true, code: 'MessageRejected' });
    expect((failure as Error).message).toBe(
      'SES refused the message to b@example.com: MessageRejected: Email address is not verified.',
    );
    expect((failure as Error).cause).toBeInstanceOf(MessageRejected);
    expect(waits).toEqual([]);
    expect(ses.commandCalls(SendRawEmailCommand)).toHaveLength(1);
  });
});
