/**
 * Numbers and units as pgwarden writes them, in one place: messages, impact columns, reports and the plan display
 * all format through here, so one figure reads the same wherever it appears.
 */

/** Bytes as pg_size_pretty shows them (powers of 1024). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '?';
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 10 * 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Math.round(value)} ${units[unit]}`;
}

/** A kB figure for reading (not a setting value: see formatMemoryKb in explain/settings.ts): `512 kB`, `1.5 MB`. */
export function formatKb(kb: number): string {
  if (kb >= 1024 * 1024) return `${(kb / 1024 / 1024).toFixed(1)} GB`;
  if (kb >= 1024) return `${(kb / 1024).toFixed(1)} MB`;
  return `${kb} kB`;
}

/** A count, rounded, with thousands separators: `12,345`. */
export function formatCount(value: number): string {
  const rounded = Math.round(value);
  // toLocaleString would load ICU's number formatting: a tenth of a one-file lint's start
  if (!Number.isFinite(rounded) || Math.abs(rounded) >= 1e21) return rounded.toLocaleString('en-US');
  const grouped = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+$)/g, ',');
  return rounded < 0 ? `-${grouped}` : grouped;
}

/** A count in at most 5 characters, for the plan display's columns: 987, 0.33, 12.3k, 123k, 1.23M. */
export function formatCompactCount(n: number): string {
  if (n < 1000) return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
  let value = n;
  for (const unit of ['k', 'M', 'G', 'T']) {
    value /= 1000;
    // Decide the decimals on the rounded figure, so that 99,999 is 100k and not 100.0k.
    if (Number(value.toFixed(2)) < 10) return `${value.toFixed(2)}${unit}`;
    if (Number(value.toFixed(1)) < 100) return `${value.toFixed(1)}${unit}`;
    if (Math.round(value) < 1000 || unit === 'T') return `${Math.round(value)}${unit}`;
  }
  return String(n);
}

/**
 * A duration in messages and impact columns, to about three significant figures: `0.25 ms`, `3.5 ms`, `120 ms`,
 * `1.23 s`, `12.3 s`. Negative durations (pev2's InitPlan rule, see explain/plan.ts) show as 0.
 */
export function formatMs(ms: number): string {
  const value = Math.max(0, ms);
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 1 : 2)} s`;
  if (value >= 10) return `${formatCount(value)} ms`;
  return `${value.toFixed(value >= 1 ? 1 : 2)} ms`;
}

/**
 * A duration in the plan display, to the precision EXPLAIN gives (as pev2 shows it): `0.012 ms`, `3.46 ms`,
 * `45.7 ms`, `1,235 ms`, `123.5 s`. Negative durations show as 0.
 */
export function formatMsPrecise(ms: number): string {
  const value = Math.max(0, ms);
  if (value >= 100_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${formatCount(value)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  if (value >= 1) return `${value.toFixed(2)} ms`;
  return `${value.toFixed(3)} ms`;
}

/**
 * A share as a percentage, in messages and impact columns alike: whole percents from 10%, one decimal below, and
 * never 100% short of the whole (99.5% to 99.9% keep one decimal): `0.4%`, `45%`, `99.8%`, `100%`.
 */
export function formatPercent(share: number): string {
  const p = Math.max(0, share) * 100;
  if (p >= 99.5 && share < 1) return `${Math.min(p, 99.9).toFixed(1)}%`;
  return p >= 10 ? `${Math.round(p)}%` : `${p.toFixed(1)}%`;
}

/** A share with one decimal always, for the plan display's aligned columns: `0.4%`, `45.3%`. */
export function formatPercentFixed(share: number): string {
  return `${(Math.max(0, share) * 100).toFixed(1)}%`;
}
