/** How numbers and text are written in the dashboard and the digests. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** What an unknown value prints as. */
export const NOT_AVAILABLE = 'n/a';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Short money: `$0`, `$7.50`, `$97`, `$12.3k`, `$1.25M` (cents only below $10). */
export function formatUsd(value: number | null): string {
  if (value === null) return NOT_AVAILABLE;
  const sign = value < 0 ? '-' : '';
  const size = Math.abs(value);
  if (size >= 999_500) return `${sign}$${(size / 1_000_000).toFixed(2)}M`;
  if (size >= 9_995) return `${sign}$${(size / 1000).toFixed(1)}k`;
  if (size >= 10 || Number.isInteger(size)) return `${sign}$${integer.format(size)}`;
  return `${sign}$${size.toFixed(2)}`;
}

/** A count with thousands separators: `1,234`. */
export function formatCount(value: number | null): string {
  return value === null ? NOT_AVAILABLE : integer.format(value);
}

/** A fraction as a percentage: 0.354 -> `35%`; below 10% one decimal: 0.042 -> `4.2%`. */
export function formatPercent(value: number | null): string {
  if (value === null) return NOT_AVAILABLE;
  const percent = value * 100;
  return Math.abs(percent) < 10 && percent !== 0 ? `${percent.toFixed(1)}%` : `${Math.round(percent)}%`;
}

/** A relative change with its sign: 0.08 -> `+8%`, -0.123 -> `-12%`, 0.004 -> `+0.4%`, 0 -> `0%`. */
export function formatChange(change: number | null): string {
  if (change === null) return NOT_AVAILABLE;
  if (change === 0) return '0%';
  const percent = change * 100;
  const text = Math.abs(percent) < 1 ? percent.toFixed(1) : String(Math.round(percent));
  return `${percent >= 0 ? '+' : ''}${text}%`;
}

/** An absolute change of ROI in percentage points: 0.05 -> `+5 pp`. */
export function formatPointChange(change: number | null): string {
  if (change === null) return NOT_AVAILABLE;
  if (change === 0) return '0 pp';
  const points = change * 100;
  const text = Math.abs(points) < 1 ? points.toFixed(1) : String(Math.round(points));
  return `${points >= 0 ? '+' : ''}${text} pp`;
}

/** Which way a change points, for arrows and colours. */
export type Direction = 'up' | 'down' | 'flat' | 'unknown';

/** The direction of a change. */
export function directionOf(change: number | null): Direction {
  if (change === null) return 'unknown';
  if (change === 0) return 'flat';
  return change > 0 ? 'up' : 'down';
}

/** Whether a metric going up is good news (sign-ups), bad news (CAC) or neither (spend). */
export type Polarity = 'higher-is-better' | 'lower-is-better' | 'neutral';

/** How a change reads for a metric: `good`, `bad` or `neutral`. */
export function toneOf(change: number | null, polarity: Polarity): 'good' | 'bad' | 'neutral' {
  const direction = directionOf(change);
  if (polarity === 'neutral' || direction === 'flat' || direction === 'unknown') return 'neutral';
  return (direction === 'up') === (polarity === 'higher-is-better') ? 'good' : 'bad';
}

/** The arrow of a direction. */
export function arrowOf(direction: Direction): string {
  if (direction === 'up') return '▲';
  if (direction === 'down') return '▼';
  return '■';
}
