import { PARTNER_COLUMNS, PartnerSchema } from '../contract/inputs.ts';
import { PARTNERS, STAGED_PARTNERS } from '../contract/tables.ts';
import { registryKind } from './registry-kind.ts';

/** The partner registry: a CSV snapshot that replaces the previous one (see {@link registryKind}). */
export const partnersKind = registryKind({
  kind: 'partners',
  staging: STAGED_PARTNERS,
  table: PARTNERS,
  registry: 'partner registry',
  requiredColumns: PARTNER_COLUMNS,
  schema: PartnerSchema,
  idOf: (partner) => partner.partner_id,
  loadQuery: 'ingest/load_partners',
});
