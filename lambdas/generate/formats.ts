import type { FxRow } from './fx.ts';
import type { PartnerProfile } from './partners.ts';
import type { SpendFile, SpendRow } from './spend.ts';
import { csvText } from './writers.ts';

/** The header of the partner registry (docs/contract.md, Partners). */
export const PARTNERS_HEADER = [
  'partner_id',
  'name',
  'channel',
  'network',
  'revshare_rate',
  'status',
  'min_daily_budget_usd',
  'max_daily_budget_usd',
] as const;

/** The header of spend files (docs/contract.md, Spend). */
export const SPEND_HEADER = [
  'date',
  'partner_id',
  'spend',
  'currency',
  'cost_type',
  'campaign_id',
  'impressions',
  'clicks',
] as const;

/** The header of the FX table (docs/contract.md, FX rates). */
export const FX_HEADER = ['date', 'currency', 'usd_per_unit'] as const;

const optional = (value: number | null): string => (value === null ? '' : String(value));

/** `fx.csv`. */
export function fxCsv(rows: readonly FxRow[]): string {
  return csvText(
    FX_HEADER,
    rows.map((row) => [row.date, row.currency, String(row.usdPerUnit)]),
  );
}

/** `partners.csv`. Affiliates without revenue share write 0, the others leave it empty (which also means 0). */
export function partnersCsv(partners: readonly PartnerProfile[]): string {
  return csvText(
    PARTNERS_HEADER,
    partners.map((partner) => [
      partner.partnerId,
      partner.name,
      partner.channel,
      partner.network,
      partner.revshareRate === 0 && partner.channel !== 'affiliate' ? '' : String(partner.revshareRate),
      partner.status,
      optional(partner.minDailyBudgetUsd),
      optional(partner.maxDailyBudgetUsd),
    ]),
  );
}

function spendJsonLine(row: SpendRow): string {
  return JSON.stringify({
    date: row.date,
    partner_id: row.partnerId,
    spend: row.spend,
    currency: row.currency,
    cost_type: row.costType,
    campaign_id: row.campaignId,
    ...(row.impressions === null ? {} : { impressions: row.impressions }),
    ...(row.clicks === null ? {} : { clicks: row.clicks }),
  });
}

/** A spend file's text: CSV with two-decimal amounts, or NDJSON with the same fields (absent counts left out). */
export function spendFileText(file: SpendFile): string {
  if (file.format === 'jsonl') return file.rows.map((row) => `${spendJsonLine(row)}\n`).join('');
  return csvText(
    SPEND_HEADER,
    file.rows.map((row) => [
      row.date,
      row.partnerId,
      row.spend.toFixed(2),
      row.currency,
      row.costType,
      row.campaignId,
      optional(row.impressions),
      optional(row.clicks),
    ]),
  );
}
