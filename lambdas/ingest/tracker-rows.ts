/**
 * The row rules of the tracker exports (docs/contract.md, Tracking tools and its clarifications):
 * each function reads one CSV record by its exact header names and returns the row to stage, or
 * the one-line reason it is quarantined. Columns the contract does not read are never looked at.
 */
import { decimalNumber, parseRfc3339 } from '../contract/inputs.ts';
import { IMPACT_STATES } from '../contract/trackers.ts';

type Fields = Readonly<Record<string, string>>;

/** An AppsFlyer or Adjust row as staged: one install or in-app event. */
export interface TrackerEventRow {
  readonly source: 'appsflyer' | 'adjust';
  /** The key's fields as the file has them, joined with `|`. */
  readonly conversionId: string;
  readonly userId: string | null;
  /** Adjust's activity_kind; null for AppsFlyer. */
  readonly activityKind: string | null;
  /** AppsFlyer's Event Name, Adjust's event_name (null when empty). */
  readonly eventName: string | null;
  readonly occurredAtMs: number;
  readonly sourceKey: string | null;
  /** AppsFlyer's Event Revenue USD, Adjust's revenue_float (in `currency`). */
  readonly revenue: number | null;
  readonly currency: string | null;
}

/** An Impact action row as read, before currency conversion. */
export interface ImpactActionRow {
  readonly actionId: string;
  readonly campaignId: string;
  readonly actionTrackerName: string | null;
  readonly mediaPartnerId: string | null;
  readonly mediaPartnerName: string | null;
  readonly state: (typeof IMPACT_STATES)[number];
  readonly occurredAtMs: number;
  readonly lockingAtMs: number | null;
  readonly payout: number;
  readonly amount: number | null;
  readonly currency: string;
  readonly customerId: string | null;
  /** Every column read, as the file has it: a row equal to the latest version is a duplicate. */
  readonly digest: string;
}

const text = (fields: Fields, name: string): string => (fields[name] ?? '').trim();
const orNull = (value: string): string | null => (value === '' ? null : value);

const APPSFLYER_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** AppsFlyer's `yyyy-mm-dd hh:mm:ss` UTC as epoch milliseconds, or null when it is not one. */
export function appsflyerTime(value: string): number | null {
  if (!APPSFLYER_TIME.test(value)) return null;
  const at = parseRfc3339(`${value}Z`);
  return typeof at === 'number' ? at : null;
}

/** Adjust's unix seconds as epoch milliseconds, or null when it is not a whole number of seconds. */
export function unixSeconds(value: string): number | null {
  return /^\d{1,12}$/.test(value) ? Number(value) * 1000 : null;
}

/** An optional amount: empty is null; otherwise a number >= 0, or the reason it is not. */
function optionalAmount(name: string, value: string): number | null | string {
  if (value === '') return null;
  const n = decimalNumber(value);
  return Number.isFinite(n) && n >= 0 ? n : `${name} must be a number >= 0`;
}

function firstEmpty(fields: Fields, names: readonly string[]): string | undefined {
  return names.find((name) => text(fields, name) === '');
}

/** Reads one AppsFlyer raw-data row. */
export function appsflyerRow(fields: Fields): TrackerEventRow | string {
  const empty = firstEmpty(fields, ['AppsFlyer ID', 'Event Name', 'Event Time']);
  if (empty !== undefined) return `${empty} is empty`;
  const eventTime = text(fields, 'Event Time');
  const occurredAtMs = appsflyerTime(eventTime);
  if (occurredAtMs === null) return 'Event Time is not a yyyy-mm-dd hh:mm:ss time';
  for (const name of ['Install Time', 'Attributed Touch Time']) {
    const value = text(fields, name);
    if (value !== '' && appsflyerTime(value) === null) return `${name} is not a yyyy-mm-dd hh:mm:ss time`;
  }
  const revenue = optionalAmount('Event Revenue USD', text(fields, 'Event Revenue USD'));
  if (typeof revenue === 'string') return revenue;
  const eventName = text(fields, 'Event Name');
  return {
    source: 'appsflyer',
    conversionId: [text(fields, 'AppsFlyer ID'), eventName, eventTime].join('|'),
    userId: orNull(text(fields, 'Customer User ID')),
    activityKind: null,
    eventName,
    occurredAtMs,
    sourceKey: orNull(text(fields, 'Media Source')),
    revenue,
    currency: revenue === null ? null : 'USD',
  };
}

/**
 * Reads one Adjust export row. `event_name` is part of the key but Adjust leaves it empty on
 * activities that are not events (an install): it must be non-empty only when `activity_kind` is
 * `event`.
 */
export function adjustRow(fields: Fields): TrackerEventRow | string {
  const activityKind = text(fields, 'activity_kind');
  const keyColumns =
    activityKind === 'event'
      ? ['adid', 'activity_kind', 'event_name', 'created_at']
      : ['adid', 'activity_kind', 'created_at'];
  const empty = firstEmpty(fields, keyColumns);
  if (empty !== undefined) return `${empty} is empty`;
  const createdAt = text(fields, 'created_at');
  const occurredAtMs = unixSeconds(createdAt);
  if (occurredAtMs === null) return 'created_at is not a unix time in seconds';
  const installedAt = text(fields, 'installed_at');
  if (installedAt !== '' && unixSeconds(installedAt) === null)
    return 'installed_at is not a unix time in seconds';
  const revenue = optionalAmount('revenue_float', text(fields, 'revenue_float'));
  if (typeof revenue === 'string') return revenue;
  const eventName = text(fields, 'event_name');
  return {
    source: 'adjust',
    conversionId: [text(fields, 'adid'), activityKind, eventName, createdAt].join('|'),
    userId: orNull(text(fields, 'user_id')),
    activityKind,
    eventName: orNull(eventName),
    occurredAtMs,
    sourceKey: orNull(text(fields, 'network_name')),
    revenue,
    currency: revenue === null ? null : orNull(text(fields, 'currency').toUpperCase()),
  };
}

const STATES: ReadonlySet<string> = new Set(IMPACT_STATES);

/** Reads one Impact Actions report row; `columns` are the columns read, for the row's digest. */
export function impactRow(fields: Fields, columns: readonly string[]): ImpactActionRow | string {
  const actionId = text(fields, 'Id');
  if (actionId === '') return 'Id is empty';
  const eventDate = text(fields, 'EventDate');
  const occurredAtMs = parseRfc3339(eventDate);
  if (typeof occurredAtMs === 'string') return `EventDate ${occurredAtMs}`;
  const lockingDate = text(fields, 'LockingDate');
  const lockingAtMs = lockingDate === '' ? null : parseRfc3339(lockingDate);
  if (typeof lockingAtMs === 'string') return `LockingDate ${lockingAtMs}`;
  const payout = optionalAmount('Payout', text(fields, 'Payout'));
  if (payout === null) return 'Payout must be a number >= 0';
  if (typeof payout === 'string') return payout;
  const state = text(fields, 'State');
  if (!STATES.has(state)) return `unknown State "${state}": must be ${IMPACT_STATES.join(', ')}`;
  const currency = text(fields, 'Currency').toUpperCase() || 'USD';
  if (!/^[A-Z]{3}$/.test(currency)) return 'Currency must be a 3-letter ISO 4217 code';
  const amount = decimalNumber(text(fields, 'Amount'));
  return {
    actionId,
    campaignId: text(fields, 'CampaignId'),
    actionTrackerName: orNull(text(fields, 'ActionTrackerName')),
    mediaPartnerId: orNull(text(fields, 'MediaPartnerId')),
    mediaPartnerName: orNull(text(fields, 'MediaPartnerName')),
    state: state as ImpactActionRow['state'],
    occurredAtMs,
    lockingAtMs,
    payout,
    amount: Number.isFinite(amount) ? amount : null,
    currency,
    customerId: orNull(text(fields, 'CustomerId')),
    digest: JSON.stringify(columns.map((name) => text(fields, name))),
  };
}
