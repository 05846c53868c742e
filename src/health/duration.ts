import { PgwardenError } from '../core/errors.js';

const UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600 };

/** `60s`, `2m`, `1h`, `500ms` or a plain number of seconds, as seconds; anything else is a usage error. */
export function parseSampleDuration(text: string, what = '--sample'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/i.exec(text);
  const seconds = match ? Number(match[1]) * UNITS[(match[2] ?? 's').toLowerCase()]! : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600)
    throw new PgwardenError('usage', `${what} ${JSON.stringify(text)}: not a duration from 1ms to 1h`, {
      hint: 'e.g. --sample 60s, --sample 5m, --sample 30 (seconds)',
    });
  return seconds;
}
