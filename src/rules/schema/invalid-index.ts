import type { IndexInfo, TableInfo } from '../../catalog/model.js';
import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { createConcurrentlySql, indexSignature } from '../../schema/indexes.js';
import { buildIndexStatements, indexShape, NameRegistry, objectName } from '../../schema/keys.js';
import { qualifiedIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

export default defineRule<SchemaModel>({
  id: 'schema/invalid-index',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Index left INVALID by a failed concurrent build',
  reportsOn: ['index'],
  docs: {
    why: "When CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY fails (a unique violation, a deadlock, a cancelled statement, a lock or statement timeout), PostgreSQL cannot roll the index back: it stays in the catalog marked INVALID. The planner never uses it, yet once it got as far as being ready every INSERT and UPDATE keeps maintaining it, and a unique one still rejects duplicates among new rows while nothing checked the old ones. The queries it was built for still run without it. Its name is also taken, so the migration that built it fails again when re-run, and REINDEX CONCURRENTLY leaves `<name>_ccnew` twins behind. On a partitioned table, the parent's index is invalid until every partition has an index attached to it: that is an unfinished build, not a failed one.",
    howToFix:
      "Drop it with `DROP INDEX CONCURRENTLY` and build it again with `CREATE INDEX CONCURRENTLY` (both outside a transaction block), after removing the cause: for a unique index that failed on duplicates, find them first (`SELECT key, count(*) FROM t GROUP BY key HAVING count(*) > 1`) or the build fails again. When a valid index with the same definition exists (the original of a failed REINDEX CONCURRENTLY's `_ccnew` copy), dropping is all there is to do. For a partitioned table's index, create the missing partitions' indexes CONCURRENTLY and ATTACH them (`ALTER INDEX parent_idx ATTACH PARTITION part_idx`): the parent's index becomes valid with the last one.",
    examples: {
      bad: 'CREATE UNIQUE INDEX CONCURRENTLY idx_users_email ON users (email);\n-- ERROR: could not create unique index "idx_users_email" (the index stays, INVALID)',
      good: 'DROP INDEX CONCURRENTLY idx_users_email;\n-- remove the duplicates, then\nCREATE UNIQUE INDEX CONCURRENTLY idx_users_email ON users (email);',
    },
  },
  check({ model, report }) {
    let names: NameRegistry | undefined;
    const check = (table: TableInfo) => {
      for (const index of table.indexes) {
        if (index.valid) continue;
        names ??= new NameRegistry(model);
        report(finding(model, table, index, names));
      }
    };
    for (const table of model.tables) {
      check(table);
      // a failed concurrent build often runs on one partition (CONCURRENTLY is refused on the parent)
      if (table.kind === 'partitioned table')
        for (const part of model.partitions(table.qualifiedName)) check(part);
    }
  },
});

/**
 * A partitioned table's index is valid once each partition has one attached: attach the partitions' matching
 * indexes (attaching one already attached does nothing), and build the missing ones CONCURRENTLY first. Null when
 * a partition is itself partitioned (its own index must be completed first, level by level).
 */
function completePartitionedIndex(
  model: SchemaModel,
  table: TableInfo,
  index: IndexInfo,
  names: NameRegistry,
): string | null {
  const shape = indexShape(index);
  const signature = indexSignature(index);
  if (!shape || signature === null) return null;
  const parts = model
    .partitions(table.qualifiedName)
    .filter((p) => p.partitionOf?.parent === table.qualifiedName);
  if (parts.some((p) => p.kind === 'partitioned table')) return null;
  const parent = qualifiedIdent(index.schema, index.name);
  const out: string[] = [];
  for (const part of parts) {
    const matching = part.indexes.find((i) => i.valid && indexSignature(i) === signature);
    const name = matching?.name ?? names.free(part.schema, objectName(part.name, index.name));
    if (!matching)
      out.push(
        ...buildIndexStatements(
          model,
          part,
          {
            name,
            unique: shape.unique,
            method: shape.method,
            keys: shape.keys,
            middle: shape.middle,
            predicate: shape.predicate,
          },
          names,
        ),
      );
    out.push(`ALTER INDEX ${parent} ATTACH PARTITION ${qualifiedIdent(part.schema, name)};`);
  }
  return out.join('\n');
}

function finding(model: SchemaModel, table: TableInfo, index: IndexInfo, names: NameRegistry) {
  const location = { object: index.qualifiedName, kind: 'index' as const };
  const name = qualifiedIdent(index.schema, index.name);
  if (table.kind === 'partitioned table') {
    return {
      message: `index ${index.qualifiedName} on partitioned table ${table.qualifiedName} is INVALID: not every partition has an index attached to it yet, so queries on the table cannot use it (${index.definition})`,
      location,
      fix:
        completePartitionedIndex(model, table, index, names) ??
        `-- for each partition without one: CREATE INDEX CONCURRENTLY on the partition, then\n-- ALTER INDEX ${name} ATTACH PARTITION <the partition's index>;`,
    };
  }
  const signature = indexSignature(index);
  const twin =
    signature === null
      ? undefined
      : table.indexes.find((i) => i !== index && i.valid && indexSignature(i) === signature);
  const cost = index.ready
    ? `never used by queries, yet maintained by every write${index.size !== null ? ` (${formatBytes(index.size)})` : ''}`
    : 'never used by queries, and not maintained';
  const uniqueness = index.unique
    ? '; the uniqueness it was built for was never checked on the existing rows'
    : '';
  if (twin) {
    return {
      message: `index ${index.qualifiedName} on ${table.qualifiedName} is INVALID (a failed concurrent build or REINDEX), ${cost}; the valid ${twin.qualifiedName} has the same definition: ${index.definition}`,
      location,
      fix: `DROP INDEX CONCURRENTLY ${name};`,
    };
  }
  return {
    message: `index ${index.qualifiedName} on ${table.qualifiedName} is INVALID (a failed CREATE INDEX CONCURRENTLY), ${cost}${uniqueness}: ${index.definition}`,
    location,
    fix: [
      `DROP INDEX CONCURRENTLY ${name};`,
      ...(index.unique
        ? ['-- a unique build fails again while duplicates remain: find and remove them first']
        : []),
      createConcurrentlySql(index),
    ].join('\n'),
    severity: index.unique ? ('error' as const) : undefined,
  };
}
