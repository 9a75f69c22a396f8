/** The event types (docs/contract.md, Events). */
export type EventType = 'signup' | 'kyc_verified' | 'deposit' | 'withdrawal' | 'trade' | 'login';

/**
 * One platform event as serialised to a line of NDJSON (docs/contract.md, Events). Key order is the
 * order fields are set in, so build records field by field in a fixed order.
 */
export interface EventRecord {
  event_id?: string;
  event_type: string;
  user_id: string;
  occurred_at: string;
  /** On signups: the partner, `null` or `''` for organic (or the key is left out). */
  partner_id?: string | null;
  /** A number, or a numeric string such as `"12.50"`, which the contract accepts. */
  amount_usd?: number | string;
  fee_usd?: number;
  product?: 'spot' | 'futures';
  country?: string;
  platform?: 'web' | 'ios' | 'android';
  campaign_id?: string;
  /** On partner signups: the attributed click, RFC 3339 like occurred_at. */
  click_at?: string;
  /** The device the client runs on (pseudonymized by the ingest). */
  device_id?: string;
  /** On deposits and withdrawals: the account or wallet the money comes from or goes to. */
  funding_id?: string;
  /** An extra field the contract says to ignore. */
  app_version?: string;
}
