import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { isToolTable, toCase } from '../../schema/conventions.js';
import {
  byteLength,
  comparableName,
  expandTemplate,
  NAME_MAX_BYTES,
  singularForms,
  singularName,
  templateAffixes,
  templateName,
  templateOption,
  toSnakeCase,
} from '../../schema/naming.js';
import { qualifiedIdent, quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  template: string;
  allowRoleNames: boolean;
}

const PLACEHOLDERS = ['singular', 'table', 'column'] as const;

export default defineRule<SchemaModel, Options>({
  id: 'schema/foreign-key-naming',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Foreign key column not named after the table it references ({singular}_id)',
  reportsOn: ['column'],
  options: z.object({
    template: templateOption(
      '{singular}_id',
      PLACEHOLDERS,
      'the name of a single-column foreign key: {singular} (the referenced table in the singular), {table} (its name), {column} (the referenced column)',
    ),
    allowRoleNames: z
      .boolean()
      .default(false)
      .describe(
        'also accept a role name with the template suffix that does not name the table (`author_id` → users)',
      ),
  }),
  docs: {
    why: "A foreign key column named after what it references (`customer_id` → customers) tells every reader the join without opening the schema, and lets tools infer relationships. `cust`, `customer` or `customerRef` make each join a lookup, and one table's `user_id` meaning another table's row is a bug waiting in every hand-written query.",
    howToFix:
      "Rename the column: `ALTER TABLE orders RENAME COLUMN cust TO customer_id` (the constraint and indexes follow; queries and ORM mappings must change). Accepted spellings, for a single-column foreign key to table T: the template (`{singular T}_id`, e.g. `customer_id`; any singular that pluralizes back to T is accepted, so `cookie_id` and `cooky_id` both name `cookies`); a role prefix ending in the template (`billing_address_id`, `shipping_address_id` → addresses — the way to hold several foreign keys to one table); `{singular T}_{referenced column}` when the key references another column than `id` (`currency_code` → currencies (code)); and in a self-reference any name ending in the template's suffix (`parent_id`, `manager_id`). With `allowRoleNames: true`, any name ending in the suffix is accepted (`author_id` → users). The fix keeps a role: `author` → users becomes `author_user_id`, while a spelling of the table itself (`cust`, `customerId`, `customers_id`) becomes `customer_id`. Multi-column foreign keys (`(tenant_id, customer_id)`) are not checked: each of their columns is named for itself. The names of the FOREIGN KEY constraints themselves (`orders_customer_id_fkey`) are not checked.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint REFERENCES customers (id), author_id bigint REFERENCES users (id));',
      good: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), billing_address_id bigint REFERENCES addresses (id), shipping_address_id bigint REFERENCES addresses (id));',
    },
  },
  check({ model, options, report }) {
    const { prefix, suffix } = templateAffixes(options.template);
    // pluralize is slow-ish: each referenced table's singulars are worked out once
    const singulars = new Map<string, { readonly preferred: string; readonly all: readonly string[] }>();
    const singularsOf = (name: string) => {
      let found = singulars.get(name);
      if (!found) {
        found = { preferred: singularName(name), all: [...singularForms(name), name] };
        singulars.set(name, found);
      }
      return found;
    };
    // a camelCase project (Prisma's `authorId`): names are judged in their snake_case spelling, fixed in the project's
    const convention = model.conventions.naming.columns.convention;
    const mixed = convention === 'camelCase' || convention === 'PascalCase';
    for (const table of model.tables) {
      if (isToolTable(table.name)) continue;
      const columnNames = new Set(table.columns.map((c) => comparableName(c.name, mixed)));
      const promised = new Set<string>();
      for (const fk of table.constraints) {
        if (fk.type !== 'foreign key' || !fk.foreignKey || fk.columns.length !== 1 || fk.inherited) continue;
        const written = fk.columns[0]!;
        // Prisma's implicit many-to-many tables name their two keys "A" and "B": the tool's names, not the project's
        if (/^[AB]$/.test(written) && /^_\w+To\w+$/.test(table.name)) continue;
        const column = comparableName(written, mixed);
        const referenced = fk.foreignKey.referencedTable;
        const referencedName = referenced.slice(referenced.indexOf('.') + 1);
        const tableName = templateName(referencedName);
        const referencedColumn = templateName(fk.foreignKey.referencedColumns[0] ?? 'id');
        const forms = singularsOf(tableName);
        const values = { singular: forms.preferred, table: tableName, column: referencedColumn };
        let expected = expandTemplate(options.template, values);
        const accepted = new Set<string>();
        for (const singular of forms.all.slice(0, -1)) {
          accepted.add(expandTemplate(options.template, { ...values, singular }));
          accepted.add(`${prefix}${singular}_${referencedColumn}`);
        }
        const selfReference = referenced === table.qualifiedName;
        const ok =
          [...accepted].some(
            (name) =>
              column === name ||
              (column.startsWith(prefix) && column.endsWith(`_${name.slice(prefix.length)}`)),
          ) ||
          ((selfReference || options.allowRoleNames) &&
            column.startsWith(prefix) &&
            column.endsWith(suffix) &&
            column.length > prefix.length + suffix.length &&
            toSnakeCase(column) === column);
        if (ok) continue;

        // The fix keeps a role (`author` → `author_user_id`) unless the name is a spelling of the table itself.
        const flat = (s: string) => s.replace(/_/g, '');
        let role = toSnakeCase(column) ?? column.toLowerCase();
        if (prefix && role.startsWith(prefix)) role = role.slice(prefix.length);
        const bareSuffix = suffix.replace(/^_/, '');
        if (suffix && role.endsWith(suffix)) role = role.slice(0, -suffix.length);
        else if (bareSuffix && role.endsWith(bareSuffix)) {
          const rest = role.slice(0, -bareSuffix.length);
          if (forms.all.some((s) => flat(s) === flat(rest))) role = rest;
        }
        // words that only say "a reference" (`fk_invoice`, `invoice_ref`) are not a role
        const bare = role.replace(/^(?:fk|ref)_/, '').replace(/_(?:fk|ref|reference|key|pk)$/, '');
        if (bare.length > 0) role = bare;
        const singular = values.singular;
        const entity = forms.all.some(
          (s) => flat(role) === flat(s) || (role.length >= 3 && flat(s).startsWith(flat(role))),
        );
        let target = selfReference
          ? `${prefix}${role}${suffix}`
          : entity || role.length === 0
            ? expected
            : role.endsWith(`_${singular}`)
              ? `${prefix}${role.slice(0, -singular.length)}${expected.slice(prefix.length)}`
              : `${prefix}${role}_${expected.slice(prefix.length)}`;

        if (mixed && convention !== null) {
          target = toCase(target, convention) ?? target;
          expected = toCase(expected, convention) ?? expected;
        }
        const object = `${table.qualifiedName}.${written}`;
        const location = { object, kind: 'column' as const };
        const base = `foreign key column ${object} references ${referenced} (${fk.foreignKey.referencedColumns.join(', ')})`;
        const advice =
          target === expected
            ? `name it ${expected}`
            : selfReference
              ? `name it ${target} (a self-reference: a role ending in ${suffix || 'the template'})`
              : `name it ${target} (its role, then ${expected.slice(prefix.length)})`;
        if (!mixed && (toSnakeCase(target) !== target || quoteIdent(target) !== target)) {
          report({
            message: `${base}: name it ${expected} or role_${expected.slice(prefix.length)} (${target} would need quotes)`,
            location,
            fix: null,
          });
        } else if (byteLength(target) > NAME_MAX_BYTES) {
          report({ message: `${base}: ${advice}, but that would exceed 63 bytes`, location, fix: null });
        } else if (columnNames.has(comparableName(target, mixed)) || promised.has(target)) {
          report({
            message: `${base}: ${advice}, but another column of the table has that name`,
            location,
            fix: null,
          });
        } else {
          promised.add(target);
          report({
            message: `${base}: ${advice}`,
            location,
            fix: `ALTER TABLE ${qualifiedIdent(table.schema, table.name)} RENAME COLUMN ${quoteIdent(written)} TO ${quoteIdent(target)};`,
          });
        }
      }
    }
  },
});
