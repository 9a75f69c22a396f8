import { CAMPAIGN_COLUMNS, CampaignSchema } from '../contract/inputs.ts';
import { CAMPAIGNS, STAGED_CAMPAIGNS } from '../contract/tables.ts';
import { registryKind } from './registry-kind.ts';

/**
 * The campaign registry: a CSV snapshot that replaces the previous one, as the partner registry
 * does (see {@link registryKind}); a campaign_id listed twice keeps its later row.
 */
export const campaignsKind = registryKind({
  kind: 'campaigns',
  staging: STAGED_CAMPAIGNS,
  table: CAMPAIGNS,
  registry: 'campaign registry',
  requiredColumns: CAMPAIGN_COLUMNS,
  schema: CampaignSchema,
  idOf: (campaign) => campaign.campaign_id,
  loadQuery: 'ingest/load_campaigns',
});
