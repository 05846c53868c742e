import type { ObjectLocation } from '../core/finding.js';

/** A statement on one line, cut to `max` characters: for messages. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A log finding about one normalized query is located at the query. */
export function queryLocation(normalized: string): ObjectLocation {
  return { object: oneLine(normalized, 200), kind: 'query' };
}

/** Where a finding about the server as a whole is located. */
export function databaseLocation(database: string | null): ObjectLocation {
  return { object: database ?? 'server', kind: 'database' };
}

/** A memory size as PostgreSQL settings take it, rounded up to a power of two: `4MB`, `256MB`, `2GB`. */
export function settingSize(kb: number, minKb = 1024): string {
  let value = minKb;
  while (value < kb) value *= 2;
  if (value >= 1024 * 1024 && value % (1024 * 1024) === 0) return `${value / 1024 / 1024}GB`;
  if (value >= 1024 && value % 1024 === 0) return `${value / 1024}MB`;
  return `${value}kB`;
}
