import { z } from 'zod';
import type { ColumnInfo, SequenceInfo, TableInfo } from '../../catalog/model.js';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { foreignKeys, identSql, tableSql } from '../../schema/keys.js';
import { qualifiedIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

const RANGE: Readonly<Record<string, readonly [bigint, bigint, string]>> = {
  int2: [-32768n, 32767n, 'smallint'],
  int4: [-2147483648n, 2147483647n, 'integer'],
  int8: [-9223372036854775808n, 9223372036854775807n, 'bigint'],
};

interface Options {
  warnAt: number;
  errorAt: number;
}

/** How far a sequence has gone towards the first limit it meets: its own, or its column type's. */
export function sequenceUse(
  sequence: SequenceInfo,
  columnType: string,
): { used: number; limit: bigint; last: bigint; limitedBy: 'sequence' | 'column' } | null {
  const range = RANGE[columnType];
  if (!range || sequence.lastValue === null || sequence.cycle) return null;
  const increment = BigInt(sequence.increment);
  const start = BigInt(sequence.start);
  const last = BigInt(sequence.lastValue);
  if (increment > 0n) {
    const own = BigInt(sequence.max);
    const limit = own < range[1] ? own : range[1];
    if (limit <= start) return null;
    return {
      used: Number(last - start) / Number(limit - start),
      limit,
      last,
      limitedBy: own < range[1] ? 'sequence' : 'column',
    };
  }
  const own = BigInt(sequence.min);
  const limit = own > range[0] ? own : range[0];
  if (limit >= start) return null;
  return {
    used: Number(start - last) / Number(start - limit),
    limit,
    last,
    limitedBy: own > range[0] ? 'sequence' : 'column',
  };
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/sequence-overflow',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Sequence-fed column that is running out of values',
  reportsOn: ['column'],
  docs: {
    why: "A serial or identity column takes its values from a sequence. When the sequence reaches the largest value of the column type (2,147,483,647 for integer, 32,767 for smallint) — or its own MAXVALUE first, as a serial converted to bigint without its sequence still stops at 2,147,483,647 — every INSERT fails: an outage whose fix, changing the column to bigint, rewrites the table under an ACCESS EXCLUSIVE lock for as long as that takes. Sequences also burn values on rolled-back inserts, ON CONFLICT and cache gaps, so they get there sooner than the row count suggests. The rule reads how far each sequence has gone (its last value, from its start towards the first limit it meets, in its direction) on a live database: a shadow database's sequences are fresh. Cycling sequences wrap around instead (and then collide with existing keys: a different problem).",
    howToFix:
      "Change the column and the foreign key columns that reference it to bigint, then the sequence: `ALTER TABLE t ALTER COLUMN id TYPE bigint; ALTER SEQUENCE t_id_seq AS bigint NO MAXVALUE;` (an identity's sequence follows its column; the statement is harmless). ALTER COLUMN … TYPE rewrites the table and its indexes while holding ACCESS EXCLUSIVE: fine for a small table, an outage for a big one. For a big table: add a bigint column (`ALTER TABLE t ADD COLUMN id_new bigint`, instant), keep it in step with a trigger, backfill it in batches, build a unique index on it CONCURRENTLY, then in one short transaction swap the columns and the primary key (`ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX …`), move the sequence to the new column, and re-point the foreign keys (added NOT VALID, then validated). When only the sequence is narrower than its bigint column, `ALTER SEQUENCE … AS bigint NO MAXVALUE` is instant. Severity: `warnAt` (half the range by default) gives a warning, `errorAt` (80%) an error.",
    examples: {
      bad: 'CREATE TABLE events (id serial PRIMARY KEY);  -- SELECT last_value FROM events_id_seq → 1,900,000,000',
      good: 'CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
    },
  },
  options: z
    .object({
      warnAt: z
        .number()
        .gt(0)
        .lte(1)
        .default(0.5)
        .describe('Fraction of the range used from which a warning is reported'),
      errorAt: z
        .number()
        .gt(0)
        .lte(1)
        .default(0.8)
        .describe('Fraction of the range used from which an error is reported'),
    })
    .refine((o) => o.errorAt >= o.warnAt, { message: 'errorAt must not be below warnAt' }),
  check({ model, options, report }) {
    if (model.source !== 'live') return;
    // foreign key columns by the column they reference, built on the first finding
    let referencing: Map<string, { table: TableInfo; column: ColumnInfo }[]> | undefined;
    const referencesTo = (table: TableInfo, column: string) => {
      if (!referencing) {
        referencing = new Map();
        for (const t of model.snapshot.tables) {
          if (t.partitionOf !== null || (t.kind !== 'table' && t.kind !== 'partitioned table')) continue;
          for (const fk of foreignKeys(t)) {
            fk.columns.forEach((c, i) => {
              const key = `${fk.foreignKey!.referencedTable}.${fk.foreignKey!.referencedColumns[i]}`;
              const col = t.columns.find((x) => x.name === c);
              if (!col) return;
              const list = referencing!.get(key) ?? [];
              list.push({ table: t, column: col });
              referencing!.set(key, list);
            });
          }
        }
      }
      return referencing.get(`${table.qualifiedName}.${column}`) ?? [];
    };
    for (const table of model.tables) {
      for (const column of table.columns) {
        if (column.isArray || !RANGE[column.typeName]) continue;
        const sequence = model.sequenceOf(table.qualifiedName, column.name);
        if (!sequence) continue;
        const use = sequenceUse(sequence, column.typeName);
        if (!use || use.used < options.warnAt) continue;
        const typeName = RANGE[column.typeName]![2];
        const ascending = BigInt(sequence.increment) > 0n;
        const widen = column.typeName !== 'int8';
        const refs = widen
          ? referencesTo(table, column.name).filter(
              (r) => !r.column.isArray && (r.column.typeName === 'int2' || r.column.typeName === 'int4'),
            )
          : [];
        const seqSql = qualifiedIdent(sequence.schema, sequence.name);
        const fix = [
          ...(widen
            ? [
                `-- rewrites ${table.qualifiedName}${refs.length > 0 ? ' and the tables that reference it' : ''} under an ACCESS EXCLUSIVE lock: on a big table, use the new column + backfill + swap recipe (see the docs)`,
                `ALTER TABLE ${tableSql(table)} ALTER COLUMN ${identSql(column.name)} TYPE bigint;`,
                ...refs.map(
                  (r) =>
                    `ALTER TABLE ${tableSql(r.table)} ALTER COLUMN ${identSql(r.column.name)} TYPE bigint;`,
                ),
              ]
            : []),
          `ALTER SEQUENCE ${seqSql} AS bigint ${ascending ? 'NO MAXVALUE' : 'NO MINVALUE'};`,
        ].join('\n');
        const limitText =
          use.limitedBy === 'sequence'
            ? `its own ${ascending ? 'MAXVALUE' : 'MINVALUE'} ${formatCount(Number(use.limit))}${column.typeName === 'int8' ? `, although the column is ${typeName}` : ''}`
            : `the ${typeName} limit ${formatCount(Number(use.limit))}`;
        report({
          message: `sequence ${sequence.qualifiedName} of ${table.qualifiedName}.${column.name} (${typeName}) is at ${formatCount(Number(use.last))}: ${Math.floor(use.used * 100)}% of the way to ${limitText}; INSERTs fail when it gets there`,
          location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
          severity: use.used >= options.errorAt ? 'error' : 'warning',
          fix,
        });
      }
    }
  },
});
