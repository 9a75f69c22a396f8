/** A value rounded to cents (two decimals), as money is written. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** A value rounded to `digits` decimals. */
export function roundTo(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** The sum of some numbers. */
export function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
