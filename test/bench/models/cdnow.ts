import { readFileSync } from 'node:fs';

/** One customer of the CDNOW sample: Fader & Hardie's 2,357-customer cohort, times in weeks. */
export interface CdnowCustomer {
  readonly id: number;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  readonly zbar: number;
}

/**
 * Reads the CDNOW summary (columns ID,x,t_x,T,zbar) kept beside the tests, a copy of the file
 * Fader & Hardie distribute with their BG/NBD and Gamma-Gamma notes.
 */
export function loadCdnow(): CdnowCustomer[] {
  const text = readFileSync(new URL('./fixtures/cdnow_summary.csv', import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [id, x, tx, T, zbar] = line.split(',').map(Number) as [number, number, number, number, number];
      return { id, x, tx, T, zbar };
    });
}
