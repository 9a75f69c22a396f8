import { z } from 'zod';

const count = z.number().int().min(0);

/** What an ingest of one input file must report (docs/contract.md, Inputs: read = accepted + duplicate + quarantined). */
export const FileCountsSchema = z.object({
  /** Path under the output folder. */
  path: z.string(),
  rowsRead: count,
  rowsAccepted: count,
  rowsDuplicate: count,
  rowsQuarantined: count,
});
export type FileCounts = z.infer<typeof FileCountsSchema>;

/** A Hill response of daily signups to daily USD spend: `maxSignups * s^k / (s^k + halfSaturationUsd^k)`. */
export const HillCurveSchema = z.object({
  maxSignups: z.number(),
  halfSaturationUsd: z.number(),
  exponent: z.number(),
});

const expectedValue = {
  /** Mean of the per-user value multiplier (1 = an average organic user). */
  meanValueMultiplier: z.number(),
  /** Expected net revenue (fees after revenue share) per signup at ages 0 to 180 days, USD. */
  expectedNetRevenue180dPerUserUsd: z.number(),
  /** Monte Carlo standard error of that expectation. */
  expectedNetRevenue180dStdErrUsd: z.number(),
  /** Users who signed up, in total and per day (index = day of the data set). */
  signups: count,
  dailySignups: z.array(count),
};

/** Per partner: the parameters the data was drawn from, and what it spent and brought. */
export const PartnerTruthSchema = z.object({
  partnerId: z.string(),
  channel: z.string(),
  status: z.enum(['active', 'paused']),
  revshareRate: z.number(),
  billingCurrency: z.string(),
  hill: HillCurveSchema,
  kycRate: z.number(),
  ftdRate: z.number(),
  churnMultiplier: z.number(),
  ...expectedValue,
  /** Final (restated) spend, USD, in total and per day. */
  spendUsd: z.number(),
  dailySpendUsd: z.array(z.number()),
});

/**
 * `truth.json`: the ground truth of a generated data set, for benchmarks that check what the
 * warehouse recovers (response curves, LTV, data-quality counts).
 */
export const GroundTruthSchema = z.object({
  generator: z.object({
    seed: z.number().int(),
    days: z.number().int(),
    requestedUsers: z.number().int(),
    partners: z.number().int(),
    startDate: z.string(),
    endDate: z.string(),
  }),
  partners: z.array(PartnerTruthSchema),
  /** Users without a partner; their signups include the unattributed and unknown-partner users. */
  organic: z.object({
    ...expectedValue,
    /** Expected organic signups per day (they follow a weekly pattern). */
    expectedDailySignups: z.array(z.number()),
  }),
  users: z.object({
    /** Distinct users with at least one event. */
    total: count,
    /** Users whose signup event is never sent: the lake sees them as unattributed. */
    unattributed: count,
    /** Users whose signup names a partner missing from the registry. */
    unknownPartner: count,
    /** Users who send a second, later signup event (which changes nothing). */
    secondSignups: count,
  }),
  events: z.object({
    /** Distinct good events (what an ingest must accept in total). */
    goodEvents: count,
    goodEventsByType: z.record(z.string(), count),
    rowsRead: count,
    rowsDuplicate: count,
    rowsQuarantined: count,
    blankLines: count,
    quarantinedByKind: z.record(z.string(), count),
    duplicates: z.object({ sameFile: count, laterFile: count, changedContent: count }),
    /** Events written into the file of a day 1 to 3 days after the day they occurred. */
    lateEvents: count,
    /** Valid events whose amount_usd is a numeric string such as "12.50". */
    numericStringAmounts: count,
    /** Valid events with an unknown extra field. */
    extraFields: count,
    /** Events whose occurred_at carries a numeric offset instead of Z... */
    offsetTimestamps: count,
    /** ...of which the local date differs from the UTC date the event belongs to. */
    offsetDateCrossings: count,
    files: z.array(FileCountsSchema),
  }),
  /**
   * The fraud injected (docs/contract.md, Traffic quality): per partner and pattern, how many of its
   * users carry it. All of a partner's patterns are carried by the same users. Empty when none.
   */
  fraud: z.array(z.object({ partnerId: z.string(), pattern: z.string(), users: count, signups: count })),
  spend: z.object({
    rowsRead: count,
    rowsQuarantined: count,
    quarantinedByKind: z.record(z.string(), count),
    /** Rows re-sent in a restatement file with a corrected amount (same key). */
    restatedRows: count,
    /** Rows followed by a later line with the same key in the same file (the later one wins). */
    supersededRows: count,
    files: z.array(FileCountsSchema),
  }),
});
export type GroundTruth = z.infer<typeof GroundTruthSchema>;
