import type { TypeRef } from '../sql/types.js';

/**
 * A time zone PostgreSQL takes as UTC when it decides whether timestamp ↔ timestamptz must rewrite: any zone of
 * fixed offset zero (UTC, Etc/UTC, GMT, Zulu, '+00:00', 0…). A zone with daylight saving time (Europe/London) is
 * not, even in winter.
 */
export function isUtcZone(zone: string | undefined): boolean {
  if (zone === undefined) return false;
  const name = zone.trim();
  return (
    /^(etc\/)?(utc|uct|gmt([+-]?0)?|zulu|universal|greenwich)$/i.test(name) ||
    /^[+-]?0+(:0+){0,2}$/.test(name)
  );
}

/**
 * timestamp → timestamptz or the reverse, keeping (or widening) the precision: from PostgreSQL 12 such a change
 * keeps the table's files when the session's time zone is UTC (the stored values are the same microseconds).
 */
export function betweenTimestamps(from: TypeRef, to: TypeRef): boolean {
  const names = new Set([from.name, to.name]);
  if (from.name === to.name || !names.has('timestamp') || !names.has('timestamptz')) return false;
  if (from.array !== to.array) return false;
  if (to.mods.length === 0) return true;
  return from.mods.length > 0 && to.mods[0]! >= from.mods[0]!;
}
