/**
 * How tracker reconciliation is shown, worded once for the dashboard and the growth digest: each
 * source's name, a window's sign-up gap, and the likely cause of a `warn` or `broken` status.
 */
import { formatChange, formatCount } from './format.ts';
import type { TrackerReconciliation, TrackerSource, TrackerStatus, TrackerWindow } from './model.ts';

/** How each tracking tool is named. */
export const TRACKER_SOURCE_LABELS: Readonly<Record<TrackerSource, string>> = {
  appsflyer: 'AppsFlyer',
  adjust: 'Adjust',
  impact: 'Impact',
};

/** Most severe first. */
const STATUS_ORDER: readonly TrackerStatus[] = ['broken', 'warn', 'ok'];

/** The partner id the tracker map gives a source key it has no row for. */
export const UNMAPPED_PARTNER = 'unmapped';

/** The likely cause of a disagreement between a tracker and the platform. */
export type TrackingCauseKind = 'unmapped_key' | 'no_data' | 'conflicting_attribution' | 'gap';

/** A likely cause and how it reads: `conflicting attribution: 3 users the platform gives another partner`. */
export interface TrackingCause {
  readonly kind: TrackingCauseKind;
  readonly text: string;
}

/** `AppsFlyer · Alpha Crypto (kol_alpha)`, or the id alone for a partner without a name (`unmapped`). */
export function trackingSubject(
  row: Pick<TrackerReconciliation, 'source' | 'partnerId'>,
  partnerName: string,
): string {
  const partner = partnerName === row.partnerId ? row.partnerId : `${partnerName} (${row.partnerId})`;
  return `${TRACKER_SOURCE_LABELS[row.source]} · ${partner}`;
}

/** Tracker minus platform sign-ups: the gap in users, positive when the tracker counts more. */
export function signupGapUsers(window: TrackerWindow): number {
  return window.trackerSignups - window.platformSignups;
}

/** `tracker 12 vs platform 20 sign-ups (-40%)`; without a rate when the platform has none. */
export function formatSignupGap(window: TrackerWindow): string {
  const rate = window.signupGapRate === null ? '' : ` (${formatChange(window.signupGapRate)})`;
  return `tracker ${formatCount(window.trackerSignups)} vs platform ${formatCount(window.platformSignups)} sign-ups${rate}`;
}

function users(count: number): string {
  return `${formatCount(count)} user${count === 1 ? '' : 's'}`;
}

/**
 * Why a source and partner disagree over a window, checked in this order: the partner is
 * `unmapped` (a source key without a tracker-map row, whose sign-ups the platform can never
 * attribute to `unmapped`); one side has no sign-ups while the other has some (no data); the
 * tracker credits users the platform gives another partner (conflicting attribution); else the
 * plain gap.
 */
export function trackingCause(row: TrackerReconciliation, window: TrackerWindow): TrackingCause {
  const source = TRACKER_SOURCE_LABELS[row.source];
  if (row.partnerId === UNMAPPED_PARTNER) {
    const more = window.unmappedSourceKeys - 1;
    const others = more > 0 ? ` (and ${more} more unmapped key${more === 1 ? '' : 's'})` : '';
    return {
      kind: 'unmapped_key',
      text:
        window.topUnmappedSourceKey === null
          ? `unmapped key: ${source} keys without a tracker-map row`
          : `unmapped key: ${source} "${window.topUnmappedSourceKey}" needs a tracker-map row${others}`,
    };
  }
  if (window.trackerSignups === 0 && window.platformSignups > 0) {
    return { kind: 'no_data', text: `no data: ${source} reports no sign-ups for this partner` };
  }
  if (window.platformSignups === 0 && window.trackerSignups > 0) {
    const conflicting =
      window.conflictingUsers > 0 ? ` (${users(window.conflictingUsers)} attributed to another partner)` : '';
    return {
      kind: 'no_data',
      text: `no data: the platform attributes no sign-ups to this partner${conflicting}`,
    };
  }
  if (window.conflictingUsers > 0) {
    return {
      kind: 'conflicting_attribution',
      text: `conflicting attribution: ${users(window.conflictingUsers)} the platform gives another partner`,
    };
  }
  const gap = signupGapUsers(window);
  return {
    kind: 'gap',
    text:
      gap === 0
        ? 'no gap in sign-ups'
        : `gap: ${source} counts ${users(Math.abs(gap))} ${gap > 0 ? 'more' : 'fewer'} than the platform`,
  };
}

/**
 * Orders rows most severe first over one window: broken before warn before ok, then the larger
 * gap in users, then source and partner.
 */
export function bySeverity(
  window: (row: TrackerReconciliation) => TrackerWindow,
): (a: TrackerReconciliation, b: TrackerReconciliation) => number {
  const sources = Object.keys(TRACKER_SOURCE_LABELS);
  return (a, b) =>
    STATUS_ORDER.indexOf(window(a).status) - STATUS_ORDER.indexOf(window(b).status) ||
    Math.abs(signupGapUsers(window(b))) - Math.abs(signupGapUsers(window(a))) ||
    sources.indexOf(a.source) - sources.indexOf(b.source) ||
    a.partnerId.localeCompare(b.partnerId);
}

/**
 * The digest's tracking window: the 7 days ending on R. A tracker that stops reporting shows in it
 * within days, where the 30-day window would dilute the break with weeks of healthy data and keep
 * flagging a fixed break for a month.
 */
export function digestWindow(row: TrackerReconciliation): TrackerWindow {
  return row.week;
}

/** The rows whose 7-day status is `broken` or `warn`, most severe first. */
export function trackingIssues(tracking: readonly TrackerReconciliation[]): TrackerReconciliation[] {
  return tracking.filter((row) => digestWindow(row).status !== 'ok').sort(bySeverity(digestWindow));
}

/** What the Tracking section and the digest say a status means. */
export const TRACKING_STATUS_NOTE =
  'broken: one side has no sign-ups and the other at least 5; warn: the gap is beyond 10% either way; ' +
  'gap = (tracker − platform) / platform sign-ups.';
