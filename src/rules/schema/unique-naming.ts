import { z } from 'zod';
import type { ConstraintInfo, IndexInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import {
  expandTemplate,
  type IndexKey,
  indexKey,
  judgeName,
  nameClaims,
  omitsTenantColumn,
  singularName,
  templateName,
  templateOption,
} from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  template: string;
}

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
  summary: 'Unique constraint or unique index name that does not follow the template unq_{table}_{columns}',
  reportsOn: ['constraint', 'index'],
  options: z.object({
    template: templateOption(
      'unq_{table}_{columns}',
      ['table', 'singular', 'columns'],
      'the name of a unique constraint or unique index: {table}, {singular}, {columns} (key columns joined by _)',
    ),
  }),
  docs: {
    why: 'A unique violation reaches the application as `duplicate key value violates unique constraint "…"`: the name is what the error handler matches and what the on-call engineer reads. `unq_users_email` says which rule was broken; `users_email_key`, `users_lower_idx` or `uk1` does not, and a renamed column leaves the generated name lying.',
    howToFix:
      'Rename it: a UNIQUE constraint with `ALTER TABLE users RENAME CONSTRAINT users_email_key TO unq_users_email` (its index is renamed with it), a unique index that belongs to no constraint with `ALTER INDEX users_lower_idx RENAME TO unq_users_email`. Both are instant, under a brief lock. Mind application code that matches the old name in error messages. {columns} follows schema/index-naming: key columns joined by `_`, an expression contributing the columns it reads (`(tenant_id, lower(email))` → `unq_customers_tenant_id_email`), with the same tolerance for the tenancy column left out of a longer key (`unq_products_sku` on (tenant_id, sku)), partial and expression keys (any suffix), numbers (`_2`) and names that would exceed 63 bytes (the prefix `unq_{table}_` is enough). Primary keys and exclusion constraints are not checked.',
    examples: {
      bad: 'CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);  -- users_email_key',
      good: 'CREATE TABLE users (id bigint PRIMARY KEY, email text, CONSTRAINT unq_users_email UNIQUE (email));\nCREATE UNIQUE INDEX unq_users_email_lower ON users (lower(email));',
    },
  },
  check({ model, options, report }) {
    const usesSingular = options.template.includes('{singular}');
    const claim = nameClaims(model.snapshot);
    // in a multi-tenant schema the tenant column leads most keys: a name may leave it out
    const omitsTenant = omitsTenantColumn(model, options.template);
    for (const table of model.tables) {
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
      if (keys.length === 0) continue;
      const tableName = templateName(table.name);
      const constraintNames = new Set(table.constraints.map((c) => c.name));
      const planned = keys.map((k) => {
        const values = {
          table: tableName,
          singular: usesSingular ? singularName(tableName) : '',
          columns: k.key.columns.join('_'),
        };
        return { ...k, values, expected: expandTemplate(options.template, values) };
      });
      const count = new Map<string, number>();
      for (const p of planned) count.set(p.expected, (count.get(p.expected) ?? 0) + 1);
      for (const p of planned) {
        const judgeOptions = {
          loose: p.partial || p.key.hasExpressions || (count.get(p.expected) ?? 0) > 1,
          prefixOnly: p.key.opaque,
        };
        const judged = judgeName(p.name, options.template, p.values, ['columns'], judgeOptions);
        if (judged.ok || omitsTenant(p.name, p.key.columns, p.values, judgeOptions)) continue;
        const schema = table.schema;
        const what = p.constraint ? 'unique constraint' : 'unique index';
        const location = p.constraint
          ? { object: `${table.qualifiedName}.${p.name}`, kind: 'constraint' as const }
          : { object: `${schema}.${p.name}`, kind: 'index' as const };
        const base = `${what} ${p.name} on ${table.qualifiedName} (${p.key.columns.join(', ')}) is not named ${judged.target}`;
        if (quoteIdent(judged.target) !== judged.target) {
          report({
            message: `${base}, and that name would need quotes: adjust the template`,
            location,
            fix: null,
          });
          continue;
        }
        if (constraintNames.has(judged.target) || !claim(schema, judged.target)) {
          report({
            message: `${base}, and that name is taken: add a suffix that tells them apart (${judged.expected}_…)`,
            location,
            fix: null,
          });
          continue;
        }
        constraintNames.add(judged.target);
        const sqlTable = qualifiedIdent(schema, table.name);
        report({
          message: base,
          location,
          fix: p.constraint
            ? `ALTER TABLE ${sqlTable} RENAME CONSTRAINT ${quoteIdent(p.name)} TO ${judged.target};`
            : `ALTER INDEX ${qualifiedIdent(schema, p.name)} RENAME TO ${judged.target};`,
        });
      }
    }
  },
});
