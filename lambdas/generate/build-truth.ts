import type { Calendar } from './calendar.ts';
import type { EventFilesResult } from './event-files.ts';
import type { UserValueExpectation } from './expectations.ts';
import { roundTo, sum } from './numbers.ts';
import type { ResolvedGenerateOptions } from './options.ts';
import { ORGANIC_QUALITY, type PartnerProfile } from './partners.ts';
import type { HillCurve } from './response-curve.ts';
import type { SpendPlan } from './spend.ts';
import type { FileCounts, GroundTruth } from './truth.ts';

/** Everything a generation run knows that the ground truth reports. */
export interface TruthParts {
  readonly partners: readonly PartnerProfile[];
  readonly curves: readonly HillCurve[];
  readonly spend: SpendPlan;
  /** Per partner, then organic last. */
  readonly values: readonly UserValueExpectation[];
  readonly organicExpected: Float64Array;
  readonly events: EventFilesResult;
}

/** The content of `truth.json` (see GroundTruthSchema). */
export function buildGroundTruth(
  settings: ResolvedGenerateOptions,
  calendar: Calendar,
  parts: TruthParts,
): GroundTruth {
  const { events, spend } = parts;
  const expectedValueFields = (
    index: number,
    revshareRate: number,
    valueMultiplier: number,
    dailySignups: readonly number[],
  ) => {
    const value = parts.values[index] as UserValueExpectation;
    return {
      meanValueMultiplier: valueMultiplier,
      expectedNetRevenue180dPerUserUsd: roundTo(value.feesWithinHorizonUsd * (1 - revshareRate), 4),
      expectedNetRevenue180dStdErrUsd: roundTo(value.feesStdErrUsd * (1 - revshareRate), 4),
      signups: sum(dailySignups),
      dailySignups: [...dailySignups],
    };
  };
  const spendFiles: FileCounts[] = spend.files.map((file) => ({
    path: file.path,
    rowsRead: file.rows.length,
    rowsAccepted: file.rows.length - file.badRows,
    rowsDuplicate: 0,
    rowsQuarantined: file.badRows,
  }));
  const { outbox, journeys } = events;
  const organicSignups = [...events.organicDailySignups];
  return {
    generator: {
      seed: settings.seed,
      days: settings.days,
      requestedUsers: settings.users,
      partners: settings.partners,
      startDate: calendar.dateOf(0),
      endDate: calendar.dateOf(settings.days - 1),
    },
    partners: parts.partners.map((partner, p) => {
      const dailySpendUsd = [...(spend.dailySpendUsd[p] as Float64Array)].map((usd) => roundTo(usd, 4));
      const curve = parts.curves[p] as HillCurve;
      return {
        partnerId: partner.partnerId,
        channel: partner.channel,
        status: partner.status,
        revshareRate: partner.revshareRate,
        billingCurrency: partner.billingCurrency,
        hill: {
          maxSignups: curve.maxSignups,
          halfSaturationUsd: curve.halfSaturationUsd,
          exponent: curve.exponent,
        },
        kycRate: partner.quality.kycRate,
        ftdRate: partner.quality.ftdRate,
        churnMultiplier: partner.quality.churnMultiplier,
        ...expectedValueFields(
          p,
          partner.revshareRate,
          partner.quality.valueMultiplier,
          events.partnerDailySignups[p] as number[],
        ),
        spendUsd: roundTo(sum(dailySpendUsd), 2),
        dailySpendUsd,
      };
    }),
    organic: {
      ...expectedValueFields(parts.partners.length, 0, ORGANIC_QUALITY.valueMultiplier, organicSignups),
      expectedDailySignups: [...parts.organicExpected].map((n) => roundTo(n, 4)),
    },
    fraud: settings.fraud.map(({ partnerId, pattern }) => {
      const p = parts.partners.findIndex((partner) => partner.partnerId === partnerId);
      return {
        partnerId,
        pattern,
        users: journeys.fraudUsers[p] as number,
        signups: sum(events.partnerDailySignups[p] as number[]),
      };
    }),
    users: {
      total: events.users,
      unattributed: journeys.missingSignupUsers,
      unknownPartner: journeys.unknownPartnerUsers,
      secondSignups: journeys.secondSignups,
    },
    events: {
      goodEvents: sum(Object.values(journeys.eventsByType)),
      goodEventsByType: { ...journeys.eventsByType },
      rowsRead: sum(events.files.map((file) => file.rowsRead)),
      rowsDuplicate: sum(events.files.map((file) => file.rowsDuplicate)),
      rowsQuarantined: sum(events.files.map((file) => file.rowsQuarantined)),
      blankLines: outbox.blankLines,
      quarantinedByKind: { ...outbox.badRowsByKind },
      duplicates: {
        sameFile: outbox.sameFileDuplicates,
        laterFile: outbox.laterFileDuplicates,
        changedContent: outbox.changedDuplicates,
      },
      lateEvents: outbox.lateEvents,
      numericStringAmounts: outbox.numericStringAmounts,
      extraFields: outbox.extraFields,
      offsetTimestamps: journeys.offsetTimestamps,
      offsetDateCrossings: journeys.offsetDateCrossings,
      files: [...events.files],
    },
    spend: {
      rowsRead: sum(spendFiles.map((file) => file.rowsRead)),
      rowsQuarantined: sum(spendFiles.map((file) => file.rowsQuarantined)),
      quarantinedByKind: { ...spend.badRowsByKind },
      restatedRows: sum(spend.files.map((file) => file.restatedRows)),
      supersededRows: sum(spend.files.map((file) => file.supersededRows)),
      files: spendFiles,
    },
  };
}
