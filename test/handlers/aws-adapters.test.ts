/** The small pieces of the AWS composition root: landed keys, run requests, the routing store and presigned links. */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { AwsConfigError } from '../../lambdas/aws/errors.ts';
import { readLandingKey, settledKey } from '../../lambdas/aws/landing-key.ts';
import { quarantineRatePercent } from '../../lambdas/aws/metrics.ts';
import { PresignedLinks } from '../../lambdas/aws/presigned-links.ts';
import { PublishedRoutingStore } from '../../lambdas/aws/published-routing-store.ts';
import { runDateOf, stepEventSchema } from '../../lambdas/aws/step-events.ts';
import { MemoryStore } from '../warehouse/memory-store.ts';

describe('readLandingKey', () => {
  it('reads the kind folder and keeps the path below landing/ for processed/ and rejected/', () => {
    // Act
    const reading = readLandingKey('landing/events/2026/11/21/app-1.jsonl.gz');

    // Assess
    expect(reading).toEqual({
      status: 'ingestible',
      landing: {
        key: 'landing/events/2026/11/21/app-1.jsonl.gz',
        relative: 'events/2026/11/21/app-1.jsonl.gz',
        fileName: 'app-1.jsonl.gz',
        kind: 'events',
      },
    });
    if (reading.status !== 'ingestible') throw new Error('unreachable');
    expect(settledKey(reading.landing, 'processed')).toBe('processed/events/2026/11/21/app-1.jsonl.gz');
    expect(settledKey(reading.landing, 'rejected')).toBe('rejected/events/2026/11/21/app-1.jsonl.gz');
  });

  it('refuses a file without a kind folder, and one outside landing/', () => {
    // Assess
    expect(readLandingKey('landing/spend.csv')).toMatchObject({
      status: 'refused',
      reason:
        'landing/spend.csv has no kind folder; land files under landing/<kind>/ with kind one of events, spend, partners, fx, campaigns, exposures, appsflyer, adjust, impact, tracker-map, targets',
    });
    expect(readLandingKey('uploads/spend/x.csv')).toMatchObject({
      status: 'refused',
      reason: 'uploads/spend/x.csv is not under landing/',
    });
    expect(readLandingKey('landing/partners/')).toEqual({ status: 'folder', key: 'landing/partners/' });
  });
});

describe('run requests', () => {
  it('runs the UTC day before a scheduled time, across month and year ends and from any offset', () => {
    // Assess
    expect(runDateOf({ scheduledTime: '2026-11-23T06:00:00Z' })).toBe('2026-11-22');
    expect(runDateOf({ scheduledTime: '2027-01-01T06:00:00Z' })).toBe('2026-12-31');
    expect(runDateOf({ scheduledTime: '2028-03-01T00:30:00+02:00' })).toBe('2028-02-28');
    expect(runDateOf({ runDate: '2026-06-30' })).toBe('2026-06-30');
  });

  it('parses every step to { runDate, executionId }', () => {
    // Assess
    expect(
      stepEventSchema('transform').parse({
        executionId: 'e-1',
        request: { scheduledTime: '2026-11-23T06:00:00Z' },
      }),
    ).toEqual({
      runDate: '2026-11-22',
      executionId: 'e-1',
    });
    expect(
      stepEventSchema('publish').parse({ executionId: 'e-1', runDate: '2026-11-22', transform: {} }),
    ).toEqual({
      runDate: '2026-11-22',
      executionId: 'e-1',
    });
    expect(
      stepEventSchema('audiences').safeParse({ executionId: 'x'.repeat(81), runDate: '2026-11-22' }).success,
    ).toBe(false);
  });
});

describe('PublishedRoutingStore', () => {
  it('keeps published/ keys in the published store and everything else in the lake', async () => {
    // Prepare
    const lake = new MemoryStore();
    const published = new MemoryStore();
    const store = new PublishedRoutingStore(lake, published);

    // Act
    await store.put('published/2026-11-22/dashboard.html', '<html>');
    await store.put('marts/users/part_0.parquet', 'PAR1');
    await store.put('publishedish/x', 'not a publication');

    // Assess
    expect([...published.objects.keys()]).toEqual(['published/2026-11-22/dashboard.html']);
    expect([...lake.objects.keys()].sort()).toEqual(['marts/users/part_0.parquet', 'publishedish/x']);
    expect((await store.list('')).map((object) => object.key).sort()).toEqual([
      'marts/users/part_0.parquet',
      'published/2026-11-22/dashboard.html',
      'publishedish/x',
    ]);
    await store.delete(['published/2026-11-22/dashboard.html', 'marts/users/part_0.parquet']);
    expect(published.objects.size + lake.objects.size).toBe(1);
    await store.put('published/2026-11-22/digests/a.eml', 'mail');
    await store.deletePrefix('published/2026-11-22');
    expect(published.objects.size).toBe(0);
    expect(new TextDecoder().decode(await store.get('publishedish/x'))).toBe('not a publication');
  });
});

describe('PresignedLinks', () => {
  it('refuses a lifetime SigV4 cannot sign', () => {
    // Prepare
    const client = new S3Client({ region: 'eu-west-1' });

    // Act and assess
    expect(() => new PresignedLinks({ client, bucket: 'b', expiresInSeconds: 604_801 })).toThrow(
      new AwsConfigError('a presigned link lifetime must be 1 to 604800 seconds (7 days), got 604801'),
    );
    expect(() => new PresignedLinks({ client, bucket: 'b', expiresInSeconds: 0 })).toThrow(AwsConfigError);
  });

  it('signs a GET of the key for the configured lifetime', async () => {
    // Prepare
    const client = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const links = new PresignedLinks({
      client,
      bucket: 'growthlake-published',
      expiresInSeconds: 3600,
      now: () => new Date('2026-11-23T06:05:00Z'),
    });

    // Act
    const url = new URL(await links.link('published/2026-11-22/dashboard.html'));

    // Assess
    expect(url.host).toBe('growthlake-published.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/published/2026-11-22/dashboard.html');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261123/eu-west-1/s3/aws4_request');
  });
});

describe('quarantineRatePercent', () => {
  it('is the share of rows read that were quarantined, 0 for an empty file', () => {
    // Assess
    expect(quarantineRatePercent(200, 3)).toBe(1.5);
    expect(quarantineRatePercent(0, 0)).toBe(0);
  });
});
