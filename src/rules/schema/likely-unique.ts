import { z } from 'zod';
import type { ColumnInfo, IndexInfo, TableInfo } from '../../catalog/model.js';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import {
  buildIndexStatements,
  describeIndex,
  foreignKeys,
  identSql,
  mentionsColumn,
  NameRegistry,
  objectName,
  rowsOf,
  tableSql,
} from '../../schema/keys.js';
import { tenancyOf } from '../../schema/tenancy.js';
import {
  caselessByType,
  judgeUniqueKey,
  replaceUniqueKey,
  uniqueKeyContext,
} from '../../schema/unique-keys.js';
import type { SchemaModel } from '../models.js';

interface Options {
  columns: string[];
  caseInsensitive: string[];
}

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);

/** Fewer distinct values than this share of the rows: most of them repeat, a duplicate is no accident. */
const REPEATED_SHARE = 0.5;
const LOG_WORDS = new Set([
  'audit',
  'audits',
  'log',
  'logs',
  'history',
  'histories',
  'event',
  'events',
  'journal',
]);
const MESSAGE_WORDS = new Set([
  'message',
  'messages',
  'notification',
  'notifications',
  'mail',
  'mails',
  'sent',
  'outbox',
  'delivery',
  'deliveries',
]);

/** What a table's name says it records: events that happened, messages sent, or neither. */
function recordKind(table: string): 'log' | 'message' | undefined {
  const words = table
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  if (words.some((w) => LOG_WORDS.has(w))) return 'log';
  if (words.some((w) => MESSAGE_WORDS.has(w))) return 'message';
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/likely-unique',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Email, username or slug column without a (case-insensitive) unique constraint',
  reportsOn: ['column'],
  docs: {
    why: 'Columns named email, username, login, slug or handle identify something, and the application assumes one row per value: sign-in picks "the" user with that email, a URL resolves "the" page with that slug. Checking in the application first (SELECT, then INSERT) races: two concurrent sign-ups both find nothing and both insert. Only a unique index makes the database refuse the second. For emails, usernames, logins and handles the comparison must ignore case too: with a unique index on the bare column, Alice@example.com and alice@example.com are two accounts. A column that is a foreign key names another table\'s row and is left alone, and so are the columns of audit, log, history and event tables and the e-mail and login columns of message and notification tables (the same address gets many messages), and a column whose statistics show most of its values repeated. A unique key that includes the column counts (per tenant, (tenant_id, email), or partial WHERE deleted_at IS NULL); lower(col), upper(col), the citext type, a case-insensitive collation, or a CHECK (col = lower(col)) make it case-insensitive. On a live database, ANALYZE\'s statistics tell whether the column already holds repeated values: then the index cannot be built until they are resolved, and the fix starts with the query that lists them.',
    howToFix:
      '`CREATE UNIQUE INDEX CONCURRENTLY unq_users_email ON users (lower(email))` — with the tenant column first on a tenant table and `WHERE deleted_at IS NULL` on a soft-delete table. The application then looks rows up with `WHERE lower(email) = lower($1)` (which this index serves), or the column becomes citext. Resolve duplicates first: a CONCURRENTLY build that meets one fails and leaves an INVALID index to drop. Replacing a case-sensitive unique key: build the lower() index, drop the old key, give the new index its name — a key that foreign keys reference stays until they move.',
    examples: {
      bad: 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);',
      good: 'CREATE UNIQUE INDEX unq_users_email ON users (lower(email));',
    },
  },
  options: z.object({
    columns: z
      .array(z.string().min(1))
      .default(['email', 'username', 'user_name', 'login', 'slug', 'handle'])
      .describe('Column names that identify a row'),
    caseInsensitive: z
      .array(z.string().min(1))
      .default(['email', 'username', 'user_name', 'login', 'handle'])
      .describe('Those whose uniqueness must ignore case'),
  }),
  check({ model, options, report }) {
    const wanted = new Set(options.columns);
    const caseless = new Set(options.caseInsensitive);
    const tenancy = tenancyOf(model);
    const tenantTables = new Set(tenancy.tenantTables.map((t) => t.qualifiedName));
    const softDelete = model.conventions.softDeleteColumn;
    const names = new NameRegistry(model);
    const ctx = uniqueKeyContext(model, tenancy, options.caseInsensitive);

    for (const table of model.tables) {
      // a table of things that happened (audit, log, history, events) or of messages sent repeats its values by
      // nature: the same user logs in every day, the same address gets every notification
      const record = recordKind(table.name);
      if (record === 'log') continue;
      // a foreign key column names another table's row: identifying it is that table's business
      const referencing = new Set(foreignKeys(table).flatMap((fk) => fk.columns));
      for (const column of table.columns) {
        if (!wanted.has(column.name) || column.isArray || !TEXT_TYPES.has(column.typeName)) continue;
        if (referencing.has(column.name)) continue;
        if (record === 'message' && caseless.has(column.name)) continue;
        if (repeatsByNature(column)) continue;
        const covering = table.indexes.filter(
          (i) =>
            i.unique &&
            i.valid &&
            (i.columns.includes(column.name) || mentionsColumn(i.expressions, column.name)),
        );
        if (covering.length === 0) {
          reportMissing(table, column);
          continue;
        }
        if (!caseless.has(column.name) || caselessByType(table, column)) continue;
        const folded = new RegExp(`\\b(lower|upper)\\(+${escapeRegExp(identSql(column.name))}\\b`);
        if (covering.some((i) => i.expressions !== null && folded.test(i.expressions))) continue;
        reportCaseSensitive(table, column, covering[0]!);
      }
    }

    /** ANALYZE saw most values repeated: the data says the column does not identify a row. */
    function repeatsByNature(column: ColumnInfo): boolean {
      const table = model.tables.find((t) => t.columns.includes(column))!;
      const stats = model.columnStats(table.qualifiedName, column.name);
      const rows = rowsOf(model, table);
      if (!stats || stats.distinct === null || rows === null || rows === 0) return false;
      return stats.distinct < rows * (1 - stats.nullFraction) * REPEATED_SHARE;
    }

    function keyOf(table: TableInfo, column: ColumnInfo) {
      const tenant = tenantTables.has(table.qualifiedName) ? tenancy.column : null;
      const fold = caseless.has(column.name) && column.typeName !== 'citext';
      const c = identSql(column.name);
      return {
        tenant,
        keys: [...(tenant ? [identSql(tenant)] : []), fold ? `lower(${c})` : c].join(', '),
        predicate: table.columns.some((x) => x.name === softDelete)
          ? `${identSql(softDelete)} IS NULL`
          : null,
        fold,
      };
    }

    function reportMissing(table: TableInfo, column: ColumnInfo) {
      const { tenant, keys, predicate, fold } = keyOf(table, column);
      const t = tableSql(table);
      const c = identSql(column.name);
      const name = names.free(
        table.schema,
        objectName('unq', table.name, ...(tenant ? [tenant] : []), column.name),
      );
      // repeated values, from ANALYZE (the whole column: per tenant or among live rows there may be none)
      const stats = model.columnStats(table.qualifiedName, column.name);
      const rows = rowsOf(model, table);
      let duplicates: string | null = null;
      if (stats && stats.distinct !== null && rows !== null && rows > 0) {
        const values = rows * (1 - stats.nullFraction);
        if (stats.distinct < values * (1 - 1e-6) - 0.5)
          duplicates = `ANALYZE saw repeated values (~${formatCount(stats.distinct)} distinct in ~${formatCount(values)} rows)`;
      }
      const find = `SELECT ${[...(tenant ? [identSql(tenant)] : []), fold ? `lower(${c})` : c].join(', ')}, count(*) FROM ${t}${predicate ? ` WHERE ${predicate}` : ''} GROUP BY ${tenant ? '1, 2' : '1'} HAVING count(*) > 1;`;
      report({
        message: `${table.qualifiedName}.${column.name} identifies a row but no unique index covers it${duplicates ? `; ${duplicates}` : ''}: concurrent inserts can create two rows with the same ${column.name}`,
        location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
        fix: [
          duplicates
            ? `-- resolve the duplicates first (the build fails on the first one): ${find}`
            : `-- fails on duplicates${fold ? ' (values that differ only by case too)' : ''}: ${find}`,
          ...buildIndexStatements(
            model,
            table,
            {
              name,
              unique: true,
              keys,
              predicate,
              partitionName: (part) => objectName('unq', part.name, ...(tenant ? [tenant] : []), column.name),
            },
            names,
          ),
        ].join('\n'),
      });
    }

    function reportCaseSensitive(table: TableInfo, column: ColumnInfo, index: IndexInfo) {
      let fix: string | null;
      const verdict = judgeUniqueKey(ctx, table, index);
      if (index.primary || !verdict.caseSensitive.includes(column.name)) {
        // a primary key stays: a case-insensitive unique index beside it
        const { tenant, keys } = keyOf(table, column);
        const name = names.free(
          table.schema,
          objectName('unq', table.name, ...(tenant ? [tenant] : []), column.name),
        );
        fix = [
          `-- fails if two rows differ only by case: SELECT lower(${identSql(column.name)}), count(*) FROM ${tableSql(table)} GROUP BY 1 HAVING count(*) > 1;`,
          ...buildIndexStatements(model, table, { name, unique: true, keys }, names),
        ].join('\n');
      } else {
        fix = replaceUniqueKey(ctx, table, index, verdict, names, 'lower');
      }
      report({
        message: `${table.qualifiedName}.${column.name} is unique only case-sensitively (${index.name} ${describeIndex(index)}): '${column.name === 'email' ? 'Alice@example.com' : 'Alice'}' and '${column.name === 'email' ? 'alice@example.com' : 'alice'}' are two different ${column.name}s`,
        location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
        fix,
      });
    }
  },
});
