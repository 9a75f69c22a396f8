import { stringify } from 'csv-stringify/sync';
import { CHANNELS } from '../contract/inputs.ts';
import type { PlaybookAction, Playbooks } from '../contract/playbooks.ts';
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
import { queryFile, type SqlParams } from '../warehouse/sql.ts';

/** One written audience. */
export interface AudienceReport {
  readonly actionId: string;
  readonly description: string;
  readonly channel: string;
  readonly users: number;
  /** The CSV's key in the store. */
  readonly key: string;
}

/** The query parameters of one action: unconstrained dimensions allow every value. */
export function audienceParams(action: PlaybookAction, runDate: string): SqlParams {
  const where = action.where;
  return {
    run_date: { date: runDate },
    action_id: action.id,
    lifecycle: where.lifecycle ?? [...LIFECYCLES],
    value_tier: where.value_tier ?? [...VALUE_TIERS],
    funnel_stage: where.funnel_stage ?? [...FUNNEL_STAGES],
    tenure_bucket: where.tenure_bucket ?? [...TENURE_BUCKETS],
    trade_frequency: where.trade_frequency ?? [...TRADE_FREQUENCIES],
    product_mix: where.product_mix ?? [...PRODUCT_MIXES],
    partner_channel: where.partner_channel ?? [...CHANNELS, 'none'],
    min_days_since_signup: where.min_days_since_signup ?? -1,
    max_days_since_signup: where.max_days_since_signup ?? -1,
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
 * plus `counts.csv` with the users per action.
 */
export async function writeAudiences(
  engine: Engine,
  store: ObjectStore,
  runDate: string,
  playbooks: Playbooks,
): Promise<AudienceReport[]> {
  const prefix = `published/${runDate}/audiences`;
  const reports: AudienceReport[] = [];
  for (const action of playbooks) {
    const rows = await engine.query(queryFile('audiences/audience', audienceParams(action, runDate)));
    const key = `${prefix}/${action.id}.csv`;
    await store.put(key, toCsv(rows));
    reports.push({
      actionId: action.id,
      description: action.description,
      channel: action.channel,
      users: rows.length,
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
