/**
 * How traffic quality is shown, worded once for the dashboard and the growth digest: each signal's
 * name and format, the rule behind each flag, the program's medians to read a partner against, and
 * the evidence of a flag.
 */
import { formatCount, formatPercent, NOT_AVAILABLE } from './format.ts';
import type { FlaggedUser, PartnerQuality, QualitySignals } from './model.ts';

/**
 * Partners with fewer sign-ups in C are never flagged (docs/contract.md, partner_quality); their
 * shares swing with a handful of users, so the program's medians leave them out too.
 */
export const QUALITY_MIN_SIGNUPS = 20;

/** Partner values that are not bought traffic, so not part of the program the medians describe. */
const NOT_BOUGHT = new Set(['organic', 'unattributed']);

/** A partner_quality signal. */
export type QualitySignal = keyof QualitySignals;

/** How a signal is shown, and which way it is worse than the median. */
export interface QualitySignalDisplay {
  readonly key: QualitySignal;
  readonly label: string;
  readonly format: (value: number | null) => string;
  /** True when a higher value is the worse one (a share of suspicious users). */
  readonly higherIsWorse: boolean;
}

/** `6.5 s`, `2.5 min`; n/a when unknown. */
export function formatSeconds(value: number | null): string {
  if (value === null) return NOT_AVAILABLE;
  return Math.abs(value) < 60 ? `${value.toFixed(1)} s` : `${(value / 60).toFixed(1)} min`;
}

/** The score rounded to a whole number out of 100. */
export function formatScore(value: number | null): string {
  return value === null ? NOT_AVAILABLE : String(Math.round(value));
}

/** The signals in the order the dashboard shows them; the quality score comes last, apart. */
export const QUALITY_SIGNALS: readonly QualitySignalDisplay[] = [
  { key: 'kycRate', label: 'KYC', format: formatPercent, higherIsWorse: false },
  { key: 'ftdRate', label: 'FTD', format: formatPercent, higherIsWorse: false },
  { key: 'fastSignupShare', label: 'Fast sign-ups', format: formatPercent, higherIsWorse: true },
  // Bots and click injection sign up within seconds of the click: a short median is the worse one.
  {
    key: 'medianClickToSignupS',
    label: 'Median click to sign-up',
    format: formatSeconds,
    higherIsWorse: false,
  },
  { key: 'sharedDeviceShare', label: 'Shared device', format: formatPercent, higherIsWorse: true },
  { key: 'sharedFundingShare', label: 'Shared funding', format: formatPercent, higherIsWorse: true },
  { key: 'bonusAbuseShare', label: 'Bonus abuse', format: formatPercent, higherIsWorse: true },
];

/** A flag's rule: the signal it reads and the share that signal must exceed. */
export interface QualityRule {
  readonly signal: QualitySignal;
  readonly threshold: number;
  /** What one flagged user's evidence says, for the users behind the flag. */
  readonly evidence: (evidence: string) => string;
}

function numeric(evidence: string, format: (value: number) => string): string {
  const value = Number(evidence);
  return evidence.trim() !== '' && Number.isFinite(value) ? format(value) : evidence;
}

const sharedWith = (evidence: string) => `with ${evidence.split(',').join(', ')}`;

/** The rules of docs/contract.md, partner_quality.flags, by flag name. */
export const QUALITY_RULES: Readonly<Record<string, QualityRule>> = {
  bonus_abuse: {
    signal: 'bonusAbuseShare',
    threshold: 0.1,
    evidence: (evidence) => `${numeric(evidence, formatPercent)} withdrawn`,
  },
  fast_signups: {
    signal: 'fastSignupShare',
    threshold: 0.2,
    evidence: (evidence) => numeric(evidence, (seconds) => `${seconds} s after the click`),
  },
  shared_devices: { signal: 'sharedDeviceShare', threshold: 0.1, evidence: sharedWith },
  shared_funding: { signal: 'sharedFundingShare', threshold: 0.05, evidence: sharedWith },
};

/** The median of some numbers, the mean of the middle two for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The program's median of every signal: over the partners with at least
 * {@link QUALITY_MIN_SIGNUPS} sign-ups in C (those the flags judge), organic and unattributed left
 * out; a partner's null for a signal is left out of that signal's median.
 */
export function programMedians(partners: readonly PartnerQuality[]): {
  medians: QualitySignals;
  partners: number;
} {
  const judged = partners.filter((p) => p.signups >= QUALITY_MIN_SIGNUPS && !NOT_BOUGHT.has(p.partnerId));
  const of = (key: QualitySignal) =>
    median(judged.map((p) => p[key]).filter((value): value is number => value !== null));
  return {
    medians: {
      kycRate: of('kycRate'),
      ftdRate: of('ftdRate'),
      fastSignupShare: of('fastSignupShare'),
      medianClickToSignupS: of('medianClickToSignupS'),
      sharedDeviceShare: of('sharedDeviceShare'),
      sharedFundingShare: of('sharedFundingShare'),
      bonusAbuseShare: of('bonusAbuseShare'),
      qualityScore: of('qualityScore'),
    },
    partners: judged.length,
  };
}

/** Whether a partner's value of a signal is worse than the program's median. */
export function isWorseThanMedian(
  display: QualitySignalDisplay,
  value: number | null,
  medianValue: number | null,
): boolean {
  if (value === null || medianValue === null) return false;
  return display.higherIsWorse ? value > medianValue : value < medianValue;
}

/** The signals a partner's flags were raised on. */
export function flaggedSignals(partner: PartnerQuality): Set<QualitySignal> {
  return new Set(partner.flags.flatMap((flag) => QUALITY_RULES[flag]?.signal ?? []));
}

/** `bonus_abuse 20% (threshold 10%)`: the share a flag was raised on against its threshold. */
export function flagEvidence(partner: PartnerQuality, flag: string): string {
  const rule = QUALITY_RULES[flag];
  if (rule === undefined) return flag;
  return `${flag} ${formatPercent(partner[rule.signal])} (threshold ${formatPercent(rule.threshold)})`;
}

/** `u_1 (with u_7, u_9)`: a user behind a flag and their evidence. */
export function flaggedUserText(flag: string, user: FlaggedUser): string {
  const rule = QUALITY_RULES[flag];
  const evidence = rule === undefined ? user.evidence : rule.evidence(user.evidence);
  return evidence === '' ? user.userId : `${user.userId} (${evidence})`;
}

/** Flagged partners first, then by quality score, lowest first (unknown last), then by id. */
export function byConcern(a: PartnerQuality, b: PartnerQuality): number {
  const flagged = Number(b.flags.length > 0) - Number(a.flags.length > 0);
  const score = (p: PartnerQuality) => p.qualityScore ?? Number.POSITIVE_INFINITY;
  return flagged || score(a) - score(b) || a.partnerId.localeCompare(b.partnerId);
}

/** `Beta Signals (kol_beta)`, or the id alone for a partner without a name. */
export function qualitySubject(partnerId: string, partnerName: string): string {
  return partnerName === partnerId ? partnerId : `${partnerName} (${partnerId})`;
}

/**
 * `bonus_abuse 20% (threshold 10%), shared_devices 15% (threshold 10%); 130 sign-ups in 30 days,
 * quality score 22`: a flagged partner's evidence, worded the same in the digest's text and HTML.
 */
export function flaggedPartnerEvidence(partner: PartnerQuality): string {
  const evidence = partner.flags.map((flag) => flagEvidence(partner, flag)).join(', ');
  const signups = `${formatCount(partner.signups)} sign-up${partner.signups === 1 ? '' : 's'} in 30 days`;
  return `${evidence}; ${signups}, quality score ${formatScore(partner.qualityScore)}`;
}

/** What a flag does to a partner's budget (lambdas/recommend/allocate.ts). */
export const QUALITY_CONSEQUENCE = 'Flagged partners get no budget increase until their flags clear.';
