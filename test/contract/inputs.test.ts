import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  EARLIEST_EVENT_AT_MS,
  FxRateSchema,
  isPlainEventLine,
  normalizeEvent,
  PartnerSchema,
  type PlatformEvent,
  PlatformEventLineSchema,
  parseRfc3339,
  reasonOf,
  SpendRowSchema,
  utcTimestampText,
} from '../../lambdas/contract/inputs.ts';

/** 2026-11-21 09:30:00 UTC, the instant most timestamp cases below name in different offsets. */
const NINE_THIRTY_UTC = Date.UTC(2026, 10, 21, 9, 30, 0);

/** Parses a line of the right shape, then applies the cross-field rules. */
function normalize(fields: Record<string, unknown>): PlatformEvent | string {
  const line = PlatformEventLineSchema.parse({
    event_id: 'evt-1',
    event_type: 'login',
    user_id: 'u-1',
    occurred_at: '2026-11-21T09:30:00Z',
    ...fields,
  });
  return normalizeEvent(line);
}

/** Normalizes a line that must be accepted, failing the test with its reason otherwise. */
function accepted(fields: Record<string, unknown>): PlatformEvent {
  const event = normalize(fields);
  if (typeof event === 'string') throw new Error(`expected the event to be accepted, got: ${event}`);
  return event;
}

/** The one-line reason a schema gives for a value, or 'ok'. */
function reasonFor(schema: z.ZodType, value: unknown): string {
  const parsed = schema.safeParse(value);
  return parsed.success ? 'ok' : reasonOf(parsed.error);
}

/** parseRfc3339 as it was before its fast path: the regular expression alone (the reference). */
function referenceRfc3339(text: string): number | string {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/.exec(
      text,
    );
  if (m === null) {
    return /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
      ? 'has no UTC offset'
      : 'is not an RFC 3339 timestamp';
  }
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m as unknown as string[];
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  if (month < 1 || month > 12 || day < 1 || day > days) return 'has an invalid date';
  if (hour > 23 || minute > 59 || second > 60) return 'has an invalid time';
  if (sign !== undefined && Number(om) > 59) return 'has an invalid offset';
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (Math.abs(offsetMinutes) > 18 * 60) return 'has an offset beyond +/-18:00';
  const millis = frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) + millis - offsetMinutes * 60_000;
}

describe('parseRfc3339 against its regular expression', () => {
  const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n });
  const twoDigits = digits(2).map((d) => d.join(''));
  /** Mostly the values at and around a part's limits, sometimes any two digits. */
  const part = (...near: string[]) =>
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...near) }, { weight: 1, arbitrary: twoDigits });
  /** Timestamps of the grammar, each part drawn near its limits, and now and then one character changed. */
  const timestamp = fc
    .tuple(
      fc.constantFrom('2026', '2024', '2023', '1900', '2000', '0099', '9999'),
      part('01', '02', '11', '12', '00', '13'),
      part('01', '28', '29', '30', '31', '00', '32'),
      fc.constantFrom('T', 't', ' ', 'T', 'x'),
      part('00', '09', '23', '24'),
      part('00', '30', '59', '60'),
      part('00', '30', '59', '60', '61'),
      fc.oneof(
        fc.constant(''),
        fc.integer({ min: 0, max: 10 }).chain((n) => digits(n).map((d) => `.${d.join('')}`)),
      ),
      fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom('Z', 'z') },
        { weight: 1, arbitrary: fc.constantFrom('', 'UTC', '+', '+1') },
        {
          weight: 2,
          arbitrary: fc
            .tuple(
              fc.constantFrom('+', '-'),
              part('00', '05', '08', '18', '19'),
              fc.constantFrom(':', '', ':', '::'),
              part('00', '30', '59', '60'),
            )
            .map((p) => p.join('')),
        },
      ),
      fc.option(fc.tuple(fc.nat(40), fc.string({ minLength: 0, maxLength: 2 })), { nil: undefined, freq: 4 }),
    )
    .map(([y, mo, d, t, h, mi, s, frac, zone, edit]) => {
      const text = `${y}-${mo}-${d}${t}${h}:${mi}:${s}${frac}${zone}`;
      if (edit === undefined) return text;
      const [at, put] = edit;
      return text.slice(0, at) + put + text.slice(at + 1);
    });

  it('gives the same instant or the same reason for any text', () => {
    let instants = 0;
    fc.assert(
      fc.property(timestamp, (text) => {
        const result = parseRfc3339(text);
        if (typeof result === 'number') instants += 1;
        expect(result).toStrictEqual(referenceRfc3339(text));
      }),
      { numRuns: 50_000 },
    );
    // Both kinds of answer were compared: many instants, and reasons for the rest.
    expect(instants).toBeGreaterThan(500);
    expect(instants).toBeLessThan(49_000);
  });
});

describe('parseRfc3339', () => {
  it.each([
    ['Z', '2026-11-21T09:30:00Z'],
    ['lowercase z and t', '2026-11-21t09:30:00z'],
    ['a space instead of T', '2026-11-21 09:30:00Z'],
    ['+08:00', '2026-11-21T17:30:00+08:00'],
    ['-05:00', '2026-11-21T04:30:00-05:00'],
    ['+05:30', '2026-11-21T15:00:00+05:30'],
    ['+0530 without a colon', '2026-11-21T15:00:00+0530'],
    ['-0330 without a colon', '2026-11-21T06:00:00-0330'],
    ['+00:00', '2026-11-21T09:30:00+00:00'],
    ['-00:00', '2026-11-21T09:30:00-00:00'],
    ['+18:00, the largest offset', '2026-11-22T03:30:00+18:00'],
  ])('reads an offset given as %s and returns the UTC instant', (_, text) => {
    // Act
    const result = parseRfc3339(text);

    // Assess
    expect(result).toBe(NINE_THIRTY_UTC);
  });

  it('moves a timestamp across midnight to the UTC date its offset implies', () => {
    // Act
    const east = parseRfc3339('2026-11-21T02:00:00+08:00');
    const west = parseRfc3339('2026-11-20T22:00:00-05:00');

    // Assess
    expect(east).toBe(Date.UTC(2026, 10, 20, 18, 0, 0));
    expect(west).toBe(Date.UTC(2026, 10, 21, 3, 0, 0));
  });

  it.each([
    ['.5', 500],
    ['.05', 50],
    ['.123', 123],
    ['.999', 999],
    ['.1239', 123],
    ['.123456789', 123],
    ['.000001', 0],
  ])('keeps fractional seconds %s as %i ms, truncated to the millisecond', (fraction, millis) => {
    // Act
    const result = parseRfc3339(`2026-11-21T09:30:00${fraction}Z`);

    // Assess
    expect(result).toBe(NINE_THIRTY_UTC + millis);
  });

  it('applies fractional seconds and an offset together', () => {
    // Act
    const result = parseRfc3339('2026-11-21T17:30:00.250+08:00');

    // Assess
    expect(result).toBe(NINE_THIRTY_UTC + 250);
  });

  it.each([
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 00', '2026-00-10T00:00:00Z'],
    ['day 00', '2026-11-00T00:00:00Z'],
    ['day 32', '2026-01-32T00:00:00Z'],
    ['April 31', '2026-04-31T00:00:00Z'],
    ['Feb 29 in 2026, not a leap year', '2026-02-29T12:00:00Z'],
    ['Feb 29 in 2100, a century that is not a leap year', '2100-02-29T12:00:00Z'],
    ['Feb 30 in 2024, a leap year', '2024-02-30T12:00:00Z'],
  ])('refuses a date that does not exist: %s', (_, text) => {
    // Act
    const result = parseRfc3339(text);

    // Assess
    expect(result).toBe('has an invalid date');
  });

  it.each([
    ['2024, divisible by 4', '2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
    ['2000, divisible by 400', '2000-02-29T12:00:00Z', Date.UTC(2000, 1, 29, 12)],
    ['2028', '2028-02-29T23:59:59+00:00', Date.UTC(2028, 1, 29, 23, 59, 59)],
  ])('accepts Feb 29 in the leap year %s', (_, text, expected) => {
    // Act
    const result = parseRfc3339(text);

    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    ['hour 24', '2026-11-21T24:00:00Z'],
    ['minute 60', '2026-11-21T09:60:00Z'],
    ['second 61', '2026-11-21T09:30:61Z'],
  ])('refuses a time that does not exist: %s', (_, text) => {
    // Act
    const result = parseRfc3339(text);

    // Assess
    expect(result).toBe('has an invalid time');
  });

  it('refuses an offset beyond 18 hours', () => {
    // Act
    const east = parseRfc3339('2026-11-21T09:30:00+19:00');
    const west = parseRfc3339('2026-11-21T09:30:00-18:01');

    // Assess
    expect(east).toBe('has an offset beyond +/-18:00');
    expect(west).toBe('has an offset beyond +/-18:00');
  });

  // RFC 3339 5.6: time-numoffset = ("+" / "-") time-hour ":" time-minute, time-minute = 00-59.
  it('refuses an offset whose minutes are not 00-59 (+05:75 is not RFC 3339)', () => {
    // Act
    const result = parseRfc3339('2026-11-21T09:30:00+05:75');

    // Assess
    expect(typeof result).toBe('string');
  });

  it.each(['2026-11-21T09:30:00', '2026-11-21 09:30:00', '2026-11-21T09:30:00.123', '2026-11-21T09:30'])(
    'says a local time %s has no UTC offset',
    (text) => {
      // Act
      const result = parseRfc3339(text);

      // Assess
      expect(result).toBe('has no UTC offset');
    },
  );

  it.each([
    '',
    'yesterday',
    '2026-11-21',
    '1795253400000',
    '21/11/2026 09:30:00Z',
    '2026-11-21T09:30:00 Z',
    '2026-11-21T09:30:00+8:00',
    '2026-11-21T09:30:00+08',
    ' 2026-11-21T09:30:00Z',
    '2026-11-21T09:30:00Z ',
    '2026-11-21T09:30:00.Z',
    '+2026-11-21T09:30:00Z',
  ])('says %j is not an RFC 3339 timestamp', (text) => {
    // Act
    const result = parseRfc3339(text);

    // Assess
    expect(result).toBe('is not an RFC 3339 timestamp');
  });
});

describe('normalizeEvent', () => {
  it('stores a login in UTC with every optional field null', () => {
    // Act
    const event = accepted({ occurred_at: '2026-11-21T17:30:00+08:00' });

    // Assess
    expect(event).toEqual({
      event_id: 'evt-1',
      event_type: 'login',
      user_id: 'u-1',
      occurred_at_ms: NINE_THIRTY_UTC,
      partner_id: null,
      amount_usd: null,
      fee_usd: null,
      product: null,
      country: null,
      platform: null,
      campaign_id: null,
      click_at_ms: null,
      device_id: null,
      funding_id: null,
    });
  });

  it.each(['deposit', 'withdrawal', 'trade'])('requires amount_usd on %s', (eventType) => {
    // Act
    const missing = normalize({ event_type: eventType });
    const explicitNull = normalize({ event_type: eventType, amount_usd: null });

    // Assess
    expect(missing).toBe(`amount_usd is required on ${eventType}`);
    expect(explicitNull).toBe(`amount_usd is required on ${eventType}`);
  });

  it.each([
    ['a number', 12.5, 12.5],
    ['zero', 0, 0],
    ['a numeric string', '12.50', 12.5],
    ['an integer string', '500', 500],
    ['a numeric string with spaces around it', ' 7.25 ', 7.25],
  ])('accepts amount_usd as %s', (_, amount, expected) => {
    // Act
    const deposit = accepted({ event_type: 'deposit', amount_usd: amount });
    const withdrawal = accepted({ event_type: 'withdrawal', amount_usd: amount });

    // Assess
    expect(deposit.amount_usd).toBe(expected);
    expect(withdrawal.amount_usd).toBe(expected);
    expect(deposit.fee_usd).toBeNull();
    expect(deposit.product).toBeNull();
  });

  it.each([
    ['negative', -0.01, 'amount_usd must be >= 0'],
    ['a negative string', '-3', 'amount_usd must be >= 0'],
    ['"NaN"', 'NaN', 'amount_usd must be a finite number'],
    ['"abc"', 'abc', 'amount_usd must be a finite number'],
    ['an empty string', '', 'amount_usd must be a finite number'],
    ['"Infinity"', 'Infinity', 'amount_usd must be a finite number'],
    ['"12.50 USD"', '12.50 USD', 'amount_usd must be a finite number'],
  ])('refuses amount_usd that is %s', (_, amount, reason) => {
    // Act
    const result = normalize({ event_type: 'trade', amount_usd: amount });

    // Assess
    expect(result).toBe(reason);
  });

  it('defaults a trade to fee 0 and product spot', () => {
    // Act
    const event = accepted({ event_type: 'trade', amount_usd: '1000' });

    // Assess
    expect(event.amount_usd).toBe(1000);
    expect(event.fee_usd).toBe(0);
    expect(event.product).toBe('spot');
  });

  it('keeps a trade fee given as a number or a numeric string, and product futures', () => {
    // Act
    const numeric = accepted({ event_type: 'trade', amount_usd: 2000, fee_usd: 1.6, product: 'futures' });
    const text = accepted({ event_type: 'trade', amount_usd: 2000, fee_usd: '0.40', product: 'spot' });
    const emptyProduct = accepted({ event_type: 'trade', amount_usd: 1, fee_usd: null, product: '' });

    // Assess
    expect([numeric.fee_usd, numeric.product]).toEqual([1.6, 'futures']);
    expect([text.fee_usd, text.product]).toEqual([0.4, 'spot']);
    expect([emptyProduct.fee_usd, emptyProduct.product]).toEqual([0, 'spot']);
  });

  it.each([
    ['negative', -1, 'fee_usd must be >= 0'],
    ['"abc"', 'abc', 'fee_usd must be a finite number'],
  ])('refuses a trade fee that is %s', (_, fee, reason) => {
    // Act
    const result = normalize({ event_type: 'trade', amount_usd: 10, fee_usd: fee });

    // Assess
    expect(result).toBe(reason);
  });

  it.each(['options', 'FUTURES', 'margin'])('refuses a trade of product %s', (product) => {
    // Act
    const result = normalize({ event_type: 'trade', amount_usd: 10, product });

    // Assess
    expect(result).toBe('product must be spot or futures');
  });

  it('ignores amount, fee and product on event types that do not carry them', () => {
    // Act
    const login = accepted({ amount_usd: -5, fee_usd: 'abc', product: 'options' });
    const deposit = accepted({ event_type: 'deposit', amount_usd: 10, fee_usd: -1, product: 'options' });

    // Assess
    expect([login.amount_usd, login.fee_usd, login.product]).toEqual([null, null, null]);
    expect([deposit.amount_usd, deposit.fee_usd, deposit.product]).toEqual([10, null, null]);
  });

  it('keeps partner_id on signup only, reading "" and null as organic', () => {
    // Act
    const referred = accepted({ event_type: 'signup', partner_id: 'kol-alpha' });
    const numericId = accepted({ event_type: 'signup', partner_id: 42 });
    const empty = accepted({ event_type: 'signup', partner_id: '' });
    const explicitNull = accepted({ event_type: 'signup', partner_id: null });
    const absent = accepted({ event_type: 'signup' });
    const onDeposit = accepted({ event_type: 'deposit', amount_usd: 1, partner_id: 'kol-alpha' });
    const onKyc = accepted({ event_type: 'kyc_verified', partner_id: 'kol-alpha' });

    // Assess
    expect(referred.partner_id).toBe('kol-alpha');
    expect(numericId.partner_id).toBe('42');
    expect(empty.partner_id).toBeNull();
    expect(explicitNull.partner_id).toBeNull();
    expect(absent.partner_id).toBeNull();
    expect(onDeposit.partner_id).toBeNull();
    expect(onKyc.partner_id).toBeNull();
  });

  it('keeps country, platform and campaign_id as text', () => {
    // Act
    const event = accepted({ country: 'VN', platform: 'android', campaign_id: 7 });

    // Assess
    expect([event.country, event.platform, event.campaign_id]).toEqual(['VN', 'android', '7']);
  });

  it('refuses an event before 2009-01-03 UTC and accepts one at that instant', () => {
    // Act
    const justBefore = normalize({ occurred_at: '2009-01-02T23:59:59.999Z' });
    const beforeByOffset = normalize({ occurred_at: '2009-01-03T00:30:00+01:00' });
    const longBefore = normalize({ occurred_at: '1970-01-01T00:00:00Z' });
    const atGenesis = accepted({ occurred_at: '2009-01-03T00:00:00Z' });
    const afterByOffset = accepted({ occurred_at: '2009-01-02T23:30:00-01:00' });

    // Assess
    expect(justBefore).toBe('occurred_at is before 2009-01-03');
    expect(beforeByOffset).toBe('occurred_at is before 2009-01-03');
    expect(longBefore).toBe('occurred_at is before 2009-01-03');
    expect(atGenesis.occurred_at_ms).toBe(Date.UTC(2009, 0, 3));
    expect(atGenesis.occurred_at_ms).toBe(EARLIEST_EVENT_AT_MS);
    expect(afterByOffset.occurred_at_ms).toBe(Date.UTC(2009, 0, 3, 0, 30));
  });

  it('prefixes the timestamp reasons with occurred_at', () => {
    // Act
    const local = normalize({ occurred_at: '2026-11-21T09:30:00' });
    const garbage = normalize({ occurred_at: 'soon' });
    const badDate = normalize({ occurred_at: '2026-02-29T00:00:00Z' });

    // Assess
    expect(local).toBe('occurred_at has no UTC offset');
    expect(garbage).toBe('occurred_at is not an RFC 3339 timestamp');
    expect(badDate).toBe('occurred_at has an invalid date');
  });

  it('reads click_at on signups only, in UTC, with the reasons of occurred_at', () => {
    // Act
    const signup = accepted({ event_type: 'signup', click_at: '2026-11-21T17:29:50.25+08:00' });
    const emptyClick = accepted({ event_type: 'signup', click_at: '' });
    const onLogin = accepted({ click_at: 'not a time' });
    const local = normalize({ event_type: 'signup', click_at: '2026-11-21T09:29:50' });
    const early = normalize({ event_type: 'signup', click_at: '2008-12-31T23:59:59Z' });

    // Assess: 17:29:50.25 at +08:00 is 09:29:50.250 UTC, 9.75 s before the signup.
    expect(signup.click_at_ms).toBe(NINE_THIRTY_UTC - 9_750);
    expect(emptyClick.click_at_ms).toBeNull();
    expect(onLogin.click_at_ms).toBeNull();
    expect(local).toBe('click_at has no UTC offset');
    expect(early).toBe('click_at is before 2009-01-03');
  });

  it('keeps device_id on any event and funding_id on deposits and withdrawals only, numbers as text', () => {
    // Act
    const deposit = accepted({ event_type: 'deposit', amount_usd: 5, device_id: 'd-1', funding_id: 77 });
    const withdrawal = accepted({ event_type: 'withdrawal', amount_usd: 5, funding_id: 'w-1' });
    const trade = accepted({ event_type: 'trade', amount_usd: 5, device_id: '', funding_id: 'w-1' });
    const login = accepted({ device_id: 42, funding_id: 'w-1' });

    // Assess
    expect([deposit.device_id, deposit.funding_id]).toEqual(['d-1', '77']);
    expect([withdrawal.device_id, withdrawal.funding_id]).toEqual([null, 'w-1']);
    expect([trade.device_id, trade.funding_id]).toEqual([null, null]);
    expect([login.device_id, login.funding_id]).toEqual(['42', null]);
  });

  it('quarantines a device_id, funding_id or click_at of the wrong JSON type, whatever the event type', () => {
    // Act, Assess
    expect(reasonFor(PlatformEventLineSchema, { ...LOGIN, device_id: { id: 1 } })).toBe(
      'device_id must be a string or a number',
    );
    expect(reasonFor(PlatformEventLineSchema, { ...LOGIN, funding_id: true })).toBe(
      'funding_id must be a string or a number',
    );
    expect(reasonFor(PlatformEventLineSchema, { ...LOGIN, click_at: 1_700_000_000 })).toBe(
      'click_at must be a string',
    );
  });
});

const LOGIN = { event_id: 'evt-1', event_type: 'login', user_id: 'u-1', occurred_at: '2026-11-21T09:30:00Z' };

describe('PlatformEventLineSchema with reasonOf', () => {
  const valid = {
    event_id: 'evt-1',
    event_type: 'login',
    user_id: 'u-1',
    occurred_at: '2026-11-21T09:30:00Z',
  };

  it.each([
    ['event_id absent', { event_id: undefined }, 'event_id is required'],
    ['event_id empty', { event_id: '' }, 'event_id is empty'],
    ['event_id of 129 chars', { event_id: 'e'.repeat(129) }, 'event_id is longer than 128 characters'],
    ['user_id empty', { user_id: '' }, 'user_id is empty'],
    ['user_id absent', { user_id: undefined }, 'user_id is required'],
    ['event_type absent', { event_type: undefined }, 'event_type is required'],
    [
      'event_type unknown',
      { event_type: 'bet' },
      'event_type must be one of signup, kyc_verified, deposit, withdrawal, trade, login',
    ],
    ['occurred_at absent', { occurred_at: undefined }, 'occurred_at is required'],
    ['platform unknown', { platform: 'tv' }, 'platform must be web, ios or android'],
  ])('gives one reason for %s', (_, change, reason) => {
    // Act
    const result = reasonFor(PlatformEventLineSchema, { ...valid, ...change });

    // Assess
    expect(result).toBe(reason);
  });

  it('accepts ids of exactly 128 characters and ignores unknown fields', () => {
    // Act
    const parsed = PlatformEventLineSchema.parse({
      ...valid,
      event_id: 'e'.repeat(128),
      user_id: 'u'.repeat(128),
      referrer_url: 'https://example.com',
    });

    // Assess
    expect(parsed.event_id).toHaveLength(128);
    expect(parsed.user_id).toHaveLength(128);
    expect(parsed).not.toHaveProperty('referrer_url');
  });

  it('does not report a field that is present but of the wrong type as missing', () => {
    // Act
    const numericEventId = reasonFor(PlatformEventLineSchema, { ...valid, event_id: 5 });
    const textSpend = reasonFor(SpendRowSchema, { date: '2026-11-20', partner_id: 'p', spend: 'abc' });
    const textRevshare = reasonFor(PartnerSchema, {
      partner_id: 'p',
      channel: 'kol',
      status: 'active',
      revshare_rate: 'abc',
    });

    // Assess
    expect(numericEventId).toBe('event_id must be a string');
    expect(textSpend).toBe('spend must be a number');
    expect(textRevshare).toBe('revshare_rate must be a number');
  });
});

describe('isPlainEventLine', () => {
  const SHAPE_FIELDS = Object.keys(PlatformEventLineSchema.shape);
  /** Values of every JSON type and the edges of each field's rule. */
  const anyValue = fc.constantFrom<unknown>(
    undefined,
    null,
    '',
    'x',
    'e'.repeat(128),
    'e'.repeat(129),
    // 65 emoji: 130 UTF-16 units but 65 code points, which the schema's max(128) accepts.
    '\u{1F600}'.repeat(65),
    'login',
    'trade',
    'Login',
    'web',
    'tv',
    '2026-11-21T09:30:00Z',
    0,
    -1.5,
    1e308,
    Number.POSITIVE_INFINITY,
    Number.NaN,
    true,
    [],
    ['web'],
    {},
  );
  /** A valid value of each field, drawn as often as any value, so that many lines pass. */
  const GOOD: Record<string, unknown> = {
    event_id: 'evt-1',
    event_type: 'deposit',
    user_id: 'u-1',
    platform: 'web',
  };
  const anyLine = fc.record(
    Object.fromEntries(
      SHAPE_FIELDS.map((field) => [field, fc.oneof(fc.constant(GOOD[field] ?? 'x'), anyValue)]),
    ),
    { requiredKeys: [] },
  );

  it('accepts only what the schema accepts, and the schema returns those fields unchanged', () => {
    let plain = 0;
    fc.assert(
      fc.property(anyLine, (line) => {
        if (!isPlainEventLine(line)) return;
        plain += 1;
        const parsed = PlatformEventLineSchema.safeParse(line);
        expect(parsed.success).toBe(true);
        for (const field of SHAPE_FIELDS) {
          expect((parsed.data as Record<string, unknown>)[field]).toStrictEqual(
            (line as Record<string, unknown>)[field],
          );
        }
      }),
      { numRuns: 20_000 },
    );
    // The property was put to the test: some lines took the fast path.
    expect(plain).toBeGreaterThan(100);
  });

  it('accepts the lines a platform sends: every field of its type, optional ones absent or null', () => {
    // Arrange
    const login = {
      event_id: 'evt-1',
      event_type: 'login',
      user_id: 'u-1',
      occurred_at: '2026-11-21T09:30:00Z',
    };
    const trade = {
      ...login,
      event_type: 'trade',
      partner_id: null,
      amount_usd: '12.5',
      fee_usd: 0.01,
      product: 'spot',
      country: 'US',
      platform: 'ios',
      campaign_id: 7,
      click_at: null,
      device_id: 'd-1',
      funding_id: 42,
      extra: { ignored: true },
    };

    // Act and assess
    expect(isPlainEventLine(login)).toBe(true);
    expect(isPlainEventLine(trade)).toBe(true);
  });

  it('leaves to the schema what it cannot decide without it: 129 units, a non-finite number, a wrong type', () => {
    // Arrange
    const login = {
      event_id: 'evt-1',
      event_type: 'login',
      user_id: 'u-1',
      occurred_at: '2026-11-21T09:30:00Z',
    };

    // Act and assess
    expect(isPlainEventLine({ ...login, event_id: '\u{1F600}'.repeat(65) })).toBe(false);
    expect(isPlainEventLine({ ...login, amount_usd: Number.POSITIVE_INFINITY })).toBe(false);
    expect(isPlainEventLine({ ...login, platform: 'tv' })).toBe(false);
    expect(isPlainEventLine({ ...login, device_id: true })).toBe(false);
  });
});

describe('reasonOf', () => {
  it('says "invalid row" for an error without issues', () => {
    // Act
    const result = reasonOf(new z.ZodError([]));

    // Assess
    expect(result).toBe('invalid row');
  });

  it('reports the first issue only, as one line naming the field', () => {
    // Prepare
    const rows: [z.ZodType, unknown][] = [
      [PlatformEventLineSchema, {}],
      [PlatformEventLineSchema, { event_id: 'e', event_type: 'login', user_id: 'u', occurred_at: 1 }],
      [PlatformEventLineSchema, { event_id: 'e', event_type: 'trade', user_id: 'u', amount_usd: true }],
      [PlatformEventLineSchema, 'not an object'],
      [SpendRowSchema, { date: '2026-02-30', partner_id: '', spend: '-1', clicks: '2.5' }],
      [SpendRowSchema, { date: '20261120', partner_id: 'p', spend: '1' }],
      [SpendRowSchema, { date: '2026-11-20', partner_id: 'p', spend: '1', currency: 'EURO' }],
      [SpendRowSchema, { date: '2026-11-20', partner_id: 'p', spend: '1', cost_type: 'weekly' }],
      [PartnerSchema, { partner_id: 'p', channel: 'tv', status: 'active' }],
      [PartnerSchema, { partner_id: 'p', channel: 'kol', status: 'active', min_daily_budget_usd: 'x' }],
      [FxRateSchema, { date: '2026-11-20', currency: 'EUR', usd_per_unit: '0' }],
      [FxRateSchema, {}],
    ];

    // Act
    const reasons = rows.map(([schema, value]) => reasonFor(schema, value));

    // Assess
    for (const reason of reasons) {
      expect(reason).not.toBe('ok');
      expect(reason).toMatch(/^[^\r\n]+$/);
      expect(reason.length).toBeLessThanOrEqual(200);
    }
    expect(reasons[4]).toMatch(/^date\b/);
    expect(reasons[6]).toBe('currency must be a 3-letter ISO 4217 code');
    expect(reasons[7]).toBe('cost_type must be one of flat, cpa, cpc, cpm, other');
    expect(reasons[8]).toBe('channel must be one of affiliate, kol, content, community, network, other');
    expect(reasons[10]).toBe('usd_per_unit must be a number > 0');
  });
});

describe('utcTimestampText', () => {
  it('formats any instant of years 1000-9999 exactly as toISOString does, in the text form the engines read', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }),
        (millis) => {
          const iso = new Date(millis).toISOString();
          expect(utcTimestampText(millis)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 23)}`);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
