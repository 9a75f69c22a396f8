/** The SES adapter of the {@link Mailer} port: SendRawEmail, with throttling retried. */
import { SendRawEmailCommand, type SendRawEmailCommandOutput } from '@aws-sdk/client-ses';
import { MailSendError } from '../publish/errors.ts';
import type { Mailer, SentMessage } from '../publish/mailer.ts';

/** The part of the SES client the mailer uses: an `SESClient`, or a fake in tests. */
export interface SesSendClient {
  send(command: SendRawEmailCommand): Promise<SendRawEmailCommandOutput>;
}

/** Options of {@link SesMailer}. */
export interface SesMailerOptions {
  /** Attempts per message, the first included, while SES throttles. @default 6 */
  readonly maxAttempts?: number;
  /** The backoff before the second attempt; it doubles each time. @default 200 */
  readonly baseDelayMs?: number;
  /** The longest backoff. @default 10000 */
  readonly maxDelayMs?: number;
  /** Waits between attempts (injected so tests never sleep). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
  /** An SES configuration set for event publishing. @default - none */
  readonly configurationSetName?: string;
}

const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);
const THROTTLING_STATUS = new Set([429, 503]);

interface ServiceError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

/** Whether an SES error means "slow down" (retry later) rather than "no". */
export function isThrottling(error: unknown): boolean {
  const candidate = error as ServiceError | null;
  if (candidate === null || typeof candidate !== 'object') return false;
  return (
    THROTTLING_CODES.has(candidate.name ?? '') ||
    THROTTLING_STATUS.has(candidate.$metadata?.httpStatusCode ?? 0) ||
    candidate.$retryable?.throttling === true
  );
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends with SES `SendRawEmail`. Throttling is retried with exponential backoff and full jitter
 * (a random wait up to `baseDelayMs * 2^(attempt - 1)`, capped); any other error is permanent and
 * reported at once. The client is created once per process by the caller; give it
 * `maxAttempts: 1` so this class alone decides when to retry.
 */
export class SesMailer implements Mailer {
  readonly #client: SesSendClient;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #configurationSetName: string | undefined;

  public constructor(client: SesSendClient, options: SesMailerOptions = {}) {
    this.#client = client;
    this.#maxAttempts = options.maxAttempts ?? 6;
    this.#baseDelayMs = options.baseDelayMs ?? 200;
    this.#maxDelayMs = options.maxDelayMs ?? 10_000;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#configurationSetName = options.configurationSetName;
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) {
      throw new RangeError('SesMailer maxAttempts must be an integer >= 1');
    }
  }

  /** The wait before attempt `attempt + 1`. */
  public backoffMs(attempt: number): number {
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * ceiling);
  }

  public async sendRaw(from: string, to: readonly string[], raw: Uint8Array): Promise<SentMessage> {
    const command = new SendRawEmailCommand({
      Source: from,
      Destinations: [...to],
      RawMessage: { Data: raw },
      ConfigurationSetName: this.#configurationSetName,
    });
    for (let attempt = 1; ; attempt += 1) {
      try {
        const output = await this.#client.send(command);
        return { messageId: output.MessageId ?? '' };
      } catch (error) {
        const code = (error as ServiceError).name ?? 'Error';
        const reason = (error as ServiceError).message ?? String(error);
        if (!isThrottling(error)) {
          throw new MailSendError(`SES refused the message to ${to.join(', ')}: ${code}: ${reason}`, {
            permanent: true,
            code,
            cause: error,
          });
        }
        if (attempt >= this.#maxAttempts) {
          throw new MailSendError(
            `SES kept throttling the message to ${to.join(', ')} after ${attempt} attempts: ${code}: ${reason}`,
            { permanent: false, code, cause: error },
          );
        }
        await this.#sleep(this.backoffMs(attempt));
      }
    }
  }
}
