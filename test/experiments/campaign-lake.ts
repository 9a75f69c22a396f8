/**
 * Test helpers that write the campaign inputs straight into a lake with the engine, as the
 * campaign ingest will (its branch is not merged yet): the registry snapshot, and exposure files
 * with their ingest_log and ingest_partitions rows.
 */
import { CAMPAIGNS, EXPOSURES, INGEST_LOG, INGEST_PARTITIONS } from '../../lambdas/contract/tables.ts';
import type { Engine } from '../../lambdas/warehouse/engine.ts';

/** One registry row; the windows default as the contract's registry does. */
export interface CampaignRow {
  readonly campaignId: string;
  readonly windowDays?: number;
  readonly preDays?: number;
  readonly holdoutShare: number;
  readonly costPerTreatedUsd?: number;
  readonly primaryMetric: string;
}

/** Replaces the registry snapshot with `rows`. */
export async function writeCampaigns(engine: Engine, rows: readonly CampaignRow[]): Promise<void> {
  await engine.writeRows(
    CAMPAIGNS,
    {
      columns: CAMPAIGNS.columns.map((column) => column.name),
      rows: rows.map((row) => [
        row.campaignId,
        row.campaignId,
        'growth',
        { date: '2026-01-01' },
        null,
        row.windowDays ?? 14,
        row.preDays ?? 30,
        row.holdoutShare,
        row.costPerTreatedUsd ?? 0,
        row.primaryMetric,
      ]),
    },
    { kind: 'replace-table' },
  );
}

/** One exposure row of a file: `assignedAt` in UTC, `YYYY-MM-DD HH:MM:SS`. */
export interface ExposureRow {
  readonly campaignId: string;
  readonly userId: string;
  readonly arm: 'treatment' | 'control';
  readonly assignedAt: string;
  readonly line: number;
}

/**
 * Writes an exposure file's rows as one ingest (`ingestId`, ingested at `ingestedAt`), with its
 * ingest_partitions rows (one per date) and, last, its ingest_log row.
 */
export async function writeExposures(
  engine: Engine,
  ingest: { ingestId: string; file: string; ingestedAt: string },
  rows: readonly ExposureRow[],
): Promise<void> {
  const date = (row: ExposureRow) => row.assignedAt.slice(0, 10);
  await engine.writeRows(
    EXPOSURES,
    {
      columns: [
        'campaign_id',
        'user_id',
        'arm',
        'assigned_at',
        'source_file',
        'source_line',
        'ingest_id',
        'ingested_at',
        'dt',
      ],
      rows: rows.map((row) => [
        row.campaignId,
        row.userId,
        row.arm,
        { timestamp: row.assignedAt },
        ingest.file,
        row.line,
        ingest.ingestId,
        { timestamp: ingest.ingestedAt },
        { date: date(row) },
      ]),
    },
    { kind: 'append', filePrefix: ingest.ingestId },
  );
  const byDate = new Map<string, number>();
  for (const row of rows) byDate.set(date(row), (byDate.get(date(row)) ?? 0) + 1);
  await engine.writeRows(
    INGEST_PARTITIONS,
    {
      columns: ['ingest_id', 'kind', 'dt', 'rows_accepted'],
      rows: [...byDate].map(([dt, count]) => [ingest.ingestId, 'exposures', { date: dt }, count]),
    },
    { kind: 'append', filePrefix: ingest.ingestId },
  );
  await engine.writeRows(
    INGEST_LOG,
    {
      columns: INGEST_LOG.columns.map((column) => column.name),
      rows: [
        [
          ingest.ingestId,
          ingest.file,
          'exposures',
          { timestamp: ingest.ingestedAt },
          rows.length,
          rows.length,
          0,
          0,
        ],
      ],
    },
    { kind: 'append', filePrefix: ingest.ingestId },
  );
}
