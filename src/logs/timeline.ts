import type { TimelineBucket } from './model.js';

const MAX_BUCKETS = 1440;
const FIRST_BUCKET_MS = 1000;

interface Bucket {
  queries: number;
  queryMs: number;
  errors: number;
  connections: number;
  tempBytes: number;
  checkpoints: number;
}

export type TimelineField = keyof Bucket;

/**
 * Counts over time for the charts, in at most 1,440 buckets: a second each until the log spans more than 24 minutes,
 * then twice as wide each time it outgrows them, so its size never depends on the log's.
 */
export class Timeline {
  private bucketMs = FIRST_BUCKET_MS;
  private buckets = new Map<number, Bucket>();
  private min = Number.POSITIVE_INFINITY;

  add(time: number | null, field: TimelineField, amount = 1): void {
    if (time === null) return;
    if (time < this.min) this.min = time;
    const key = Math.floor(time / this.bucketMs);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { queries: 0, queryMs: 0, errors: 0, connections: 0, tempBytes: 0, checkpoints: 0 };
      this.buckets.set(key, bucket);
      if (this.buckets.size > MAX_BUCKETS) this.widen();
      bucket = this.buckets.get(Math.floor(time / this.bucketMs))!;
    }
    bucket[field] += amount;
  }

  private widen(): void {
    this.bucketMs *= 2;
    const merged = new Map<number, Bucket>();
    for (const [key, bucket] of this.buckets) {
      const wide = Math.floor((key * this.bucketMs) / 2 / this.bucketMs);
      const into = merged.get(wide);
      if (!into) merged.set(wide, { ...bucket });
      else for (const field of Object.keys(bucket) as TimelineField[]) into[field] += bucket[field];
    }
    this.buckets = merged;
  }

  result(): { bucketSeconds: number; buckets: TimelineBucket[] } {
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    return {
      bucketSeconds: this.bucketMs / 1000,
      buckets: keys.map((key) => ({
        start: new Date(key * this.bucketMs).toISOString(),
        ...this.buckets.get(key)!,
        queryMs: Math.round(this.buckets.get(key)!.queryMs * 1000) / 1000,
      })),
    };
  }
}
