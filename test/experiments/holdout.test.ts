import { describe, expect, it } from 'vitest';
import { holdoutPosition, isHeldOut } from '../../lambdas/experiments/holdout.ts';

describe('holdoutPosition: the hash rule of docs/contract.md, Holdouts', () => {
  it('reads the first 8 hex digits of SHA-256("<action>:<user_id>") as a fraction of 2^32', () => {
    // printf '%s' 'kyc_reminder:usr_0000015' | sha256sum  ->  74bc3f52...; 0x74bc3f52 = 1958494034
    expect(holdoutPosition('kyc_reminder', 'usr_0000015')).toBe(1958494034 / 2 ** 32);
    // 'win_back:u-37' -> 0c115f64... = 202465124; 202465124 / 4294967296 = 0.0471...
    expect(holdoutPosition('win_back', 'u-37')).toBe(202465124 / 2 ** 32);
    // UTF-8 bytes, not UTF-16: 'first_deposit_offer:ü-ñ' -> 7f08fd43... = 2131295555
    expect(holdoutPosition('first_deposit_offer', 'ü-ñ')).toBe(2131295555 / 2 ** 32);
  });

  it('puts a user in control iff the position is below the share', () => {
    // u-37: 0.0471 < 0.10, control; u-34: 0x1b526d21 / 2^32 = 0.1067 >= 0.10, treatment.
    expect(isHeldOut('win_back', 'u-37', 0.1)).toBe(true);
    expect(isHeldOut('win_back', 'u-34', 0.1)).toBe(false);
    // u-34's 0.1067 falls below a share of 0.11.
    expect(isHeldOut('win_back', 'u-34', 0.11)).toBe(true);
  });
});
