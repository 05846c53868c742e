/** Relative error of a quantile read from the sketch: 1 %. */
const ACCURACY = 0.01;
const GAMMA = (1 + ACCURACY) / (1 - ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this (ms) share one bucket. */
const MIN_VALUE = 1e-3;

/**
 * A quantile sketch with logarithmic buckets (the DDSketch idea): any quantile within 1 % of the true value, in
 * memory that depends on the range of the values (at most ~1,300 buckets from 1 µs to a day), never on their number.
 */
export class QuantileSketch {
  private readonly buckets = new Map<number, number>();
  count = 0;

  add(value: number): void {
    const key = value <= MIN_VALUE ? Number.NEGATIVE_INFINITY : Math.ceil(Math.log(value) / LOG_GAMMA);
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + 1);
    this.count++;
  }

  /** The q-quantile (0 … 1), or null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(0, Math.ceil(q * this.count) - 1);
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const key of keys) {
      seen += this.buckets.get(key)!;
      if (seen > rank) return key === Number.NEGATIVE_INFINITY ? 0 : (2 * GAMMA ** key) / (GAMMA + 1);
    }
    return null;
  }

  get size(): number {
    return this.buckets.size;
  }
}
