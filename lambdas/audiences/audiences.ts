import { stringify } from 'csv-stringify/sync';
import { CHANNELS } from '../contract/inputs.ts';
import { PUBLISHED_ROOT } from '../contract/lake-layout.ts';
import type { Playbooks } from '../contract/playbooks.ts';
import {
  FUNNEL_STAGES,
  LIFECYCLES,
  PRODUCT_MIXES,
  TENURE_BUCKETS,
  TRADE_FREQUENCIES,
  VALUE_TIERS,
} from '../contract/segments.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlTableParam } from '../warehouse/sql.ts';

/** One written audience. */
export interface AudienceReport {
  readonly actionId: string;
  readonly description: string;
  readonly channel: string;
  readonly users: number;
  /** The CSV's key in the store. */
  readonly key: string;
}

const ACTION_COLUMNS = [
  'action_id',
  'lifecycles',
  'value_tiers',
  'funnel_stages',
  'tenure_buckets',
  'trade_frequencies',
  'product_mixes',
  'partner_channels',
  'min_days_since_signup',
  'max_days_since_signup',
] as const;

/** Allowed values as the audience query matches them: `|a|b|`. */
const delimited = (values: readonly string[]) => `|${values.join('|')}|`;

/**
 * The playbook as the `:actions` rows of the audience query: per action its id, for each dimension
 * the allowed values (every value where the action leaves the dimension open), and its bounds.
 */
export function audienceActions(playbooks: Playbooks): SqlTableParam {
  return {
    table: {
      columns: ACTION_COLUMNS,
      rows: playbooks.map((action) => {
        const where = action.where;
        return [
          action.id,
          delimited(where.lifecycle ?? LIFECYCLES),
          delimited(where.value_tier ?? VALUE_TIERS),
          delimited(where.funnel_stage ?? FUNNEL_STAGES),
          delimited(where.tenure_bucket ?? TENURE_BUCKETS),
          delimited(where.trade_frequency ?? TRADE_FREQUENCIES),
          delimited(where.product_mix ?? PRODUCT_MIXES),
          delimited(where.partner_channel ?? [...CHANNELS, 'none']),
          where.min_days_since_signup ?? -1,
          where.max_days_since_signup ?? -1,
        ];
      }),
    },
  };
}

const AUDIENCE_COLUMNS = [
  'action_id',
  'user_id',
  'partner_id',
  'partner_channel',
  'lifecycle',
  'value_tier',
  'funnel_stage',
  'tenure_bucket',
  'trade_frequency',
  'product_mix',
  'cohort_date',
  'last_active_date',
  'net_deposits_usd',
  'trades_30d',
  'snapshot_date',
] as const;

function toCsv(rows: readonly Row[]): string {
  return stringify(
    rows.map((row) => AUDIENCE_COLUMNS.map((column) => row[column] ?? '')),
    { header: true, columns: [...AUDIENCE_COLUMNS] },
  );
}

/**
 * Writes each playbook action's audience for run date R as CSV under `published/<R>/audiences/`,
 * plus `counts.csv` with the users per action. One query over the snapshot finds every audience.
 */
export async function writeAudiences(
  engine: Engine,
  store: ObjectStore,
  runDate: string,
  playbooks: Playbooks,
): Promise<AudienceReport[]> {
  const prefix = `${PUBLISHED_ROOT}/${runDate}/audiences`;
  const reports: AudienceReport[] = [];
  const audiences = new Map<string, Row[]>();
  const rows = await engine.query(
    queryFile('audiences/audience', { run_date: { date: runDate }, actions: audienceActions(playbooks) }),
  );
  for (const row of rows) {
    const actionId = String(row.action_id);
    const audience = audiences.get(actionId) ?? [];
    audience.push(row);
    audiences.set(actionId, audience);
  }
  for (const action of playbooks) {
    const audience = audiences.get(action.id) ?? [];
    const key = `${prefix}/${action.id}.csv`;
    await store.put(key, toCsv(audience));
    reports.push({
      actionId: action.id,
      description: action.description,
      channel: action.channel,
      users: audience.length,
      key,
    });
  }
  await store.put(
    `${prefix}/counts.csv`,
    stringify(
      reports.map((r) => [r.actionId, r.channel, r.users, r.description]),
      { header: true, columns: ['action_id', 'channel', 'users', 'description'] },
    ),
  );
  return reports;
}
