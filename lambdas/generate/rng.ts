import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Draws discarded after seeding: xoroshiro's first outputs from a small seed are poorly mixed. */
const WARM_UP_DRAWS = 32;

/** 32-bit FNV-1a, to turn a stream name into seed bits. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/** The murmur3 finalizer: spreads neighbouring seeds (1, 2, 3...) over the whole state space. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** ln(n!) by Stirling's series; exact table below 16 where the series is least accurate. */
const LOG_FACTORIAL_TABLE = Array.from({ length: 16 }, (_, n) => {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
});

function logFactorial(n: number): number {
  const exact = LOG_FACTORIAL_TABLE[n];
  if (exact !== undefined) return exact;
  const x = n + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
}

/**
 * A seeded source of random numbers and the distributions the generator draws from,
 * on top of pure-rand's xoroshiro128+. Each named stream is independent of the others, so
 * changing how many draws one part of the model makes leaves the other parts' data unchanged.
 */
export class Rng {
  readonly #source: RandomGenerator;
  #spareNormal: number | null = null;

  /**
   * @param seed - the run's seed
   * @param stream - a name for this part of the model, e.g. `'spend'` or `'journeys'`
   */
  public constructor(seed: number, stream: string) {
    this.#source = xoroshiro128plus(mix32(mix32(seed) ^ hashName(stream)));
    for (let i = 0; i < WARM_UP_DRAWS; i++) this.#source.next();
  }

  /** A float uniform in [0, 1). */
  public uniform(): number {
    return uniformFloat64(this.#source);
  }

  /** A float uniform in [min, max). */
  public between(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }

  /** An integer uniform in [min, max], both included. */
  public int(min: number, max: number): number {
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /** True with probability `p`. */
  public chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** One element of a non-empty list, uniformly. */
  public pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.uniform() * items.length)];
    if (item === undefined) throw new RangeError('pick needs a non-empty list');
    return item;
  }

  /** A standard normal draw (Marsaglia's polar method; the second value of each pair is kept). */
  public normal(): number {
    if (this.#spareNormal !== null) {
      const spare = this.#spareNormal;
      this.#spareNormal = null;
      return spare;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.#spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  /** A lognormal draw: `exp(mu + sigma * Z)`; its median is `exp(mu)`. */
  public lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /**
   * A Poisson draw with mean `lambda`: inversion by multiplication for small means,
   * Hörmann's transformed rejection (PTRS) above, so large means cost O(1).
   */
  public poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 12) {
      const limit = Math.exp(-lambda);
      let count = 0;
      let product = this.uniform();
      while (product > limit) {
        count++;
        product *= this.uniform();
      }
      return count;
    }
    const logLambda = Math.log(lambda);
    const b = 0.931 + 2.53 * Math.sqrt(lambda);
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const lhs = Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
      if (lhs <= -lambda + k * logLambda - logFactorial(k)) return k;
    }
  }

  /** A gamma draw with the given shape and scale (mean `shape * scale`), by Marsaglia and Tsang. */
  public gamma(shape: number, scale: number): number {
    if (shape < 1) return this.gamma(shape + 1, scale) * this.uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v * scale;
      }
    }
  }

  /** A beta draw with mean `alpha / (alpha + beta)`. */
  public beta(alpha: number, beta: number): number {
    const x = this.gamma(alpha, 1);
    return x / (x + this.gamma(beta, 1));
  }

  /** The number of failures before the first success of a trial with success probability `p`. */
  public geometric(p: number): number {
    if (p >= 1) return 0;
    if (p <= 0) return Number.POSITIVE_INFINITY;
    return Math.floor(Math.log(1 - this.uniform()) / Math.log(1 - p));
  }
}
