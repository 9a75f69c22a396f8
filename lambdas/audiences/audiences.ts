import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { CHANNELS } from '../contract/inputs.ts';
import { PUBLISHED_ROOT } from '../contract/lake-layout.ts';
import type { Playbooks } from '../contract/playbooks.ts';
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
import type { ObjectStore } from '../storage/object-store.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlQueryParam, type SqlTableParam } from '../warehouse/sql.ts';

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
  'campaign_id',
  'action_order',
  'holdout_share',
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
 * The playbook as the `:actions` rows of the audience query: per action its id, its campaign id
 * (`playbook:<action>`), its place in the playbook (from 1), its holdout share, for each dimension
 * the allowed values (every value where the action leaves the dimension open), and its bounds.
 */
export function audienceActions(playbooks: Playbooks): SqlTableParam {
  return {
    table: {
      columns: ACTION_COLUMNS,
      rows: playbooks.map((action, i) => {
        const where = action.where;
        return [
          action.id,
          playbookCampaignId(action.id),
          i + 1,
          action.holdout_share,
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

/** Audience rows as CSV lines, with the header row when `header`. */
function toCsv(rows: readonly Row[], header: boolean): string {
  return stringify(
    rows.map((row) => AUDIENCE_COLUMNS.map((column) => row[column] ?? '')),
    { header, columns: [...AUDIENCE_COLUMNS] },
  );
}

/** The audience query of R over `playbooks`, as a `:audience` parameter of the queries that read it. */
function audienceQuery(runDate: string, playbooks: Playbooks): SqlQueryParam {
  return {
    query: queryFile('audiences/audience', {
      run_date: { date: runDate },
      actions: audienceActions(playbooks),
    }),
  };
}

/**
 * One action's audience CSV, the treated arm by user_id, from one query read in the batches the
 * engine hands over: JavaScript holds one batch, never the audience.
 */
async function* treatedAudienceCsv(engine: Engine, audience: SqlQueryParam): AsyncGenerator<Buffer> {
  let header = true;
  for await (const batch of engine.queryBatches(queryFile('audiences/treated_audience', { audience }))) {
    // Bytes, not strings: the S3 upload sizes its parts by each chunk's byteLength.
    yield Buffer.from(toCsv(batch, header), 'utf8');
    header = false;
  }
  if (header) yield Buffer.from(toCsv([], true), 'utf8');
}

function playbookExposuresFile(runDate: string): string {
  return `playbook-audiences@${runDate}`;
}

/** The ingest id of the exposures the playbook audiences of R record (see recordFirstExposures). */
export function playbookExposuresIngestId(runDate: string): string {
  return createHash('sha256').update(playbookExposuresFile(runDate), 'utf8').digest('hex');
}

/** One row of `counts.csv`, as audiences/audience_counts returns it. */
interface AudienceCounts {
  readonly users: number;
  readonly heldOut: number;
  readonly firstExposures: number;
}

/**
 * Records the first appearances of R as exposures, the way an ingest stores a file: the rows in
 * `exposures` (one `insert ... select` from the audience, audiences/first_exposures), the dates in
 * `ingest_partitions` and one `ingest_log` row, so the run sees them as new data; then counts the
 * audiences' arms and the rows recorded per action (audiences/audience_counts). Everything about
 * the ingest is derived from R (its id, the times, the line numbers), and each write replaces the
 * files of the same prefix: running R again gives the same tables, not twice the rows.
 */
async function recordFirstExposures(
  engine: Engine,
  runDate: string,
  playbooks: Playbooks,
): Promise<Map<string, AudienceCounts>> {
  const file = playbookExposuresFile(runDate);
  const ingestId = playbookExposuresIngestId(runDate);
  const filePrefix = ingestId.slice(0, 16);
  const runDateParam = { date: runDate };
  const audience = audienceQuery(runDate, playbooks);
  await engine.write(
    EXPOSURES,
    queryFile('audiences/first_exposures', {
      run_date: runDateParam,
      ingest_id: ingestId,
      audience,
      exposed_before: {
        query: queryFile('audiences/playbook_exposed_users', {
          run_date: runDateParam,
          campaign_ids: playbooks.map((action) => playbookCampaignId(action.id)),
        }),
      },
    }),
    { kind: 'append', filePrefix },
  );
  const rows = await engine.query(
    queryFile('audiences/audience_counts', {
      run_date: runDateParam,
      ingest_id: ingestId,
      actions: audienceActions(playbooks),
      audience,
    }),
  );
  const counts = new Map(
    rows.map((row) => [
      String(row.action_id),
      {
        users: Number(row.users),
        heldOut: Number(row.held_out),
        firstExposures: Number(row.first_exposures),
      },
    ]),
  );
  const recorded = [...counts.values()].reduce((sum, c) => sum + c.firstExposures, 0);
  const midnight = { timestamp: `${runDate} 00:00:00` };
  await engine.writeRows(
    INGEST_PARTITIONS,
    {
      columns: ['ingest_id', 'kind', 'dt', 'rows_accepted'],
      rows: recorded === 0 ? [] : [[ingestId, 'exposures', runDateParam, recorded]],
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
      rows_read: recorded,
      rows_accepted: recorded,
      rows_duplicate: 0,
      rows_quarantined: 0,
    }),
    { kind: 'append', filePrefix: ingestId },
  );
  return counts;
}

/**
 * Writes each playbook action's audience for run date R as CSV under `published/<R>/audiences/`,
 * plus `counts.csv` with the users per action and arm. The user base stays in the engine: the
 * audience query (audiences/audience) finds every action's audience and splits it by the holdout
 * rule (docs/contract.md, Holdouts on growthlake's own audiences); the users in an action's
 * audience for the first time, in either arm, are recorded as exposures of `playbook:<action>`
 * assigned at R 00:00:00Z by one write; the counts come from one aggregate query; and each CSV,
 * the treated arm only, is streamed to the store from one query, a batch of users at a time.
 */
export async function writeAudiences(
  engine: Engine,
  store: ObjectStore,
  runDate: string,
  playbooks: Playbooks,
): Promise<AudienceReport[]> {
  const prefix = `${PUBLISHED_ROOT}/${runDate}/audiences`;
  const counts = await recordFirstExposures(engine, runDate, playbooks);
  const reports: AudienceReport[] = [];
  for (const action of playbooks) {
    const key = `${prefix}/${action.id}.csv`;
    await store.putStream(key, Readable.from(treatedAudienceCsv(engine, audienceQuery(runDate, [action]))));
    const count = counts.get(action.id);
    reports.push({
      actionId: action.id,
      description: action.description,
      channel: action.channel,
      users: count?.users ?? 0,
      heldOut: count?.heldOut ?? 0,
      firstExposures: count?.firstExposures ?? 0,
      key,
    });
  }
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
