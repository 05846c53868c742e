import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { daysUntil, formatDays, formatPercent } from '../../health/format.js';
import type { HealthFacts, SequenceFacts } from '../../health/model.js';

const TYPE_MAX: Readonly<Record<string, number>> = { smallint: 32_767, integer: 2_147_483_647 };

/** The change that gives the sequence room: the column's type when it is the limit, else the sequence's own. */
function fixOf(sequence: SequenceFacts): string | null {
  const column = sequence.column;
  const statements: string[] = [];
  const columnLimit = column ? TYPE_MAX[column.type] : undefined;
  if (column && columnLimit !== undefined && columnLimit <= sequence.max) {
    if (sequence.dataType !== 'bigint') statements.push(`ALTER SEQUENCE ${sequence.name} AS bigint;`);
    statements.push(`ALTER TABLE ${column.table} ALTER COLUMN ${quote(column.name)} TYPE bigint;`);
    return statements.join('\n');
  }
  const ownMax = TYPE_MAX[sequence.dataType] ?? 2 ** 63;
  if (sequence.increment > 0 && sequence.max < ownMax) return `ALTER SEQUENCE ${sequence.name} NO MAXVALUE;`;
  if (sequence.dataType !== 'bigint' && (!column || column.type === 'bigint'))
    return `ALTER SEQUENCE ${sequence.name} AS bigint;`;
  return null;
}

function quote(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export default defineRule<HealthFacts, { warningShare: number; errorShare: number; warningDays: number }>({
  id: 'health/sequence-exhaustion',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Sequence or integer key close to its maximum',
  reportsOn: ['sequence'],
  docs: {
    why: 'When a sequence reaches its MAXVALUE, every INSERT that takes a value from it fails with "nextval: reached maximum value" — and an `integer` key fed by a bigint sequence fails at 2,147,483,647 with "integer out of range" even though the sequence has room. Values are consumed by failed inserts and rolled-back transactions too, so a table with far fewer rows can still run out. The check measures against the smaller of the sequence\'s maximum and the type of the column it feeds; with `--sample` it says in how many days at the observed rate. Cycling sequences are left out.',
    howToFix:
      "Give it room before it runs out. A sequence with a MAXVALUE below its type's: `ALTER SEQUENCE … NO MAXVALUE`. An `integer` column: change it to `bigint` — `ALTER TABLE … ALTER COLUMN … TYPE bigint` (the fix) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, fine for a small table; on a large one add a bigint column, fill it in batches, and swap it in (with its index built CONCURRENTLY and the key constraint added USING INDEX). Referencing foreign key columns need the same change.",
  },
  options: z.object({
    warningShare: z.number().min(0).max(1).default(0.75).describe('Warn at this share of the range used'),
    errorShare: z.number().min(0).max(1).default(0.9).describe('Error at this share of the range used'),
    warningDays: z
      .number()
      .min(0)
      .default(90)
      .describe('With a sample: warn when the maximum is this many days away'),
  }),
  check({ model, options, report }) {
    for (const sequence of model.sequences) {
      if (sequence.cycle || sequence.used === null || sequence.lastValue === null) continue;
      const remaining =
        Math.abs(sequence.effectiveMax - sequence.lastValue) / Math.max(1, Math.abs(sequence.increment));
      const days = daysUntil(
        remaining,
        sequence.perSecond === null ? null : sequence.perSecond / Math.max(1, Math.abs(sequence.increment)),
      );
      let severity: 'error' | 'warning' | null = null;
      if (sequence.used >= options.errorShare) severity = 'error';
      else if (sequence.used >= options.warningShare || (days !== null && days <= options.warningDays))
        severity = 'warning';
      if (!severity) continue;
      const limit =
        sequence.column &&
        TYPE_MAX[sequence.column.type] !== undefined &&
        TYPE_MAX[sequence.column.type]! <= sequence.max
          ? `the ${sequence.column.type} column ${sequence.column.table}.${quote(sequence.column.name)}'s maximum`
          : `its maximum`;
      report({
        message: `sequence ${sequence.name}${sequence.column ? ` (feeding ${sequence.column.table}.${quote(sequence.column.name)})` : ''} is at ${formatCount(sequence.lastValue)}, ${formatPercent(sequence.used)} of the way to ${limit} ${formatCount(sequence.effectiveMax)}: ${formatCount(remaining)} values left${days !== null ? `, ${formatDays(days)} at the sampled rate` : ''}`,
        location: { object: sequence.name, kind: 'sequence' },
        severity,
        fix: fixOf(sequence),
        evidence: { ...sequence, remaining, days },
      });
    }
  },
});
