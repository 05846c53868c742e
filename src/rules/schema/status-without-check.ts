import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import {
  foreignKeys,
  freeConstraintName,
  identSql,
  literal,
  objectName,
  tableSql,
} from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';

interface Options {
  names: string[];
  exceptNames: string[];
  maxValues: number;
}

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext']);

export default defineRule<SchemaModel, Options>({
  id: 'schema/status-without-check',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Status-like text column without a CHECK constraint or an enum',
  reportsOn: ['column'],
  docs: {
    why: "A column named status, state, type, kind, category or role holds one of a few known values, and the code branches on them. As free text, nothing stops 'shiped', 'Paid ' or a value from a removed feature: the row silently falls through every branch, reports miscount, and the bad values are found months later. A CHECK (status IN (…)), an enum type, a domain, or a foreign key to a lookup table makes the database refuse them. A name matches when it is one of `names` or ends with `_` and one of them (order_status, account_type), except `exceptNames` (content_type and mime_type hold open-ended values). On a live database with statistics, a column with more than `maxValues` distinct values is not an enumeration and is left alone.",
    howToFix:
      "Add the CHECK without blocking writes: `ALTER TABLE t ADD CONSTRAINT chk_t_status CHECK (status IN ('active', 'suspended')) NOT VALID;` then `ALTER TABLE t VALIDATE CONSTRAINT chk_t_status;` (reads and writes go on). On a live database the fix lists the values ANALYZE sampled: check them against the code (`SELECT status, count(*) FROM t GROUP BY 1`) — a rare value the sample missed makes VALIDATE fail, which is the point. A CHECK is easier to change than an enum (an enum value cannot be removed); a lookup table suits values that carry attributes.",
    examples: {
      bad: 'CREATE TABLE accounts (id bigint PRIMARY KEY, status text NOT NULL);',
      good: "CREATE TABLE accounts (id bigint PRIMARY KEY, status text NOT NULL,\n  CONSTRAINT chk_accounts_status CHECK (status IN ('active', 'suspended', 'closed')));",
    },
  },
  options: z.object({
    names: z
      .array(z.string().min(1))
      .default(['status', 'state', 'type', 'kind', 'category', 'role'])
      .describe('Column names (or `_name` suffixes) that hold one of a few known values'),
    exceptNames: z
      .array(z.string().min(1))
      .default(['content_type', 'mime_type', 'media_type'])
      .describe('Names that match but hold open-ended values'),
    maxValues: z
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('On a live database, columns with more distinct values are not enumerations'),
  }),
  check({ model, options, report }) {
    const names = new Set(options.names.map((n) => n.toLowerCase()));
    const except = new Set(options.exceptNames.map((n) => n.toLowerCase()));
    const looksLikeStatus = (name: string) => {
      const lower = name.toLowerCase();
      if (except.has(lower)) return false;
      if (names.has(lower)) return true;
      const cut = lower.lastIndexOf('_');
      return cut > 0 && names.has(lower.slice(cut + 1));
    };
    for (const table of model.tables) {
      const candidates = table.columns.filter(
        (c) => !c.isArray && c.generated === null && TEXT_TYPES.has(c.typeName) && looksLikeStatus(c.name),
      );
      if (candidates.length === 0) continue;
      const checked = new Set(table.constraints.filter((c) => c.type === 'check').flatMap((c) => c.columns));
      for (const fk of foreignKeys(table)) for (const c of fk.columns) checked.add(c);
      for (const column of candidates) {
        if (checked.has(column.name)) continue;
        const stats = model.columnStats(table.qualifiedName, column.name);
        if (stats?.distinct != null && stats.distinct > options.maxValues) continue;
        const values = stats ? [...new Set(stats.sample)].sort() : [];
        const complete =
          stats !== undefined && values.length > 0 && stats.commonFrequency + stats.nullFraction >= 0.999;
        const t = tableSql(table);
        const c = identSql(column.name);
        const name = identSql(freeConstraintName(table, objectName('chk', table.name, column.name)));
        const list = values.length > 0 ? values.map(literal).join(', ') : '<the allowed values>';
        const fix = [
          values.length === 0
            ? '-- list the values the application uses:'
            : complete
              ? '-- the values ANALYZE found: check them against the application'
              : "-- values from ANALYZE's sample, which may miss rare ones: check with SELECT DISTINCT before VALIDATE",
          `ALTER TABLE ${t} ADD CONSTRAINT ${name} CHECK (${c} IN (${list})) NOT VALID;`,
          `ALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
        ].join('\n');
        report({
          message: `${table.qualifiedName}.${column.name} is ${column.type} with no CHECK constraint, enum or lookup table: any string is a valid ${column.name}${values.length > 0 ? ` (the data has ${values.map((v) => `'${v}'`).join(', ')})` : ''}`,
          location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
          fix,
        });
      }
    }
  },
});
