import type { Calendar } from './calendar.ts';
import type { FxRates } from './fx.ts';
import { WEEKDAY_FACTORS } from './model.ts';
import { round2 } from './numbers.ts';
import type { PartnerProfile } from './partners.ts';
import type { Rng } from './rng.ts';

/** One spend row as written (docs/contract.md, Spend); `currency` and `costType` may be empty as the contract allows. */
export interface SpendRow {
  readonly date: string;
  readonly partnerId: string;
  readonly spend: number;
  readonly currency: string;
  readonly costType: string;
  readonly campaignId: string;
  readonly impressions: number | null;
  readonly clicks: number | null;
}

/** The kinds of malformed spend row planted, each of which an ingest must quarantine. */
export const BAD_SPEND_KINDS = ['negative_spend', 'invalid_date', 'currency_without_fx'] as const;
export type BadSpendKind = (typeof BAD_SPEND_KINDS)[number];

/** One spend file, in the order files arrive. */
export interface SpendFile {
  /** Path under the output folder, e.g. `spend/spend-2026-11-20.csv`. */
  readonly path: string;
  readonly format: 'csv' | 'jsonl';
  readonly rows: readonly SpendRow[];
  /** Rows an ingest must quarantine. */
  readonly badRows: number;
  /** Rows that restate a key sent in an earlier file. */
  readonly restatedRows: number;
  /** Rows superseded by a later line with the same key in the same file. */
  readonly supersededRows: number;
}

/** Every spend file and the spend they add up to once restatements are applied. */
export interface SpendPlan {
  /** Per partner (registry order), the final spend of each day in USD; it drives signups. */
  readonly dailySpendUsd: readonly Float64Array[];
  /** Files in arrival order: each day's file, then that day's restatement file if any. */
  readonly files: readonly SpendFile[];
  readonly badRowsByKind: Readonly<Record<BadSpendKind, number>>;
}

/** Chance a day brings a restatement file (at least one is always sent when there are two days or more). */
const RESTATEMENT_DAY_SHARE = 1 / 7;
/** Restatements correct rows of up to this many days back. */
const RESTATEMENT_LOOKBACK_DAYS = 7;
/** Campaign id of the malformed rows, so none of them shares a key with a good row. */
const BAD_ROW_CAMPAIGN = 'manual-adjustment';

/** Per partner: what a click and a thousand impressions cost, and the click-through rate. */
interface MediaPrices {
  readonly cpcUsd: number;
  readonly cpmUsd: number;
  readonly clickThroughRate: number;
}

/**
 * The spend level of one partner over the period: a base level that changes at one to three
 * budget decisions, a weekly pattern (not for KOLs, paid per post), AR(1) noise on the log,
 * no spend on a KOL's days without a post, and none once a partner is paused. The budget
 * changes move spend along the response curve, which is what makes the curve identifiable.
 */
function drawDailySpendUsd(partner: PartnerProfile, calendar: Calendar, rng: Rng): Float64Array {
  const { days } = calendar;
  const changes = Array.from({ length: rng.int(1, 3) }, () => ({
    day: Math.floor(days * rng.between(0.15, 0.85)),
    factor: Math.exp(rng.between(-0.8, 0.8)),
  })).sort((a, b) => a.day - b.day);
  const weekly = partner.channel !== 'kol';
  const spend = new Float64Array(days);
  let level = 1;
  let noise = 0;
  for (let day = 0; day < days; day++) {
    for (const change of changes) if (change.day === day) level *= change.factor;
    noise = 0.6 * noise + 0.25 * rng.normal();
    const spends = rng.chance(partner.spendDayProbability);
    if (!spends || (partner.pausedFromDay !== null && day >= partner.pausedFromDay)) continue;
    const weekday = weekly ? (WEEKDAY_FACTORS[calendar.weekdayOf(day)] as number) : 1;
    spend[day] = partner.baseDailySpendUsd * level * weekday * Math.exp(noise);
  }
  return spend;
}

function mediaCounts(
  costType: PartnerProfile['costType'],
  spendUsd: number,
  prices: MediaPrices,
  rng: Rng,
): Pick<SpendRow, 'impressions' | 'clicks'> {
  if (costType === 'cpc') {
    const clicks = Math.round(spendUsd / prices.cpcUsd);
    return { clicks, impressions: Math.round(clicks / prices.clickThroughRate) };
  }
  if (costType === 'cpm') {
    const impressions = Math.round((spendUsd / prices.cpmUsd) * 1000);
    return {
      impressions,
      clicks: rng.chance(0.3) ? Math.round(impressions * prices.clickThroughRate) : null,
    };
  }
  return {
    impressions: rng.chance(0.15) ? Math.round((spendUsd / prices.cpmUsd) * 1000) : null,
    clicks: null,
  };
}

/**
 * Plans all spend files: each partner's daily spend, billed in its currency and split over its
 * campaigns; restatement files that re-send a few earlier rows with their corrected amounts (the
 * original files carry the wrong ones); one day written as NDJSON; and a few malformed rows.
 */
export function planSpend(
  partners: readonly PartnerProfile[],
  calendar: Calendar,
  fx: FxRates,
  rng: Rng,
): SpendPlan {
  const { days } = calendar;
  const rowsByDay: SpendRow[][] = Array.from({ length: days }, () => []);
  const dailySpendUsd = partners.map((partner) => {
    const prices: MediaPrices = {
      cpcUsd: rng.between(0.4, 1.6),
      cpmUsd: rng.between(4, 15),
      clickThroughRate: rng.between(0.008, 0.03),
    };
    const planned = drawDailySpendUsd(partner, calendar, rng);
    const final = new Float64Array(days);
    for (let day = 0; day < days; day++) {
      if (planned[day] === 0) continue;
      const rate = fx.usdPerUnit(partner.billingCurrency, day);
      const total = round2((planned[day] as number) / rate);
      let remaining = total;
      let usd = 0;
      partner.campaigns.forEach((campaign, index) => {
        const isLast = index === partner.campaigns.length - 1;
        const spend = isLast ? round2(remaining) : round2(total * campaign.share);
        remaining -= spend;
        usd += spend * rate;
        const omitsFlat = partner.costType === 'flat' && rng.chance(0.2);
        rowsByDay[day]?.push({
          date: calendar.dateOf(day),
          partnerId: partner.partnerId,
          spend,
          currency: partner.omitsUsdCurrency ? '' : partner.billingCurrency,
          costType: omitsFlat ? '' : partner.costType,
          campaignId: campaign.campaignId,
          ...mediaCounts(partner.costType, spend * rate, prices, rng),
        });
      });
      final[day] = usd;
    }
    return final;
  });
  const restatements = planRestatements(rowsByDay, rng);
  const { badRowsByDay, badRowsByKind } = planBadRows(partners, calendar, rng);
  const files: SpendFile[] = [];
  const ndjsonDay = Math.floor(days / 2);
  for (let day = 0; day < days; day++) {
    const bad = badRowsByDay[day] ?? [];
    const rows = [...(rowsByDay[day] ?? [])];
    for (const row of bad) rows.splice(rng.int(0, rows.length), 0, row);
    const format = day === ndjsonDay ? 'jsonl' : 'csv';
    const path = `spend/spend-${calendar.dateOf(day)}.${format}`;
    files.push({ path, format, rows, badRows: bad.length, restatedRows: 0, supersededRows: 0 });
    const restatement = restatements[day];
    if (restatement !== undefined) {
      const path = `spend/spend-${calendar.dateOf(day)}.restated.csv`;
      files.push({ path, format: 'csv', badRows: 0, ...restatement });
    }
  }
  return { dailySpendUsd, files, badRowsByKind };
}

type Restatement = Pick<SpendFile, 'rows' | 'restatedRows' | 'supersededRows'>;

/**
 * Picks restatement days and the rows they correct: the restatement carries the final amount,
 * and the row in the earlier file is replaced by one with a wrong amount. The first
 * restatement file also sends its first row twice, a provisional amount and then the final one,
 * to exercise "within one file, the later line wins".
 */
function planRestatements(rowsByDay: SpendRow[][], rng: Rng): (Restatement | undefined)[] {
  const days = rowsByDay.length;
  const restatementDays: number[] = [];
  for (let day = 1; day < days; day++) if (rng.chance(RESTATEMENT_DAY_SHARE)) restatementDays.push(day);
  if (restatementDays.length === 0 && days >= 2) restatementDays.push(days - 1);
  const restated = new Set<SpendRow>();
  const result: (Restatement | undefined)[] = [];
  for (const day of restatementDays) {
    const candidates: [number, number][] = [];
    for (let past = Math.max(0, day - RESTATEMENT_LOOKBACK_DAYS); past < day; past++) {
      rowsByDay[past]?.forEach((row, index) => {
        if (!restated.has(row)) candidates.push([past, index]);
      });
    }
    const rows: SpendRow[] = [];
    for (let n = rng.int(1, 3); n > 0 && candidates.length > 0; n--) {
      const [past, index] = candidates.splice(rng.int(0, candidates.length - 1), 1)[0] as [number, number];
      const pastRows = rowsByDay[past] as SpendRow[];
      const correct = pastRows[index] as SpendRow;
      const wrongSpend = round2(correct.spend * rng.between(0.75, 1.3));
      const wrong = {
        ...correct,
        spend: wrongSpend === correct.spend ? round2(correct.spend + 1) : wrongSpend,
      };
      pastRows[index] = wrong;
      restated.add(wrong);
      rows.push(correct);
    }
    if (rows.length === 0) continue;
    const isFirst = result.every((entry) => entry === undefined);
    const first = rows[0] as SpendRow;
    const provisional = isFirst ? [{ ...first, spend: round2(first.spend * 0.9) }] : [];
    result[day] = {
      rows: [...provisional, ...rows],
      restatedRows: rows.length,
      supersededRows: provisional.length,
    };
  }
  return result;
}

/** Malformed rows, one kind after another: about one per ten days, at least one of each kind. */
function planBadRows(
  partners: readonly PartnerProfile[],
  calendar: Calendar,
  rng: Rng,
): { badRowsByDay: SpendRow[][]; badRowsByKind: Record<BadSpendKind, number> } {
  const { days } = calendar;
  const badRowsByDay: SpendRow[][] = Array.from({ length: days }, () => []);
  const badRowsByKind: Record<BadSpendKind, number> = {
    negative_spend: 0,
    invalid_date: 0,
    currency_without_fx: 0,
  };
  const count = Math.max(BAD_SPEND_KINDS.length, Math.round(days / 10));
  for (let n = 0; n < count; n++) {
    const kind = BAD_SPEND_KINDS[n % BAD_SPEND_KINDS.length] as BadSpendKind;
    const day = rng.int(0, days - 1);
    const date = calendar.dateOf(day);
    const good: SpendRow = {
      date,
      partnerId: rng.pick(partners).partnerId,
      spend: round2(rng.between(5, 300)),
      currency: 'USD',
      costType: 'flat',
      campaignId: BAD_ROW_CAMPAIGN,
      impressions: null,
      clicks: null,
    };
    const invalidDate = n % 2 === 0 ? date.replaceAll('-', '/') : `${date.slice(0, 4)}-02-30`;
    badRowsByKind[kind]++;
    badRowsByDay[day]?.push(
      kind === 'negative_spend'
        ? { ...good, spend: -good.spend }
        : kind === 'invalid_date'
          ? { ...good, date: invalidDate }
          : { ...good, currency: 'BRL' },
    );
  }
  return { badRowsByDay, badRowsByKind };
}
