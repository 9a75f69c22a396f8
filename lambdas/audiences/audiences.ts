import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { CHANNELS } from '../contract/inputs.ts';
import { PUBLISHED_ROOT } from '../contract/lake-layout.ts';
import type { PlaybookAction, Playbooks } from '../contract/playbooks.ts';
import {
  CHURN_RISKS,
  FUNNEL_STAGES,
  LIFECYCLES,
  PRODUCT_MIXES,
  TENURE_BUCKETS,
  TRADE_FREQUENCIES,
  VALUE_TIERS,
} from '../contract/segments.ts';
import { EXPOSURES, INGEST_LOG, INGEST_PARTITIONS } from '../contract/tables.ts';
import { playbookCampaignId } from '../experiments/campaign-results.ts';
import { isHeldOut } from '../experiments/holdout.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlTableParam } from '../warehouse/sql.ts';

/** One written audience. */
export interface AudienceReport {
  readonly actionId: string;
  readonly description: string;
  readonly channel: string;
  /** Users in the CSV: the treated arm of the action's audience of R. */
  readonly users: number;
  /** Users of the audience in the control arm, left out of the CSV. */
  readonly heldOut: number;
  /** Users in the audience for the first time, both arms: recorded as exposures of `playbook:<action>`. */
  readonly firstExposures: number;
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
  'churn_risks',
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
          // A user without a forecast reads as 'none': matched only when the action leaves the band open.
          delimited(where.churn_risk ?? [...CHURN_RISKS, 'none']),
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
  'p_active_30d',
  'churn_risk',
  'snapshot_date',
] as const;

function toCsv(rows: readonly Row[]): string {
  return stringify(
    rows.map((row) => AUDIENCE_COLUMNS.map((column) => row[column] ?? '')),
    { header: true, columns: [...AUDIENCE_COLUMNS] },
  );
}

/** The columns of an exposure row as the playbook audiences record it, partition last. */
const EXPOSURE_ROW_COLUMNS = [...EXPOSURES.columns.map((column) => column.name), 'dt'];

/**
 * The users with an exposure to one of the actions' campaigns dated before R, as
 * `<campaign_id>|<user_id>`: their first appearance in the audience is already recorded.
 */
async function usersExposedBefore(
  engine: Engine,
  runDate: string,
  playbooks: Playbooks,
): Promise<Set<string>> {
  const rows = await engine.query(
    queryFile('audiences/playbook_exposed_users', {
      run_date: { date: runDate },
      campaign_ids: playbooks.map((action) => playbookCampaignId(action.id)),
    }),
  );
  return new Set(rows.map((row) => `${String(row.campaign_id)}|${String(row.user_id)}`));
}

/** A user's first appearance in an action's audience, to be recorded as their exposure. */
interface FirstExposure {
  readonly campaignId: string;
  readonly userId: string;
  readonly arm: 'treatment' | 'control';
  /** `playbook:<action>@<R>`: which audience recorded it. */
  readonly sourceFile: string;
}

/** The audience of one action split by the hash rule into the users of the CSV and the control arm. */
function splitArms(action: PlaybookAction, audience: readonly Row[]): { treated: Row[]; control: Row[] } {
  const treated: Row[] = [];
  const control: Row[] = [];
  for (const row of audience) {
    (isHeldOut(action.id, String(row.user_id), action.holdout_share) ? control : treated).push(row);
  }
  return { treated, control };
}

function playbookExposuresFile(runDate: string): string {
  return `playbook-audiences@${runDate}`;
}

/** The ingest id of the exposures the playbook audiences of R record (see recordFirstExposures). */
export function playbookExposuresIngestId(runDate: string): string {
  return createHash('sha256').update(playbookExposuresFile(runDate), 'utf8').digest('hex');
}

/**
 * Records the first appearances of R as exposures, the way an ingest stores a file: the rows in
 * `exposures`, the dates in `ingest_partitions` and one `ingest_log` row, so the run sees them as
 * new data. Everything about the ingest is derived from R (its id, the times), and each write
 * replaces the files of the same prefix: running R again gives the same tables, not twice the rows.
 */
async function recordFirstExposures(
  engine: Engine,
  runDate: string,
  exposures: readonly FirstExposure[],
): Promise<void> {
  const file = playbookExposuresFile(runDate);
  const ingestId = playbookExposuresIngestId(runDate);
  const filePrefix = ingestId.slice(0, 16);
  const midnight = { timestamp: `${runDate} 00:00:00` };
  const lines = exposures.map((exposure, i) => [
    exposure.campaignId,
    exposure.userId,
    exposure.arm,
    midnight,
    exposure.sourceFile,
    i + 1,
    ingestId,
    midnight,
    { date: runDate },
  ]);
  await engine.writeRows(
    EXPOSURES,
    { columns: EXPOSURE_ROW_COLUMNS, rows: lines },
    { kind: 'append', filePrefix },
  );
  await engine.writeRows(
    INGEST_PARTITIONS,
    {
      columns: ['ingest_id', 'kind', 'dt', 'rows_accepted'],
      rows: lines.length === 0 ? [] : [[ingestId, 'exposures', { date: runDate }, lines.length]],
    },
    { kind: 'append', filePrefix: ingestId },
  );
  await engine.write(
    INGEST_LOG,
    queryFile('ingest/ingest_log', {
      ingest_id: ingestId,
      file,
      kind: 'exposures',
      ingested_at: midnight,
      rows_read: lines.length,
      rows_accepted: lines.length,
      rows_duplicate: 0,
      rows_quarantined: 0,
    }),
    { kind: 'append', filePrefix: ingestId },
  );
}

/**
 * Writes each playbook action's audience for run date R as CSV under `published/<R>/audiences/`,
 * plus `counts.csv` with the users per action and arm. One query over the snapshot finds every
 * audience; each action's holdout (docs/contract.md, Holdouts on growthlake's own audiences) leaves
 * its control users out of the CSV, and the users in an action's audience for the first time, in
 * either arm, are recorded as exposures of `playbook:<action>` assigned at R 00:00:00Z.
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
  const exposedBefore = await usersExposedBefore(engine, runDate, playbooks);
  const firstExposures: FirstExposure[] = [];
  for (const action of playbooks) {
    const { treated, control } = splitArms(action, audiences.get(action.id) ?? []);
    const campaignId = playbookCampaignId(action.id);
    const sourceFile = `${campaignId}@${runDate}`;
    const before = firstExposures.length;
    for (const [arm, users] of [
      ['treatment', treated],
      ['control', control],
    ] as const) {
      for (const row of users) {
        const userId = String(row.user_id);
        if (!exposedBefore.has(`${campaignId}|${userId}`))
          firstExposures.push({ campaignId, userId, arm, sourceFile });
      }
    }
    const key = `${prefix}/${action.id}.csv`;
    await store.put(key, toCsv(treated));
    reports.push({
      actionId: action.id,
      description: action.description,
      channel: action.channel,
      users: treated.length,
      heldOut: control.length,
      firstExposures: firstExposures.length - before,
      key,
    });
  }
  await recordFirstExposures(engine, runDate, firstExposures);
  await store.put(
    `${prefix}/counts.csv`,
    stringify(
      reports.map((r) => [r.actionId, r.channel, r.users, r.heldOut, r.firstExposures, r.description]),
      {
        header: true,
        columns: ['action_id', 'channel', 'users', 'held_out', 'first_exposures', 'description'],
      },
    ),
  );
  return reports;
}
