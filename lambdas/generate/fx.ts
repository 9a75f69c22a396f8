import type { Calendar } from './calendar.ts';
import type { Rng } from './rng.ts';

/** The currencies with FX rates, and where their random walks start (USD per unit). */
const FX_START: Readonly<Record<string, number>> = { EUR: 1.08, GBP: 1.27, JPY: 0.0067 };
/** Daily volatility of the log rate. */
const DAILY_VOLATILITY = 0.004;
/** Pull back toward the starting level per day, so long walks stay plausible. */
const MEAN_REVERSION = 0.02;
/** Significant digits written (and used), so conversion matches what a reader of fx.csv computes. */
const SIGNIFICANT_DIGITS = 6;

/** One row of `fx.csv`. */
export interface FxRow {
  readonly date: string;
  readonly currency: string;
  readonly usdPerUnit: number;
}

/** Daily USD-per-unit rates for a few currencies: mean-reverting random walks on the log rate. */
export class FxRates {
  /** The currencies with a rate on every day. */
  public readonly currencies: readonly string[] = Object.keys(FX_START);
  readonly #calendar: Calendar;
  readonly #rates = new Map<string, Float64Array>();

  public constructor(calendar: Calendar, rng: Rng) {
    this.#calendar = calendar;
    const { days } = calendar;
    for (const currency of this.currencies) {
      const start = Math.log(FX_START[currency] as number);
      const rates = new Float64Array(days);
      let logRate = start;
      for (let day = 0; day < days; day++) {
        rates[day] = Number(Math.exp(logRate).toPrecision(SIGNIFICANT_DIGITS));
        logRate += MEAN_REVERSION * (start - logRate) + DAILY_VOLATILITY * rng.normal();
      }
      this.#rates.set(currency, rates);
    }
  }

  /** USD per unit of `currency` on a day; 1 for USD. */
  public usdPerUnit(currency: string, day: number): number {
    if (currency === 'USD') return 1;
    const rate = this.#rates.get(currency)?.[day];
    if (rate === undefined) throw new RangeError(`no FX rate for ${currency} on day ${day}`);
    return rate;
  }

  /** The rows of `fx.csv`, by date then currency. */
  public rows(): FxRow[] {
    const rows: FxRow[] = [];
    for (let day = 0; day < this.#calendar.days; day++) {
      for (const currency of this.currencies) {
        rows.push({ date: this.#calendar.dateOf(day), currency, usdPerUnit: this.usdPerUnit(currency, day) });
      }
    }
    return rows;
  }
}
