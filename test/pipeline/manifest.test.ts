import { describe, expect, it } from 'vitest';
import { col, type TableDef } from '../../lambdas/contract/table-def.ts';
import { InputFingerprints, modelVersion, stateModelVersion } from '../../lambdas/pipeline/manifest.ts';

const INGESTS = [
  { kind: 'events', dt: '2026-11-20', ingest_id: 'a' },
  { kind: 'events', dt: '2026-11-21', ingest_id: 'b' },
  { kind: 'spend', dt: '2026-11-21', ingest_id: 'c' },
];

describe('InputFingerprints', () => {
  it('makes every state partition stale when the state models change, and no run date', () => {
    // Prepare
    const before = new InputFingerprints(INGESTS, 'release-1', 'spend-1');
    const after = new InputFingerprints(INGESTS, 'release-2', 'spend-1');
    const again = new InputFingerprints(INGESTS, 'release-1', 'spend-1');

    // Assess
    for (const date of ['2026-11-20', '2026-11-21']) {
      expect(after.state(date)).not.toBe(before.state(date));
      expect(after.daily(date)).not.toBe(before.daily(date));
      expect(again.state(date)).toBe(before.state(date));
      expect(again.daily(date)).toBe(before.daily(date));
      expect(after.run(date)).toBe(before.run(date));
    }
    expect(after.spendDaily('2026-11-21')).toBe(before.spendDaily('2026-11-21'));
  });

  it('moves the spend_daily rows of exactly the dates spend was ingested for, and all of them with its model', () => {
    // Prepare
    const base = new InputFingerprints(INGESTS, 'v', 's');
    const restated = new InputFingerprints(
      [
        ...INGESTS,
        { kind: 'spend', dt: '2026-11-19', ingest_id: 'e' },
        { kind: 'spend', dt: '2026-11-21', ingest_id: 'e' },
      ],
      'v',
      's',
    );
    const released = new InputFingerprints(INGESTS, 'v', 's2');

    // Assess
    expect(base.spendDates()).toEqual(['2026-11-21']);
    expect(restated.spendDates()).toEqual(['2026-11-19', '2026-11-21']);
    expect(restated.spendDaily('2026-11-21')).not.toBe(base.spendDaily('2026-11-21'));
    expect(base.spendDaily('2026-11-19')).toBeUndefined();
    expect(base.spendDaily('2026-11-20')).toBeUndefined();
    expect(released.spendDaily('2026-11-21')).not.toBe(base.spendDaily('2026-11-21'));
    expect(released.state('2026-11-21')).toBe(base.state('2026-11-21'));
  });

  it("moves the campaign state from a late exposure's date on, and every date with the windows", () => {
    // Prepare
    const exposures = [...INGESTS, { kind: 'exposures', dt: '2026-11-20', ingest_id: 'x' }];
    const base = new InputFingerprints(exposures, 'v', 's');
    const late = new InputFingerprints(
      [...exposures, { kind: 'exposures', dt: '2026-11-21', ingest_id: 'y' }],
      'v',
      's',
    );

    // Assess
    expect(base.exposureDates()).toEqual(['2026-11-20']);
    expect(late.campaignState('2026-11-20', 'w')).toBe(base.campaignState('2026-11-20', 'w'));
    expect(late.campaignState('2026-11-21', 'w')).not.toBe(base.campaignState('2026-11-21', 'w'));
    expect(base.campaignState('2026-11-20', 'w2')).not.toBe(base.campaignState('2026-11-20', 'w'));
    // Exposures are no input of user_state or of a run date's other marts.
    expect(late.state('2026-11-21')).toBe(base.state('2026-11-21'));
    expect(late.run('2026-11-21')).toBe(base.run('2026-11-21'));
  });

  it('moves the state of a date and every later one, not earlier ones, when an ingest adds rows to it', () => {
    // Prepare
    const base = new InputFingerprints(INGESTS, 'v', 's');
    const late = new InputFingerprints(
      [...INGESTS, { kind: 'events', dt: '2026-11-21', ingest_id: 'd' }],
      'v',
      's',
    );

    // Assess
    expect(late.state('2026-11-20')).toBe(base.state('2026-11-20'));
    expect(late.state('2026-11-21')).not.toBe(base.state('2026-11-21'));
    expect(late.state('2026-11-22')).not.toBe(base.state('2026-11-22'));
    expect(late.daily('2026-11-20')).toBe(base.daily('2026-11-20'));
    expect(late.daily('2026-11-22')).toBeUndefined();
  });
});

describe('modelVersion', () => {
  const TABLE: TableDef = {
    name: 't',
    layer: 'state',
    description: '',
    grain: '',
    key: ['id'],
    columns: [col('id', 'varchar', ''), col('fees_usd', 'decimal(38,9)', '')],
    location: 'state/t',
    format: 'parquet',
  };
  const SQL = 'select id,\n    sum(fees) as fees_usd -- exact\nfrom x group by id';

  it('ignores comments and spacing but not code or columns', () => {
    // Prepare
    const version = modelVersion([SQL], [TABLE]);

    // Assess
    expect(
      modelVersion(['-- a new comment\nselect id, sum(fees) as fees_usd\n\nfrom x group by id'], [TABLE]),
    ).toBe(version);
    expect(modelVersion([SQL.replace('sum', 'max')], [TABLE])).not.toBe(version);
    expect(
      modelVersion([SQL], [{ ...TABLE, columns: [...TABLE.columns, col('kyc_date', 'date', '')] }]),
    ).not.toBe(version);
    expect(stateModelVersion()).toMatch(/^[0-9a-f]{64}$/);
  });
});
