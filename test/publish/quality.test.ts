/**
 * Traffic quality where people see it: the publish model's Quality section loaded from
 * partner_quality and user_risk_flags, the program's medians, the growth digest's lines, and the
 * analysts' documented queries. Every expected value is worked out from the fixture rows by hand.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recipient } from '../../lambdas/contract/recipients-config.ts';
import { openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { renderDashboard } from '../../lambdas/publish/dashboard.ts';
import { FLAGGED_PARTNERS_SHOWN } from '../../lambdas/publish/digest.ts';
import { renderDigestHtml } from '../../lambdas/publish/digest-html.ts';
import { renderDigestText } from '../../lambdas/publish/digest-text.ts';
import { loadPublishModel } from '../../lambdas/publish/load-model.ts';
import type { PartnerQuality, PublishModel } from '../../lambdas/publish/model.ts';
import { publishRun } from '../../lambdas/publish/publisher.ts';
import {
  flaggedUserText,
  formatSeconds,
  median,
  programMedians,
} from '../../lambdas/publish/quality-display.ts';
import { scopeModel } from '../../lambdas/publish/scope.ts';
import {
  type buildFixtureLake,
  digestOf,
  publishFixtureLake,
  R,
  TEST_RECIPIENTS,
  USER_OPERATIONS_LEAD,
} from './fixture.ts';

type Lake = Awaited<ReturnType<typeof buildFixtureLake>>;

/** A partner with every signal unknown, overridden by `fields`. */
function quality(partnerId: string, fields: Partial<PartnerQuality> = {}): PartnerQuality {
  return {
    partnerId,
    signups: 100,
    kycRate: null,
    ftdRate: null,
    fastSignupShare: null,
    medianClickToSignupS: null,
    sharedDeviceShare: null,
    sharedFundingShare: null,
    bonusAbuseShare: null,
    qualityScore: null,
    flags: [],
    flaggedUsers: [],
    ...fields,
  };
}

describe('how quality is worded and summarised', () => {
  it('takes the median, the mean of the middle two for an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it("takes the program's medians over partners with at least 20 sign-ups, not organic or unattributed", () => {
    // Prepare: a (10), b (30), c (50) count; small (19 sign-ups), organic and unattributed do not.
    const partners = [
      quality('a', { kycRate: 0.1, qualityScore: 10 }),
      quality('b', { kycRate: 0.3, qualityScore: 30, bonusAbuseShare: 0.2 }),
      quality('c', { kycRate: 0.5, qualityScore: 50 }),
      quality('small', { signups: 19, kycRate: 0.9, qualityScore: 90 }),
      quality('organic', { kycRate: 0.9, qualityScore: 90 }),
      quality('unattributed', { kycRate: 0.9, qualityScore: 90 }),
    ];

    // Act
    const { medians, partners: counted } = programMedians(partners);

    // Assess: 0.3 and 30 the middle of three; bonus abuse only b's (nulls left out); fast none.
    expect(counted).toBe(3);
    expect(medians).toMatchObject({ kycRate: 0.3, qualityScore: 30, bonusAbuseShare: 0.2 });
    expect(medians.fastSignupShare).toBeNull();
  });

  it("words each flag's user evidence", () => {
    expect(flaggedUserText('fast_signups', { userId: 'u1', evidence: '3.2' })).toBe(
      'u1 (3.2 s after the click)',
    );
    expect(flaggedUserText('shared_devices', { userId: 'u1', evidence: 'u2,u3' })).toBe('u1 (with u2, u3)');
    expect(flaggedUserText('shared_funding', { userId: 'u1', evidence: 'u9' })).toBe('u1 (with u9)');
    expect(flaggedUserText('bonus_abuse', { userId: 'u1', evidence: '0.95' })).toBe('u1 (95% withdrawn)');
    expect(flaggedUserText('bonus_abuse', { userId: 'u1', evidence: 'all' })).toBe('u1 (all withdrawn)');
    expect(formatSeconds(6.5)).toBe('6.5 s');
    expect(formatSeconds(150)).toBe('2.5 min');
  });
});

/** The fixture lake with quality data, published once for R: its model and each recipient's digest. */
let lake: Lake;
let model: PublishModel;
let mails: ReadonlyMap<string, ParsedMail>;

beforeAll(async () => {
  ({ lake, model, mails } = await publishFixtureLake({ withQuality: true }));
});
afterAll(async () => lake?.dispose());

describe('the Quality section of the publish model', () => {
  it('is what loadPublishModel loads', async () => {
    expect(await loadPublishModel(lake.engine, R)).toEqual(model);
  });

  it("holds R's partner_quality rows by partner, flags split, R - 1's row not read", () => {
    expect(model.quality.partners.map((p) => p.partnerId)).toEqual([
      'aff_one',
      'aff_two',
      'content_blog',
      'kol_alpha',
      'kol_beta',
      'organic',
    ]);
    const beta = model.quality.partners.find((p) => p.partnerId === 'kol_beta');
    expect(beta).toMatchObject({
      signups: 130,
      kycRate: 0.55,
      bonusAbuseShare: 0.2,
      qualityScore: 22,
      flags: ['bonus_abuse', 'shared_devices', 'shared_funding'],
    });
    // R - 1 flagged aff_one for fast sign-ups; R does not.
    expect(model.quality.partners.find((p) => p.partnerId === 'aff_one')?.flags).toEqual([]);
  });

  it('lists the users behind each flag: the first five by user id, and how many there are', () => {
    // kol_beta: 7 shared devices (R - 1's 3 sort before R's 4), 1 bonus abuse, no shared funding.
    const beta = model.quality.partners.find((p) => p.partnerId === 'kol_beta');
    expect(beta?.flaggedUsers.map((f) => [f.flag, f.users, f.shown.map((u) => u.userId)])).toEqual([
      ['bonus_abuse', 1, ['u_2026-11-20_kol_beta_0']],
      [
        'shared_devices',
        7,
        [
          'u_2026-11-21_kol_beta_0',
          'u_2026-11-21_kol_beta_1',
          'u_2026-11-21_kol_beta_2',
          'u_2026-11-22_kol_beta_0',
          'u_2026-11-22_kol_beta_1',
        ],
      ],
    ]);
    expect(beta?.flaggedUsers[0]?.shown[0]?.evidence).toBe('0.95');
    // kol_alpha: R's 2 fast sign-ups; not R - 30's cohort, not R - 1's snapshot, not its shared
    // device (a flag it does not carry).
    const alpha = model.quality.partners.find((p) => p.partnerId === 'kol_alpha');
    expect(alpha?.flaggedUsers).toEqual([
      {
        flag: 'fast_signups',
        users: 2,
        shown: [
          { userId: 'u_2026-11-22_kol_alpha_0', evidence: '3.2' },
          { userId: 'u_2026-11-22_kol_alpha_1', evidence: '0.8' },
        ],
      },
    ]);
    expect(model.quality.partners.find((p) => p.partnerId === 'aff_one')?.flaggedUsers).toEqual([]);
  });

  it("takes the program's medians over kol_alpha, kol_beta, aff_one and aff_two", () => {
    // content_blog has 12 sign-ups and organic is not bought: 4 partners, so the mean of the middle two.
    const { medians, medianPartners } = model.quality;
    expect(medianPartners).toBe(4);
    // KYC .55 .60 .70 .78; FTD .13 .16 .22 .22; fast .02 .05 .10 .30; seconds 6.5 30 40 55.
    expect(medians.kycRate).toBeCloseTo((0.6 + 0.7) / 2, 12);
    expect(medians.ftdRate).toBeCloseTo((0.16 + 0.22) / 2, 12);
    expect(medians.fastSignupShare).toBeCloseTo((0.05 + 0.1) / 2, 12);
    expect(medians.medianClickToSignupS).toBe((30 + 40) / 2);
    // Devices .02 .04 .12 .15; funding 0 .01 .02 .08; bonus .02 .03 .20 (aff_two's null left out).
    expect(medians.sharedDeviceShare).toBeCloseTo((0.04 + 0.12) / 2, 12);
    expect(medians.sharedFundingShare).toBeCloseTo((0.01 + 0.02) / 2, 12);
    expect(medians.bonusAbuseShare).toBe(0.03);
    // Scores 22 48 55 81.
    expect(medians.qualityScore).toBe((48 + 55) / 2);
  });

  it("keeps the scope's partners and the program's medians in a scoped view", () => {
    const kol = scopeModel(model, { kind: 'channels', channels: ['kol'] });
    expect(kol.quality.partners.map((p) => p.partnerId)).toEqual(['kol_alpha', 'kol_beta']);
    expect(kol.quality.medians).toEqual(model.quality.medians);
  });
});

describe("the dashboard's Quality section when no partner is flagged", () => {
  it('says so, with the table and no cards of users', () => {
    // Prepare
    const partners = model.quality.partners.map((partner) => ({ ...partner, flags: [], flaggedUsers: [] }));

    // Act
    const page = renderDashboard({ ...model, quality: { ...model.quality, partners } });

    // Assess
    const section = page.slice(
      page.indexOf('<section id="quality"'),
      page.indexOf('<section id="campaigns"'),
    );
    expect(section).toContain('<p class="quality-summary">No partner is flagged.</p>');
    expect(section).toContain('<div class="quality-table">');
    expect(section).not.toContain('Users behind the flags');
    expect(section).not.toContain('signal-flagged');
  });
});

describe("the growth digest's traffic-quality lines", () => {
  /** The text part's quality block, from its heading to the next one. */
  function qualityBlock(email: string): string[] {
    const text = mails.get(email)?.text ?? '';
    const from = text.indexOf('Traffic quality: flagged partners');
    if (from < 0) return [];
    return text.slice(from, text.indexOf('Top movers, week over week')).split('\n');
  }

  const BETA =
    '* Beta Signals (kol_beta): bonus_abuse 20% (threshold 10%), shared_devices 15% (threshold 10%), ' +
    'shared_funding 8.0% (threshold 5.0%); 130 sign-ups in 30 days, quality score 22.';
  const ALPHA =
    '* Alpha Crypto <Live> & "Friends" (kol_alpha): fast_signups 30% (threshold 20%); 400 sign-ups in 30 days, quality score 48.';
  const AFF_TWO =
    '* YieldHunters (aff_two): shared_devices 12% (threshold 10%); 90 sign-ups in 30 days, quality score 55.';

  it('lists every flagged partner with its evidence, lowest quality score first', () => {
    // Scores: kol_beta 22, kol_alpha 48, aff_two 55; content_blog (12 sign-ups) is not flagged.
    expect(qualityBlock('growth@example.com')).toEqual([
      'Traffic quality: flagged partners, sign-ups of the last 30 days',
      '---------------------------------------------------------------',
      BETA,
      ALPHA,
      AFF_TWO,
      'Flagged partners get no budget increase until their flags clear.',
      '',
      '',
    ]);
  });

  it('says the same in HTML, escaped, in red', () => {
    const html = mails.get('growth@example.com')?.html || '';
    expect(html).toContain('Traffic quality: flagged partners, sign-ups of the last 30 days');
    expect(html).toContain(
      '<strong style="color:#991b1b;">Alpha Crypto &lt;Live&gt; &amp; &quot;Friends&quot; (kol_alpha)</strong>: ' +
        'fast_signups 30% (threshold 20%); 400 sign-ups in 30 days, quality score 48.',
    );
  });

  it("gives a scoped recipient their partners' lines only, and none when theirs are clean", () => {
    expect(qualityBlock('kol@example.com').filter((line) => line.startsWith('* '))).toEqual([BETA, ALPHA]);
    expect(qualityBlock('affiliates@example.com').filter((line) => line.startsWith('* '))).toEqual([AFF_TWO]);
    // content_blog has no flags: no heading at all.
    expect(qualityBlock('content@example.com')).toEqual([]);
    expect(mails.get('content@example.com')?.html).not.toContain('Traffic quality:');
  });

  it('is not in the user-operations digest', () => {
    const content = digestOf(model, USER_OPERATIONS_LEAD);
    expect(content.flaggedPartners).toEqual([]);
    expect(renderDigestText(content)).not.toContain('Traffic quality:');
  });

  it(`shows the first ${FLAGGED_PARTNERS_SHOWN} and says how many more`, () => {
    // Prepare: 12 partners flagged for fast sign-ups, scores 1 to 12.
    const partners = Array.from({ length: 12 }, (_, index) =>
      quality(`p${String(index + 1).padStart(2, '0')}`, {
        fastSignupShare: 0.25,
        flags: ['fast_signups'],
        qualityScore: index + 1,
      }),
    );
    const growth = TEST_RECIPIENTS.recipients[0] as Recipient;

    // Act
    const content = digestOf({ ...model, quality: { ...model.quality, partners } }, growth);
    const text = renderDigestText(content);

    // Assess: p01 (score 1) first, p10 last shown; p11 and p12 are the 2 more.
    const lines = text.split('\n').filter((line) => line.startsWith('* p'));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(
      '* p01: fast_signups 25% (threshold 20%); 100 sign-ups in 30 days, quality score 1.',
    );
    expect(lines[9]).toMatch(/^\* p10: /);
    expect(text).toContain('... and 2 more on the dashboard.');
    expect(renderDigestHtml(content)).toContain('… and 2 more on the dashboard.');
  });
});

describe('the queries docs/contract.md gives analysts for traffic quality', () => {
  /** The SQL blocks of the contract's "Traffic quality: where people see it", in order. */
  async function documentedQueries(): Promise<string[]> {
    const doc = await readFile(join(import.meta.dirname, '..', '..', 'docs', 'contract.md'), 'utf8');
    const from = doc.indexOf('### Traffic quality: where people see it');
    const section = doc.slice(from, doc.indexOf('\n### ', from + 1));
    return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  }

  it('answer their questions on the fixture lake', async () => {
    // Prepare
    const queries = await documentedQueries();
    expect(queries).toHaveLength(2);
    const [flagged = '', users = ''] = queries;

    // Act and assess: R's flagged partners, lowest score first.
    expect(await lake.engine.query(flagged)).toEqual([
      {
        partner_id: 'kol_beta',
        signups: 130,
        flags: 'bonus_abuse,shared_devices,shared_funding',
        fast_signup_share: 0.05,
        shared_device_share: 0.15,
        shared_funding_share: 0.08,
        bonus_abuse_share: 0.2,
        quality_score: 22,
      },
      {
        partner_id: 'kol_alpha',
        signups: 400,
        flags: 'fast_signups',
        fast_signup_share: 0.3,
        shared_device_share: 0.04,
        shared_funding_share: 0.01,
        bonus_abuse_share: 0.02,
        quality_score: 48,
      },
      {
        partner_id: 'aff_two',
        signups: 90,
        flags: 'shared_devices',
        fast_signup_share: 0.1,
        shared_device_share: 0.12,
        shared_funding_share: 0.02,
        bonus_abuse_share: null,
        quality_score: 55,
      },
    ]);
    // kol_beta's users sharing a device: all 7, with whom.
    const rows = await lake.engine.query(users);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({
      user_id: 'u_2026-11-21_kol_beta_0',
      cohort_date: '2026-11-21',
      evidence: 'u_2026-11-21_kol_beta_1,u_2026-11-21_kol_beta_2',
    });
    expect(rows[6]?.user_id).toBe('u_2026-11-22_kol_beta_3');
  });
});

describe('publishing a lake that never had quality data', () => {
  it('writes the Quality section as an empty state and no quality lines', async () => {
    // Prepare: a new lake, where the quality tables are registered but have no files.
    const dir = await mkdtemp(join(tmpdir(), 'growthlake-no-quality-'));
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
      expect(result.model.quality).toEqual({
        partners: [],
        medians: {
          kycRate: null,
          ftdRate: null,
          fastSignupShare: null,
          medianClickToSignupS: null,
          sharedDeviceShare: null,
          sharedFundingShare: null,
          bonusAbuseShare: null,
          qualityScore: null,
        },
        medianPartners: 0,
      });
      const dashboard = Buffer.from((await empty.store.get(result.dashboardKey)) as Uint8Array).toString(
        'utf8',
      );
      expect(dashboard).toContain('<section id="quality"');
      expect(dashboard).toContain('No traffic-quality data for this date yet');
      const mail = await simpleParser(
        Buffer.from((await empty.store.get(result.digests[0]?.key ?? '')) as Uint8Array),
      );
      expect(mail.text).not.toContain('Traffic quality:');
    } finally {
      await empty.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shows no rows for a run date the lake has no quality data for', async () => {
    // Act: the fixture lake has partner_quality for R and R - 1 only.
    const earlier = await loadPublishModel(lake.engine, '2026-11-15');

    // Assess
    expect(earlier.quality.partners).toEqual([]);
  });
});
