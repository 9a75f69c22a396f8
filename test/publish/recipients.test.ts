import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecipientsConfigError } from '../../lambdas/publish/errors.ts';
import { isDigestDue, loadRecipientsConfig } from '../../lambdas/publish/recipients.ts';

const VALID = {
  from: 'growthlake@example.com',
  recipients: [{ name: 'Kim', email: 'kim@example.com', scope: { kind: 'channels', channels: ['kol'] } }],
};

describe('recipients config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'growthlake-recipients-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('loads a JSON file and applies the defaults', async () => {
    // Prepare
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify(VALID));

    // Act
    const config = await loadRecipientsConfig(path);

    // Assess
    expect(config.recipients[0]?.cadence).toBe('daily');
    expect(config.recipients[0]?.role).toBe('growth');
    expect(config.alerts).toEqual({ targetRoiD30: 0 });
    expect(config.dashboardBaseUrl).toBeUndefined();
  });

  it.each([
    [
      'an unknown channel',
      { ...VALID, recipients: [{ ...VALID.recipients[0], scope: { kind: 'channels', channels: ['tv'] } }] },
      /recipients\.0\.scope\.channels\.0: /,
    ],
    [
      'a bad address',
      { ...VALID, recipients: [{ ...VALID.recipients[0], email: 'kim' }] },
      /recipients\.0\.email: must be an email address/,
    ],
    [
      'an unknown scope',
      { ...VALID, recipients: [{ ...VALID.recipients[0], scope: { kind: 'region' } }] },
      /recipients\.0\.scope/,
    ],
    [
      'an empty partner list',
      { ...VALID, recipients: [{ ...VALID.recipients[0], scope: { kind: 'partners', partnerIds: [] } }] },
      /list at least one partner id/,
    ],
    [
      'a weird cadence',
      { ...VALID, recipients: [{ ...VALID.recipients[0], cadence: 'hourly' }] },
      /recipients\.0\.cadence/,
    ],
    [
      'an unknown role',
      { ...VALID, recipients: [{ ...VALID.recipients[0], role: 'support' }] },
      /recipients\.0\.role: must be growth or user_operations/,
    ],
    ['no recipients', { ...VALID, recipients: [] }, /recipients: list at least one recipient/],
    [
      'a dashboard URL that is not http(s)',
      { ...VALID, dashboardBaseUrl: 'javascript:alert(1)' },
      /dashboardBaseUrl: must be an http\(s\) URL/,
    ],
    [
      'a duplicate address',
      { ...VALID, recipients: [VALID.recipients[0], { ...VALID.recipients[0], email: 'KIM@example.com' }] },
      /listed twice/,
    ],
    [
      'two addresses with one file name',
      {
        ...VALID,
        recipients: [
          { ...VALID.recipients[0], email: 'kim.lee@example.com' },
          { ...VALID.recipients[0], email: 'kim-lee@example.com' },
        ],
      },
      /would share the digest file kim-lee-example-com\.eml/,
    ],
  ])('fails fast on %s with a one-line message', async (_, value, message) => {
    // Prepare
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify(value));

    // Act
    const failure = await loadRecipientsConfig(path).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(RecipientsConfigError);
    expect((failure as Error).message).toMatch(message);
    expect((failure as Error).message).toContain(path);
    expect((failure as Error).message).not.toContain('\n');
  });

  it('says when the file is missing or not JSON', async () => {
    await expect(loadRecipientsConfig(join(dir, 'missing.json'))).rejects.toThrow(
      /cannot read recipients config/,
    );
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"from": ');
    await expect(loadRecipientsConfig(path)).rejects.toThrow(/is not valid JSON/);
  });

  it('sends weekly digests from the runs of Sundays (mailed on Mondays), daily ones always', () => {
    expect(isDigestDue('weekly', '2026-11-22')).toBe(true);
    expect(isDigestDue('weekly', '2026-11-23')).toBe(false);
    expect(isDigestDue('weekly', '2026-11-21')).toBe(false);
    expect(isDigestDue('daily', '2026-11-21')).toBe(true);
  });
});
