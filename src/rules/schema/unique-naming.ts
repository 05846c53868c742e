import { z } from 'zod';
import type { ConstraintInfo, IndexInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { mixedCaseConvention } from '../../schema/conventions.js';
import {
  byteLength,
  detectedTemplateOption,
  type IndexKey,
  indexKey,
  NAME_MAX_BYTES,
  nameClaims,
  projectTemplate,
  singularName,
  spelledExpansion,
  templateName,
} from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  template?: string;
}

/** The templates a schema's unique key names are read against, when the option is not set: pgwarden's, then PostgreSQL's. */
const TEMPLATES = ['unq_{table}_{columns}', '{table}_{columns}_key'];

interface UniqueKey {
  readonly name: string;
  /** The UNIQUE constraint, or null for a bare unique index. */
  readonly constraint: ConstraintInfo | null;
  readonly index: IndexInfo | undefined;
  readonly key: IndexKey;
  readonly partial: boolean;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/unique-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary:
    "Unique constraint or unique index name that does not follow the project's template (unq_{table}_{columns} or {table}_{columns}_key)",
  reportsOn: ['constraint', 'index'],
  options: z.object({
    template: detectedTemplateOption(
      ['table', 'singular', 'columns'],
      "the name of a unique constraint or unique index: {table}, {singular}, {columns} (key columns joined by _); default: whichever of unq_{table}_{columns} and {table}_{columns}_key (PostgreSQL's and Prisma's) most of the schema's unique keys follow",
    ),
  }),
  docs: {
    why: 'A unique violation reaches the application as `duplicate key value violates unique constraint "…"`: the name is what the error handler matches and what the on-call engineer reads. `unq_users_email` says which rule was broken; `users_email_key`, `users_lower_idx` or `uk1` does not, and a renamed column leaves the generated name lying.',
    howToFix:
      "Rename it: a UNIQUE constraint with `ALTER TABLE users RENAME CONSTRAINT users_email_key TO unq_users_email` (its index is renamed with it), a unique index that belongs to no constraint with `ALTER INDEX users_lower_idx RENAME TO unq_users_email`. Both are instant, under a brief lock. Mind application code that matches the old name in error messages. {columns} follows schema/index-naming: key columns joined by `_`, an expression contributing the columns it reads (`(tenant_id, lower(email))` → `unq_customers_tenant_id_email`), with the same tolerance for the tenancy column left out of a longer key (`unq_products_sku` on (tenant_id, sku)), partial and expression keys (any suffix), numbers (`_2`) and names that would exceed 63 bytes (the prefix `unq_{table}_` is enough). Primary keys and exclusion constraints are not checked. The template is the project's: unless the `template` option sets one, pgwarden reads the schema's names against `unq_{table}_{columns}` and PostgreSQL's own `{table}_{columns}_key` (which Prisma also generates) and follows the one most of them fit; in a project whose tables or columns are camelCase or PascalCase, names are compared in their snake_case spelling and the fix keeps the project's (Prisma's `Post_authorId_idx`).",
    examples: {
      bad: 'CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);  -- users_email_key',
      good: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, CONSTRAINT unq_users_email UNIQUE (email));\nCREATE UNIQUE INDEX unq_users_email_lower ON users (lower(email));',
    },
  },
  check({ model, options, report }) {
    const mixed = mixedCaseConvention(model.conventions.naming);
    const planned = model.tables.flatMap((table) => {
      const keys: UniqueKey[] = [];
      for (const constraint of table.constraints) {
        if (constraint.type !== 'unique' || constraint.inherited) continue;
        const index = table.indexes.find((i) => i.name === constraint.index);
        const key: IndexKey = index
          ? indexKey(index, table)
          : { columns: constraint.columns.map(templateName), hasExpressions: false, opaque: false };
        keys.push({ name: constraint.name, constraint, index, key, partial: false });
      }
      for (const index of table.indexes) {
        if (!index.unique || index.primary || index.constraint !== null || !index.valid) continue;
        keys.push({
          name: index.name,
          constraint: null,
          index,
          key: indexKey(index, table),
          partial: index.predicate !== null,
        });
      }
      if (keys.length === 0) return [];
      const tableName = templateName(table.name);
      const singular = singularName(tableName);
      return keys.map((k) => ({
        ...k,
        table,
        values: { table: tableName, singular, columns: k.key.columns.join('_') },
        loose: k.partial || k.key.hasExpressions,
      }));
    });
    // unset: the template most of the schema's unique keys follow (PostgreSQL's and Prisma's {table}_{columns}_key)
    const { template, judge } = projectTemplate(model, planned, TEMPLATES, options.template, mixed);
    const claim = nameClaims(model.snapshot);
    const constraintNames = new Map<string, Set<string>>();
    for (const p of planned) {
      const { judged, ok } = judge(p);
      if (ok) continue;
      const table = p.table;
      const names = constraintNames.get(table.qualifiedName) ?? new Set(table.constraints.map((c) => c.name));
      constraintNames.set(table.qualifiedName, names);
      const target =
        mixed && byteLength(judged.expected) <= NAME_MAX_BYTES
          ? spelledExpansion(template, p.values, table, p.key.columns)
          : judged.target;
      const schema = table.schema;
      const what = p.constraint ? 'unique constraint' : 'unique index';
      const location = p.constraint
        ? { object: `${table.qualifiedName}.${p.name}`, kind: 'constraint' as const }
        : { object: `${schema}.${p.name}`, kind: 'index' as const };
      const base = `${what} ${p.name} on ${table.qualifiedName} (${p.key.columns.join(', ')}) is not named ${target}`;
      if (!mixed && quoteIdent(target) !== target) {
        report({
          message: `${base}, and that name would need quotes: adjust the template`,
          location,
          fix: null,
        });
        continue;
      }
      if (names.has(target) || !claim(schema, target)) {
        report({
          message: `${base}, and that name is taken: add a suffix that tells them apart (${target}_…)`,
          location,
          fix: null,
        });
        continue;
      }
      names.add(target);
      const sqlTable = qualifiedIdent(schema, table.name);
      report({
        message: base,
        location,
        fix: p.constraint
          ? `ALTER TABLE ${sqlTable} RENAME CONSTRAINT ${quoteIdent(p.name)} TO ${quoteIdent(target)};`
          : `ALTER INDEX ${qualifiedIdent(schema, p.name)} RENAME TO ${quoteIdent(target)};`,
      });
    }
  },
});
