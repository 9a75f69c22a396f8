/**
 * Ingesting AppsFlyer, Adjust and Impact exports and the tracker map (docs/contract.md, Tracking
 * tools): counts, quarantine reasons, deduplication and restatement, on the hand-built exports of
 * scenario.ts.
 */
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { ingestCounts, ingestFailure, testLakes } from '../ingest/lake-helpers.ts';
import { writeScenario } from './scenario.ts';

const openLake = testLakes();

describe('tracker ingest', () => {
  it('reads AppsFlyer raw data in any column order, gzip included, first row of a key winning', async () => {
    // Prepare
    const lake = await openLake();
    const files = await writeScenario(lake.root);

    // Act
    const first = await ingestFile(lake.context, 'appsflyer', files.appsflyer1 as string);
    const second = await ingestFile(lake.context, 'appsflyer', files.appsflyer2 as string);

    // Assess: file 1 reads lines 2-12: 7 accepted, line 9 repeats line 4's key, 10-12 quarantined.
    expect(ingestCounts(first)).toEqual([11, 7, 1, 3]);
    // File 2: A1's registration again (a duplicate across files), A6 new.
    expect(ingestCounts(second)).toEqual([2, 1, 1, 0]);
    const quarantined = await lake.rows(
      `select line, reason from quarantine where file = '${files.appsflyer1}' order by line`,
    );
    expect(quarantined).toEqual([
      { line: 10, reason: 'AppsFlyer ID is empty' },
      { line: 11, reason: 'Event Time is not a yyyy-mm-dd hh:mm:ss time' },
      { line: 12, reason: 'Event Revenue USD must be a number >= 0' },
    ]);
    const stored = await lake.rows(
      "select conversion_id, user_id, event_name, cast(occurred_at as varchar) as occurred_at, source_key, revenue from tracker_events where source = 'appsflyer' order by conversion_id",
    );
    expect(stored).toEqual([
      {
        conversion_id: 'A1|af_complete_registration|2026-11-20 10:05:00',
        user_id: 'u1',
        event_name: 'af_complete_registration',
        occurred_at: '2026-11-20 10:05:00',
        source_key: 'aff_network_1',
        revenue: null,
      },
      {
        conversion_id: 'A1|first_deposit|2026-11-21 08:00:00',
        user_id: 'u1',
        event_name: 'first_deposit',
        occurred_at: '2026-11-21 08:00:00',
        source_key: 'aff_network_1',
        revenue: 100,
      },
      {
        conversion_id: 'A1|install|2026-11-20 10:00:00',
        user_id: null,
        event_name: 'install',
        occurred_at: '2026-11-20 10:00:00',
        source_key: 'aff_network_1',
        revenue: null,
      },
      {
        conversion_id: 'A2|af_complete_registration|2026-11-21 09:00:00',
        user_id: 'u2',
        event_name: 'af_complete_registration',
        occurred_at: '2026-11-21 09:00:00',
        source_key: 'aff_network_1',
        revenue: null,
      },
      {
        conversion_id: 'A3|af_complete_registration|2026-11-21 11:00:00',
        user_id: 'u3',
        event_name: 'af_complete_registration',
        occurred_at: '2026-11-21 11:00:00',
        source_key: 'aff_network_1',
        revenue: null,
      },
      {
        conversion_id: 'A4|af_complete_registration|2026-11-21 12:00:00',
        user_id: 'u4',
        event_name: 'af_complete_registration',
        occurred_at: '2026-11-21 12:00:00',
        source_key: 'organic',
        revenue: null,
      },
      {
        conversion_id: 'A5|af_complete_registration|2026-11-21 13:00:00',
        user_id: null,
        event_name: 'af_complete_registration',
        occurred_at: '2026-11-21 13:00:00',
        source_key: 'unknown_src',
        revenue: null,
      },
      {
        conversion_id: 'A6|af_complete_registration|2026-11-21 14:00:00',
        user_id: 'u6',
        event_name: 'af_complete_registration',
        occurred_at: '2026-11-21 14:00:00',
        source_key: 'aff_network_1',
        revenue: null,
      },
    ]);
  });

  it('reads an Adjust export, quarantining each bad row with its reason', async () => {
    // Prepare
    const lake = await openLake();
    const files = await writeScenario(lake.root);

    // Act
    const result = await ingestFile(lake.context, 'adjust', files.adjust as string);
    const again = await ingestFile(lake.context, 'adjust', files.adjust as string);

    // Assess: lines 2-15; line 10 repeats line 3's key; 12-15 quarantined; 14 - 1 - 4 = 9 accepted.
    expect(ingestCounts(result)).toEqual([14, 9, 1, 4]);
    expect(again.alreadyIngested).toBe(true);
    expect(
      await lake.rows(`select line, reason from quarantine where file = '${files.adjust}' order by line`),
    ).toEqual([
      { line: 12, reason: 'adid is empty' },
      { line: 13, reason: 'created_at is not a unix time in seconds' },
      { line: 14, reason: 'revenue_float must be a number >= 0' },
      { line: 15, reason: 'event_name is empty' },
    ]);
    // 1795255200 s = 2026-11-21 10:00:00 UTC; an install's key keeps its empty event_name.
    expect(
      await lake.rows(
        "select conversion_id, activity_kind, event_name, cast(occurred_at as varchar) as occurred_at from tracker_events where conversion_id like 'D1%'",
      ),
    ).toEqual([
      {
        conversion_id: 'D1|install||1795255200',
        activity_kind: 'install',
        event_name: null,
        occurred_at: '2026-11-21 10:00:00',
      },
    ]);
  });

  it('reads Impact actions: restated, reversed and duplicate rows, EUR payouts, offsets across midnight', async () => {
    // Prepare
    const lake = await openLake();
    const files = await writeScenario(lake.root);
    await ingestFile(lake.context, 'fx', files.fx as string);

    // Act
    const first = await ingestFile(lake.context, 'impact', files.impact1 as string);
    const second = await ingestFile(lake.context, 'impact', files.impact2 as string);

    // Assess: lines 2-5 accepted, 6-10 quarantined; then two restatements and one duplicate.
    expect(ingestCounts(first)).toEqual([9, 4, 0, 5]);
    expect(ingestCounts(second)).toEqual([3, 2, 1, 0]);
    expect(
      await lake.rows(`select line, reason from quarantine where file = '${files.impact1}' order by line`),
    ).toEqual([
      { line: 6, reason: 'Payout must be a number >= 0' },
      { line: 7, reason: 'unknown State "VOID": must be PENDING, APPROVED, REVERSED' },
      { line: 8, reason: 'EventDate has no UTC offset' },
      { line: 9, reason: 'no FX rate for GBP on 2026-11-21' },
      { line: 10, reason: 'Id is empty' },
    ]);
    const versions = await lake.rows(
      'select action_id, version, state, cast(occurred_at as varchar) as occurred_at, payout_original, currency, payout_usd, is_duplicate from impact_actions order by action_id, version',
    );
    expect(versions).toEqual([
      {
        action_id: 'I1',
        version: 1,
        state: 'PENDING',
        occurred_at: '2026-11-20 18:00:00',
        payout_original: 10,
        currency: 'USD',
        payout_usd: 10,
        is_duplicate: false,
      },
      {
        action_id: 'I1',
        version: 2,
        state: 'APPROVED',
        occurred_at: '2026-11-20 18:00:00',
        payout_original: 12,
        currency: 'USD',
        payout_usd: 12,
        is_duplicate: false,
      },
      // 20:30 at -08:00 is 04:30 UTC the next day: the 11-21 rate, 20 * 1.08 = 21.6.
      {
        action_id: 'I2',
        version: 1,
        state: 'APPROVED',
        occurred_at: '2026-11-21 04:30:00',
        payout_original: 20,
        currency: 'EUR',
        payout_usd: 20 * 1.08,
        is_duplicate: false,
      },
      {
        action_id: 'I2',
        version: 2,
        state: 'APPROVED',
        occurred_at: '2026-11-21 04:30:00',
        payout_original: 20,
        currency: 'EUR',
        payout_usd: 20 * 1.08,
        is_duplicate: true,
      },
      {
        action_id: 'I3',
        version: 1,
        state: 'PENDING',
        occurred_at: '2026-11-21 01:00:00',
        payout_original: 10,
        currency: 'USD',
        payout_usd: 10,
        is_duplicate: false,
      },
      {
        action_id: 'I3',
        version: 2,
        state: 'REVERSED',
        occurred_at: '2026-11-21 01:00:00',
        payout_original: 10,
        currency: 'USD',
        payout_usd: 10,
        is_duplicate: false,
      },
      {
        action_id: 'I4',
        version: 1,
        state: 'PENDING',
        occurred_at: '2026-11-21 02:00:00',
        payout_original: 7,
        currency: 'USD',
        payout_usd: 7,
        is_duplicate: false,
      },
    ]);
  });

  it('refuses a tracker export without a column it reads, naming it', async () => {
    // Prepare
    const lake = await openLake();
    const path = await lake.writeLines('appsflyer-lowercase.csv', [
      'event time,event name,appsflyer id,media source',
      '2026-11-21 10:00:00,install,A1,organic',
    ]);

    // Act
    const error = await ingestFailure(lake.context, 'appsflyer', path);

    // Assess: header names are exact, as AppsFlyer writes them.
    expect(error.message).toContain(
      'the header has no column AppsFlyer ID, Event Name, Event Time, Media Source',
    );
  });
});
