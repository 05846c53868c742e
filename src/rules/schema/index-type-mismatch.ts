import { defineRule } from '../../core/rule.js';
import { backsConstraint } from '../../schema/indexes.js';
import {
  buildIndexStatements,
  dropIndexStatement,
  identSql,
  NameRegistry,
  objectName,
} from '../../schema/keys.js';
import { templateName } from '../../schema/naming.js';
import { qualifiedIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel>({
  id: 'schema/index-type-mismatch',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Btree index on an array or jsonb column',
  reportsOn: ['index'],
  docs: {
    why: 'A btree index on an array or a jsonb column indexes the whole value: it serves only equality with a complete array or document (and sorting by it), not the questions asked of such columns — does the array contain \'x\' (`@>`, `&&`, `= ANY`), does the document have this key or contain this pair (`?`, `@>`, `@?`). Those need a GIN index. A btree entry also cannot exceed about 2.7 kB: the first large document or array makes INSERT fail with "index row size exceeds btree maximum". Unique btree indexes are left alone (they enforce equality of whole values, which is legitimate), and so are those that back a constraint.',
    howToFix:
      'Build a GIN index CONCURRENTLY, then drop the btree CONCURRENTLY: `CREATE INDEX CONCURRENTLY idx_t_tags ON t USING gin (tags)`. For jsonb, the default operator class (jsonb_ops) serves `@>`, `?`, `?|`, `?&`, `@?` and `@@`; `jsonb_path_ops` serves only `@>`, `@?` and `@@` but is smaller and faster: use it when the queries only test containment. If the btree is used for equality of whole values (on a live database, a btree with scans is reported as information), keep it or make it a hash index. For a multi-column btree with an array or jsonb column, split it: a GIN index on that column, and a btree on the others (or a GIN one with the btree_gin extension).',
    examples: {
      bad: 'CREATE INDEX idx_posts_tags ON posts (tags);  -- tags text[]',
      good: 'CREATE INDEX idx_posts_tags ON posts USING gin (tags);',
    },
  },
  check({ model, report }) {
    let names: NameRegistry | undefined;
    for (const table of model.tables) {
      for (const index of table.indexes) {
        if (!index.valid || index.method !== 'btree' || index.unique || backsConstraint(index)) continue;
        const whole = index.columns
          .map((name) => (name === null ? undefined : table.columns.find((c) => c.name === name)))
          .filter((c) => c !== undefined && (c.isArray || c.typeName === 'jsonb'));
        if (whole.length === 0) continue;
        const column = whole[0]!;
        const kind = column.isArray ? 'array' : 'jsonb';
        const used =
          model.source === 'live' && index.scans !== null && index.scans > 0
            ? ` It has ${index.scans} scans: check whether they compare whole values (then keep it, or use a hash index).`
            : '';
        const severity = used ? ('info' as const) : undefined;
        const location = { object: index.qualifiedName, kind: 'index' as const };
        if (index.columns.length > 1 || index.expressions !== null) {
          report({
            message: `btree index ${index.qualifiedName} on ${table.qualifiedName} includes the ${kind} column ${column.name}: a btree compares whole ${kind === 'array' ? 'arrays' : 'documents'}, so it cannot serve containment or key lookups; a GIN index on ${column.name} can.${used}`,
            location,
            severity: 'info',
            fix: null,
          });
          continue;
        }
        names ??= new NameRegistry(model);
        const c = identSql(column.name);
        const conventional = objectName('idx', templateName(table.name), templateName(column.name));
        // the conventional name is usually the btree's own: build under another, rename once the btree is gone
        const renameAfter = index.name === conventional;
        const name = names.free(table.schema, renameAfter ? objectName(conventional, 'gin') : conventional);
        const fix = [
          ...(kind === 'jsonb'
            ? [
                `-- jsonb_path_ops (${c} jsonb_path_ops) is smaller and faster when queries only use @>, @? and @@`,
              ]
            : []),
          ...buildIndexStatements(model, table, { name, method: 'gin', keys: c }, names),
          dropIndexStatement(table, index),
          ...(renameAfter
            ? [`ALTER INDEX ${qualifiedIdent(table.schema, name)} RENAME TO ${identSql(conventional)};`]
            : []),
        ].join('\n');
        report({
          message: `btree index ${index.qualifiedName} on ${table.qualifiedName} (${column.name}, ${column.type}) compares whole ${kind === 'array' ? 'arrays' : 'documents'}: it cannot serve containment or key lookups (a GIN index can), and a value over about 2.7 kB makes INSERT fail.${used}`,
          location,
          severity,
          fix,
        });
      }
    }
  },
});
