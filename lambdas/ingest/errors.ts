/** A file could not be ingested at all (as opposed to a row, which is quarantined). */
export class IngestError extends Error {
  public override readonly name = 'IngestError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The counts of one file's ingest (docs/contract.md, Every input file), as {@link IngestAccountingError} reports them. */
export interface IngestCounts {
  readonly rowsRead: number;
  readonly rowsAccepted: number;
  readonly rowsDuplicate: number;
  readonly rowsQuarantined: number;
}

/**
 * A file's rows do not add up: `rows_read = rows_accepted + rows_duplicate + rows_quarantined`
 * fails, so a row was lost (or counted twice) on the way to the lake. Raised before the ingest is
 * logged as done: like an interrupted ingest, what it wrote is replaced when the file is ingested
 * again.
 */
export class IngestAccountingError extends IngestError {
  public readonly file: string;
  public readonly counts: IngestCounts;

  public constructor(file: string, counts: IngestCounts) {
    const { rowsRead, rowsAccepted, rowsDuplicate, rowsQuarantined } = counts;
    super(
      `${file}: ${rowsRead} rows were read, but ${rowsAccepted} accepted + ${rowsDuplicate} duplicate + ` +
        `${rowsQuarantined} quarantined account for ${rowsAccepted + rowsDuplicate + rowsQuarantined}, ` +
        'so the ingest was not logged as done',
    );
    this.file = file;
    this.counts = counts;
  }
}

/** An events file carries a device or funding id, and the ingest was given no key to pseudonymize it. */
export class MissingPseudonymizationKeyError extends IngestError {
  public constructor(line: number) {
    super(
      `line ${line} carries a device_id or funding_id, and no pseudonymization key is configured, ` +
        'so it cannot be stored without the raw id (see docs/deploy.md, Pseudonymization key)',
    );
  }
}
