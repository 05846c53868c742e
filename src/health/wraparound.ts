import { z } from 'zod';
import { formatCount } from '../core/format.js';
import type { ReportInput } from '../core/rule.js';
import { daysUntil, formatDays, formatPercent } from './format.js';
import type { HealthFacts } from './model.js';

/** XIDs and MultiXact IDs wrap at 2³¹; PostgreSQL stops assigning new ones about 3 million before. */
export const WRAP_LIMIT = 2 ** 31;
const STOP_MARGIN = 3_000_000;

export interface WraparoundOptions {
  freezeShare: number;
  warningShare: number;
  errorShare: number;
  warningDays: number;
}

/** The findings of one counter (XID or MultiXact) for every database. */
export function wraparoundFindings(
  facts: HealthFacts,
  counter: 'xid' | 'mxid',
  options: WraparoundOptions,
): ReportInput[] {
  const found: ReportInput[] = [];
  const { wraparound } = facts;
  const freezeMaxAge = counter === 'xid' ? wraparound.freezeMaxAge : wraparound.multixactFreezeMaxAge;
  const perSecond = counter === 'xid' ? wraparound.xidPerSecond : wraparound.mxidPerSecond;
  const what = counter === 'xid' ? 'transaction ID' : 'MultiXact ID';
  const setting = counter === 'xid' ? 'autovacuum_freeze_max_age' : 'autovacuum_multixact_freeze_max_age';
  for (const database of wraparound.databases) {
    const age = counter === 'xid' ? database.xidAge : database.mxidAge;
    const share = age / WRAP_LIMIT;
    const days = daysUntil(WRAP_LIMIT - STOP_MARGIN - age, perSecond);
    let severity: ReportInput['severity'] | null = null;
    if (share >= options.errorShare) severity = 'error';
    else if (share >= options.warningShare || (days !== null && days <= options.warningDays))
      severity = 'warning';
    else if (freezeMaxAge > 0 && age >= options.freezeShare * freezeMaxAge) severity = 'info';
    if (severity === null) continue;
    const rate =
      perSecond === null
        ? ' (run with --sample 60s for the days left at the current rate)'
        : days === null
          ? ` (no ${what}s consumed during the sample)`
          : `; at ${formatCount(perSecond)} per second it stops accepting writes in ${formatDays(days)}`;
    found.push({
      message: `database ${database.name} is ${formatCount(age)} ${what}s old (${formatPercent(share)} of the way to wraparound, ${formatPercent(freezeMaxAge > 0 ? age / freezeMaxAge : 0)} of ${setting} ${formatCount(freezeMaxAge)})${rate}`,
      location: { object: database.name, kind: 'database' },
      severity,
      fix: database.name === facts.server.database ? 'VACUUM (FREEZE, VERBOSE);' : null,
      evidence: { database: database.name, age, share, freezeMaxAge, perSecond, days },
    });
  }
  return found;
}

export const wraparoundOptions = z.object({
  freezeShare: z.number().min(0).default(0.9).describe('Info at this share of the freeze max age setting'),
  warningShare: z.number().min(0).max(1).default(0.5).describe('Warn at this share of the 2³¹ limit'),
  errorShare: z.number().min(0).max(1).default(0.75).describe('Error at this share of the 2³¹ limit'),
  warningDays: z
    .number()
    .min(0)
    .default(30)
    .describe('With a sample: warn when the limit is this many days away'),
});
