import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { identSql, tableSql } from '../../schema/keys.js';
import { singularName, templateName } from '../../schema/naming.js';
import { parentReference } from '../../schema/normalization.js';
import type { SchemaModel } from '../models.js';

interface Options {
  maxColumns: number;
  warnColumns: number;
}

/** Columns at least this empty (on a live database) are named as candidates to move out. */
const MOSTLY_NULL = 0.9;

export default defineRule<SchemaModel, Options>({
  id: 'schema/wide-table',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'info',
  summary: 'Table with more columns than maxColumns (50): split it by access pattern',
  reportsOn: ['table'],
  docs: {
    why: "A table with dozens of columns usually holds several things at once: the few columns every query reads, and groups that one feature reads (billing details, preferences, a legacy import's fields), often mostly empty. Every row carries all of them: fewer rows fit in a page, so every scan and the buffer cache pay for columns the query does not want; an UPDATE of one column writes a new version of the whole row (and its TOAST pointers), bloats the table faster and defeats HOT when an indexed column is among them; SELECT * drags everything across the network; and the table's meaning blurs as columns accrete. PostgreSQL's hard limit is 1,600 columns, but the costs start long before. The rule reports tables with more than `maxColumns` columns (info) and more than `warnColumns` (warning); on a live database it names the columns that are at least 90% NULL, the first candidates to move.",
    howToFix:
      'Split by access pattern: keep the columns that most queries read in the table, and move each group that is read together, rarely, or only by one feature into a 1:1 extension table that shares the primary key (`CREATE TABLE customer_billing (customer_id bigint PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE, …)`); a row exists there only when the group has data, which also removes the mostly-NULL columns. Open-ended optional attributes can go into one jsonb column instead. Move one group at a time: create the table, copy in batches, switch the reads, then drop the columns.',
    examples: {
      bad: 'CREATE TABLE customers (id bigint PRIMARY KEY, email text, … 80 more columns: billing_*, shipping_*, pref_*, legacy_* …);',
      good: 'CREATE TABLE customer_billing (customer_id bigint PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,\n  vat_number text, billing_email text, …);',
    },
  },
  options: z.object({
    maxColumns: z.number().int().min(1).default(50).describe('Tables with more columns are reported (info)'),
    warnColumns: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe('Tables with more columns are reported as a warning'),
  }),
  check({ model, options, report }) {
    for (const table of model.tables) {
      const count = table.columns.length;
      if (count <= options.maxColumns) continue;
      const nullable = table.columns.filter((c) => !c.notNull).length;
      const empty = table.columns.filter((c) => {
        const stats = model.columnStats(table.qualifiedName, c.name);
        return stats !== undefined && stats.nullFraction >= MOSTLY_NULL;
      });
      const emptyText =
        empty.length > 0
          ? `; ${empty.length} are at least ${MOSTLY_NULL * 100}% NULL (${empty
              .slice(0, 8)
              .map((c) => c.name)
              .join(', ')}${empty.length > 8 ? ', …' : ''})`
          : '';
      const reference = parentReference(model, table);
      const extension = `${identSql(table.schema)}.${singularName(templateName(table.name))}_<group>`;
      const fix =
        reference.length === 0
          ? null
          : [
              '-- move each group of columns read together (and rarely) to a 1:1 table that shares the key:',
              `-- CREATE TABLE ${extension} (`,
              ...reference.map(
                (r) =>
                  `--   ${identSql(r.name)} ${r.type} NOT NULL${reference.length === 1 ? ` PRIMARY KEY REFERENCES ${tableSql(table)} (${identSql(r.references)}) ON DELETE CASCADE` : ''},`,
              ),
              ...(reference.length > 1
                ? [
                    `--   PRIMARY KEY (${reference.map((r) => identSql(r.name)).join(', ')}),`,
                    `--   FOREIGN KEY (${reference.map((r) => identSql(r.name)).join(', ')}) REFERENCES ${tableSql(table)} (${reference.map((r) => identSql(r.references)).join(', ')}) ON DELETE CASCADE,`,
                  ]
                : []),
              `--   <the group's columns>`,
              '-- );',
              `-- copy the group in batches, switch the reads, then ALTER TABLE ${tableSql(table)} DROP COLUMN …;`,
            ].join('\n');
      report({
        message: `${table.qualifiedName} has ${count} columns (${nullable} nullable, ${Math.round((100 * nullable) / count)}%)${emptyText}: every row carries all of them, so scans and the cache pay for columns most queries do not read and each UPDATE rewrites the whole row; split the groups read together into 1:1 tables that share the key`,
        location: { object: table.qualifiedName, kind: 'table' },
        fix,
        severity: count > options.warnColumns ? 'warning' : undefined,
      });
    }
  },
});
