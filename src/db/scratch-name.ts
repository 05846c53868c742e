import { randomBytes } from 'node:crypto';

/** Every scratch database's name starts with this, so leftovers of a killed run can be recognised and dropped. */
export const SCRATCH_PREFIX = 'pgwarden_scratch_';

export function scratchName(): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${SCRATCH_PREFIX}${stamp}_${process.pid}_${randomBytes(3).toString('hex')}`;
}
