import type { TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel>({
  id: 'schema/no-primary-key',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'error',
  summary: 'Table without a primary key',
  reportsOn: ['table'],
  docs: {
    why: 'Without a primary key nothing stops two identical rows, no other table can reference a row reliably, logical replication cannot replicate UPDATE and DELETE (unless REPLICA IDENTITY FULL, which is slow), and tools that edit rows one at a time cannot address them.',
    howToFix:
      'Add a key: an identity column (`ALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY` rewrites the table) or, when a unique NOT NULL column set already identifies rows, promote its unique index: `ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_key_idx` (built first with CREATE UNIQUE INDEX CONCURRENTLY).',
    examples: {
      bad: 'CREATE TABLE events (happened_at timestamptz, payload jsonb);',
      good: 'CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, happened_at timestamptz, payload jsonb);',
    },
  },
  check({ model, report }) {
    for (const table of model.tables) {
      if (table.constraints.some((c) => c.type === 'primary key')) continue;
      const notNull = (name: string | null) =>
        name !== null && table.columns.find((col) => col.name === name)?.notNull === true;
      // A unique index over NOT NULL columns already identifies the rows: it can become the primary key.
      const candidate = table.indexes.find(
        (i) =>
          i.unique && i.valid && i.predicate === null && i.expressions === null && i.columns.every(notNull),
      );
      const location = { object: table.qualifiedName, kind: 'table' as const };
      const sqlTable = qualifiedIdent(table.schema, table.name);
      const pkey = quoteIdent(`${table.name}_pkey`);
      if (!candidate) {
        report({
          message: `${table.qualifiedName} has no primary key`,
          location,
          fix: newKey(table, sqlTable, pkey),
        });
        continue;
      }
      const columns = candidate.columns.join(', ');
      const sqlColumns = candidate.columns.map((c) => quoteIdent(c!)).join(', ');
      // An index that belongs to a UNIQUE constraint cannot be handed to another constraint: build a twin first.
      const fix =
        candidate.constraint === null
          ? `ALTER TABLE ${sqlTable} ADD CONSTRAINT ${pkey} PRIMARY KEY USING INDEX ${quoteIdent(candidate.name)};`
          : [
              `CREATE UNIQUE INDEX CONCURRENTLY ${pkey} ON ${sqlTable} (${sqlColumns});`,
              `ALTER TABLE ${sqlTable} ADD CONSTRAINT ${pkey} PRIMARY KEY USING INDEX ${pkey};`,
              `-- then ${candidate.constraint} is redundant: drop it once no foreign key references it`,
            ].join('\n');
      report({
        message: `${table.qualifiedName} has no primary key; its unique key on NOT NULL columns (${columns}) can become one`,
        location,
        fix,
      });
    }
  },
});

/**
 * A primary key for a table with no unique key to promote: its `id` column when it has one (ADD COLUMN id would
 * fail), else a new identity column; on a partitioned table the key includes the partition key's columns, as
 * PostgreSQL requires (a partition gets it from its parent).
 */
function newKey(table: TableInfo, sqlTable: string, pkey: string): string {
  if (table.partitionOf)
    return `-- add the primary key on ${table.partitionOf.parent} (with its partition key): its partitions get it`;
  let partitionColumns: string[] = [];
  if (table.partitioning) {
    const key = /^\w+\s*\((.*)\)$/.exec(table.partitioning.key)?.[1] ?? '';
    const names = key.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (!names.every((n) => table.columns.some((c) => c.name === n)))
      return `-- the partition key (${table.partitioning.key}) is an expression: a primary key cannot include it`;
    partitionColumns = names;
  }
  const hasId = table.columns.some((c) => c.name === 'id');
  const columns = ['id', ...partitionColumns.filter((c) => c !== 'id')].map((c) => quoteIdent(c)).join(', ');
  const addKey = `ALTER TABLE ${sqlTable} ADD CONSTRAINT ${pkey} PRIMARY KEY (${columns});`;
  if (hasId) return `${addKey}  -- scans the table: fails if id has NULLs or duplicates`;
  if (partitionColumns.length === 0)
    return `ALTER TABLE ${sqlTable} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;  -- rewrites the table`;
  return `ALTER TABLE ${sqlTable} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;  -- rewrites the table\n${addKey}`;
}
