/**
 * Golden test of the daily run's contract tables (docs/contract.md, Tables) on a small hand-made data
 * set (test/fixtures/golden, described in its README.md). Every expected value below was computed
 * by hand from the definitions in docs/contract.md (Definitions, Tables), not by running the SQL;
 * comments show the arithmetic of the numbers that are not obvious.
 *
 * R = 2026-03-10.  W7 = [03-04, 03-10], W30 = [02-09, 03-10].
 * Matured cohorts C = [R-N-w+1, R-N]:  roi_d7: w7 [02-25, 03-03], w30 [02-02, 03-03];
 *                                     roi_d30: w7 [02-02, 02-08], w30 [01-10, 02-08].
 *
 * Spend after restatement and FX (USD): kol-a 01-29 200, 02-05 40, 03-01 100+20 (flat + cpc),
 * 03-05 80 (100 restated by spend-2); aff-b 03-03 100 EUR * 1.08 = 108, 03-09 60; cre-c 03-02 50
 * (the later of two lines of the same key in spend-1). kol-a 03-11 (after R) is ignored by a run for R.
 *
 * Gross fees by user and age (cohort date in brackets):
 *   u01 kol-a  [03-01]  03-02 4 (age 1), 03-04 6 (age 3)
 *   u02 kol-a  [03-01]  signup 2026-03-02T07:00+08:00 = 03-01 23:00 UTC; 10 x 1 on 03-02 (age 1), 10 x 2 on 03-10 (age 9)
 *   u03 kol-a  [03-05]  03-04 2 (before signup: age 0), 03-06 4 (age 1)
 *   u04 aff-b  [03-03]  3 on each of 03-03, 03-04, 03-06, 03-08, 03-10 (ages 0, 1, 3, 5, 7); 100 on 03-11 (after R)
 *   u06 kol-zzz[03-07]  03-08 5 (age 1) (a duplicate event_id with fee 500 is dropped)
 *   u09 organic[2025-12-01] 2026-01-15 10 (age 45)
 *   u10 kol-a  [01-29]  01-29 8 (age 0), 02-08 4 (age 10; R-30: outside W30), 03-10 20 and 0 (no fee_usd) (age 40)
 *   u11 unattributed    03-07 "1.50" (a partner_id on its login is ignored: not a signup)
 * Revshare: kol-a 0.25, everyone else 0 (aff-b 0, organic, unattributed, kol-zzz not in the registry).
 *
 * GMV (amount_usd of trades) by user and age, the same trades as the fees above:
 *   u01 03-02 1000 (age 1), 03-04 2000 (age 3)          u02 03-02 10 x 100 (age 1), 03-10 10 x 200 (age 9)
 *   u03 03-04 500 (age 0), 03-06 800 (age 1)            u04 3000 on each of its 5 days; 90000 on 03-11 (after R)
 *   u06 03-08 800 (age 1)                               u09 01-15 10000 (age 45)
 *   u10 01-29 4000 (age 0), 02-08 2000 (age 10), 03-10 10000 + 500 (age 40)     u11 03-07 300
 *   Late: u01 03-03 5000 (age 2).
 * cum_gmv_usd adds them up to each age: cohort 03-01 kol-a 0, 1000+1000 = 2000 (age 1), + 2000 = 4000
 * (age 3), + 2000 = 6000 (age 14); after the late trade 9000 at ages 3 and 7, 11000 from 14.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTradingHistories } from '../../bench/models/customer-base.ts';
import { writeAudiences } from '../../lambdas/audiences/audiences.ts';
import { type ChurnLevels, churnRisk, pActive30d } from '../../lambdas/churn/features.ts';
import { PRIOR_COEFFICIENTS } from '../../lambdas/churn/prior.ts';
import type { InputKind } from '../../lambdas/contract/inputs.ts';
import { PlaybooksSchema } from '../../lambdas/contract/playbooks.ts';
import { DEFAULT_RUN_CONFIG } from '../../lambdas/contract/run-config.ts';
import {
  COHORT_LTV,
  PARTNER_PERFORMANCE,
  type TableDef,
  USER_SEGMENTS,
} from '../../lambdas/contract/tables.ts';
import { type IngestResult, ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type LocalLake, openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { backfill, runDaily } from '../../lambdas/pipeline/run.ts';
import type { TransformReport } from '../../lambdas/pipeline/transform.ts';
import { FsStore } from '../../lambdas/storage/fs-store.ts';
import type { Row, SqlValue } from '../../lambdas/warehouse/engine.ts';
import { openLakeCopy } from '../ingest/lake-helpers.ts';

const csvRows = (text: string) => parse(text, { columns: true }) as Record<string, string>[];
const FIXTURES = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));
const R = '2026-03-10';

/** The initial inputs, in ingest order (FX before the spend it converts). */
const INITIAL: readonly [InputKind, string][] = [
  ['partners', 'partners.csv'],
  ['fx', 'fx.csv'],
  ['spend', 'spend-1.csv'],
  ['spend', 'spend-2-restated.csv'],
  ['events', 'events-1.jsonl'],
];
const LATE: [InputKind, string] = ['events', 'events-2-late.jsonl'];
const SPEND_ADDED: [InputKind, string] = ['spend', 'spend-3-added.csv'];

type Expected = Record<string, SqlValue>;

// ---------------------------------------------------------------------------------------------
// cohort_ltv (3.1): every (cohort_date, partner) with signups or spend, x 10 ages.
// ---------------------------------------------------------------------------------------------

function ltv(
  cohort_date: string,
  partner_id: string,
  age_day: number,
  cohort_users: number,
  funded_users: number,
  cum_net_revenue_usd: number,
  ltv_usd: number | null,
  spend_usd: number,
  roas: number | null,
  roi: number | null,
  is_complete: boolean,
  cum_gmv_usd: number,
): Expected {
  return {
    cohort_date,
    partner_id,
    age_day,
    cohort_users,
    funded_users,
    cum_net_revenue_usd,
    ltv_usd,
    spend_usd,
    roas,
    roi,
    is_complete,
    cum_gmv_usd,
    run_date: R,
  };
}

// (cohort_date, partner_id) -> 10 rows; columns:
//     cohort       partner   age users funded net     ltv    spend roas    roi     complete gmv
const LTV_2025_09_01_ORGANIC = [
  // u08: partner_id absent -> organic; registered only; R - cohort = 190 days, so ages <= 180 complete.
  ltv('2025-09-01', 'organic', 0, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2025-09-01', 'organic', 1, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2025-09-01', 'organic', 3, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2025-09-01', 'organic', 7, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2025-09-01', 'organic', 14, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2025-09-01', 'organic', 30, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2025-09-01', 'organic', 60, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2025-09-01', 'organic', 90, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2025-09-01', 'organic', 180, 1, 0, 0, 0, 0, null, null, true, 0), // 09-01 + 180 = 2026-02-28 <= R
  ltv('2025-09-01', 'organic', 365, 1, 0, 0, 0, 0, null, null, false, 0),
];
const LTV_2025_12_01_ORGANIC = [
  // u09: partner_id "" -> organic; FTD at age 0; trade fee 10 at age 45 (12-01 -> 01-15); R - cohort = 99.
  ltv('2025-12-01', 'organic', 0, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2025-12-01', 'organic', 1, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2025-12-01', 'organic', 3, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2025-12-01', 'organic', 7, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2025-12-01', 'organic', 14, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2025-12-01', 'organic', 30, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2025-12-01', 'organic', 60, 1, 1, 10, 10, 0, null, null, true, 10000), // age 45 <= 60; revshare 0
  ltv('2025-12-01', 'organic', 90, 1, 1, 10, 10, 0, null, null, true, 10000), // 12-01 + 90 = 03-01 <= R
  ltv('2025-12-01', 'organic', 180, 1, 1, 10, 10, 0, null, null, false, 10000),
  ltv('2025-12-01', 'organic', 365, 1, 1, 10, 10, 0, null, null, false, 10000),
];
const LTV_2026_01_29_KOL_A = [
  // u10: fees 8 (age 0), +4 (02-08: age 10), +20 and +0 (03-10: age 40) -> cum 8, 12, 32; x (1 - 0.25);
  // spend 200; R - cohort = 40.
  ltv('2026-01-29', 'kol-a', 0, 1, 1, 6, 6, 200, 0.03, -0.97, true, 4000), // 8 * 0.75 = 6; 6/200; (6-200)/200
  ltv('2026-01-29', 'kol-a', 1, 1, 1, 6, 6, 200, 0.03, -0.97, true, 4000),
  ltv('2026-01-29', 'kol-a', 3, 1, 1, 6, 6, 200, 0.03, -0.97, true, 4000),
  ltv('2026-01-29', 'kol-a', 7, 1, 1, 6, 6, 200, 0.03, -0.97, true, 4000),
  ltv('2026-01-29', 'kol-a', 14, 1, 1, 9, 9, 200, 0.045, -0.955, true, 6000), // (8+4) * 0.75 = 9
  ltv('2026-01-29', 'kol-a', 30, 1, 1, 9, 9, 200, 0.045, -0.955, true, 6000), // 01-29 + 30 = 02-28
  ltv('2026-01-29', 'kol-a', 60, 1, 1, 24, 24, 200, 0.12, -0.88, false, 16500), // (8+4+20) * 0.75 = 24
  ltv('2026-01-29', 'kol-a', 90, 1, 1, 24, 24, 200, 0.12, -0.88, false, 16500),
  ltv('2026-01-29', 'kol-a', 180, 1, 1, 24, 24, 200, 0.12, -0.88, false, 16500),
  ltv('2026-01-29', 'kol-a', 365, 1, 1, 24, 24, 200, 0.12, -0.88, false, 16500),
];
const LTV_2026_02_05_KOL_A = [
  // spend only (40), no signups: ltv null, roas 0, roi -1; 02-05 + 30 = 03-07 <= R.
  ltv('2026-02-05', 'kol-a', 0, 0, 0, 0, null, 40, 0, -1, true, 0),
  ltv('2026-02-05', 'kol-a', 1, 0, 0, 0, null, 40, 0, -1, true, 0),
  ltv('2026-02-05', 'kol-a', 3, 0, 0, 0, null, 40, 0, -1, true, 0),
  ltv('2026-02-05', 'kol-a', 7, 0, 0, 0, null, 40, 0, -1, true, 0),
  ltv('2026-02-05', 'kol-a', 14, 0, 0, 0, null, 40, 0, -1, true, 0),
  ltv('2026-02-05', 'kol-a', 30, 0, 0, 0, null, 40, 0, -1, true, 0),
  ltv('2026-02-05', 'kol-a', 60, 0, 0, 0, null, 40, 0, -1, false, 0),
  ltv('2026-02-05', 'kol-a', 90, 0, 0, 0, null, 40, 0, -1, false, 0),
  ltv('2026-02-05', 'kol-a', 180, 0, 0, 0, null, 40, 0, -1, false, 0),
  ltv('2026-02-05', 'kol-a', 365, 0, 0, 0, null, 40, 0, -1, false, 0),
];
const LTV_2026_02_20_AFF_B = [
  // u05: FTD at age 0, no trades, no spend; 02-20 + 14 = 03-06 <= R, + 30 = 03-22 > R.
  ltv('2026-02-20', 'aff-b', 0, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2026-02-20', 'aff-b', 1, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2026-02-20', 'aff-b', 3, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2026-02-20', 'aff-b', 7, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2026-02-20', 'aff-b', 14, 1, 1, 0, 0, 0, null, null, true, 0),
  ltv('2026-02-20', 'aff-b', 30, 1, 1, 0, 0, 0, null, null, false, 0),
  ltv('2026-02-20', 'aff-b', 60, 1, 1, 0, 0, 0, null, null, false, 0),
  ltv('2026-02-20', 'aff-b', 90, 1, 1, 0, 0, 0, null, null, false, 0),
  ltv('2026-02-20', 'aff-b', 180, 1, 1, 0, 0, 0, null, null, false, 0),
  ltv('2026-02-20', 'aff-b', 365, 1, 1, 0, 0, 0, null, null, false, 0),
];
const LTV_2026_03_01_KOL_A = [
  // u01 + u02, both FTD on 03-02 (age 1); spend 100 + 20 = 120.
  ltv('2026-03-01', 'kol-a', 0, 2, 0, 0, 0, 120, 0, -1, true, 0),
  ltv('2026-03-01', 'kol-a', 1, 2, 2, 10.5, 5.25, 120, 0.0875, -0.9125, true, 2000), // (u01 4 + u02 10) * 0.75 = 10.5
  ltv('2026-03-01', 'kol-a', 3, 2, 2, 15, 7.5, 120, 0.125, -0.875, true, 4000), // (4+6 + 10) * 0.75 = 15
  ltv('2026-03-01', 'kol-a', 7, 2, 2, 15, 7.5, 120, 0.125, -0.875, true, 4000), // 03-01 + 7 = 03-08 <= R
  ltv('2026-03-01', 'kol-a', 14, 2, 2, 30, 15, 120, 0.25, -0.75, false, 6000), // + u02 20 at age 9: 40 * 0.75
  ltv('2026-03-01', 'kol-a', 30, 2, 2, 30, 15, 120, 0.25, -0.75, false, 6000),
  ltv('2026-03-01', 'kol-a', 60, 2, 2, 30, 15, 120, 0.25, -0.75, false, 6000),
  ltv('2026-03-01', 'kol-a', 90, 2, 2, 30, 15, 120, 0.25, -0.75, false, 6000),
  ltv('2026-03-01', 'kol-a', 180, 2, 2, 30, 15, 120, 0.25, -0.75, false, 6000),
  ltv('2026-03-01', 'kol-a', 365, 2, 2, 30, 15, 120, 0.25, -0.75, false, 6000),
];
const LTV_2026_03_02_CRE_C = [
  // spend only: 50 (the later line of the key in spend-1 wins over 70); paused partner.
  ltv('2026-03-02', 'cre-c', 0, 0, 0, 0, null, 50, 0, -1, true, 0),
  ltv('2026-03-02', 'cre-c', 1, 0, 0, 0, null, 50, 0, -1, true, 0),
  ltv('2026-03-02', 'cre-c', 3, 0, 0, 0, null, 50, 0, -1, true, 0),
  ltv('2026-03-02', 'cre-c', 7, 0, 0, 0, null, 50, 0, -1, true, 0), // 03-02 + 7 = 03-09
  ltv('2026-03-02', 'cre-c', 14, 0, 0, 0, null, 50, 0, -1, false, 0),
  ltv('2026-03-02', 'cre-c', 30, 0, 0, 0, null, 50, 0, -1, false, 0),
  ltv('2026-03-02', 'cre-c', 60, 0, 0, 0, null, 50, 0, -1, false, 0),
  ltv('2026-03-02', 'cre-c', 90, 0, 0, 0, null, 50, 0, -1, false, 0),
  ltv('2026-03-02', 'cre-c', 180, 0, 0, 0, null, 50, 0, -1, false, 0),
  ltv('2026-03-02', 'cre-c', 365, 0, 0, 0, null, 50, 0, -1, false, 0),
];
const LTV_2026_03_03_AFF_B = [
  // u04: FTD age 0; fees 3 at ages 0, 1, 3, 5, 7 (the 03-11 trade is after R); spend 100 EUR * 1.08 = 108.
  ltv('2026-03-03', 'aff-b', 0, 1, 1, 3, 3, 108, 3 / 108, -105 / 108, true, 3000),
  ltv('2026-03-03', 'aff-b', 1, 1, 1, 6, 6, 108, 6 / 108, -102 / 108, true, 6000),
  ltv('2026-03-03', 'aff-b', 3, 1, 1, 9, 9, 108, 9 / 108, -99 / 108, true, 9000),
  ltv('2026-03-03', 'aff-b', 7, 1, 1, 15, 15, 108, 15 / 108, -93 / 108, true, 15000), // 3 * 5; 03-03 + 7 = R
  ltv('2026-03-03', 'aff-b', 14, 1, 1, 15, 15, 108, 15 / 108, -93 / 108, false, 15000),
  ltv('2026-03-03', 'aff-b', 30, 1, 1, 15, 15, 108, 15 / 108, -93 / 108, false, 15000),
  ltv('2026-03-03', 'aff-b', 60, 1, 1, 15, 15, 108, 15 / 108, -93 / 108, false, 15000),
  ltv('2026-03-03', 'aff-b', 90, 1, 1, 15, 15, 108, 15 / 108, -93 / 108, false, 15000),
  ltv('2026-03-03', 'aff-b', 180, 1, 1, 15, 15, 108, 15 / 108, -93 / 108, false, 15000),
  ltv('2026-03-03', 'aff-b', 365, 1, 1, 15, 15, 108, 15 / 108, -93 / 108, false, 15000),
];
const LTV_2026_03_05_KOL_A = [
  // u03: deposit and trade (fee 2) on 03-04, the day before signup: age 0; fee 4 at age 1; spend 80 (restated).
  ltv('2026-03-05', 'kol-a', 0, 1, 1, 1.5, 1.5, 80, 0.01875, -0.98125, true, 500), // 2 * 0.75; 1.5/80; (1.5-80)/80
  ltv('2026-03-05', 'kol-a', 1, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, true, 1300), // (2+4) * 0.75
  ltv('2026-03-05', 'kol-a', 3, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, true, 1300), // 03-05 + 3 = 03-08
  ltv('2026-03-05', 'kol-a', 7, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, false, 1300),
  ltv('2026-03-05', 'kol-a', 14, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, false, 1300),
  ltv('2026-03-05', 'kol-a', 30, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, false, 1300),
  ltv('2026-03-05', 'kol-a', 60, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, false, 1300),
  ltv('2026-03-05', 'kol-a', 90, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, false, 1300),
  ltv('2026-03-05', 'kol-a', 180, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, false, 1300),
  ltv('2026-03-05', 'kol-a', 365, 1, 1, 4.5, 4.5, 80, 0.05625, -0.94375, false, 1300),
];
const LTV_2026_03_07_KOL_ZZZ = [
  // u06: unknown partner (revshare 0); FTD and fee 5 on 03-08 (age 1); no spend.
  ltv('2026-03-07', 'kol-zzz', 0, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2026-03-07', 'kol-zzz', 1, 1, 1, 5, 5, 0, null, null, true, 800),
  ltv('2026-03-07', 'kol-zzz', 3, 1, 1, 5, 5, 0, null, null, true, 800), // 03-07 + 3 = R
  ltv('2026-03-07', 'kol-zzz', 7, 1, 1, 5, 5, 0, null, null, false, 800),
  ltv('2026-03-07', 'kol-zzz', 14, 1, 1, 5, 5, 0, null, null, false, 800),
  ltv('2026-03-07', 'kol-zzz', 30, 1, 1, 5, 5, 0, null, null, false, 800),
  ltv('2026-03-07', 'kol-zzz', 60, 1, 1, 5, 5, 0, null, null, false, 800),
  ltv('2026-03-07', 'kol-zzz', 90, 1, 1, 5, 5, 0, null, null, false, 800),
  ltv('2026-03-07', 'kol-zzz', 180, 1, 1, 5, 5, 0, null, null, false, 800),
  ltv('2026-03-07', 'kol-zzz', 365, 1, 1, 5, 5, 0, null, null, false, 800),
];
const LTV_2026_03_08_ORGANIC = [
  // u07: partner_id null -> organic; kyc only.
  ltv('2026-03-08', 'organic', 0, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2026-03-08', 'organic', 1, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2026-03-08', 'organic', 3, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-08', 'organic', 7, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-08', 'organic', 14, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-08', 'organic', 30, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-08', 'organic', 60, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-08', 'organic', 90, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-08', 'organic', 180, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-08', 'organic', 365, 1, 0, 0, 0, 0, null, null, false, 0),
];
const LTV_2026_03_09_AFF_B = [
  // spend only: 60 (new in spend-2).
  ltv('2026-03-09', 'aff-b', 0, 0, 0, 0, null, 60, 0, -1, true, 0),
  ltv('2026-03-09', 'aff-b', 1, 0, 0, 0, null, 60, 0, -1, true, 0),
  ltv('2026-03-09', 'aff-b', 3, 0, 0, 0, null, 60, 0, -1, false, 0),
  ltv('2026-03-09', 'aff-b', 7, 0, 0, 0, null, 60, 0, -1, false, 0),
  ltv('2026-03-09', 'aff-b', 14, 0, 0, 0, null, 60, 0, -1, false, 0),
  ltv('2026-03-09', 'aff-b', 30, 0, 0, 0, null, 60, 0, -1, false, 0),
  ltv('2026-03-09', 'aff-b', 60, 0, 0, 0, null, 60, 0, -1, false, 0),
  ltv('2026-03-09', 'aff-b', 90, 0, 0, 0, null, 60, 0, -1, false, 0),
  ltv('2026-03-09', 'aff-b', 180, 0, 0, 0, null, 60, 0, -1, false, 0),
  ltv('2026-03-09', 'aff-b', 365, 0, 0, 0, null, 60, 0, -1, false, 0),
];

/** No row for the unattributed user u11 (no cohort), u12 (signs up 03-11) or kol-a's spend of 03-11. */
const EXPECTED_COHORT_LTV: Expected[] = [
  ...LTV_2025_09_01_ORGANIC,
  ...LTV_2025_12_01_ORGANIC,
  ...LTV_2026_01_29_KOL_A,
  ...LTV_2026_02_05_KOL_A,
  ...LTV_2026_02_20_AFF_B,
  ...LTV_2026_03_01_KOL_A,
  ...LTV_2026_03_02_CRE_C,
  ...LTV_2026_03_03_AFF_B,
  ...LTV_2026_03_05_KOL_A,
  ...LTV_2026_03_07_KOL_ZZZ,
  ...LTV_2026_03_08_ORGANIC,
  ...LTV_2026_03_09_AFF_B,
];

// After the late file: u01 gains a trade of fee 10 on 03-03 (age 2).
const LATE_LTV_2026_03_01_KOL_A = [
  ltv('2026-03-01', 'kol-a', 0, 2, 0, 0, 0, 120, 0, -1, true, 0),
  ltv('2026-03-01', 'kol-a', 1, 2, 2, 10.5, 5.25, 120, 0.0875, -0.9125, true, 2000), // unchanged: age 2 > 1
  ltv('2026-03-01', 'kol-a', 3, 2, 2, 22.5, 11.25, 120, 0.1875, -0.8125, true, 9000), // (4+10+6 + 10) * 0.75 = 22.5
  ltv('2026-03-01', 'kol-a', 7, 2, 2, 22.5, 11.25, 120, 0.1875, -0.8125, true, 9000),
  ltv('2026-03-01', 'kol-a', 14, 2, 2, 37.5, 18.75, 120, 0.3125, -0.6875, false, 11000), // (20 + 30) * 0.75
  ltv('2026-03-01', 'kol-a', 30, 2, 2, 37.5, 18.75, 120, 0.3125, -0.6875, false, 11000),
  ltv('2026-03-01', 'kol-a', 60, 2, 2, 37.5, 18.75, 120, 0.3125, -0.6875, false, 11000),
  ltv('2026-03-01', 'kol-a', 90, 2, 2, 37.5, 18.75, 120, 0.3125, -0.6875, false, 11000),
  ltv('2026-03-01', 'kol-a', 180, 2, 2, 37.5, 18.75, 120, 0.3125, -0.6875, false, 11000),
  ltv('2026-03-01', 'kol-a', 365, 2, 2, 37.5, 18.75, 120, 0.3125, -0.6875, false, 11000),
];
// ... and u07's late signup on 03-02 with aff-b (earlier than its organic signup of 03-08) moves
// it to the (03-02, aff-b) cohort; (03-08, organic) has no users and no spend left, so it goes.
const LATE_LTV_2026_03_02_AFF_B = [
  ltv('2026-03-02', 'aff-b', 0, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2026-03-02', 'aff-b', 1, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2026-03-02', 'aff-b', 3, 1, 0, 0, 0, 0, null, null, true, 0),
  ltv('2026-03-02', 'aff-b', 7, 1, 0, 0, 0, 0, null, null, true, 0), // 03-02 + 7 = 03-09
  ltv('2026-03-02', 'aff-b', 14, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-02', 'aff-b', 30, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-02', 'aff-b', 60, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-02', 'aff-b', 90, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-02', 'aff-b', 180, 1, 0, 0, 0, 0, null, null, false, 0),
  ltv('2026-03-02', 'aff-b', 365, 1, 0, 0, 0, 0, null, null, false, 0),
];
const EXPECTED_COHORT_LTV_AFTER_LATE: Expected[] = [
  ...LTV_2025_09_01_ORGANIC,
  ...LTV_2025_12_01_ORGANIC,
  ...LTV_2026_01_29_KOL_A,
  ...LTV_2026_02_05_KOL_A,
  ...LTV_2026_02_20_AFF_B,
  ...LATE_LTV_2026_03_01_KOL_A,
  ...LATE_LTV_2026_03_02_AFF_B,
  ...LTV_2026_03_02_CRE_C,
  ...LTV_2026_03_03_AFF_B,
  ...LTV_2026_03_05_KOL_A,
  ...LTV_2026_03_07_KOL_ZZZ,
  ...LTV_2026_03_09_AFF_B,
];

// ---------------------------------------------------------------------------------------------
// partner_performance (3.2) for R.
// ---------------------------------------------------------------------------------------------

function perf(
  partner_id: string,
  window_days: number,
  spend_usd: number,
  signups: number,
  ftds: number,
  cac_usd: number | null,
  cost_per_signup_usd: number | null,
  net_revenue_usd: number,
  roi_d7: number | null,
  roi_d30: number | null,
  channel: string | null,
  gmv_usd: number,
): Expected {
  return {
    partner_id,
    window_days,
    spend_usd,
    signups,
    ftds,
    cac_usd,
    cost_per_signup_usd,
    net_revenue_usd,
    gmv_usd,
    roi_d7,
    roi_d30,
    channel,
    run_date: R,
  };
}

// perf(partner, window, spend, signups, ftds, cac, cost_per_signup, net_revenue, roi_d7, roi_d30, channel, gmv)
const PERF_KOL_A_7 = perf(
  'kol-a',
  7,
  80, // 03-05 restated 80
  1, // u03 (03-05)
  1, // u03 FTD 03-04 (before its signup)
  80,
  80,
  39, // W7 trades: u01 6 (03-04) + u02 20 (03-10) + u03 2 (03-04) + 4 (03-06) + u10 20 (03-10) = 52; * 0.75
  -0.875, // C [02-25, 03-03]: cohort 03-01 fees at age <= 7: u01 4+6 + u02 10 = 20 * 0.75 = 15; spend 120: (15-120)/120
  -1, // C [02-02, 02-08]: no cohort; spend 02-05 40: (0-40)/40
  'kol',
  15800, // u01 2000 (03-04) + u02 2000 (03-10) + u03 500 + 800 + u10 10000 + 500 (03-10)
);
const PERF_KOL_A_30 = perf(
  'kol-a',
  30,
  200, // 120 (03-01) + 80 (03-05); 02-05 is before 02-09
  3, // u01, u02 (03-01), u03 (03-05)
  3, // u01, u02 (03-02), u03 (03-04); u10's FTD 01-29 is outside
  200 / 3,
  200 / 3,
  49.5, // u01 4+6 + u02 10+20 + u03 2+4 + u10 20 (its 02-08 trade is outside) = 66; * 0.75
  -0.90625, // C [02-02, 03-03]: revenue 15 (cohort 03-01); spend 40 + 120 = 160: (15-160)/160
  -0.9625, // C [01-10, 02-08]: u10 fees at age <= 30: 8+4 = 12 * 0.75 = 9; spend 200 + 40: (9-240)/240
  'kol',
  17800, // 15800 + u01 1000 + u02 1000 (03-02); u10's 02-08 is outside
);
const PERF_AFF_B_7 = perf(
  'aff-b',
  7,
  60, // 03-09
  0, // u04 is 03-03
  0, // u04 FTD 03-03
  null,
  null,
  12, // u04 03-04, 03-06, 03-08, 03-10: 4 * 3 (03-03 outside, 03-11 after R)
  -93 / 108, // C [02-25, 03-03]: u04 fees at age <= 7 = 15; spend 108: (15-108)/108
  null, // no spend in [02-02, 02-08]
  'affiliate',
  12000, // u04 4 * 3000 (03-03 outside, 03-11 after R)
);
const PERF_AFF_B_30 = perf(
  'aff-b',
  30,
  168, // 108 + 60
  2, // u04 (03-03), u05 (02-20)
  2, // u04 03-03, u05 02-20
  84, // 168 / 2
  84,
  15, // u04 5 * 3
  -93 / 108, // C [02-02, 03-03]: u04 15 + u05 0; spend 108 (03-03)
  null, // no spend in [01-10, 02-08]
  'affiliate',
  15000, // u04 5 * 3000
);
const PERF_CRE_C_7 = perf('cre-c', 7, 0, 0, 0, null, null, 0, -1, null, 'content', 0); // roi_d7: spend 50 on 03-02 in C, revenue 0
const PERF_CRE_C_30 = perf('cre-c', 30, 50, 0, 0, null, null, 0, -1, null, 'content', 0);
const PERF_ORGANIC_7 = perf('organic', 7, 0, 1, 0, null, 0, 0, null, null, null, 0); // u07 (03-08); cps 0/1
const PERF_ORGANIC_30 = perf('organic', 30, 0, 1, 0, null, 0, 0, null, null, null, 0); // u09's trade 01-15 is outside W30
const PERF_UNATTRIBUTED_7 = perf('unattributed', 7, 0, 0, 1, 0, null, 1.5, null, null, null, 300); // u11 FTD 03-06, fee 1.5 and GMV 300 on 03-07; cac 0/1
const PERF_UNATTRIBUTED_30 = perf('unattributed', 30, 0, 0, 1, 0, null, 1.5, null, null, null, 300);
const PERF_KOL_ZZZ_7 = perf('kol-zzz', 7, 0, 1, 1, 0, 0, 5, null, null, null, 800); // u06: signup 03-07, FTD 03-08, fee 5 (GMV 800), revshare 0
const PERF_KOL_ZZZ_30 = perf('kol-zzz', 30, 0, 1, 1, 0, 0, 5, null, null, null, 800);

const EXPECTED_PARTNER_PERFORMANCE: Expected[] = [
  PERF_AFF_B_7,
  PERF_AFF_B_30,
  PERF_CRE_C_7,
  PERF_CRE_C_30,
  PERF_KOL_A_7,
  PERF_KOL_A_30,
  PERF_KOL_ZZZ_7,
  PERF_KOL_ZZZ_30,
  PERF_ORGANIC_7,
  PERF_ORGANIC_30,
  PERF_UNATTRIBUTED_7,
  PERF_UNATTRIBUTED_30,
];

const EXPECTED_PARTNER_PERFORMANCE_AFTER_LATE: Expected[] = [
  PERF_AFF_B_7, // u07's cohort 03-02 is outside W7; it has no FTD, no trade
  perf('aff-b', 30, 168, 3, 2, 84, 56, 15, -93 / 108, null, 'affiliate', 15000), // signups u04, u05, u07; cps 168/3 = 56
  PERF_CRE_C_7,
  PERF_CRE_C_30,
  { ...PERF_KOL_A_7, roi_d7: -0.8125 }, // the late trade (03-03) is outside W7 but at age 2: (22.5-120)/120
  perf(
    'kol-a',
    30,
    200,
    3,
    3,
    200 / 3,
    200 / 3,
    57, // (66 + 10) * 0.75
    -0.859375, // cohort 03-01 at age <= 7: (20 + 10) * 0.75 = 22.5; (22.5-160)/160
    -0.9625,
    'kol',
    22800, // 17800 + the late 5000 (03-03)
  ),
  PERF_KOL_ZZZ_7,
  PERF_KOL_ZZZ_30,
  perf('organic', 7, 0, 0, 0, null, null, 0, null, null, null, 0), // u07 left organic: no signups, cps null
  perf('organic', 30, 0, 0, 0, null, null, 0, null, null, null, 0),
  PERF_UNATTRIBUTED_7,
  PERF_UNATTRIBUTED_30,
];

// ---------------------------------------------------------------------------------------------
// user_segments (3.3) for R.
// ---------------------------------------------------------------------------------------------

function seg(
  user_id: string,
  lifecycle: string,
  value_tier: string,
  funnel_stage: string,
  tenure_bucket: string,
  trade_frequency: string,
  product_mix: string,
  partner_id: string,
  cohort_date: string | null,
  last_active_date: string,
  net_deposits_usd: number,
  trades_30d: number,
): Expected {
  return {
    user_id,
    lifecycle,
    value_tier,
    funnel_stage,
    tenure_bucket,
    trade_frequency,
    product_mix,
    partner_id,
    cohort_date,
    last_active_date,
    net_deposits_usd,
    trades_30d,
    snapshot_date: R,
  };
}

/**
 * users: signup_at is the earliest signup (in UTC), kyc_at the first KYC verification; both come
 * from user_milestones, the days of cohort_date and kyc_date.
 */
// biome-ignore format: a literal table, one row per user
const USERS_MILESTONES = [
  { user_id: 'u01', partner_id: 'kol-a', signup_at: '2026-03-01 10:00:00.000', cohort_date: '2026-03-01', kyc_at: '2026-03-01 10:05:00.000' },
  { user_id: 'u02', partner_id: 'kol-a', signup_at: '2026-03-01 23:00:00.000', cohort_date: '2026-03-01', kyc_at: null },
  { user_id: 'u03', partner_id: 'kol-a', signup_at: '2026-03-05 09:00:00.000', cohort_date: '2026-03-05', kyc_at: '2026-03-05 10:00:00.000' },
  { user_id: 'u07', partner_id: 'organic', signup_at: '2026-03-08 15:00:00.000', cohort_date: '2026-03-08', kyc_at: '2026-03-08 15:10:00.000' },
  { user_id: 'u08', partner_id: 'organic', signup_at: '2025-09-01 12:00:00.000', cohort_date: '2025-09-01', kyc_at: null },
  { user_id: 'u11', partner_id: 'unattributed', signup_at: null, cohort_date: null, kyc_at: null },
];

// Lifecycle: new if R - cohort <= 6; resurrected if active on R and the previous active day <= R - 30;
// then by R - last active: active <= 6, at_risk 7..29, dormant 30..89, churned >= 90.
// biome-ignore format: a literal table, one row per user
const SEG_U01 = seg('u01', 'active', 'low', 'trader', '8-30', 'light', 'both', 'kol-a', '2026-03-01', '2026-03-09', 500, 2); // R-cohort 9; 0 + "500.00"; second signup (aff-b) ignored
// biome-ignore format: a literal table, one row per user
const SEG_U07 = seg('u07', 'new', 'zero', 'kyc', '0-7', 'none', 'none', 'organic', '2026-03-08', '2026-03-08', 0, 0); // R-cohort 2
// biome-ignore format: a literal table, one row per user
const EXPECTED_SEGMENTS: Expected[] = [
  //   user   lifecycle      tier     funnel        tenure    frequency  mix        partner         cohort        last_active   net_deposits trades_30d
  SEG_U01,
  seg('u02', 'active',      'whale', 'trader',     '8-30',    'heavy',   'spot',    'kol-a',        '2026-03-01', '2026-03-10', 130000, 20), // 150000-20000; prev active 03-05; 10 trades without product = spot
  seg('u03', 'new',         'low',   'trader',     '0-7',     'light',   'both',    'kol-a',        '2026-03-05', '2026-03-06', 50,     2),  // R-cohort 5; deposit and trade 03-04 before the signup
  seg('u04', 'active',      'high',  'trader',     '0-7',     'regular', 'futures', 'aff-b',        '2026-03-03', '2026-03-10', 15000,  5),  // R-cohort 7: not new, tenure 0-7; 20000-5000; the 03-11 trade is after R
  seg('u05', 'at_risk',     'zero',  'funded',     '8-30',    'none',    'none',    'aff-b',        '2026-02-20', '2026-02-25', -50,    0),  // R-last 13; 100-150
  seg('u06', 'new',         'mid',   'trader',     '0-7',     'light',   'spot',    'kol-zzz',      '2026-03-07', '2026-03-08', 1000,   1),  // 1000 >= 1000: mid; duplicate trade dropped
  SEG_U07,
  seg('u08', 'churned',     'zero',  'registered', '181+',    'none',    'none',    'organic',      '2025-09-01', '2025-12-01', 0,      0),  // R-last 99; R-cohort 190
  seg('u09', 'dormant',     'mid',   'trader',     '91-180',  'none',    'futures', 'organic',      '2025-12-01', '2026-01-15', 5000,   0),  // R-last 54; R-cohort 99
  seg('u10', 'resurrected', 'mid',   'trader',     '31-90',   'light',   'spot',    'kol-a',        '2026-01-29', '2026-03-10', 2000,   2),  // previous active 02-08 = R-30; R-cohort 40; 02-08 is outside [R-29, R]
  seg('u11', 'active',      'low',   'trader',     'unknown', 'light',   'spot',    'unattributed', null,         '2026-03-07', 300,    1),  // R-last 3; the partner_id on its login is ignored
  // u12 signs up on 03-11: not known on R.
];

/**
 * Each user's churn-model levels on R (docs/contract.md, Churn risk), from their active days up to
 * R (the quarantined, duplicate and after-R events left out). R - 30 = 02-08 has no state (the
 * backfill starts on 03-01), so the run scores with the prior: p_active_30d is the prior's
 * intercept plus the coefficients of these levels, through the logistic function.
 *   recency, gap, gap2, trade days [R-29, R], trade days [R-89, R-30], tenure, value tier, overdue
 */
// biome-ignore format: a literal table, one row per user
const CHURN_LEVELS: Record<string, ChurnLevels> = {
  u01: levels('1',     '2-3',   '2-3',  '2-4', '0',   '8-30',   'low',   '0-0.5'), // 03-01 02 04 06 09; 1 day over a mean gap of (09 - 04) / 2: 2 * 1 * 2 <= 5; trades 02, 04
  u02: levels('0',     '4-7',   '2-3',  '2-4', '0',   '8-30',   'whale', '0'),     // 03-01 (23:00Z) 02 05 10; trades 02, 10
  u03: levels('4-6',   '1',     '1',    '2-4', '0',   '0-7',    'low',   '2-4'),   // 03-04 05 06: 4 days over a mean gap of 1; trades 04, 06
  u04: levels('0',     '2-3',   '2-3',  '5-9', '0',   '0-7',    'high',  '0'),     // 03-03 04 06 08 10, all with trades (the 03-11 01:00Z trade is after R)
  u05: levels('10-13', '4-7',   'none', '0',   '0',   '8-30',   'zero',  '2-4'),   // 02-20 25: 13 days over a gap of 5: 13 <= 4 * 5
  u06: levels('2',     '1',     'none', '1',   '0',   '0-7',    'mid',   '1-2'),   // 03-07 08: 2 days over a gap of 1
  u07: levels('2',     'none',  'none', '0',   '0',   '0-7',    'zero',  'none'),  // 03-08 only
  u08: levels('90-179', '31+',  'none', '0',   '0',   '181+',   'zero',  '1-2'),   // 2025-09-01, 12-01 (gap 91): 99 days, 99 <= 2 * 91; tenure 190
  u09: levels('45-59', '31+',   'none', '0',   '1-2', '91-180', 'mid',   '1-2'),   // 2025-12-01, 01-15 (gap 45): 54 days; the 01-15 trade is in [12-11, 02-08]; tenure 99
  u10: levels('0',     '15-30', '8-14', '1',   '1-2', '31-90',  'mid',   '0'),     // 01-29, 02-08, 03-10; trades 01-29 and 02-08 in [12-11, 02-08], 03-10 in [02-09, R]
  u11: levels('3',     '1',     'none', '1',   '0',   '0-7',    'low',   '2-4'),   // 03-06 07: 3 days over a gap of 1: 3 <= 4 * 1
};

function levels(
  recency: string,
  gap: string,
  gap2: string,
  tradeDays30d: string,
  tradeDays31to90d: string,
  tenure: string,
  valueTier: string,
  overdue: string,
): ChurnLevels {
  return {
    recency,
    gap,
    gap2,
    trade_days_30d: tradeDays30d,
    trade_days_31_90d: tradeDays31to90d,
    tenure,
    value_tier: valueTier,
    overdue,
  };
}

/** A user_segments row with the prior's p_active_30d and churn_risk for the user's levels. */
function withChurn(row: Expected, churnLevels: ChurnLevels): Expected {
  const p = pActive30d(PRIOR_COEFFICIENTS, churnLevels);
  return { ...row, p_active_30d: p, churn_risk: churnRisk(p) };
}

const EXPECTED_USER_SEGMENTS: Expected[] = EXPECTED_SEGMENTS.map((row) =>
  withChurn(row, CHURN_LEVELS[String(row.user_id)] as ChurnLevels),
);
const EXPECTED_USER_SEGMENTS_AFTER_LATE: Expected[] = EXPECTED_USER_SEGMENTS.map((row) => {
  // + the late 03-03 trade; still light, still both; its churn levels are the same (active days
  // 01 02 03 04 06 09: the last three unchanged; 3 trade days in 30: still '2-4').
  if (row.user_id === 'u01') return { ...row, trades_30d: 3 };
  if (row.user_id === 'u07') {
    // cohort 03-02 (aff-b): R-cohort 8 -> not new, tenure 8-30; last active 03-08 (R-2) -> active.
    // Churn levels: active 03-02 and 03-08, so gap 6 ('4-7'), tenure 8 ('8-30'), and 2 days over
    // a gap of 6 is overdue '0-0.5' (2 * 2 <= 6).
    return withChurn(
      {
        ...SEG_U07,
        lifecycle: 'active',
        tenure_bucket: '8-30',
        partner_id: 'aff-b',
        cohort_date: '2026-03-02',
      },
      levels('2', '4-7', 'none', '0', '0', '8-30', 'zero', '0-0.5'),
    );
  }
  return row; // u02's late duplicate deposit (event_id u02-02, 999999) is dropped: still 130000
});

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

function keyOf(row: Record<string, SqlValue>, key: readonly string[]): string {
  return key.map((column) => String(row[column])).join(' | ');
}

/** Asserts that `actual` holds exactly the expected rows (matched by key), every column, doubles to 9 places. */
function expectRows(actual: readonly Row[], expected: readonly Expected[], key: readonly string[]): void {
  const expectedByKey = new Map(expected.map((row) => [keyOf(row, key), row]));
  expect(expectedByKey.size, 'expected keys are unique').toBe(expected.length);
  expect(actual.map((row) => keyOf(row, key)).sort()).toEqual([...expectedByKey.keys()].sort());
  for (const row of actual) {
    const k = keyOf(row, key);
    const want = expectedByKey.get(k) as Expected;
    expect(Object.keys(row).sort(), `columns of ${k}`).toEqual(Object.keys(want).sort());
    for (const [column, value] of Object.entries(want)) {
      const got = row[column];
      if (typeof value === 'number') {
        expect(typeof got, `${k} ${column}`).toBe('number');
        expect(got as number, `${k} ${column}`).toBeCloseTo(value, 9);
      } else {
        expect(got, `${k} ${column}`).toBe(value);
      }
    }
  }
}

/** Two lakes' rows of a table, matched by key, every column; doubles to 9 places. */
function expectSameRows(left: readonly Row[], right: readonly Row[], key: readonly string[]): void {
  expect(left.map((row) => keyOf(row, key))).toEqual(right.map((row) => keyOf(row, key)));
  left.forEach((row, i) => {
    const other = right[i] as Row;
    expect(Object.keys(row).sort()).toEqual(Object.keys(other).sort());
    for (const [column, value] of Object.entries(row)) {
      if (typeof value === 'number')
        expect(other[column], `${keyOf(row, key)} ${column}`).toBeCloseTo(value, 9);
      else expect(other[column], `${keyOf(row, key)} ${column}`).toBe(value);
    }
  });
}

async function ingestAll(lake: LocalLake, files: readonly [InputKind, string][]): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const [kind, file] of files) results.push(await ingestFile(lake, kind, join(FIXTURES, file)));
  return results;
}

/** The contract tables as of R, ordered by key. */
async function readTables(
  lake: LocalLake,
): Promise<Record<'cohort_ltv' | 'partner_performance' | 'user_segments', Row[]>> {
  const order = (table: TableDef) => table.key.join(', ');
  return {
    cohort_ltv: await lake.engine.query(`select * from cohort_ltv order by ${order(COHORT_LTV)}`),
    partner_performance: await lake.engine.query(
      `select * from partner_performance where run_date = date '${R}' order by ${order(PARTNER_PERFORMANCE)}`,
    ),
    user_segments: await lake.engine.query(
      `select * from user_segments where snapshot_date = date '${R}' order by ${order(USER_SEGMENTS)}`,
    ),
  };
}

/** The key of each contract table is unique and never null, over the whole table (all partitions). */
async function expectKeysUniqueAndNotNull(lake: LocalLake): Promise<void> {
  for (const table of [COHORT_LTV, PARTNER_PERFORMANCE, USER_SEGMENTS]) {
    const key = table.key.join(', ');
    const nulls = await lake.engine.query(
      `select count(*) as n from ${table.name} where ${table.key.map((c) => `${c} is null`).join(' or ')}`,
    );
    expect(nulls[0]?.n, `${table.name}: null key columns`).toBe(0);
    const duplicates = await lake.engine.query(
      `select ${key}, count(*) as n from ${table.name} group by ${key} having count(*) > 1`,
    );
    expect(duplicates, `${table.name}: duplicate keys`).toEqual([]);
  }
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

describe(`golden: contract tables on a hand-computed data set, R = ${R}`, () => {
  let root: string;
  let lake: LocalLake;
  let ingests: IngestResult[];
  let before: Awaited<ReturnType<typeof readTables>>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'growthlake-golden-'));
    lake = await openLocalLake(join(root, 'lake'), { threads: 2 });
    ingests = await ingestAll(lake, INITIAL);
    await backfill({ ...lake, config: DEFAULT_RUN_CONFIG }, '2026-03-01', R);
    before = await readTables(lake);
  }, 180_000);

  afterAll(async () => {
    await lake?.close();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  /**
   * A copy of the lake as the backfill above left it, opened under `name`: the cases below each
   * change their own copy, so that no test depends on what another case did to the lake.
   */
  const copyOfLake = (name: string): Promise<LocalLake> =>
    openLakeCopy(lake, join(root, name), { threads: 2 });

  it('ingests the fixtures with the expected counts', () => {
    const counts = ingests.map((r) => [r.rowsRead, r.rowsAccepted, r.rowsDuplicate, r.rowsQuarantined]);
    expect(counts).toEqual([
      [3, 3, 0, 0], // partners
      [2, 2, 0, 0], // fx
      [9, 8, 1, 0], // spend-1: cre-c 03-02 70 superseded by the later line of its key
      [2, 2, 0, 0], // spend-2
      [73, 71, 1, 1], // events-1: u06-04 repeated (dropped), u01-bad has no UTC offset (quarantined)
    ]);
  });

  it('cohort_ltv: every row and value', () => {
    expect(before.cohort_ltv).toHaveLength(120); // 12 (cohort_date, partner) pairs x 10 ages
    expectRows(before.cohort_ltv, EXPECTED_COHORT_LTV, COHORT_LTV.key);
  });

  it('partner_performance for R: every partner, both windows', () => {
    expectRows(before.partner_performance, EXPECTED_PARTNER_PERFORMANCE, PARTNER_PERFORMANCE.key);
  });

  it('user_segments for R: every user, every column', () => {
    expectRows(before.user_segments, EXPECTED_USER_SEGMENTS, USER_SEGMENTS.key);
  });

  it('users: the earliest signup and the first KYC, with their times, from user_milestones', async () => {
    // Act
    const rows = await lake.engine.query(
      `select user_id, partner_id, signup_at, cohort_date, kyc_at from users where user_id in ('u01', 'u02', 'u03', 'u07', 'u08', 'u11') order by user_id`,
    );

    // Assess: u01's second signup (03-06, aff-b) changes nothing; u02 signed up at 07:00 +08:00
    expect(rows).toEqual(USERS_MILESTONES);
  });

  it('trading histories for BG/NBD: trading days, recency, trading age and first-day net revenue', async () => {
    // Act
    const histories = await loadTradingHistories(lake.engine, R);

    // Assess: u03 traded before signing up (03-04) and after; u04's trade on 03-11 UTC is after R;
    // u10's last trade has no fee; u07 never traded. kol-a keeps 75% of fees, aff-b and organic all.
    const pick = (id: string) => {
      const h = histories.find((user) => user.userId === id);
      return h && [h.tradeDays, h.recencyDays, h.tradingAgeDays, h.firstDayNetRevenueUsd];
    };
    expect(pick('u03')).toEqual([2, 2, 6, 1.5]);
    expect(pick('u04')).toEqual([5, 7, 7, 3]);
    expect(pick('u09')).toEqual([1, 0, 54, 10]);
    expect(pick('u10')).toEqual([3, 40, 40, 6]);
    expect(pick('u07')).toEqual([0, 0, null, 0]);
    expect(pick('u11')).toBeUndefined(); // unattributed: no cohort
  });

  it('audiences of the default playbook: the users of each action, from the segments above', async () => {
    // Prepare
    const dir = join(root, 'lake', 'published', R, 'audiences');
    const usersOf = async (actionId: string) =>
      csvRows(await readFile(join(dir, `${actionId}.csv`), 'utf8')).map((row) => row.user_id);

    // Assess
    expect(await usersOf('kyc_reminder')).toEqual(['u08']); // registered, 190 days
    expect(await usersOf('first_deposit_offer')).toEqual(['u07']); // kyc
    expect(await usersOf('first_trade_nudge')).toEqual(['u05']); // funded
    expect(await usersOf('at_risk_reengagement')).toEqual([]); // u05 is at risk but not a trader
    expect(await usersOf('dormant_whale_vip')).toEqual([]); // u09 is dormant but mid
    expect(await usersOf('churned_winback')).toEqual([]); // u08 is churned but zero
    // High churn risk under the prior (docs/contract.md, Churn risk): u08 (p 0.107, zero value) and
    // u09 (p 0.286, mid, but dormant: not still in play).
    expect(await usersOf('retain_at_risk_valuable')).toEqual([]);
    expect(await usersOf('resurrected_welcome_back')).toEqual(['u10']);
    const counts = csvRows(await readFile(join(dir, 'counts.csv'), 'utf8'));
    expect(counts.map((row) => [row.action_id, row.users])).toEqual([
      ['kyc_reminder', '1'],
      ['first_deposit_offer', '1'],
      ['first_trade_nudge', '1'],
      ['at_risk_reengagement', '0'],
      ['dormant_whale_vip', '0'],
      ['churned_winback', '0'],
      ['retain_at_risk_valuable', '0'],
      ['resurrected_welcome_back', '1'],
    ]);
  });

  it('audiences filter by partner channel and days since signup, every action in one pass', async () => {
    // Prepare
    const playbooks = PlaybooksSchema.parse([
      { id: 'kol_light', description: 'x', where: { partner_channel: ['kol'], trade_frequency: ['light'] } },
      {
        id: 'no_channel_week_one',
        description: 'x',
        where: { partner_channel: ['none'], max_days_since_signup: 7 },
      },
      {
        id: 'valued_8_to_40_days',
        description: 'x',
        where: { value_tier: ['low', 'mid', 'whale'], min_days_since_signup: 8, max_days_since_signup: 40 },
      },
    ]);
    const store = new FsStore(join(root, 'audiences'));

    // Act
    const reports = await writeAudiences(lake.engine, store, R, playbooks);

    // Assess: kol-zzz is not in the registry (channel none); u11 has no cohort, so no bound matches it
    const users = async (key: string) =>
      csvRows(Buffer.from((await store.get(key)) ?? []).toString('utf8')).map((row) => row.user_id);
    expect(reports.map((r) => [r.actionId, r.users])).toEqual([
      ['kol_light', 3],
      ['no_channel_week_one', 2],
      ['valued_8_to_40_days', 3],
    ]);
    expect(await users(reports[0]?.key as string)).toEqual(['u01', 'u03', 'u10']);
    expect(await users(reports[1]?.key as string)).toEqual(['u06', 'u07']); // 3 and 2 days; u08 190, u09 99
    expect(await users(reports[2]?.key as string)).toEqual(['u01', 'u02', 'u10']); // 9, 9, 40 days; u05 is zero
  });

  it('each table key is unique and not null', async () => {
    // Over every partition the backfill wrote (partner_performance and user_segments of 03-01..R).
    await expectKeysUniqueAndNotNull(lake);
  });

  describe('late data: an event for an earlier date and an earlier signup, then R again', () => {
    let lateLake: LocalLake;
    let late: IngestResult;
    let after: Awaited<ReturnType<typeof readTables>>;
    let fresh: Awaited<ReturnType<typeof readTables>>;

    beforeAll(async () => {
      lateLake = await copyOfLake('late');
      late = await ingestFile(lateLake, LATE[0], join(FIXTURES, LATE[1]));
      await runDaily({ ...lateLake, config: DEFAULT_RUN_CONFIG }, R);
      after = await readTables(lateLake);
      const freshLake = await openLocalLake(join(root, 'fresh'), { threads: 2 });
      try {
        await ingestAll(freshLake, [...INITIAL, LATE]);
        await runDaily({ ...freshLake, config: DEFAULT_RUN_CONFIG }, R);
        fresh = await readTables(freshLake);
      } finally {
        await freshLake.close();
      }
    });

    afterAll(async () => {
      await lateLake?.close();
    });

    it('ingests the late file: one duplicate event_id dropped', () => {
      expect([late.rowsRead, late.rowsAccepted, late.rowsDuplicate, late.rowsQuarantined]).toEqual([
        3, 2, 1, 0,
      ]);
    });

    it('cohort_ltv changed exactly as hand-computed', () => {
      expect(after.cohort_ltv).toHaveLength(120); // (03-08, organic) went, (03-02, aff-b) came
      expectRows(after.cohort_ltv, EXPECTED_COHORT_LTV_AFTER_LATE, COHORT_LTV.key);
    });

    it('partner_performance changed exactly as hand-computed', () => {
      expectRows(after.partner_performance, EXPECTED_PARTNER_PERFORMANCE_AFTER_LATE, PARTNER_PERFORMANCE.key);
    });

    it('user_segments changed exactly as hand-computed', () => {
      expectRows(after.user_segments, EXPECTED_USER_SEGMENTS_AFTER_LATE, USER_SEGMENTS.key);
    });

    it("users: u07's earlier signup brings its time and partner; its KYC time, on another day, stays", async () => {
      // Act
      const rows = await lateLake.engine.query(
        "select partner_id, signup_at, cohort_date, kyc_at from users where user_id = 'u07'",
      );

      // Assess
      expect(rows).toEqual([
        {
          partner_id: 'aff-b',
          signup_at: '2026-03-02 08:00:00.000',
          cohort_date: '2026-03-02',
          kyc_at: '2026-03-08 15:10:00.000',
        },
      ]);
    });

    it('keys stay unique and not null', async () => {
      await expectKeysUniqueAndNotNull(lateLake);
    });

    it('equals a fresh lake built from all inputs in one go', () => {
      expectSameRows(after.cohort_ltv, fresh.cohort_ltv, COHORT_LTV.key);
      expectSameRows(after.partner_performance, fresh.partner_performance, PARTNER_PERFORMANCE.key);
      expectSameRows(after.user_segments, fresh.user_segments, USER_SEGMENTS.key);
    });
  });

  describe('spend alone reaches earlier run dates: only their spend marts are rebuilt', () => {
    const allPartnerPerformance = (target: LocalLake) =>
      target.engine.query(`select * from partner_performance order by ${PARTNER_PERFORMANCE.key.join(', ')}`);
    let spendLake: LocalLake;
    let before: Row[];
    let report: TransformReport;
    let after: Row[];
    let fresh: Row[];

    beforeAll(async () => {
      // Prepare: the lake after the late data, as above; spend-3 adds $25 of aff-b spend on 03-06
      spendLake = await copyOfLake('spend');
      await ingestAll(spendLake, [LATE]);
      await runDaily({ ...spendLake, config: DEFAULT_RUN_CONFIG }, R);
      before = await allPartnerPerformance(spendLake);
      await ingestAll(spendLake, [SPEND_ADDED]);

      // Act
      report = (await runDaily({ ...spendLake, config: DEFAULT_RUN_CONFIG }, R)).transform;
      after = await allPartnerPerformance(spendLake);
      const freshLake = await openLocalLake(join(root, 'fresh-spend'), { threads: 2 });
      try {
        await ingestAll(freshLake, [...INITIAL, LATE, SPEND_ADDED]);
        await backfill({ ...freshLake, config: DEFAULT_RUN_CONFIG }, '2026-03-01', R);
        fresh = await allPartnerPerformance(freshLake);
      } finally {
        await freshLake.close();
      }
    }, 180_000);

    afterAll(async () => {
      await spendLake?.close();
    });

    it('restates 03-06 to 03-09 for spend alone, rebuilding partner_performance and nothing else', () => {
      expect(report.restatedRuns).toEqual(['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09']);
      expect(report.spendOnlyRuns).toEqual(report.restatedRuns);
      const rebuilt = report.steps.map((step) => step.step);
      // partner_performance is one statement for the 4 restated dates and R; the other marts are R's alone.
      expect(rebuilt.filter((step) => step === 'partner_performance')).toHaveLength(1);
      expect(rebuilt.filter((step) => step === 'segment_summary')).toHaveLength(1);
      expect(rebuilt.filter((step) => step === 'user_state' || step === 'user_segments')).toEqual([
        'user_segments',
      ]);
    });

    it("adds the $25 to aff-b's spend in every window holding 03-06, and changes no other spend", () => {
      const spend = (rows: readonly Row[]) =>
        new Map(
          rows.map((row) => [`${row.run_date}|${row.partner_id}|${row.window_days}`, Number(row.spend_usd)]),
        );
      const [old, now] = [spend(before), spend(after)];
      const changed = [...now].filter(([key, usd]) => Math.abs(usd - (old.get(key) ?? 0)) > 1e-9);
      expect(changed.map(([key, usd]) => [key, usd - (old.get(key) ?? 0)])).toEqual(
        ['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10'].flatMap((date) =>
          [7, 30].map((window) => [`${date}|aff-b|${window}`, 25]),
        ),
      );
    });

    it('equals a fresh lake built from all inputs and run over the same dates', () => {
      expectSameRows(after, fresh, PARTNER_PERFORMANCE.key);
    });
  });
});
