import { describe, expect, it } from 'vitest';
import { MailSendError } from '../../lambdas/publish/errors.ts';
import { assertDelivered, deliverAll, type Mailer } from '../../lambdas/publish/mailer.ts';

const RAW = Buffer.from('From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nhello\r\n');

const REFUSAL = 'SES refused the message to bad@example.com: MessageRejected: Email address is not verified.';

/** A provider that accepts every address but `bad@example.com`, which it refuses for good. */
const refusingBad: Mailer = {
  async sendRaw(_from, to) {
    if (to.includes('bad@example.com')) {
      throw new MailSendError(REFUSAL, { permanent: true, code: 'MessageRejected' });
    }
    return { messageId: 'ok' };
  },
};

describe('deliverAll', () => {
  it('keeps sending after a failure and lists who failed and why', async () => {
    // Prepare
    const to = ['one@example.com', 'bad@example.com', 'two@example.com'];
    const recorded: string[] = [];

    // Act
    const result = await deliverAll(
      refusingBad,
      to.map((address) => ({ from: 'a@example.com', to: address, raw: RAW })),
      async (address) => void recorded.push(address),
    );

    // Assess
    expect(result.sent).toEqual([
      { to: 'one@example.com', messageId: 'ok' },
      { to: 'two@example.com', messageId: 'ok' },
    ]);
    expect(result.failed).toEqual([{ to: 'bad@example.com', permanent: true, reason: REFUSAL }]);
    expect(recorded).toEqual(['one@example.com', 'two@example.com']);
    expect(() => assertDelivered(result)).toThrow(
      `1 digest(s) were not delivered: bad@example.com: ${REFUSAL}`,
    );
    expect(() => assertDelivered({ sent: result.sent, failed: [] })).not.toThrow();
  });
});
