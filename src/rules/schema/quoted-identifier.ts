import { defineRule } from '../../core/rule.js';
import { mixedCaseConvention } from '../../schema/conventions.js';
import {
  byteLength,
  NAME_MAX_BYTES,
  type NamePosition,
  namedObjects,
  quotingNeed,
  toSnakeCase,
} from '../../schema/naming.js';
import { quoteIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

const isTableKind = (kind: string | undefined) => kind === 'table' || kind === 'partitioned table';

export default defineRule<SchemaModel>({
  id: 'schema/quoted-identifier',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'A name that must be written in double quotes (upper case, spaces, a leading digit, a keyword)',
  reportsOn: ['schema', 'table', 'view', 'column', 'index', 'constraint', 'sequence', 'function', 'type'],
  docs: {
    why: 'PostgreSQL folds unquoted names to lower case: a table created as `"Orders"` must be written `"Orders"` in every query, psql session, ORM mapping and migration, and the natural spelling `SELECT * FROM Orders` fails with "relation orders does not exist". Names with spaces, punctuation or a leading digit, and reserved words (`"user"`, `"order"`, `"desc"`), are the same trap: every tool and every hand-written statement has to remember the quotes, and generated SQL that forgets them breaks.',
    howToFix:
      'Rename the object to a name that needs no quotes: `ALTER TABLE items RENAME COLUMN "order" TO sort_order`, `ALTER INDEX "Orders by day" RENAME TO orders_by_day` (instant, a brief lock; queries and mappings must change with it). The fix is given where the snake_case spelling is unambiguous and free; a reserved word has none (`"user"`, `"order"`): choose a more specific name (`users`, `sort_order`, `position`). Renames inside a table or schema are listed before the renames of the table or schema itself, and each names its container as it is now: run them in that order. Keywords that PostgreSQL accepts bare in that position (a column named `position` or `time`, a function named `left`) but that quote_ident() and pg_dump still quote are reported as info. The names are checked against the keyword list of the server the schema was read from (pg_get_keywords()). Upper case is the project\'s choice where its tables or columns are camelCase or PascalCase (as Prisma names models and fields; see schema.naming): there, upper-case letters alone are not reported, on any object (Prisma\'s `User_pkey`, `Post_authorId_idx`). The case of tables, views and columns is judged by schema/table-naming and schema/column-naming against the project\'s convention, once per object: here they are reported only for a keyword written in lower case. The hidden sequences of identity columns, objects of extensions, triggers and policies are not checked.',
    examples: {
      bad: 'CREATE TABLE "Orders" ("Id" bigint PRIMARY KEY, "user" text, "order" int);',
      good: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_name text, sort_order int);',
    },
  },
  check({ model, report }) {
    // contents come before their containers: by the time a table is judged, its columns' renames are known
    const containsRenamed = new Set<string>();
    const promised = new Set<string>();
    // a project whose tables or columns are camelCase or PascalCase chose quoted names: upper case is its convention
    const upperCase = !mixedCaseConvention(model.conventions.naming);
    const needsQuotes = (name: string, position: NamePosition) =>
      quotingNeed(name, model.keywords, position, { upperCase }) !== null;
    for (const object of namedObjects(model, needsQuotes)) {
      // the case of tables, views and columns is schema/table-naming's and schema/column-naming's (one finding per
      // object): here only the keywords among names written in lower case
      const kind = object.location.kind;
      const namedByConvention =
        kind === 'table' ||
        kind === 'view' ||
        (kind === 'column' && isTableKind(model.table(object.containers[1] ?? '')?.kind));
      if (namedByConvention && !/^[a-z_][a-z0-9_$]*$/.test(object.name)) continue;
      const need = quotingNeed(object.name, model.keywords, object.position, { upperCase });
      if (!need) continue;
      const label = `${object.what} ${object.location.object}`;
      if (need.level === 'conventional') {
        report({
          message: `${label} ${need.reason}`,
          location: object.location,
          fix: null,
          severity: 'info',
        });
        continue;
      }
      const target = toSnakeCase(object.name);
      const spelled = target !== null && target !== object.name && quoteIdent(target) === target;
      const free = spelled && object.free(target) && !promised.has(`${object.namespace}\0${target}`);
      const sql = spelled && free && byteLength(target) <= NAME_MAX_BYTES ? object.rename(target) : null;
      let fix: string | null = null;
      if (sql !== null) {
        promised.add(`${object.namespace}\0${target}`);
        for (const container of object.containers) containsRenamed.add(container);
        fix = containsRenamed.has(object.location.object)
          ? `-- after the renames inside it, which name it as it is now\n${sql}`
          : sql;
      }
      const advice = fix
        ? `: rename it ${target}`
        : spelled && !free
          ? `: ${target} is taken, choose another name`
          : ': choose a name that needs no quotes';
      report({
        message: `${label} must be double-quoted: it ${need.reason}${advice}`,
        location: object.location,
        fix,
      });
    }
  },
});
