/**
 * The churn model of a run date (docs/contract.md, user_segments: p_active_30d): fitted on the
 * users known at the cut-off C = R - 30 and whether they were active in (C, R], validated on the
 * same outcomes against the model of C (fitted with data up to C only), and written to
 * `churn_model`, from where the user_segments view scores every user of R's snapshot.
 */
import { addDays } from '../contract/dates.ts';
import { CHURN_HORIZON_DAYS, CHURN_MODEL } from '../contract/tables.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlParam } from '../warehouse/sql.ts';
import {
  CHURN_DIMENSION_NAMES,
  CHURN_DIMENSIONS,
  type ChurnCoefficient,
  type ChurnDimension,
  type ChurnLevels,
  churnLogit,
  designColumns,
  designRow,
  INTERCEPT,
} from './features.ts';
import { type BinomialGroup, fitLogistic } from './logistic.ts';
import { PRIOR_COEFFICIENTS } from './prior.ts';
import { rocAuc } from './validation.ts';

/** Fewer users at the cut-off than this, or all of them alike, and the run keeps the prior. */
export const MIN_TRAINING_USERS = 200;

/** The L2 penalty of the fit (see fitLogistic): about one user's worth of shrinkage per level. */
export const CHURN_L2 = 1;

/** Users sharing one combination of levels at the cut-off, and how many were active after it. */
export interface ChurnCell {
  readonly levels: ChurnLevels;
  readonly users: number;
  readonly activeUsers: number;
}

/** What the fit of one run date gave. */
export interface ChurnFitReport {
  readonly runDate: string;
  readonly cutoffDate: string;
  readonly source: 'fit' | 'prior';
  readonly coefficients: readonly ChurnCoefficient[];
  readonly trainingUsers: number;
  readonly trainingActiveRate: number | null;
  readonly trainingAuc: number | null;
  readonly holdoutAuc: number | null;
  readonly holdoutRecencyAuc: number | null;
}

/** The cells of the training query's rows. */
export function churnCells(rows: readonly Row[]): ChurnCell[] {
  return rows.map((row) => ({
    levels: Object.fromEntries(
      CHURN_DIMENSION_NAMES.map((dimension) => [dimension, String(row[`${dimension}_level`])]),
    ) as ChurnLevels,
    users: Number(row.users),
    activeUsers: Number(row.active_users),
  }));
}

/**
 * Fits the model on cells: the coefficients by design column (see designColumns). A level no user
 * had (the penalty leaves it at 0, the average level) takes the coefficient of the nearest level
 * before it that users had, or after it for the first ones: the levels are ordered, so a user
 * idle for longer than anyone at the cut-off is scored like the longest-idle ones, not like an
 * average user.
 */
export function fitChurnCoefficients(cells: readonly ChurnCell[]): ChurnCoefficient[] {
  const groups: BinomialGroup[] = cells.map((cell) => ({
    x: designRow(cell.levels),
    trials: cell.users,
    successes: cell.activeUsers,
  }));
  const fit = fitLogistic(groups, { l2: CHURN_L2 });
  const fitted = designColumns().map((column, j) => ({
    ...column,
    coefficient: fit.coefficients[j] as number,
  }));
  const seen = new Set(
    cells.flatMap((cell) =>
      CHURN_DIMENSION_NAMES.map((dimension) => `${dimension}|${cell.levels[dimension]}`),
    ),
  );
  return fitted.map((c) => {
    if (c.feature === INTERCEPT || seen.has(`${c.feature}|${c.level}`)) return c;
    const levels: readonly string[] = CHURN_DIMENSIONS[c.feature as ChurnDimension];
    const at = levels.indexOf(c.level);
    const nearest = [...levels.slice(0, at).reverse(), ...levels.slice(at + 1)].find((level) =>
      seen.has(`${c.feature}|${level}`),
    );
    const donor = fitted.find((d) => d.feature === c.feature && d.level === nearest);
    return { ...c, coefficient: donor?.coefficient ?? 0 };
  });
}

/** The ROC AUC over cells of a score of their levels. */
export function cellsAuc(cells: readonly ChurnCell[], score: (levels: ChurnLevels) => number): number | null {
  return rocAuc(
    cells.map((cell) => ({ score: score(cell.levels), users: cell.users, active: cell.activeUsers })),
  );
}

/** The naive baseline's score: fewer days since the last active day, by recency level, ranks higher. */
export function recencyScore(levels: ChurnLevels): number {
  return -CHURN_DIMENSIONS.recency.indexOf(levels.recency as (typeof CHURN_DIMENSIONS.recency)[number]);
}

/** Fits the model of run date R from the states of R - 30 and R (see the module comment). */
export async function fitChurnModel(engine: Engine, runDate: string): Promise<ChurnFitReport> {
  const cutoffDate = addDays(runDate, -CHURN_HORIZON_DAYS);
  const cells = churnCells(
    await engine.query(
      queryFile('churn/churn_training_cells', {
        cutoff_date: { date: cutoffDate },
        run_date: { date: runDate },
      }),
    ),
  );
  const users = cells.reduce((sum, cell) => sum + cell.users, 0);
  const active = cells.reduce((sum, cell) => sum + cell.activeUsers, 0);
  const report =
    users < MIN_TRAINING_USERS || active === 0 || active === users
      ? prior(runDate, cutoffDate)
      : await fitted(engine, runDate, cutoffDate, cells, users, active);
  await writeChurnModel(engine, report);
  return report;
}

function prior(runDate: string, cutoffDate: string): ChurnFitReport {
  return {
    runDate,
    cutoffDate,
    source: 'prior',
    coefficients: PRIOR_COEFFICIENTS,
    trainingUsers: 0,
    trainingActiveRate: null,
    trainingAuc: null,
    holdoutAuc: null,
    holdoutRecencyAuc: null,
  };
}

async function fitted(
  engine: Engine,
  runDate: string,
  cutoffDate: string,
  cells: readonly ChurnCell[],
  users: number,
  active: number,
): Promise<ChurnFitReport> {
  const coefficients = fitChurnCoefficients(cells);
  const previous = (
    await engine.query(queryFile('churn/churn_model_of', { run_date: { date: cutoffDate } }))
  ).map((row) => ({
    feature: String(row.feature),
    level: String(row.level),
    coefficient: Number(row.coefficient),
  }));
  return {
    runDate,
    cutoffDate,
    source: 'fit',
    coefficients,
    trainingUsers: users,
    trainingActiveRate: active / users,
    trainingAuc: cellsAuc(cells, (levels) => churnLogit(coefficients, levels)),
    holdoutAuc: previous.length === 0 ? null : cellsAuc(cells, (levels) => churnLogit(previous, levels)),
    holdoutRecencyAuc: previous.length === 0 ? null : cellsAuc(cells, recencyScore),
  };
}

async function writeChurnModel(engine: Engine, report: ChurnFitReport): Promise<void> {
  const columns = [...CHURN_MODEL.columns.map((column) => column.name), 'run_date'];
  const rows: SqlParam[][] = report.coefficients.map((c) => [
    c.feature,
    c.level,
    c.coefficient,
    report.source,
    { date: report.cutoffDate },
    report.trainingUsers,
    report.trainingActiveRate,
    report.trainingAuc,
    report.holdoutAuc,
    report.holdoutRecencyAuc,
    { date: report.runDate },
  ]);
  await engine.writeRows(
    CHURN_MODEL,
    { columns, rows },
    { kind: 'replace-partitions', partitions: [report.runDate] },
  );
}

/** Fits the model of each run date, in order (a later date's holdout reads an earlier one's model). */
export async function fitChurnModels(engine: Engine, runDates: readonly string[]): Promise<ChurnFitReport[]> {
  const reports: ChurnFitReport[] = [];
  for (const runDate of [...runDates].sort()) reports.push(await fitChurnModel(engine, runDate));
  return reports;
}
