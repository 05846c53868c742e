import { z } from 'zod';
import type { TableInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { foreignKeys, identSql, tableSql } from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_NAME = /^(?:.*_)?(?:uuid|guid)$/i;

interface Options {
  minSample: number;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/uuid-in-text',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'UUIDs stored as text',
  reportsOn: ['column'],
  docs: {
    why: 'A UUID as text takes 37 bytes (36 characters and a length byte) instead of 16, in the table and in every index on it — more than twice the size for keys that are often indexed several times and copied into every referencing table. Comparisons go through the collation (slow) instead of comparing 16 bytes, nothing stops a value that is not a UUID (or the same UUID in upper and lower case, which text compares as different), and joins with real uuid columns need casts that defeat indexes. On a live database the rule reads what ANALYZE sampled: it reports a text, varchar or char column when every sampled value (at least `minSample` of them) is a UUID in its canonical form. On a shadow database (no data) it goes by the name — `uuid`, `guid`, or a name ending in `_uuid` or `_guid` — as information only.',
    howToFix:
      "`ALTER TABLE t ALTER COLUMN c TYPE uuid USING c::uuid` rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (for a big table: add a uuid column, backfill it in batches, swap). It fails, changing nothing, if a value is not a UUID: find them first (`SELECT c FROM t WHERE c !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'`). uuid values print in lower case: an application that compares them as strings must do so too. A column in a foreign key changes together with the other side: drop the foreign key, change both columns, and add it back NOT VALID, then VALIDATE it.",
    examples: {
      bad: 'CREATE TABLE sessions (id text PRIMARY KEY, user_uuid varchar(36) NOT NULL);',
      good: 'CREATE TABLE sessions (id uuid PRIMARY KEY, user_uuid uuid NOT NULL);',
    },
  },
  options: z.object({
    minSample: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Sampled values needed (all of them UUIDs) to report a column on a live database'),
  }),
  check({ model, options, report }) {
    // columns in a foreign key (either side), found once: they change only together with the other side
    let inForeignKey: Set<string> | undefined;
    const inKey = (table: TableInfo, column: string) => {
      if (!inForeignKey) {
        inForeignKey = new Set();
        for (const t of model.snapshot.tables)
          for (const fk of foreignKeys(t)) {
            for (const c of fk.columns) inForeignKey.add(`${t.qualifiedName}.${c}`);
            for (const c of fk.foreignKey!.referencedColumns)
              inForeignKey.add(`${fk.foreignKey!.referencedTable}.${c}`);
          }
      }
      return inForeignKey.has(`${table.qualifiedName}.${column}`);
    };
    for (const table of model.tables) {
      for (const column of table.columns) {
        if (!TEXT_TYPES.has(column.typeName) || column.isArray || column.generated !== null) continue;
        const stats = model.columnStats(table.qualifiedName, column.name);
        const sample = stats ? [...new Set(stats.sample)] : [];
        const allUuids = sample.length > 0 && sample.every((v) => UUID.test(v));
        let evidence: string;
        let severity: 'warning' | 'info';
        if (allUuids && sample.length >= options.minSample) {
          evidence = `all ${sample.length} values ANALYZE sampled are UUIDs`;
          severity = 'warning';
        } else if ((sample.length === 0 || allUuids) && UUID_NAME.test(column.name)) {
          evidence = 'its name says it holds UUIDs';
          severity = 'info';
        } else continue;
        const t = tableSql(table);
        const c = identSql(column.name);
        // a text default cannot be cast to uuid implicitly: it goes and comes back cast, in the same statement
        const alter =
          column.default === null
            ? `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE uuid USING ${c}::uuid;`
            : `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT, ALTER COLUMN ${c} TYPE uuid USING ${c}::uuid, ALTER COLUMN ${c} SET DEFAULT (${column.default})::uuid;`;
        const keyed = inKey(table, column.name);
        report({
          message: `${table.qualifiedName}.${column.name} is ${column.type} but ${evidence}: as uuid it would take 16 bytes instead of 37 in the table and its indexes, compare faster, and accept only UUIDs`,
          location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
          severity,
          fix: keyed
            ? `-- in a foreign key: drop it, change both sides to uuid, add it back NOT VALID and VALIDATE it\n-- ${alter}`
            : `-- rewrites the table and its indexes; fails (changing nothing) if a value is not a UUID\n${alter}`,
        });
      }
    }
  },
});
