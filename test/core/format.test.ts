import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCompactCount,
  formatCount,
  formatKb,
  formatMs,
  formatMsPrecise,
  formatPercent,
  formatPercentFixed,
} from '../../src/core/format.js';
import { formatImpact } from '../../src/report/impact.js';

describe('formatPercent', () => {
  it('whole percents from 10%, one decimal below, never 100% short of the whole', () => {
    expect([0, 0.004, 0.0456, 0.1, 0.456, 0.994, 0.995, 0.998, 0.9999, 1].map(formatPercent)).toEqual([
      '0.0%',
      '0.4%',
      '4.6%',
      '10%',
      '46%',
      '99%',
      '99.5%',
      '99.8%',
      '99.9%',
      '100%',
    ]);
  });

  it("a finding's impact column shows the share as its message does (it said 100% for a 99.8% message)", () => {
    const share = 0.998;
    expect(formatImpact({ ms: 499, share })).toBe(`~499 ms (${formatPercent(share)})`);
    expect(formatImpact({ ms: 499, share })).toBe('~499 ms (99.8%)');
  });
});

describe('formatMs', () => {
  it('about three significant figures, seconds from 1 s', () => {
    expect([-1, 0.004, 0.25, 3.45, 12.4, 120.6, 999.4, 1234, 12_345].map(formatMs)).toEqual([
      '0.00 ms',
      '0.00 ms',
      '0.25 ms',
      '3.5 ms',
      '12 ms',
      '121 ms',
      '999 ms',
      '1.23 s',
      '12.3 s',
    ]);
  });

  it("the plan display's precise form", () => {
    expect([0.0123, 3.456, 45.67, 1234.5, 123_456].map(formatMsPrecise)).toEqual([
      '0.012 ms',
      '3.46 ms',
      '45.7 ms',
      '1,235 ms',
      '123.5 s',
    ]);
  });
});

describe('counts and sizes', () => {
  it('counts are rounded, with thousands separators', () => {
    expect([0, 7, 999.6, 12_345, 1_234_567].map(formatCount)).toEqual([
      '0',
      '7',
      '1,000',
      '12,345',
      '1,234,567',
    ]);
    // the same as the locale's grouping, without loading it
    for (const value of [-1_234_567.4, -999, -0.2, 1e3, 999_999.5, 2 ** 53, 1e20, 1e22, Number.NaN, Infinity])
      expect(formatCount(value)).toBe(Math.round(value).toLocaleString('en-US').replace(/^-0$/, '0'));
    expect([0.33, 1000, 12_345, 1_234_567].map(formatCompactCount)).toEqual([
      '0.33',
      '1.00k',
      '12.3k',
      '1.23M',
    ]);
  });

  it('bytes as pg_size_pretty, kB for reading', () => {
    expect([null, 512, 20_480, 5 * 1024 ** 3].map(formatBytes)).toEqual([
      '?',
      '512 bytes',
      '20 kB',
      '5120 MB',
    ]);
    expect([512, 1536, 3 * 1024 * 1024].map(formatKb)).toEqual(['512 kB', '1.5 MB', '3.0 GB']);
    expect(formatPercentFixed(0.4567)).toBe('45.7%');
  });
});
