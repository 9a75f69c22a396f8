/**
 * Hand-built tracker exports with the vendors' own header sets: AppsFlyer's raw-data field
 * dictionary (Pull API installs and in-app events reports), Adjust's CSV placeholders, and
 * Impact's Actions API fields. Each row names only the columns a test sets; the rest stay empty,
 * as they often are in real exports.
 */

/** AppsFlyer raw-data report columns, in the Pull API's order. */
export const APPSFLYER_HEADER = [
  'Attributed Touch Type',
  'Attributed Touch Time',
  'Install Time',
  'Event Time',
  'Event Name',
  'Event Value',
  'Event Revenue',
  'Event Revenue Currency',
  'Event Revenue USD',
  'Event Source',
  'Is Receipt Validated',
  'Partner',
  'Media Source',
  'Channel',
  'Keywords',
  'Campaign',
  'Campaign ID',
  'Adset',
  'Adset ID',
  'Ad',
  'Ad ID',
  'Ad Type',
  'Site ID',
  'Sub Site ID',
  'Sub Param 1',
  'Sub Param 2',
  'Sub Param 3',
  'Sub Param 4',
  'Sub Param 5',
  'Cost Model',
  'Cost Value',
  'Cost Currency',
  'Contributor 1 Partner',
  'Contributor 1 Media Source',
  'Contributor 1 Campaign',
  'Contributor 1 Touch Type',
  'Contributor 1 Touch Time',
  'Region',
  'Country Code',
  'State',
  'City',
  'Postal Code',
  'DMA',
  'IP',
  'WIFI',
  'Operator',
  'Carrier',
  'Language',
  'AppsFlyer ID',
  'Advertising ID',
  'IDFA',
  'Android ID',
  'Customer User ID',
  'IMEI',
  'IDFV',
  'Platform',
  'Device Type',
  'OS Version',
  'App Version',
  'SDK Version',
  'App ID',
  'App Name',
  'Bundle ID',
  'Is Retargeting',
  'Retargeting Conversion Type',
  'Attribution Lookback',
  'Reengagement Window',
  'Is Primary Attribution',
  'User Agent',
  'HTTP Referrer',
  'Original URL',
] as const;

/** Columns of an Adjust CSV export, named after the placeholders they were configured with. */
export const ADJUST_HEADER = [
  'app_name',
  'activity_kind',
  'created_at',
  'installed_at',
  'adid',
  'gps_adid',
  'idfa',
  'tracker',
  'tracker_name',
  'network_name',
  'campaign_name',
  'adgroup_name',
  'creative_name',
  'event',
  'event_name',
  'revenue_float',
  'revenue_usd',
  'currency',
  'user_id',
  'country',
  'os_name',
  'device_type',
] as const;

/** Impact Actions report columns (Actions API field names). */
export const IMPACT_HEADER = [
  'Id',
  'CampaignId',
  'CampaignName',
  'ActionTrackerId',
  'ActionTrackerName',
  'EventCode',
  'MediaPartnerId',
  'MediaPartnerName',
  'State',
  'AdId',
  'Payout',
  'DeltaPayout',
  'IntendedPayout',
  'Amount',
  'DeltaAmount',
  'IntendedAmount',
  'Currency',
  'ReferringDate',
  'EventDate',
  'CreationDate',
  'LockingDate',
  'ClearedDate',
  'ReferringType',
  'ReferringDomain',
  'PromoCode',
  'Oid',
  'CustomerId',
  'CustomerCity',
  'CustomerRegion',
  'CustomerCountry',
  'SubId1',
  'SubId2',
  'SubId3',
  'SharedId',
  'Uri',
] as const;

function quoted(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The lines of a CSV export: the header, then one line per row with the values it sets (quoted
 * where a vendor would quote them) and the other columns empty.
 */
export function exportLines(
  header: readonly string[],
  rows: readonly Readonly<Record<string, string>>[],
): string[] {
  return [
    header.map(quoted).join(','),
    ...rows.map((row) => {
      for (const name of Object.keys(row)) {
        if (!header.includes(name)) throw new Error(`the export has no column ${name}`);
      }
      return header.map((name) => quoted(row[name] ?? '')).join(',');
    }),
  ];
}
