const TIMESTAMP =
  /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:\s*([A-Za-z][A-Za-z0-9_/+-]*|[+-]\d\d(?::?\d\d)?|Z))?$/;

/** The zone offset (minutes east of UTC) of a numeric zone; 0 for UTC, GMT, Z and names pgwarden cannot place. */
function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  const numeric = /^([+-])(\d\d):?(\d\d)?$/.exec(zone);
  if (!numeric) return 0;
  const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
  return numeric[1] === '-' ? -minutes : minutes;
}

let lastSecondKey = '';
let lastSecondMs: number | null = null;

/**
 * A PostgreSQL log timestamp (`2024-05-01 10:00:00.123 UTC`, `… +02`) as epoch milliseconds, or null. Lines of one
 * second share the parse of everything but the fraction, the usual case by far.
 */
export function parseLogTime(text: string): number | null {
  let rest = 19;
  let fraction = 0;
  if (text.charCodeAt(19) === 46) {
    let end = 20;
    while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
    fraction = Number(text.slice(20, Math.min(end, 23)).padEnd(3, '0'));
    rest = end;
  }
  const key = text.slice(0, 19) + text.slice(rest);
  if (key !== lastSecondKey) {
    lastSecondKey = key;
    lastSecondMs = null;
    const m = TIMESTAMP.exec(key.trim());
    if (m) {
      const base =
        Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) -
        zoneOffsetMinutes(m[8]) * 60_000;
      lastSecondMs = Number.isNaN(base) ? null : base;
    }
  }
  return lastSecondMs === null ? null : lastSecondMs + fraction;
}

/** `--since`/`--until`: an ISO date or date-time (UTC unless it names a zone). */
export function parseBoundary(text: string): number | null {
  const trimmed = text.trim();
  const fromLog = parseLogTime(trimmed);
  if (fromLog !== null) return fromLog;
  const dateOnly = /^\d{4}-\d\d-\d\d$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed;
  const ms = Date.parse(dateOnly);
  return Number.isNaN(ms) ? null : ms;
}

/** `%n`: seconds since the epoch with milliseconds. */
export function parseEpochTime(text: string): number | null {
  const seconds = Number(text);
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : null;
}
