/**
 * The traffic-quality tables a run builds (docs/contract.md, Traffic quality), on the scenario of
 * scenario.ts: partner_quality and user_risk_flags of 2026-11-21, then of 11-22 after the next
 * day's events and a late event of 11-18 arrived. Every expected value is worked out beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { BuildManifest, NO_BASE } from '../../lambdas/pipeline/manifest.ts';
import { type TransformReport, transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { openTestLake, type TestLake } from '../ingest/lake-helpers.ts';
import { writeQualityScenario } from './scenario.ts';

const R1 = '2026-11-21';
const R2 = '2026-11-22';

const QUALITY_COLUMNS =
  'partner_id, signups, kyc_rate, ftd_rate, fast_signup_share, median_click_to_signup_s, ' +
  'shared_device_share, shared_funding_share, bonus_abuse_share, flags, quality_score';

/** A partner_quality row in the column order of the table, run_date left out. */
function quality(
  partnerId: string,
  signups: number,
  shares: [
    number | null,
    number | null,
    number | null,
    number | null,
    number | null,
    number | null,
    number | null,
  ],
  flags: string,
  score: number | null,
): Row {
  const [kyc, ftd, fast, median, device, funding, bonus] = shares;
  return {
    partner_id: partnerId,
    signups,
    kyc_rate: kyc,
    ftd_rate: ftd,
    fast_signup_share: fast,
    median_click_to_signup_s: median,
    shared_device_share: device,
    shared_funding_share: funding,
    bonus_abuse_share: bonus,
    flags,
    quality_score: score,
  };
}

const round9 = (value: unknown) => (value === null ? null : Math.round(Number(value) * 1e9) / 1e9);

async function qualityOf(lake: TestLake, runDate: string): Promise<Row[]> {
  const rows = await lake.rows(
    `select ${QUALITY_COLUMNS} from partner_quality where run_date = date '${runDate}' order by partner_id`,
  );
  // Shares are fractions like 2/3: rounded, so the expectations can be written as such.
  return rows.map((row) => ({
    ...row,
    kyc_rate: round9(row.kyc_rate),
    ftd_rate: round9(row.ftd_rate),
    fast_signup_share: round9(row.fast_signup_share),
    median_click_to_signup_s: round9(row.median_click_to_signup_s),
    shared_device_share: round9(row.shared_device_share),
    shared_funding_share: round9(row.shared_funding_share),
    bonus_abuse_share: round9(row.bonus_abuse_share),
    quality_score: round9(row.quality_score),
  }));
}

async function flagsOf(lake: TestLake, runDate: string): Promise<string[][]> {
  const rows = await lake.rows(
    `select user_id, flag, evidence from user_risk_flags where snapshot_date = date '${runDate}' order by user_id, flag`,
  );
  return rows.map((row) => [String(row.user_id), String(row.flag), String(row.evidence)]);
}

const third = round9(1 / 3);
const twoThirds = round9(2 / 3);

describe('traffic-quality tables through a run', () => {
  let lake: TestLake;
  let files: Record<string, string>;
  let firstRun: TransformReport;
  let secondRun: TransformReport;
  const before: { quality?: Row[]; flags?: string[][] } = {};

  beforeAll(async () => {
    lake = await openTestLake();
    files = await writeQualityScenario(lake.root);
    await ingestFile(lake.context, 'partners', files.partners as string);
    await ingestFile(lake.context, 'events', files.events as string);
    firstRun = await transformAndMeasure(lake.lake.engine, R1);
    before.quality = await qualityOf(lake, R1);
    before.flags = await flagsOf(lake, R1);
    // The next day, and a late event of 11-18 that the run of 11-21 never saw.
    await ingestFile(lake.context, 'events', files.nextDay as string);
    await ingestFile(lake.context, 'events', files.late as string);
    secondRun = await transformAndMeasure(lake.lake.engine, R2);
  });

  afterAll(async () => {
    await lake?.close();
  });

  it('measures each partner over the cohorts of the 30 days to R (first run)', () => {
    // Assess: C = [10-23, 11-21].
    expect(before.quality).toEqual([
      // organic: o1 only: no KYC, no FTD, no click, no device. Goods: device 1 x 0.15, funding 1 x
      // 0.15, KYC 0 x 0.10 over the weights present, 0.40: 75.0.
      quality('organic', 1, [0, 0, null, null, 0, 0, null], '', 75),
      // pA: a1..a5. KYC a1, a2: 2/5. FTDs all five (a4's on 11-16): 1.
      // Click gaps of the first sign-ups: a1 9.999 s (fast), a2 10.000 s (not), a3 -2.000 s (fast),
      // a4 3600 s (its second sign-up's 1 s does not count); a5 has none: 2/4 = 0.5. Median of
      // -2, 9.999, 10, 3600: (9.999 + 10) / 2 = 9.9995.
      // Devices: a1 (D1, b1 of pB on 11-15), a2 (D2, the unattributed x1), a4 (D4, y6 and others);
      // a3's D3 is used by no one else yet: 3/5. Funding: a5 (F1, b3 of pB); a4's F2 was on a login,
      // not read: 1/5.
      // Bonus abuse, FTDs <= R - 6 = 11-15: a1, a2, a3, a5 (a4's 11-16 is too recent). a1 withdrew
      // 135 of 150 (100 + 50) by 11-16 = ftd_date + 6: exactly 0.9, abuse; a2 89.99 of 100: not;
      // a3 all of it, but traded: cleared; a5 withdrew on 11-21, after the week: 1/4.
      // Fewer than 20 sign-ups: no flags.
      // Retained (cohorts <= 11-14, active on or after cohort + 7): a5 only (11-21): 1/5.
      // Score: 0.20 x (1 - 0.5) + 0.15 x (1 - 0.6) + 0.15 x (1 - 0.2) + 0.20 x (1 - 0.25)
      // + 0.10 x 0.4 + 0.20 x 0.2 = 0.10 + 0.06 + 0.12 + 0.15 + 0.04 + 0.04 = 0.51: 51.0.
      quality('pA', 5, [0.4, 1, 0.5, 9.9995, 0.6, 0.2, 0.25], '', 51),
      // pB: b1, b3 (11-15). b1 shares D1 with a1; b3 F1 with a5. No clicks, no FTD, nobody a week
      // old. Score: (0.15 x 0.5 + 0.15 x 0.5 + 0.10 x 0) / 0.40 = 37.5.
      quality('pB', 2, [0, 0, null, null, 0.5, 0.5, null], '', 37.5),
      // pBig: g01..g20 on 11-20. g01..g05 clicked 5 s before: 5/20 = 0.25 > 0.20, flagged. Median
      // of 5 x 5 s and 15 x 60 s: ranks 10 and 11 are both 60. g01..g03 share DG: 3/20 = 0.15 >
      // 0.10, flagged. g04 shares F3 with x1: 1/20 = 0.05, not > 0.05. FTD g04: 0.05. No FTD a
      // week old, nobody a week old. Score: (0.20 x 0.75 + 0.15 x 0.85 + 0.15 x 0.95 + 0.10 x 0)
      // / 0.60 = 0.42 / 0.60 = 70.0.
      quality('pBig', 20, [0, 0.05, 0.25, 60, 0.15, 0.05, null], 'fast_signups,shared_devices', 70),
      // pC: in the registry, no sign-ups: every rate null, no score.
      quality('pC', 0, [null, null, null, null, null, null, null], '', null),
    ]);
  });

  it('lists the users behind the signals with their evidence (first run)', () => {
    // Assess: only users of C; x1, y1..y6, z1 (unattributed) are no one's sign-ups.
    expect(before.flags).toEqual([
      ['a1', 'bonus_abuse', '0.900'],
      ['a1', 'fast_signup', '9.999'],
      ['a1', 'shared_device', 'b1'],
      ['a2', 'shared_device', 'x1'],
      ['a3', 'fast_signup', '-2.000'],
      // D4's others by first use: y6 (11-13), y1 and y2 (11-14, by id), y3 and y4 (11-15); y5
      // (11-16) is the sixth.
      ['a4', 'shared_device', 'y6,y1,y2,y3,y4'],
      ['a5', 'shared_funding', 'b3'],
      ['b1', 'shared_device', 'a1'],
      ['b3', 'shared_funding', 'a5'],
      ['g01', 'fast_signup', '5.000'],
      ['g01', 'shared_device', 'g02,g03'],
      ['g02', 'fast_signup', '5.000'],
      ['g02', 'shared_device', 'g01,g03'],
      ['g03', 'fast_signup', '5.000'],
      ['g03', 'shared_device', 'g01,g02'],
      ['g04', 'fast_signup', '5.000'],
      ['g04', 'shared_funding', 'x1'],
      ['g05', 'fast_signup', '5.000'],
    ]);
  });

  it('folds only the new and late event dates, and rebuilds the run date the late event reaches', () => {
    // Assess: the first run folded every event date; the second only 11-09 and 11-18 (late) and 11-22.
    expect(firstRun.identifierDates).toEqual([
      '2026-11-10',
      '2026-11-11',
      '2026-11-12',
      '2026-11-13',
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
      '2026-11-20',
      '2026-11-21',
    ]);
    expect(firstRun.qualityRuns).toEqual([R1]);
    expect(secondRun.identifierDates).toEqual(['2026-11-09', '2026-11-18', R2]);
    expect(secondRun.qualityRuns).toEqual([R1, R2]);
  });

  it('sees the late uses in the restated run date, and not the use of 11-22', async () => {
    // Act
    const restated = await qualityOf(lake, R1);
    const flags = await flagsOf(lake, R1);

    // Assess: x3 used D3 on 11-18 <= 11-21; b2's use (11-22) is after R. pA's devices: 4/5; score
    // 0.51 - 0.15 x 0.2 = 0.48: 48.0. x4's use of D1 changes no share (a1 and b1 shared it
    // already), only the evidence's order.
    expect(restated.find((row) => row.partner_id === 'pA')).toEqual(
      quality('pA', 5, [0.4, 1, 0.5, 9.9995, 0.8, 0.2, 0.25], '', 48),
    );
    expect(flags.filter((row) => ['a1', 'a3', 'b1'].includes(row[0] as string))).toEqual([
      ['a1', 'bonus_abuse', '0.900'],
      ['a1', 'fast_signup', '9.999'],
      // x4 used D1 first (11-09), then a1 (11-10), then b1 (11-15).
      ['a1', 'shared_device', 'x4,b1'],
      ['a3', 'fast_signup', '-2.000'],
      ['a3', 'shared_device', 'x3'],
      ['b1', 'shared_device', 'x4,a1'],
    ]);
  });

  it('measures the next run date with the sign-ups and FTD weeks it adds', async () => {
    // Act
    const rows = await qualityOf(lake, R2);
    const flags = await flagsOf(lake, R2);

    // Assess: C = [10-24, 11-22]; R - 6 = 11-16.
    expect(rows.find((row) => row.partner_id === 'pA')).toEqual(
      // Bonus abuse: a4's FTD week (11-16) now counts: withdrew all 100, no trade: a1 and a4 of
      // five. Retained (cohorts <= 11-15): still a5 only. Score: 0.10 + 0.15 x 0.2 + 0.12
      // + 0.20 x 0.6 + 0.04 + 0.04 = 0.45: 45.0.
      quality('pA', 5, [0.4, 1, 0.5, 9.9995, 0.8, 0.2, 0.4], '', 45),
    );
    expect(rows.find((row) => row.partner_id === 'pB')).toEqual(
      // b1, b3 and b2 (11-22, D3 of a3 and x3): devices b1, b2 (2/3), funding b3 (1/3). Retained:
      // b1 and b3 are a week old, neither active since 11-22: 0/2. Score: (0.15 x 1/3 + 0.15 x 2/3
      // + 0.10 x 0 + 0.20 x 0) / 0.60 = 25.0.
      quality('pB', 3, [0, 0, null, null, twoThirds, third, null], '', 25),
    );
    expect(flags.filter((row) => ['a3', 'a4', 'b2'].includes(row[0] as string))).toEqual([
      ['a3', 'fast_signup', '-2.000'],
      // D3's others by first use: x3 (11-18), b2 (11-22).
      ['a3', 'shared_device', 'x3,b2'],
      ['a4', 'bonus_abuse', '1.000'],
      ['a4', 'shared_device', 'y6,y1,y2,y3,y4'],
      ['b2', 'shared_device', 'a3,x3'],
    ]);
  });

  it('keeps one row per key in both tables', async () => {
    // Act
    const [quality] = await lake.rows(
      'select count(*) as n, count(distinct (run_date, partner_id)) as keys from partner_quality',
    );
    const [flags] = await lake.rows(
      'select count(*) as n, count(distinct (snapshot_date, user_id, flag)) as keys from user_risk_flags',
    );

    // Assess: 5 partners on each of two dates; 18 flags on 11-21 first, 19 once x3 came
    // (a3's shared_device), 21 on 11-22 (a4's bonus_abuse, b2's shared_device).
    expect(quality).toEqual({ n: 10, keys: 10 });
    expect(flags).toEqual({ n: 19 + 21, keys: 19 + 21 });
  });

  it('does no quality work for a run date already built', async () => {
    // Act
    const again = await transformAndMeasure(lake.lake.engine, R2);

    // Assess
    expect(again.identifierDates).toEqual([]);
    expect(again.qualityRuns).toEqual([]);
    expect(again.steps.map((step) => step.step)).not.toContain('identifier_users');
    expect(again.steps.map((step) => step.step)).not.toContain('signup_clicks');
    expect(again.steps.map((step) => step.step)).not.toContain('partner_quality');
  });

  it('folds every event date again from scratch when the fold was built by another model version', async () => {
    // Prepare: the manifest as an older release left it.
    const tables = [
      'select * from identifier_users order by all',
      'select * from signup_clicks order by all',
    ];
    const before = await Promise.all(tables.map((sql) => lake.rows(sql)));
    const manifest = await BuildManifest.load(lake.lake.engine);
    manifest.set('identifier_users', NO_BASE, 'an older model');
    await manifest.save(lake.lake.engine);

    // Act
    const upgraded = await transformAndMeasure(lake.lake.engine, R2);

    // Assess: the 12 event dates (the first file's 9, the late 11-09 and 11-18, and 11-22) folded
    // again, to the same tables; the quality marts' inputs did not change, so they are not rebuilt.
    expect(upgraded.identifierDates).toHaveLength(9 + 2 + 1);
    expect(upgraded.qualityRuns).toEqual([]);
    expect(await Promise.all(tables.map((sql) => lake.rows(sql)))).toEqual(before);
  });

  it('gives the same signals and evidence under another pseudonymization key', async () => {
    // Prepare: the same files into a lake whose ingests pseudonymize under another key.
    const other = await openTestLake();
    try {
      const context = { ...other.context, pseudonymizationKey: 'another-key-for-the-same-lake-0123456789' };
      await ingestFile(context, 'partners', files.partners as string);
      for (const file of ['events', 'nextDay', 'late'])
        await ingestFile(context, 'events', files[file] as string);

      // Act
      await transformAndMeasure(other.lake.engine, R1);
      await transformAndMeasure(other.lake.engine, R2);

      // Assess: the stored pseudonyms differ, every signal and flag is the same (only equality of
      // ids counts, and the evidence names users, never devices or funding accounts).
      const ids = 'select identifier from identifier_users order by all';
      expect(await other.rows(ids)).not.toEqual(await lake.rows(ids));
      for (const date of [R1, R2]) {
        expect(await qualityOf(other, date)).toEqual(await qualityOf(lake, date));
        expect(await flagsOf(other, date)).toEqual(await flagsOf(lake, date));
      }
    } finally {
      await other.close();
    }
  });

  it('equals a lake that ingested every file before its first run', async () => {
    // Prepare: the same files, all ingested first, then the same two run dates.
    const rebuilt = await openTestLake();
    try {
      await ingestFile(rebuilt.context, 'partners', files.partners as string);
      for (const file of ['events', 'nextDay', 'late']) {
        await ingestFile(rebuilt.context, 'events', files[file] as string);
      }
      await transformAndMeasure(rebuilt.lake.engine, R1);
      await transformAndMeasure(rebuilt.lake.engine, R2);

      // Act
      const tables = [
        'select * from identifier_users order by all',
        'select * from signup_clicks order by all',
        'select * from user_quality_signals order by all',
        'select * from partner_quality order by all',
        'select * from user_risk_flags order by all',
      ];

      // Assess
      for (const sql of tables) expect(await rebuilt.rows(sql), sql).toEqual(await lake.rows(sql));
    } finally {
      await rebuilt.close();
    }
  });
});
