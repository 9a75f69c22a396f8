/**
 * Tracker reconciliation where people see it: the publish model's Tracking section loaded from
 * tracker_reconciliation and tracker_conversions, the likely cause of each disagreement, and the
 * growth digest's lines. Every expected value is worked out from the fixture rows by hand.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recipient } from '../../lambdas/contract/recipients-config.ts';
import { openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { TRACKING_ISSUES_SHOWN } from '../../lambdas/publish/digest.ts';
import { renderDigestHtml } from '../../lambdas/publish/digest-html.ts';
import { renderDigestText } from '../../lambdas/publish/digest-text.ts';
import { loadPublishModel } from '../../lambdas/publish/load-model.ts';
import type {
  PublishModel,
  TrackerReconciliation,
  TrackerSource,
  TrackerWindow,
} from '../../lambdas/publish/model.ts';
import { publishRun } from '../../lambdas/publish/publisher.ts';
import { scopeModel } from '../../lambdas/publish/scope.ts';
import {
  formatSignupGap,
  trackingCause,
  trackingIssues,
  trackingSubject,
} from '../../lambdas/publish/tracking-display.ts';
import {
  type buildFixtureLake,
  digestOf,
  publishFixtureLake,
  R,
  TEST_RECIPIENTS,
  USER_OPERATIONS_LEAD,
} from './fixture.ts';

type Lake = Awaited<ReturnType<typeof buildFixtureLake>>;

/** A window with every count 0 and status ok, overridden by `figures`. */
function window(figures: Partial<TrackerWindow> = {}): TrackerWindow {
  return {
    trackerSignups: 0,
    platformSignups: 0,
    matchedUsers: 0,
    trackerOnlyUsers: 0,
    platformOnlyUsers: 0,
    conflictingUsers: 0,
    trackerFtds: 0,
    platformFtds: 0,
    payoutUsd: null,
    signupGapRate: null,
    status: 'ok',
    topUnmappedSourceKey: null,
    unmappedSourceKeys: 0,
    ...figures,
  };
}

function row(source: TrackerSource, partnerId: string, week: Partial<TrackerWindow>): TrackerReconciliation {
  return { source, partnerId, week: window(week), month: window() };
}

describe('the likely cause of a disagreement', () => {
  it('is no data when the tracker has no sign-ups and the platform has some', () => {
    const alpha = row('appsflyer', 'kol_alpha', { trackerSignups: 0, platformSignups: 42 });
    expect(trackingCause(alpha, alpha.week)).toEqual({
      kind: 'no_data',
      text: 'no data: AppsFlyer reports no sign-ups for this partner',
    });
  });

  it('is no data when the platform has none, naming the users it gives another partner', () => {
    const three = row('adjust', 'kol_beta', { trackerSignups: 7, conflictingUsers: 3 });
    const one = row('adjust', 'kol_beta', { trackerSignups: 1, conflictingUsers: 1 });
    const none = row('adjust', 'kol_beta', { trackerSignups: 6 });
    expect(trackingCause(three, three.week).text).toBe(
      'no data: the platform attributes no sign-ups to this partner (3 users attributed to another partner)',
    );
    expect(trackingCause(one, one.week).text).toBe(
      'no data: the platform attributes no sign-ups to this partner (1 user attributed to another partner)',
    );
    expect(trackingCause(none, none.week)).toEqual({
      kind: 'no_data',
      text: 'no data: the platform attributes no sign-ups to this partner',
    });
  });

  it('is the unmapped key for the partner unmapped, whose platform side is always 0', () => {
    const one = row('adjust', 'unmapped', {
      trackerSignups: 9,
      topUnmappedSourceKey: 'fb_int',
      unmappedSourceKeys: 1,
    });
    const three = row('appsflyer', 'unmapped', {
      trackerSignups: 9,
      topUnmappedSourceKey: 'tiktok_int',
      unmappedSourceKeys: 3,
    });
    const unknown = row('impact', 'unmapped', { trackerSignups: 9 });
    expect(trackingCause(one, one.week)).toEqual({
      kind: 'unmapped_key',
      text: 'unmapped key: Adjust "fb_int" needs a tracker-map row',
    });
    expect(trackingCause(three, three.week).text).toBe(
      'unmapped key: AppsFlyer "tiktok_int" needs a tracker-map row (and 2 more unmapped keys)',
    );
    expect(trackingCause(unknown, unknown.week).text).toBe(
      'unmapped key: Impact keys without a tracker-map row',
    );
  });

  it('is conflicting attribution when both sides have sign-ups and the platform gives some to another partner', () => {
    const beta = row('adjust', 'kol_beta', { trackerSignups: 50, platformSignups: 40, conflictingUsers: 4 });
    expect(trackingCause(beta, beta.week)).toEqual({
      kind: 'conflicting_attribution',
      text: 'conflicting attribution: 4 users the platform gives another partner',
    });
  });

  it('is the plain gap otherwise, in users and its direction', () => {
    // 36 - 40 = -4; 41 - 40 = +1.
    const fewer = row('appsflyer', 'aff_one', { trackerSignups: 36, platformSignups: 40 });
    const more = row('impact', 'aff_two', { trackerSignups: 41, platformSignups: 40 });
    expect(trackingCause(fewer, fewer.week)).toEqual({
      kind: 'gap',
      text: 'gap: AppsFlyer counts 4 users fewer than the platform',
    });
    expect(trackingCause(more, more.week).text).toBe('gap: Impact counts 1 user more than the platform');
  });

  it('words the gap with its rate, and without one when the platform has no sign-ups', () => {
    // (36 - 40) / 40 = -0.1; (1234 - 1000) / 1000 = 0.234.
    expect(formatSignupGap(window({ trackerSignups: 36, platformSignups: 40, signupGapRate: -0.1 }))).toBe(
      'tracker 36 vs platform 40 sign-ups (-10%)',
    );
    expect(
      formatSignupGap(window({ trackerSignups: 1234, platformSignups: 1000, signupGapRate: 0.234 })),
    ).toBe('tracker 1,234 vs platform 1,000 sign-ups (+23%)');
    expect(formatSignupGap(window({ trackerSignups: 12 }))).toBe('tracker 12 vs platform 0 sign-ups');
  });

  it('names the source and the partner, or the id alone when it has no name', () => {
    expect(trackingSubject({ source: 'impact', partnerId: 'aff_two' }, 'YieldHunters')).toBe(
      'Impact · YieldHunters (aff_two)',
    );
    expect(trackingSubject({ source: 'appsflyer', partnerId: 'unmapped' }, 'unmapped')).toBe(
      'AppsFlyer · unmapped',
    );
  });

  it('orders issues broken before warn, then by the gap in users, then by source and partner', () => {
    // Prepare: gaps |t - p| of 5, 42, 10, 10 and 3; one ok row left out.
    const rows = [
      row('impact', 'b', { trackerSignups: 10, platformSignups: 0, status: 'broken' }),
      row('adjust', 'c', { trackerSignups: 50, platformSignups: 40, status: 'warn' }),
      row('appsflyer', 'ok', { trackerSignups: 40, platformSignups: 40, status: 'ok' }),
      row('appsflyer', 'a', { trackerSignups: 0, platformSignups: 42, status: 'broken' }),
      row('appsflyer', 'd', { trackerSignups: 30, platformSignups: 40, status: 'warn' }),
      row('adjust', 'e', { trackerSignups: 23, platformSignups: 20, status: 'warn' }),
      row('impact', 'f', { trackerSignups: 0, platformSignups: 5, status: 'broken' }),
    ];

    // Act
    const ordered = trackingIssues(rows).map((issue) => `${issue.source}/${issue.partnerId}`);

    // Assess: broken 42, 10, 5; warn 10 (AppsFlyer before Adjust), 10, 3.
    expect(ordered).toEqual(['appsflyer/a', 'impact/b', 'impact/f', 'appsflyer/d', 'adjust/c', 'adjust/e']);
  });
});

/** The fixture lake with trackers, published once for R: its model and each recipient's digest. */
let lake: Lake;
let model: PublishModel;
let mails: ReadonlyMap<string, ParsedMail>;

beforeAll(async () => {
  ({ lake, model, mails } = await publishFixtureLake({ withTrackers: true }));
});
afterAll(async () => lake?.dispose());

describe('the Tracking section of the publish model', () => {
  it('is what loadPublishModel loads', async () => {
    expect(await loadPublishModel(lake.engine, R)).toEqual(model);
  });

  it('pairs the 7- and 30-day rows of R by source (AppsFlyer, Adjust, Impact), then partner', () => {
    expect(model.tracking.map((r) => `${r.source}/${r.partnerId}`)).toEqual([
      'appsflyer/aff_one',
      'appsflyer/kol_alpha',
      'appsflyer/organic',
      'appsflyer/unmapped',
      'adjust/kol_beta',
      'adjust/unmapped',
      'impact/aff_two',
      'impact/content_blog',
    ]);
    // R's row, not R - 1's (40 vs 42, ok).
    const alpha = model.tracking.find((r) => r.source === 'appsflyer' && r.partnerId === 'kol_alpha');
    expect(alpha?.week).toEqual({
      trackerSignups: 0,
      platformSignups: 42,
      matchedUsers: 0,
      trackerOnlyUsers: 0,
      platformOnlyUsers: 42,
      conflictingUsers: 0,
      trackerFtds: 0,
      platformFtds: 9,
      payoutUsd: null,
      signupGapRate: -1,
      status: 'broken',
      topUnmappedSourceKey: null,
      unmappedSourceKeys: 0,
    });
    expect(alpha?.month).toMatchObject({ trackerSignups: 300, platformSignups: 380, status: 'warn' });
    expect(alpha?.month.signupGapRate).toBeCloseTo(-80 / 380, 12);
  });

  it("names the unmapped key with the most conversions in each window, and counts the window's keys", () => {
    // 7 days (Nov 16-22): tiktokglobal_int 3, snap_int 1 (at Nov 16 00:00). 30 days (Oct 24-Nov 22):
    // old_net 5 on Nov 1 as well; ancient (Oct 23) and future_net (Nov 23) in neither.
    const appsflyer = model.tracking.find((r) => r.source === 'appsflyer' && r.partnerId === 'unmapped');
    expect([appsflyer?.week.topUnmappedSourceKey, appsflyer?.week.unmappedSourceKeys]).toEqual([
      'tiktokglobal_int',
      2,
    ]);
    expect([appsflyer?.month.topUnmappedSourceKey, appsflyer?.month.unmappedSourceKeys]).toEqual([
      'old_net',
      3,
    ]);
    // Adjust's only unmapped key is from Oct 1; AppsFlyer's keys are not Adjust's.
    const adjust = model.tracking.find((r) => r.source === 'adjust' && r.partnerId === 'unmapped');
    expect([adjust?.week.topUnmappedSourceKey, adjust?.month.unmappedSourceKeys]).toEqual([null, 0]);
  });

  it("carries Impact's payout, and none for the other sources", () => {
    const affTwo = model.tracking.find((r) => r.partnerId === 'aff_two');
    const blog = model.tracking.find((r) => r.partnerId === 'content_blog');
    expect([affTwo?.week.payoutUsd, affTwo?.month.payoutUsd]).toEqual([540, 2400]);
    expect([blog?.week.payoutUsd, blog?.month.payoutUsd]).toEqual([0, 95.5]);
    expect(model.tracking.filter((r) => r.source !== 'impact').every((r) => r.week.payoutUsd === null)).toBe(
      true,
    );
  });

  it("keeps only the scope's partners in a scoped view (not unmapped, not organic)", () => {
    const kol = scopeModel(model, { kind: 'channels', channels: ['kol'] });
    expect(kol.tracking.map((r) => `${r.source}/${r.partnerId}`)).toEqual([
      'appsflyer/kol_alpha',
      'adjust/kol_beta',
    ]);
  });
});

describe("the growth digest's tracking lines", () => {
  /** The text part's tracking block, from its heading to the next one. */
  function trackingBlock(email: string): string[] {
    const text = mails.get(email)?.text ?? '';
    const from = text.indexOf('Tracking: trackers vs the platform');
    if (from < 0) return [];
    return text.slice(from, text.indexOf('Top movers, week over week')).split('\n');
  }

  it('lists every broken and warn partner of the 7 days, most severe first, with the likely cause', () => {
    // broken: kol_alpha 0 vs 42 (gap 42), unmapped 12 vs 0 (gap 12); warn: kol_beta 40 vs 30
    // (10/30 = +33%, 6 conflicting), content_blog 3 vs 2 (+50%, 1 more). aff_one is +10%: ok.
    expect(trackingBlock('growth@example.com')).toEqual([
      'Tracking: trackers vs the platform, last 7 days',
      '-----------------------------------------------',
      '* AppsFlyer · Alpha Crypto <Live> & "Friends" (kol_alpha): broken, tracker 0 vs platform 42 sign-ups (-100%); no data: AppsFlyer reports no sign-ups for this partner.',
      '* AppsFlyer · unmapped: broken, tracker 12 vs platform 0 sign-ups; unmapped key: AppsFlyer "tiktokglobal_int" needs a tracker-map row (and 1 more unmapped key).',
      '* Adjust · Beta Signals (kol_beta): warn, tracker 40 vs platform 30 sign-ups (+33%); conflicting attribution: 6 users the platform gives another partner.',
      '* Impact · Chain Chronicle (content_blog): warn, tracker 3 vs platform 2 sign-ups (+50%); gap: Impact counts 1 user more than the platform.',
      '',
      '',
    ]);
  });

  it('says the same in HTML, escaped, broken in red and warn in amber', () => {
    const html = mails.get('growth@example.com')?.html || '';
    expect(html).toContain('Tracking: trackers vs the platform, last 7 days');
    expect(html).toContain(
      '<strong style="color:#991b1b;">AppsFlyer · Alpha Crypto &lt;Live&gt; &amp; &quot;Friends&quot; (kol_alpha): broken</strong>, ' +
        'tracker 0 vs platform 42 sign-ups (-100%); no data: AppsFlyer reports no sign-ups for this partner.',
    );
    expect(html).toContain(
      '<strong style="color:#92400e;">Adjust · Beta Signals (kol_beta): warn</strong>, tracker 40 vs platform 30 sign-ups (+33%); ' +
        'conflicting attribution: 6 users the platform gives another partner.',
    );
    expect(html).toContain('AppsFlyer &quot;tiktokglobal_int&quot; needs a tracker-map row');
  });

  it("gives a scoped recipient their partners' lines only, and none when theirs agree", () => {
    expect(trackingBlock('kol@example.com').filter((line) => line.startsWith('* '))).toEqual([
      '* AppsFlyer · Alpha Crypto <Live> & "Friends" (kol_alpha): broken, tracker 0 vs platform 42 sign-ups (-100%); no data: AppsFlyer reports no sign-ups for this partner.',
      '* Adjust · Beta Signals (kol_beta): warn, tracker 40 vs platform 30 sign-ups (+33%); conflicting attribution: 6 users the platform gives another partner.',
    ]);
    expect(trackingBlock('content@example.com').filter((line) => line.startsWith('* '))).toHaveLength(1);
    // aff_one is +10% and aff_two -10% over 7 days: no heading at all.
    expect(trackingBlock('affiliates@example.com')).toEqual([]);
    expect(mails.get('affiliates@example.com')?.html).not.toContain('Tracking: trackers');
  });

  it('is not in the user-operations digest', () => {
    const content = digestOf(model, USER_OPERATIONS_LEAD);
    expect(content.trackingIssues).toEqual([]);
    expect(renderDigestText(content)).not.toContain('Tracking:');
  });

  it(`shows the first ${TRACKING_ISSUES_SHOWN} and says how many more`, () => {
    // Prepare: 12 warn rows, gaps 12 down to 1 (tracker 100 + n against platform 100).
    const tracking = Array.from({ length: 12 }, (_, index) =>
      row('adjust', `p${String(12 - index).padStart(2, '0')}`, {
        trackerSignups: 112 - index,
        platformSignups: 100,
        signupGapRate: (12 - index) / 100,
        status: 'warn',
      }),
    );
    const growth = TEST_RECIPIENTS.recipients[0] as Recipient;

    // Act
    const content = digestOf({ ...model, tracking }, growth);
    const text = renderDigestText(content);

    // Assess: p12 (gap 12, +12%) first, p03 (gap 3) last shown; p02 and p01 are the 2 more.
    const lines = text.split('\n').filter((line) => line.startsWith('* Adjust'));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(
      '* Adjust · p12: warn, tracker 112 vs platform 100 sign-ups (+12%); gap: Adjust counts 12 users more than the platform.',
    );
    expect(lines[9]).toMatch(/^\* Adjust · p03: warn, tracker 103 vs/);
    expect(text).toContain('... and 2 more on the dashboard.');
    expect(renderDigestHtml(content)).toContain('… and 2 more on the dashboard.');
  });
});

describe('the queries docs/contract.md gives analysts for tracking', () => {
  /** The SQL blocks of the contract's "Tracking: where people see it", in order. */
  async function documentedQueries(): Promise<string[]> {
    const doc = await readFile(join(import.meta.dirname, '..', '..', 'docs', 'contract.md'), 'utf8');
    const from = doc.indexOf('### Tracking: where people see it');
    const section = doc.slice(from, doc.indexOf('\n### ', from + 1));
    return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  }

  it('answer their questions on the fixture lake', async () => {
    // Prepare
    const queries = await documentedQueries();
    expect(queries).toHaveLength(3);
    const [issues = '', keys = '', payouts = ''] = queries;

    // Act and assess: the 7-day issues, worst first (gaps 42, 12; then 10, 1).
    expect(await lake.engine.query(issues)).toEqual([
      row7('appsflyer', 'kol_alpha', 'broken', 0, 42, -1, 0),
      row7('appsflyer', 'unmapped', 'broken', 12, 0, null, 0),
      row7('adjust', 'kol_beta', 'warn', 40, 30, 10 / 30, 6),
      row7('impact', 'content_blog', 'warn', 3, 2, 0.5, 0),
    ]);
    // Nov 16-22: tiktokglobal_int 3 sign-ups by 3 users, last at 23:59:59 on R; snap_int 1.
    expect(await lake.engine.query(keys)).toEqual([
      {
        source: 'appsflyer',
        source_key: 'tiktokglobal_int',
        conversions: 3,
        signup_users: 3,
        last_seen_at: '2026-11-22 23:59:59.000',
      },
      {
        source: 'appsflyer',
        source_key: 'snap_int',
        conversions: 1,
        signup_users: 1,
        last_seen_at: '2026-11-16 00:00:00.000',
      },
    ]);
    // 30 days: aff_two 2400 / 12 FTDs = 200; content_blog 95.5 / 3.
    expect(await lake.engine.query(payouts)).toEqual([
      {
        partner_id: 'aff_two',
        payout_usd: 2400,
        tracker_ftds: 11,
        platform_ftds: 12,
        payout_per_platform_ftd_usd: 200,
      },
      {
        partner_id: 'content_blog',
        payout_usd: 95.5,
        tracker_ftds: 3,
        platform_ftds: 3,
        payout_per_platform_ftd_usd: 95.5 / 3,
      },
    ]);
  });
});

/** A row of the first documented query. */
function row7(
  source: string,
  partner: string,
  status: string,
  tracker: number,
  platform: number,
  gap: number | null,
  conflicting: number,
) {
  return {
    source,
    partner_id: partner,
    status,
    tracker_signups: tracker,
    platform_signups: platform,
    signup_gap_rate: gap,
    conflicting_users: conflicting,
  };
}

describe('publishing a lake where no tracker was ever ingested', () => {
  it('writes the Tracking section as an empty state and no tracking lines', async () => {
    // Prepare: a new lake, where the tracker tables are registered but have no files.
    const dir = await mkdtemp(join(tmpdir(), 'growthlake-no-trackers-'));
    const empty = await openLocalLake(dir, { threads: 1 });
    try {
      // Act
      const result = await publishRun({
        engine: empty.engine,
        store: empty.store,
        runDate: R,
        recipients: TEST_RECIPIENTS,
      });

      // Assess
      expect(result.model.tracking).toEqual([]);
      const dashboard = Buffer.from((await empty.store.get(result.dashboardKey)) as Uint8Array).toString(
        'utf8',
      );
      expect(dashboard).toContain('<section id="tracking"');
      expect(dashboard).toContain('No tracker data yet: ingest AppsFlyer, Adjust or Impact exports');
      const mail = await simpleParser(
        Buffer.from((await empty.store.get(result.digests[0]?.key ?? '')) as Uint8Array),
      );
      expect(mail.text).not.toContain('Tracking:');
    } finally {
      await empty.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
