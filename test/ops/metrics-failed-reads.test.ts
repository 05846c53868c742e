import { describe, expect, it } from 'vitest';
import type { MetricsReading } from '../../src/health/metrics/collect.js';
import type { TargetScrape } from '../../src/health/metrics/families.js';
import { FailedReads } from '../../src/ops/metrics.js';

function scrape(target: string, failed: { read: string; reason: string }[]): TargetScrape {
  const reading = { failed } as unknown as MetricsReading;
  return { target, reading, error: null, seconds: 0.01 };
}

describe('the exporter logs why a read failed', () => {
  it('when a read starts failing or its reason changes, not at each scrape while it keeps failing', () => {
    const reads = new FailedReads();
    const timeout = { read: 'databases', reason: 'canceling statement due to statement timeout' };
    expect(reads.lines([scrape('app', []), scrape('eu', [])])).toEqual([]);
    expect(reads.lines([scrape('app', [timeout]), scrape('eu', [])])).toEqual([
      'metrics: app: reading databases failed: canceling statement due to statement timeout',
    ]);
    expect(reads.lines([scrape('app', [timeout]), scrape('eu', [])])).toEqual([]);
    const denied = { read: 'databases', reason: 'permission denied for function pg_database_size' };
    expect(reads.lines([scrape('app', [denied]), scrape('eu', [timeout])])).toEqual([
      'metrics: app: reading databases failed: permission denied for function pg_database_size',
      'metrics: eu: reading databases failed: canceling statement due to statement timeout',
    ]);
    // recovered, then failing again: logged again
    expect(reads.lines([scrape('app', []), scrape('eu', [])])).toEqual([]);
    expect(reads.lines([scrape('app', [denied])])).toEqual([
      'metrics: app: reading databases failed: permission denied for function pg_database_size',
    ]);
  });

  it('a target that could not be read at all logs nothing here (its error is logged by the scrape)', () => {
    const reads = new FailedReads();
    expect(
      reads.lines([{ target: 'gone', reading: null, error: 'connect ECONNREFUSED', seconds: 0 }]),
    ).toEqual([]);
  });

  it('a reason that names a connection string is redacted', () => {
    const reads = new FailedReads();
    const [line] = reads.lines([
      scrape('app', [{ read: 'standbys', reason: 'failed for postgres://app:s3cret@db.internal/app' }]),
    ]);
    expect(line).not.toContain('s3cret');
  });
});
