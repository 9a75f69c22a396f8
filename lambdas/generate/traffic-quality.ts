/**
 * The traffic-quality side of the generated events (docs/contract.md, Events: click_at, device_id,
 * funding_id): realistic clicks, devices and funding accounts for honest users, rare legitimate
 * sharing, and the fraud patterns a benchmark can inject into chosen partners.
 */
import { z } from 'zod';
import { FRAUD_PATTERNS, type FraudInjection, type FraudPattern } from './fraud-option.ts';

export { FRAUD_PATTERNS, type FraudInjection, type FraudPattern, parseFraudOption } from './fraud-option.ts';

/** One injection, as the generator's options validate it. */
export const FraudInjectionSchema: z.ZodType<FraudInjection> = z.object({
  partnerId: z.string().min(1, 'partnerId must name a partner'),
  pattern: z.enum(FRAUD_PATTERNS, { error: `pattern must be one of ${FRAUD_PATTERNS.join(', ')}` }),
});

/** Bit flags of a user's injected patterns, in a Uint8Array column. */
export const FRAUD_BIT: Readonly<Record<FraudPattern, number>> = {
  bonus_abuse: 1,
  fast_signups: 2,
  shared_devices: 4,
  shared_funding: 8,
};

/**
 * Share of an injected partner's users who carry its patterns: a fraudulent partner mixes bought
 * users with some real ones, and at 0.6 every pattern is far above its flag threshold.
 */
export const FRAUD_USER_SHARE = 0.6;

/**
 * Click-to-signup delay of an honest attributed signup, seconds: lognormal with a median of three
 * minutes (reading the landing page, filling the form). About 0.2% fall under 10 seconds, far below
 * the 0.20 of the fast_signups flag.
 */
export const CLICK_DELAY = { medianSeconds: 180, sigma: 1, maxSeconds: 6 * 3600 } as const;

/** A bot's click-to-signup delay, whole seconds (a signup's milliseconds add under one more). */
export const BOT_CLICK_DELAY_SECONDS = [1, 8] as const;

/**
 * Legitimate sharing, kept rare so a clean partner stays well under the flags (devices 0.10, funding
 * 0.05): a new user uses the device of an earlier user (a household) with this probability, each
 * such pair making two users "shared", about 2% of users.
 */
export const HOUSEHOLD_DEVICE_SHARE = 0.01;
/** Likewise a funding account shared in a family: about 0.6% of depositors. */
export const FAMILY_FUNDING_SHARE = 0.003;
/** How far back a household's earlier user is drawn from, in users. */
export const HOUSEHOLD_LOOKBACK_USERS = 500;

/** Devices of a partner's device farm: few, so each serves many accounts. */
export const FARM_DEVICES = 4;

/** Share of their deposits that bonus abusers withdraw, and the days after the deposit they do it. */
export const BONUS_ABUSE = { withdrawShare: [0.92, 1], withdrawAfterDays: [0, 5] } as const;

/** Device ids of honest users are their row; farm devices are numbered above every user row. */
const FARM_DEVICE_BASE = 0x40000000;
/** The device id of device number `n`, as a client app reports it. */
export function deviceId(n: number): string {
  return `dev-${n.toString(16).padStart(8, '0')}`;
}

/** The device number of partner `p`'s farm device `k`. */
export function farmDevice(p: number, k: number): number {
  return FARM_DEVICE_BASE + p * FARM_DEVICES + k;
}

/** Funding account numbers: honest users' are their row; a partner's shared wallet sits above them. */
const SHARED_WALLET_BASE = 0x40000000;
/** The funding id of account number `n`: a wallet address-like id. */
export function fundingId(n: number): string {
  return `wal-${n.toString(16).padStart(8, '0')}`;
}

/** The account number of partner `p`'s shared wallet. */
export function sharedWallet(p: number): number {
  return SHARED_WALLET_BASE + p;
}
