import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import {
  columnInConvention,
  columnSpellings,
  reportSystematic,
  type TableReport,
} from '../../schema/conventions.js';
import { identSql, isJunctionTable, setNotNullStatements, tableSql } from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';

/** Defaults that stamp the current time, as the catalog prints them (normalised: lower case, no spaces). */
const NOW_DEFAULTS = new Set([
  'now()',
  'current_timestamp',
  'clock_timestamp()',
  'statement_timestamp()',
  'transaction_timestamp()',
  // DEFAULT ('now'::text)::timestamptz casts at each insert; DEFAULT 'now' is frozen when the table is created
  "('now'::text)::timestampwithtimezone",
]);

export function isNowDefault(expression: string | null): boolean {
  if (expression === null) return false;
  let text = expression.toLowerCase().replace(/\s+/g, '');
  // pg_catalog.now() and redundant parentheses
  text = text.replace(/pg_catalog\./g, '').replace(/^(current_timestamp|now)\(\d\)$/, 'current_timestamp');
  while (text.startsWith('(') && text.endsWith(')') && !NOW_DEFAULTS.has(text)) text = text.slice(1, -1);
  return NOW_DEFAULTS.has(text);
}

export default defineRule<SchemaModel, { columns: string[]; groupAbove: number }>({
  id: 'schema/timestamps',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Missing or loose created_at / updated_at columns',
  reportsOn: ['table', 'column'],
  docs: {
    why: "When a row was created and last changed is the first question of every incident, audit, sync job and support ticket, and it cannot be answered after the fact. The columns only answer it when the database fills them: `timestamptz` (an instant, not a wall-clock reading), NOT NULL, DEFAULT now() — so no insert path can forget them. (A `timestamp` without time zone is schema/prefer-timestamptz's finding; keeping updated_at current on UPDATE is schema/updated-at-maintained's.) now(), CURRENT_TIMESTAMP, transaction_timestamp(), statement_timestamp() and clock_timestamp() all count as the current time.",
    howToFix:
      "A missing column: `ALTER TABLE t ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()` — now() is evaluated once for the ALTER, so from PostgreSQL 11 this changes only the catalog, no rewrite (existing rows get the time of the migration: backfill a better value where you have one). A missing default: `ALTER COLUMN … SET DEFAULT now()` (catalog only). A nullable column: backfill the NULLs, then the safe recipe — `ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` (reads and writes go on), `SET NOT NULL` (uses the valid CHECK instead of scanning, PostgreSQL 12+), then drop the CHECK. A column of another type (date, text, an epoch number) needs a type change that rewrites the table. In a project whose columns are camelCase (Prisma's default fields), the columns are `createdAt` and `updatedAt`: either spelling of each configured column counts, and a missing one is named in the project's case. A junction table — its primary key is two or more columns, each in a foreign key (`user_roles (user_id, role_id, assigned_at)`, Prisma's `_PostToTag`) — is not asked for missing columns: its rows are its pairs. A problem found on more than `groupAbove` tables (an ORM that sets `updatedAt` itself and leaves it without a default) is one choice across the schema: one finding names every table and its fix holds every statement.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created_at timestamptz);',
      good: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  created_at timestamptz NOT NULL DEFAULT now(),\n  updated_at timestamptz NOT NULL DEFAULT now());',
    },
  },
  options: z.object({
    columns: z
      .array(z.string().min(1))
      .default(['created_at', 'updated_at'])
      .describe(
        'The timestamp columns every table must have (in a camelCase project, their camelCase spelling: createdAt)',
      ),
    groupAbove: z
      .number()
      .int()
      .min(0)
      .default(5)
      .describe(
        'a problem found on more tables than this is one systematic choice: one finding lists them all',
      ),
  }),
  check({ model, options, report }) {
    const naming = model.conventions.naming;
    const held: TableReport[] = [];
    for (const table of model.tables) {
      const t = tableSql(table);
      const junction = isJunctionTable(table);
      for (const configured of options.columns) {
        // `created_at` is `createdAt` in a camelCase project (Prisma's default fields): either spelling counts
        const spellings = columnSpellings(configured, naming);
        const column = table.columns.find((col) => spellings.includes(col.name));
        const name = column?.name ?? columnInConvention(configured, naming);
        const c = identSql(name);
        if (!column) {
          // a junction table's rows are its pairs: no timestamps are missing
          if (junction) continue;
          held.push({
            key: `no ${name} column`,
            table,
            input: {
              message: `${table.qualifiedName} has no ${name} column`,
              location: { object: table.qualifiedName, kind: 'table' },
              fix: `ALTER TABLE ${t} ADD COLUMN ${c} timestamptz NOT NULL DEFAULT now();  -- no rewrite (PostgreSQL 11+): existing rows get the time of the migration`,
            },
          });
          continue;
        }
        const location = { object: `${table.qualifiedName}.${name}`, kind: 'column' as const };
        // timestamp without time zone is schema/prefer-timestamptz's finding; other types are this rule's
        if (column.isArray || (column.typeName !== 'timestamptz' && column.typeName !== 'timestamp')) {
          report({
            message: `${table.qualifiedName}.${name} is ${column.type}, not timestamptz`,
            location,
            fix: `-- rewrites the table: convert the values explicitly (e.g. to_timestamp(epoch), or date AT TIME ZONE 'UTC')\nALTER TABLE ${t} ALTER COLUMN ${c} TYPE timestamptz USING <expression of ${c}>;`,
          });
          continue;
        }
        if (column.generated !== null) continue; // computed from other columns: nothing to default
        const problems: string[] = [];
        const fix: string[] = [];
        if (!isNowDefault(column.default)) {
          problems.push(
            column.default === null ? 'has no default' : `defaults to ${column.default}, not now()`,
          );
          fix.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT now();  -- catalog only`);
        }
        if (!column.notNull) {
          const stats = model.columnStats(table.qualifiedName, name);
          const nulls = stats !== undefined && stats.nullFraction > 0;
          problems.push(
            nulls
              ? `is nullable, and ~${Math.round(stats.nullFraction * 1000) / 10}% of the rows are NULL`
              : 'is nullable',
          );
          if (nulls) {
            fix.push(
              `-- backfill the NULLs first, in batches, with the best value you have (here: the time of the backfill):`,
              `-- UPDATE ${t} SET ${c} = now() WHERE ${c} IS NULL;`,
            );
          }
          fix.push(...setNotNullStatements(table, name));
        }
        if (problems.length === 0) continue;
        held.push({
          key: `${name} ${problems.join(' and ')}`,
          table,
          input: {
            message: `${table.qualifiedName}.${name} ${problems.join(' and ')}`,
            location,
            fix: fix.join('\n'),
          },
        });
      }
    }
    reportSystematic(held, options.groupAbove, report);
  },
});
