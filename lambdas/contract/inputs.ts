import { z } from 'zod';
import { CampaignArmSchema, CampaignMetricSchema } from './campaigns.ts';
import { TRACKER_SOURCES } from './trackers.ts';

/** The first day of Bitcoin; an event before it is a clock error, not history. */
export const EARLIEST_EVENT_AT_MS = Date.UTC(2009, 0, 3);

/** The platform event types (docs/contract.md, Events). */
export const EVENT_TYPES = ['signup', 'kyc_verified', 'deposit', 'withdrawal', 'trade', 'login'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses an RFC 3339 timestamp that carries `Z` or a numeric offset into epoch milliseconds.
 * Returns a reason string when the text is not such a timestamp.
 */
export function parseRfc3339(text: string): number | string {
  const fast = plainRfc3339(text);
  if (fast !== undefined) return fast;
  const m = RFC3339.exec(text);
  if (m === null) {
    return /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
      ? 'has no UTC offset'
      : 'is not an RFC 3339 timestamp';
  }
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m as unknown as string[];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'has an invalid date';
  if (hour > 23 || minute > 59 || second > 60) return 'has an invalid time';
  if (sign !== undefined && Number(om) > 59) return 'has an invalid offset';
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (Math.abs(offsetMinutes) > 18 * 60) return 'has an offset beyond +/-18:00';
  const millis = frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) + millis - offsetMinutes * 60_000;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The digit at `at` as a number, or -1 when there is none. */
function digitAt(text: string, at: number): number {
  const code = text.charCodeAt(at) - 48;
  return code >= 0 && code <= 9 ? code : -1;
}

/** The two-digit number at `at`, or -1. */
function twoDigitsAt(text: string, at: number): number {
  const tens = digitAt(text, at);
  const ones = digitAt(text, at + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/**
 * {@link parseRfc3339} without a regular expression for a valid timestamp (the ingest reads one or
 * two per event): the instant, computed exactly as there, or undefined for anything it does not
 * read as valid, which parseRfc3339 then reads with its expression and explains.
 */
function plainRfc3339(text: string): number | undefined {
  const length = text.length;
  if (length < 20) return undefined;
  const y1 = twoDigitsAt(text, 0);
  const y2 = twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  const hour = twoDigitsAt(text, 11);
  const minute = twoDigitsAt(text, 14);
  const second = twoDigitsAt(text, 17);
  const separator = text.charCodeAt(10);
  if (
    y1 < 0 ||
    y2 < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    text.charCodeAt(4) !== 0x2d ||
    text.charCodeAt(7) !== 0x2d ||
    (separator !== 0x54 && separator !== 0x74 && separator !== 0x20) ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a
  ) {
    return undefined;
  }
  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 0x2e) {
    let end = at + 1;
    while (end < length && digitAt(text, end) >= 0) end += 1;
    const digits = end - at - 1;
    if (digits < 1 || digits > 9) return undefined;
    millis = Math.floor(Number(`0${text.slice(at, end)}`) * 1000);
    at = end;
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(at);
  if (zone === 0x5a || zone === 0x7a) {
    if (at + 1 !== length) return undefined;
  } else if (zone === 0x2b || zone === 0x2d) {
    const offsetHours = twoDigitsAt(text, at + 1);
    const colon = text.charCodeAt(at + 3) === 0x3a ? 1 : 0;
    const offsetMins = twoDigitsAt(text, at + 3 + colon);
    if (offsetHours < 0 || offsetMins < 0 || at + 5 + colon !== length || offsetMins > 59) return undefined;
    offsetMinutes = (zone === 0x2d ? -1 : 1) * (offsetHours * 60 + offsetMins);
    if (Math.abs(offsetMinutes) > 18 * 60) return undefined;
  } else {
    return undefined;
  }
  const year = y1 * 100 + y2;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) + millis - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] as number);
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/**
 * Formats epoch milliseconds as `YYYY-MM-DD HH:MM:SS.mmm` UTC, the text both engines cast to a
 * timestamp. Plain arithmetic (Hinnant's civil-from-days) because it runs once per ingested event.
 */
export function utcTimestampText(millis: number): string {
  const days = Math.floor(millis / 86_400_000);
  let rest = millis - days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const ms = rest - seconds * 1000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${pad2(month)}-${pad2(day)} ${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(ms)}`;
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` calendar date that exists. */
export const IsoDateSchema = z
  .string()
  .regex(DATE_TEXT, 'must be a YYYY-MM-DD date')
  .refine((text) => {
    const [y, m, d] = text.split('-').map(Number) as [number, number, number];
    return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
  }, 'is not a calendar date');

/**
 * A zod error message for a field: "X is required" when it is absent, "X <expectation>" otherwise,
 * so a quarantine reason never calls a present field missing.
 */
const fieldError =
  (what: string, expectation: string) =>
  (issue: { readonly input?: unknown }): string =>
    issue.input === undefined ? `${what} is required` : `${what} ${expectation}`;

const DECIMAL_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A decimal numeric string as a number; anything else (hex, "NaN", "1,000") as NaN. */
export function decimalNumber(text: string): number {
  return DECIMAL_TEXT.test(text) ? Number(text) : Number.NaN;
}

/** A money or count field: a number >= 0, or a numeric string such as "12.50". */
const nonNegativeAmount = (what: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? decimalNumber(value) : value),
    z
      .number({ error: fieldError(what, 'must be a number') })
      .refine(Number.isFinite, `${what} must be a finite number`)
      .refine((n) => n >= 0, `${what} must be >= 0`),
  );

/** An identifier of 1 to 128 characters. */
const identifier = (what: string) =>
  z
    .string({ error: fieldError(what, 'must be a string') })
    .min(1, `${what} is empty`)
    .max(128, `${what} is longer than 128 characters`);

const optionalText = z.union([z.string(), z.number()]).nullish();
/** An opaque id of a device or a funding account: text, or a number kept as text. */
const optionalOpaqueId = (what: string) =>
  z.union([z.string(), z.number()], { error: `${what} must be a string or a number` }).nullish();
const optionalAmount = z.union([z.number(), z.string()]).nullish();

/**
 * The shape of one platform event line (docs/contract.md, Events): field types only. The rules that tie
 * fields together (which event types need an amount, timestamp offsets) live in {@link normalizeEvent},
 * which runs on every line and is kept free of per-row allocations because it is the ingest hot path.
 */
export const PlatformEventLineSchema = z.object({
  event_id: identifier('event_id'),
  event_type: z.enum(EVENT_TYPES, {
    error: fieldError('event_type', `must be one of ${EVENT_TYPES.join(', ')}`),
  }),
  user_id: identifier('user_id'),
  occurred_at: z.string({ error: fieldError('occurred_at', 'must be a string') }),
  partner_id: optionalText,
  amount_usd: optionalAmount,
  fee_usd: optionalAmount,
  product: z.string().nullish(),
  country: optionalText,
  platform: z.enum(['web', 'ios', 'android'], { error: 'platform must be web, ios or android' }).nullish(),
  campaign_id: optionalText,
  click_at: z.string({ error: 'click_at must be a string' }).nullish(),
  device_id: optionalOpaqueId('device_id'),
  funding_id: optionalOpaqueId('funding_id'),
});
export type PlatformEventLine = z.infer<typeof PlatformEventLineSchema>;

const EVENT_TYPE_SET: ReadonlySet<unknown> = new Set(EVENT_TYPES);
const PLATFORM_SET: ReadonlySet<unknown> = new Set(['web', 'ios', 'android']);

/** An identifier {@link PlatformEventLineSchema} surely accepts: 1 to 128 UTF-16 units (so code points). */
const isPlainIdentifier = (value: unknown): boolean =>
  typeof value === 'string' && value.length >= 1 && value.length <= 128;

/** A value of an optional text, amount or opaque-id field: absent, null, a string or a finite number. */
const isTextOrNumber = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  typeof value === 'string' ||
  (typeof value === 'number' && Number.isFinite(value));

const isOptionalString = (value: unknown): boolean =>
  value === undefined || value === null || typeof value === 'string';

/**
 * Whether a parsed JSON object surely has the shape of {@link PlatformEventLineSchema}, checked
 * without allocating: the ingest's fast path, since the schema's parse costs more than the JSON
 * parse itself. It accepts only objects the schema accepts, whose fields the schema would return
 * unchanged, so the object can stand for the schema's output (its other keys are never read). An
 * object it does not accept is not necessarily invalid: the caller parses it with the schema,
 * which decides and gives the reason (identifiers over 128 UTF-16 units, for one, are measured by
 * the schema in code points).
 */
export function isPlainEventLine(value: Readonly<Record<string, unknown>>): value is PlatformEventLine {
  return (
    isPlainIdentifier(value.event_id) &&
    EVENT_TYPE_SET.has(value.event_type) &&
    isPlainIdentifier(value.user_id) &&
    typeof value.occurred_at === 'string' &&
    isTextOrNumber(value.partner_id) &&
    isTextOrNumber(value.amount_usd) &&
    isTextOrNumber(value.fee_usd) &&
    isOptionalString(value.product) &&
    isTextOrNumber(value.country) &&
    (value.platform === undefined || value.platform === null || PLATFORM_SET.has(value.platform)) &&
    isTextOrNumber(value.campaign_id) &&
    isOptionalString(value.click_at) &&
    isTextOrNumber(value.device_id) &&
    isTextOrNumber(value.funding_id)
  );
}

/** A platform event as the lake stores it: `occurred_at_ms` is epoch milliseconds UTC. */
export interface PlatformEvent {
  readonly event_id: string;
  readonly event_type: EventType;
  readonly user_id: string;
  readonly occurred_at_ms: number;
  readonly partner_id: string | null;
  readonly amount_usd: number | null;
  readonly fee_usd: number | null;
  readonly product: 'spot' | 'futures' | null;
  readonly country: string | null;
  readonly platform: string | null;
  readonly campaign_id: string | null;
  /** On signups: when the attributed click happened, epoch milliseconds UTC; null when not given. */
  readonly click_at_ms: number | null;
  /** The device id as given (pseudonymized before it is staged; see lambdas/ingest/pseudonymizer.ts). */
  readonly device_id: string | null;
  /** On deposits and withdrawals: the funding account id as given (pseudonymized like device_id). */
  readonly funding_id: string | null;
}

function toAmount(value: string | number): number {
  return typeof value === 'number' ? value : decimalNumber(value);
}

function amountReason(what: string, value: number): string | null {
  if (!Number.isFinite(value)) return `${what} must be a finite number`;
  return value < 0 ? `${what} must be >= 0` : null;
}

const textOrNull = (value: string | number | null | undefined): string | null =>
  value === null || value === undefined ? null : String(value);

/**
 * The timestamp rule of every input that records when something happened (docs/contract.md, Events
 * and Exposures): RFC 3339 with an offset, not before {@link EARLIEST_EVENT_AT_MS}. Returns epoch
 * milliseconds UTC, or the one-line reason, which starts with the field's name.
 */
export function utcInstant(field: string, text: string): number | string {
  const at = parseRfc3339(text);
  if (typeof at === 'string') return `${field} ${at}`;
  return at < EARLIEST_EVENT_AT_MS ? `${field} is before 2009-01-03` : at;
}

/**
 * Applies the cross-field rules (docs/contract.md, Events) to a line of the right shape.
 * Returns the stored event, or the one-line reason it is quarantined.
 */
export function normalizeEvent(line: PlatformEventLine): PlatformEvent | string {
  const occurredAt = utcInstant('occurred_at', line.occurred_at);
  if (typeof occurredAt === 'string') return occurredAt;
  const type = line.event_type;
  const isTrade = type === 'trade';
  let amount: number | null = null;
  if (isTrade || type === 'deposit' || type === 'withdrawal') {
    if (line.amount_usd === null || line.amount_usd === undefined) return `amount_usd is required on ${type}`;
    amount = toAmount(line.amount_usd);
    const reason = amountReason('amount_usd', amount);
    if (reason !== null) return reason;
  }
  let fee: number | null = null;
  let product: 'spot' | 'futures' | null = null;
  if (isTrade) {
    fee = line.fee_usd === null || line.fee_usd === undefined ? 0 : toAmount(line.fee_usd);
    const reason = amountReason('fee_usd', fee);
    if (reason !== null) return reason;
    const given = line.product;
    if (given === null || given === undefined || given === '' || given === 'spot') product = 'spot';
    else if (given === 'futures') product = 'futures';
    else return 'product must be spot or futures';
  }
  let clickAt: number | null = null;
  if (type === 'signup' && line.click_at !== null && line.click_at !== undefined && line.click_at !== '') {
    const at = utcInstant('click_at', line.click_at);
    if (typeof at === 'string') return at;
    clickAt = at;
  }
  const partner = type === 'signup' ? textOrNull(line.partner_id) : null;
  const device = textOrNull(line.device_id);
  const funding = type === 'deposit' || type === 'withdrawal' ? textOrNull(line.funding_id) : null;
  return {
    event_id: line.event_id,
    event_type: type,
    user_id: line.user_id,
    occurred_at_ms: occurredAt,
    partner_id: partner === '' ? null : partner,
    amount_usd: amount,
    fee_usd: fee,
    product,
    country: textOrNull(line.country),
    platform: line.platform ?? null,
    campaign_id: textOrNull(line.campaign_id),
    click_at_ms: clickAt,
    device_id: device === '' ? null : device,
    funding_id: funding === '' ? null : funding,
  };
}

/** The acquisition channels (docs/contract.md, Partners). */
export const CHANNELS = ['affiliate', 'kol', 'content', 'community', 'network', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

const emptyToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

const optionalBudget = (what: string) =>
  z
    .preprocess(emptyToNull, z.union([nonNegativeAmount(what), z.null()]).optional())
    .transform((v) => v ?? null);

/** One row of the partner registry (docs/contract.md, Partners). */
export const PartnerSchema = z
  .object({
    partner_id: identifier('partner_id'),
    name: z.string().default(''),
    channel: z.enum(CHANNELS, { error: fieldError('channel', `must be one of ${CHANNELS.join(', ')}`) }),
    network: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v === '' ? null : v)),
    revshare_rate: z.preprocess(
      (value) => (value === undefined || emptyToNull(value) === null ? 0 : value),
      z.coerce
        .number({ error: fieldError('revshare_rate', 'must be a number') })
        .refine((n) => Number.isFinite(n) && n >= 0 && n <= 1, 'revshare_rate must be between 0 and 1'),
    ),
    status: z.preprocess(
      (value) => (value === undefined || emptyToNull(value) === null ? 'active' : value),
      z.enum(['active', 'paused'], { error: 'status must be active or paused' }),
    ),
    min_daily_budget_usd: optionalBudget('min_daily_budget_usd'),
    max_daily_budget_usd: optionalBudget('max_daily_budget_usd'),
  })
  .refine(
    (p) =>
      p.min_daily_budget_usd === null ||
      p.max_daily_budget_usd === null ||
      p.min_daily_budget_usd <= p.max_daily_budget_usd,
    'min_daily_budget_usd is above max_daily_budget_usd',
  );
export type Partner = z.output<typeof PartnerSchema>;

/**
 * The columns a partner registry must have (docs/contract.md, Partners). The others may be left out:
 * name and network empty, revshare_rate 0, status active, no budget bounds.
 */
export const PARTNER_COLUMNS = ['partner_id', 'channel'] as const;

/** The spend cost types (docs/contract.md, Spend). */
export const COST_TYPES = ['flat', 'cpa', 'cpc', 'cpm', 'other'] as const;

const optionalCount = (what: string) =>
  z
    .preprocess(
      emptyToNull,
      z
        .union([
          z.null(),
          z.coerce
            .number({ error: fieldError(what, 'must be an integer') })
            .refine((n) => Number.isInteger(n) && n >= 0, `${what} must be an integer >= 0`),
        ])
        .optional(),
    )
    .transform((v) => v ?? null);

/** One partner spend row (docs/contract.md, Spend), before currency conversion. */
export const SpendRowSchema = z.object({
  date: IsoDateSchema,
  partner_id: identifier('partner_id'),
  spend: z.preprocess(emptyToNull, nonNegativeAmount('spend')),
  currency: z.preprocess(
    (v) =>
      v === undefined || v === null || v === '' ? 'USD' : typeof v === 'string' ? v.trim().toUpperCase() : v,
    z.string().regex(/^[A-Z]{3}$/, 'currency must be a 3-letter ISO 4217 code'),
  ),
  cost_type: z.preprocess(
    (v) =>
      v === undefined || v === null || v === '' ? 'flat' : typeof v === 'string' ? v.trim().toLowerCase() : v,
    z.enum(COST_TYPES, { error: fieldError('cost_type', `must be one of ${COST_TYPES.join(', ')}`) }),
  ),
  campaign_id: z.preprocess((v) => (v === undefined || v === null ? '' : v), z.coerce.string()),
  impressions: optionalCount('impressions'),
  clicks: optionalCount('clicks'),
});
export type SpendRow = z.output<typeof SpendRowSchema>;

/** The columns a spend CSV must have (docs/contract.md, Spend). */
export const SPEND_COLUMNS = ['date', 'partner_id', 'spend'] as const;

/** One FX rate (docs/contract.md, FX rates). */
export const FxRateSchema = z.object({
  date: IsoDateSchema,
  currency: z
    .string()
    .transform((v) => v.trim().toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, 'currency must be a 3-letter ISO 4217 code')),
  usd_per_unit: z.coerce
    .number({ error: fieldError('usd_per_unit', 'must be a number') })
    .refine((n) => Number.isFinite(n) && n > 0, 'usd_per_unit must be a number > 0'),
});
export type FxRate = z.output<typeof FxRateSchema>;

/** An integer in [min, max]; empty or absent means `fallback`. */
const integerInRange = (what: string, min: number, max: number, fallback: number) => {
  const message = `${what} must be an integer from ${min} to ${max}`;
  return z.preprocess(
    (value) =>
      value === undefined || emptyToNull(value) === null
        ? fallback
        : typeof value === 'string'
          ? decimalNumber(value)
          : value,
    z.number({ error: message }).refine((n) => Number.isInteger(n) && n >= min && n <= max, message),
  );
};

/** One row of the campaign registry (docs/contract.md, Campaigns). */
export const CampaignSchema = z
  .object({
    campaign_id: identifier('campaign_id'),
    name: z.string().default(''),
    owner: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v === '' ? null : v)),
    start_date: IsoDateSchema,
    end_date: z
      .preprocess((value) => (emptyToNull(value) === null ? undefined : value), IsoDateSchema.optional())
      .transform((v) => v ?? null),
    window_days: integerInRange('window_days', 1, 90, 14),
    pre_days: integerInRange('pre_days', 0, 90, 30),
    holdout_share: z.preprocess(
      (value) =>
        typeof value === 'string' ? (value.trim() === '' ? undefined : decimalNumber(value)) : value,
      z
        .number({ error: fieldError('holdout_share', 'must be a number above 0 and below 1') })
        .refine((n) => n > 0 && n < 1, 'holdout_share must be a number above 0 and below 1'),
    ),
    cost_per_treated_usd: z.preprocess(
      (value) => (value === undefined || emptyToNull(value) === null ? 0 : value),
      nonNegativeAmount('cost_per_treated_usd'),
    ),
    primary_metric: CampaignMetricSchema,
  })
  .refine((c) => c.end_date === null || c.end_date >= c.start_date, 'end_date is before start_date');
export type Campaign = z.output<typeof CampaignSchema>;

/**
 * The columns a campaign registry must have (docs/contract.md, Campaigns): those without a default.
 * The others may be left out: name empty, no owner, open-ended, 14 outcome days, 30 pre-days, cost 0.
 */
export const CAMPAIGN_COLUMNS = ['campaign_id', 'start_date', 'holdout_share', 'primary_metric'] as const;

/**
 * One exposure row as a CRM exports it (docs/contract.md, Exposures); `assigned_at` becomes epoch
 * milliseconds UTC by the events' timestamp rule ({@link utcInstant}).
 */
export const ExposureSchema = z.object({
  campaign_id: identifier('campaign_id'),
  user_id: identifier('user_id'),
  arm: CampaignArmSchema,
  assigned_at: z
    .string({ error: fieldError('assigned_at', 'must be a string') })
    .transform((text, context) => {
      const at = utcInstant('assigned_at', text);
      if (typeof at === 'number') return at;
      context.addIssue({ code: 'custom', message: at });
      return z.NEVER;
    }),
});
export type Exposure = z.output<typeof ExposureSchema>;

/** The columns an exposures CSV must have (docs/contract.md, Exposures): all four. */
export const EXPOSURE_COLUMNS = ['campaign_id', 'user_id', 'arm', 'assigned_at'] as const;

/**
 * One row of the tracker map (docs/contract.md, Tracking tools): a source's partner key and the
 * growthlake partner it stands for.
 */
export const TrackerMapRowSchema = z.object({
  source: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(TRACKER_SOURCES, {
      error: fieldError('source', `must be one of ${TRACKER_SOURCES.join(', ')}`),
    }),
  ),
  source_key: identifier('source_key'),
  partner_id: identifier('partner_id'),
});
export type TrackerMapRow = z.output<typeof TrackerMapRowSchema>;

/** The columns a tracker map must have: all three. */
export const TRACKER_MAP_COLUMNS = ['source', 'source_key', 'partner_id'] as const;

export { INPUT_KINDS, type InputKind } from './input-kinds.ts';

/**
 * Turns the first issue of a failed parse into the one-line reason stored in quarantine, prefixed
 * with its field unless the message already names it (`currency must be ...`, `unknown arm ...`).
 */
export function reasonOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid row';
  const field = issue.path.length > 0 ? String(issue.path[0]) : '';
  const message = issue.message.split('\n')[0] ?? '';
  const namesField = message.startsWith(field) || message.startsWith(`unknown ${field} `);
  return field !== '' && !namesField ? `${field}: ${message}` : message;
}
