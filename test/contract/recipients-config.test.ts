import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECIPIENTS_CONFIG,
  RecipientsConfigSchema,
  recipientSlug,
} from '../../lambdas/contract/recipients-config.ts';

describe('recipients config schema', () => {
  it('has a default for the demo: everything, the KOLs, and the user-operations lead', () => {
    expect(DEFAULT_RECIPIENTS_CONFIG.recipients.map((r) => [r.scope, r.role])).toEqual([
      [{ kind: 'all' }, 'growth'],
      [{ kind: 'channels', channels: ['kol'] }, 'growth'],
      [{ kind: 'all' }, 'user_operations'],
    ]);
    expect(RecipientsConfigSchema.parse(DEFAULT_RECIPIENTS_CONFIG)).toEqual(DEFAULT_RECIPIENTS_CONFIG);
  });

  it('names digest files after the address', () => {
    expect(recipientSlug({ email: 'Ana.Lopez+growth@Example.com' })).toBe('ana-lopez-growth-example-com');
  });
});
