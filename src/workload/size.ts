import { PgwardenError } from '../core/errors.js';

const UNITS: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
};

/** A size as PostgreSQL writes them (`500MB`, `1.5 GB`, `200kB`; units of 1024), in bytes. */
export function parseSize(text: string): number {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? (match[2] || 'b').toLowerCase() : '';
  const factor = UNITS[unit];
  if (!match || factor === undefined) {
    throw new PgwardenError('usage', `not a size: ${JSON.stringify(text)}`, {
      hint: 'write a number and a unit: 500MB, 2GB, 800kB',
    });
  }
  return Math.round(Number(match[1]) * factor);
}
