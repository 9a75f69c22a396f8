import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GenerateError,
  type GenerateSummary,
  type GroundTruth,
  GroundTruthSchema,
  generate,
} from '../../lambdas/generate/generate.ts';
import { csvHeader, type FileTally, ingestEvents, ingestSpend, readCsv } from './contract-reader.ts';

const BASE = { users: 3000, days: 40, partners: 8, endDate: '2026-11-21' } as const;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

function hashes(dir: string): Map<string, string> {
  return new Map(
    listFiles(dir).map((path) => [
      path,
      createHash('sha256')
        .update(readFileSync(join(dir, path)))
        .digest('hex'),
    ]),
  );
}

/** The date of a day index of the data set. */
const dateOfDay = (day: number): string =>
  new Date(Date.parse('2026-10-13T00:00:00Z') + day * 86_400_000).toISOString().slice(0, 10);
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const pathsOf = (summary: GenerateSummary, kind: string): string[] =>
  summary.files.filter((file) => file.kind === kind).map((file) => file.path);

describe('generate', () => {
  const root = mkdtempSync(join(tmpdir(), 'growthlake-generate-'));
  const dirA = join(root, 'a');
  const dirB = join(root, 'b');
  const dirC = join(root, 'c');
  let summary: GenerateSummary;
  let truth: GroundTruth;
  let ingested: ReturnType<typeof ingestEvents>;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    summary = await generate({
      ...BASE,
      outDir: dirA,
      seed: 7,
      onProgress: (done, total) => progress.push([done, total]),
    });
    await generate({ ...BASE, outDir: dirB, seed: 7 });
    await generate({ ...BASE, outDir: dirC, seed: 8 });
    truth = GroundTruthSchema.parse(JSON.parse(readFileSync(join(dirA, 'truth.json'), 'utf8')));
    ingested = ingestEvents(dirA, pathsOf(summary, 'events'));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes byte-identical files for the same options and different ones for another seed', () => {
    // Prepare
    const a = hashes(dirA);
    const b = hashes(dirB);
    const c = hashes(dirC);

    // Assess
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect(a).toEqual(b);
    const eventFiles = [...a.keys()].filter((path) => path.startsWith('events'));
    const changed = eventFiles.filter((path) => c.get(path) !== a.get(path));
    expect(changed).toEqual(eventFiles);
    expect(c.get('partners.csv')).not.toBe(a.get('partners.csv'));
  });

  it('lists every file it wrote, in ingestion order, with the file names of the contract', () => {
    // Assess
    expect(summary.files.map((file) => file.path).sort()).toEqual(listFiles(dirA));
    expect(summary.files.map((file) => file.kind)).toEqual([
      'fx',
      'partners',
      ...pathsOf(summary, 'spend').map(() => 'spend'),
      ...pathsOf(summary, 'events').map(() => 'events'),
      'truth',
    ]);
    const events = pathsOf(summary, 'events');
    expect(events).toHaveLength(BASE.days);
    expect(events[0]).toBe('events/events-2026-10-13.jsonl');
    expect(events.at(-1)).toMatch(/^events\/events-2026-11-21\.jsonl(\.gz)?$/);
    expect(events.filter((path) => path.endsWith('.jsonl.gz')).length).toBeGreaterThan(0);
    const spend = pathsOf(summary, 'spend');
    expect(spend.filter((path) => /^spend\/spend-\d{4}-\d{2}-\d{2}\.jsonl$/.test(path))).toHaveLength(1);
    expect(
      spend.filter((path) => /^spend\/spend-\d{4}-\d{2}-\d{2}\.restated\.csv$/.test(path)).length,
    ).toBeGreaterThan(0);
    for (const path of spend.filter((p) => p.endsWith('.restated.csv'))) {
      const date = /(\d{4}-\d{2}-\d{2})/.exec(path)?.[1] as string;
      expect(spend.indexOf(path)).toBeGreaterThan(spend.findIndex((p) => p.includes(`spend-${date}`)));
    }
  });

  it('writes the partner registry and FX table in their contract formats', () => {
    // Act
    const partners = readCsv(dirA, 'partners.csv');
    const fx = readCsv(dirA, 'fx.csv');

    // Assess
    expect(csvHeader(dirA, 'partners.csv')).toBe(
      'partner_id,name,channel,network,revshare_rate,status,min_daily_budget_usd,max_daily_budget_usd',
    );
    expect(partners.map((p) => p.partner_id)).toEqual(truth.partners.map((p) => p.partnerId));
    expect(partners.map((p) => p.partner_id)).toEqual([
      'aff-001',
      'aff-002',
      'aff-003',
      'kol-001',
      'kol-002',
      'kol-003',
      'cre-001',
      'cre-002',
    ]);
    expect(partners.find((p) => p.partner_id === 'aff-001')?.network).toMatch(
      /^(impact|partnerize|cj|awin)$/,
    );
    expect(partners.filter((p) => p.status === 'paused').length).toBeGreaterThan(0);
    for (const p of partners) {
      expect(['affiliate', 'kol', 'content', 'community']).toContain(p.channel);
      const rate = p.revshare_rate === '' ? 0 : Number(p.revshare_rate);
      expect(rate).toBeGreaterThanOrEqual(0);
      expect(rate).toBeLessThanOrEqual(0.5);
    }
    expect(csvHeader(dirA, 'fx.csv')).toBe('date,currency,usd_per_unit');
    expect(fx).toHaveLength(BASE.days * 3);
    const rates = (currency: string) =>
      fx.filter((r) => r.currency === currency).map((r) => Number(r.usd_per_unit));
    expect(rates('EUR')).toHaveLength(BASE.days);
    expect(Math.min(...rates('EUR'))).toBeGreaterThan(0.95);
    expect(Math.max(...rates('EUR'))).toBeLessThan(1.22);
    expect(Math.min(...rates('GBP'))).toBeGreaterThan(1.12);
    expect(Math.max(...rates('GBP'))).toBeLessThan(1.43);
    expect(new Set(rates('EUR')).size).toBeGreaterThan(BASE.days / 2);
  });

  it('plants exactly the bad rows, duplicates and late events that truth.json reports', () => {
    // Prepare
    const { tallies, events } = ingested;

    // Assess
    const expected: FileTally[] = truth.events.files.map(({ path: _, ...counts }) => counts);
    expect(tallies).toEqual(expected);
    const quarantined = sum(tallies.map((t) => t.rowsQuarantined));
    expect(quarantined).toBe(sum(Object.values(truth.events.quarantinedByKind)));
    expect(Object.values(truth.events.quarantinedByKind).every((n) => n > 0)).toBe(true);
    const rowsRead = sum(tallies.map((t) => t.rowsRead));
    expect(quarantined / rowsRead).toBeGreaterThan(0.001);
    expect(quarantined / rowsRead).toBeLessThan(0.005);
    expect(events).toHaveLength(truth.events.goodEvents);
    const duplicates = sum(tallies.map((t) => t.rowsDuplicate));
    expect(duplicates).toBe(truth.events.duplicates.sameFile + truth.events.duplicates.laterFile);
    expect(duplicates).toBeGreaterThan(0);
    const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(events.filter((e) => dateOf(e.occurredAtMs) < e.fileDate)).toHaveLength(truth.events.lateEvents);
    expect(truth.events.lateEvents).toBeGreaterThan(0);
    expect(events.filter((e) => dateOf(e.occurredAtMs) > e.fileDate)).toHaveLength(0);
    expect(events.filter((e) => e.amountIsString)).toHaveLength(truth.events.numericStringAmounts);
    const offsets = events.filter((e) => e.hasOffset);
    expect(offsets).toHaveLength(truth.events.offsetTimestamps);
    expect(offsets.length / events.length).toBeLessThan(0.3);
    expect(offsets.filter((e) => e.writtenDate !== dateOf(e.occurredAtMs))).toHaveLength(
      truth.events.offsetDateCrossings,
    );
    expect(truth.events.offsetDateCrossings).toBeGreaterThan(0);
  });

  it('brings about the requested number of users, with the planted attribution oddities', () => {
    // Act
    const { events } = ingested;
    const users = new Set(events.map((e) => e.userId));
    const signups = events.filter((e) => e.type === 'signup');
    const signedUp = new Set(signups.map((e) => e.userId));
    const registry = new Set(truth.partners.map((p) => p.partnerId));

    // Assess
    expect(users.size).toBe(truth.users.total);
    expect(Math.abs(users.size - BASE.users) / BASE.users).toBeLessThan(0.15);
    expect(users.size - signedUp.size).toBe(truth.users.unattributed);
    expect(signups.length - signedUp.size).toBe(truth.users.secondSignups);
    const unknown = signups.filter((e) => e.partnerId !== null && !registry.has(e.partnerId));
    expect(new Set(unknown.map((e) => e.userId)).size).toBeGreaterThanOrEqual(truth.users.unknownPartner);
    expect(truth.users.unattributed + truth.users.unknownPartner).toBeGreaterThan(0);
    const perUser = events.length / users.size;
    expect(perUser).toBeGreaterThan(10);
    expect(events.filter((e) => e.type === 'trade').length).toBeGreaterThan(
      events.filter((e) => e.type === 'signup').length,
    );
  });

  it('writes spend whose restated, FX-converted total is the spend the truth drove signups with', () => {
    // Prepare
    const usdPerUnit = new Map(
      readCsv(dirA, 'fx.csv').map((r) => [`${r.date}|${r.currency}`, Number(r.usd_per_unit)]),
    );

    // Act
    const { tallies, spendUsd } = ingestSpend(dirA, pathsOf(summary, 'spend'), usdPerUnit);

    // Assess
    expect(tallies.map(({ rowsRead, rowsQuarantined }) => ({ rowsRead, rowsQuarantined }))).toEqual(
      truth.spend.files.map(({ rowsRead, rowsQuarantined }) => ({ rowsRead, rowsQuarantined })),
    );
    expect(truth.spend.rowsQuarantined).toBeGreaterThanOrEqual(3);
    expect(truth.spend.restatedRows).toBeGreaterThan(0);
    for (const partner of truth.partners) {
      partner.dailySpendUsd.forEach((usd, day) => {
        expect(spendUsd.get(`${dateOfDay(day)}|${partner.partnerId}`) ?? 0).toBeCloseTo(usd, 2);
      });
    }
    const csvRows = pathsOf(summary, 'spend').flatMap((path) =>
      path.endsWith('.csv') ? readCsv(dirA, path) : [],
    );
    const billed = new Set(csvRows.map((r) => r.currency));
    for (const currency of ['USD', '', 'EUR', 'GBP']) expect(billed).toContain(currency);
    expect(new Set(csvRows.map((r) => r.cost_type))).toEqual(new Set(['flat', 'cpa', 'cpc', 'cpm', '']));
  });

  it('makes signups respond monotonically to spend, as the Hill curves in truth.json predict', () => {
    // Prepare: first signups per partner and UTC date, from the event files
    const { events } = ingested;
    const first = new Map<string, { at: number; partnerId: string | null }>();
    for (const e of events) {
      const seen = first.get(e.userId);
      if (e.type === 'signup' && (seen === undefined || e.occurredAtMs < seen.at)) {
        first.set(e.userId, { at: e.occurredAtMs, partnerId: e.partnerId });
      }
    }
    const signups = new Map<string, number>();
    for (const { at, partnerId } of first.values()) {
      const key = `${new Date(at).toISOString().slice(0, 10)}|${partnerId}`;
      signups.set(key, (signups.get(key) ?? 0) + 1);
    }
    const points = truth.partners.flatMap((partner) =>
      partner.dailySpendUsd.map((usd, day) => {
        const date = dateOfDay(day);
        const { maxSignups, halfSaturationUsd, exponent } = partner.hill;
        const expected = usd > 0 ? maxSignups / (1 + (halfSaturationUsd / usd) ** exponent) : 0;
        const observed = signups.get(`${date}|${partner.partnerId}`) ?? 0;
        return { x: usd / halfSaturationUsd, y: observed / maxSignups, expected, observed };
      }),
    );

    // Act: pool partner-days into quartiles of spend relative to half-saturation
    const spending = points.filter((p) => p.x > 0).sort((a, b) => a.x - b.x);
    const quartiles = [0, 1, 2, 3].map((q) =>
      spending.slice(Math.floor((q * spending.length) / 4), Math.floor(((q + 1) * spending.length) / 4)),
    );
    const meanResponse = quartiles.map((bucket) => sum(bucket.map((p) => p.y)) / bucket.length);

    // Assess
    for (let q = 1; q < 4; q++) expect(meanResponse[q]).toBeGreaterThan(meanResponse[q - 1] as number);
    expect(points.filter((p) => p.x === 0).every((p) => p.observed === 0)).toBe(true);
    const observed = sum(points.map((p) => p.observed));
    const expected = sum(points.map((p) => p.expected));
    expect(Math.abs(observed - expected) / expected).toBeLessThan(0.05);
  });

  it("states expected 180-day values that follow the partners' funnel, value and churn parameters", () => {
    // Prepare: value per funded user per unit of value multiplier, before revenue share
    const perFundedUnit = (
      value: number,
      revshare: number,
      quality: { kyc: number; ftd: number; multiplier: number },
    ) => value / (1 - revshare) / quality.multiplier / quality.kyc / quality.ftd;
    const organic = perFundedUnit(truth.organic.expectedNetRevenue180dPerUserUsd, 0, {
      kyc: 0.85,
      ftd: 0.45,
      multiplier: 1,
    });
    const partners = truth.partners.map((p) => ({
      churn: p.churnMultiplier,
      normalised: perFundedUnit(p.expectedNetRevenue180dPerUserUsd, p.revshareRate, {
        kyc: p.kycRate,
        ftd: p.ftdRate,
        multiplier: p.meanValueMultiplier,
      }),
    }));

    // Assess
    for (const partner of truth.partners) {
      expect(partner.expectedNetRevenue180dStdErrUsd).toBeLessThan(
        partner.expectedNetRevenue180dPerUserUsd * 0.1,
      );
      expect(partner.signups).toBe(sum(partner.dailySignups));
    }
    for (const p of partners) {
      expect(p.normalised / organic).toBeGreaterThan(0.6);
      expect(p.normalised / organic).toBeLessThan(1.5);
    }
    const byChurn = [...partners].sort((a, b) => a.churn - b.churn);
    expect(byChurn[0]?.normalised).toBeGreaterThan(byChurn.at(-1)?.normalised as number);
    expect(truth.organic.signups + sum(truth.partners.map((p) => p.signups))).toBe(truth.users.total);
  });

  it('reports progress up to the final number of events', () => {
    // Assess
    expect(progress).toHaveLength(BASE.days);
    for (let i = 1; i < progress.length; i++) {
      expect((progress[i] as [number, number])[0]).toBeGreaterThanOrEqual(
        (progress[i - 1] as [number, number])[0],
      );
    }
    for (const [done, total] of progress) expect(total).toBeGreaterThanOrEqual(done);
    expect(progress.at(-1)).toEqual([summary.events, summary.events]);
    const [firstDone, firstTotal] = progress[0] as [number, number];
    expect(firstDone / firstTotal).toBeLessThan(0.05);
  });

  it('rejects options it cannot honour with a GenerateError that says what is wrong', async () => {
    // Act & Assess
    await expect(generate({ outDir: join(root, 'x'), endDate: '2026-02-30' })).rejects.toThrow(GenerateError);
    await expect(generate({ outDir: join(root, 'x'), endDate: '2026-02-30' })).rejects.toThrow(
      /not a calendar date/,
    );
    await expect(generate({ outDir: join(root, 'x'), endDate: '2026-11-21', days: 0 })).rejects.toThrow(
      /days/,
    );
    await expect(generate({ outDir: join(root, 'x'), endDate: '21/11/2026' })).rejects.toThrow(/endDate/);
  });
});
