import type { IndexInfo } from '../../catalog/model.js';
import { formatBytes } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { backsConstraint, type IndexParts, indexParts, indexSignature } from '../../schema/indexes.js';
import { dropIndexStatement } from '../../schema/keys.js';
import type { SchemaModel } from '../models.js';

/** `long` serves every lookup `short` serves: same predicate, `short`'s keys lead `long`'s, its INCLUDE columns are in `long`. */
function covers(short: IndexParts, long: IndexParts, longIndex: IndexInfo): boolean {
  if (long.method !== 'btree' || long.predicate !== short.predicate) return false;
  if (short.keys.length > long.keys.length) return false;
  for (let i = 0; i < short.keys.length; i++) if (short.keys[i] !== long.keys[i]) return false;
  if (short.include.length === 0) return true;
  const held = new Set<string>(longIndex.include);
  for (const column of longIndex.columns) if (column !== null) held.add(column);
  return short.include.every((c) => held.has(c));
}

export default defineRule<SchemaModel>({
  id: 'schema/redundant-index',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'A btree index whose key leads another btree index with the same predicate',
  reportsOn: ['index'],
  docs: {
    why: 'A btree index on (a) is redundant next to one on (a, b): the longer index is sorted by a first, so it serves every lookup, range scan and ORDER BY on a that the shorter one serves (and a unique index on (a) serves every lookup of a plain one on (a)). The shorter index still costs a write on every INSERT and non-HOT UPDATE, VACUUM work, cache space and backup size. Only a non-unique index that enforces nothing is called redundant, and only next to a valid btree index with the same predicate, whose key starts with the same elements (same columns or expressions, operator classes, collations and sort order) and which holds its INCLUDE columns; INCLUDE columns of the longer index do not count as keys. An index that serves a foreign key is still redundant when the longer one leads with the same columns: the longer one serves the foreign key too. Exact duplicates are schema/duplicate-index.',
    howToFix:
      'Drop the shorter index with `DROP INDEX CONCURRENTLY` (outside a transaction block; reads and writes go on). The shorter index is smaller, so lookups on its columns alone read a little less through the longer one: for a very wide longer index, check the hot queries with EXPLAIN first. Check read replicas too before dropping: their queries use the same indexes.',
    examples: {
      bad: 'CREATE INDEX idx_orders_customer_id ON orders (customer_id);\nCREATE INDEX idx_orders_customer_id_placed_at ON orders (customer_id, placed_at);',
      good: 'CREATE INDEX idx_orders_customer_id_placed_at ON orders (customer_id, placed_at);',
    },
  },
  check({ model, report }) {
    for (const table of model.tables) {
      if (table.indexes.length < 2) continue;
      const btrees = table.indexes.filter((i) => i.valid && i.method === 'btree' && indexParts(i) !== null);
      if (btrees.length < 2) continue;
      for (const index of btrees) {
        if (index.unique || backsConstraint(index)) continue;
        const parts = indexParts(index)!;
        const signature = indexSignature(index);
        // the longest cover, a unique one first, then the older one
        let cover: IndexInfo | undefined;
        for (const other of btrees) {
          if (other === index || indexSignature(other) === signature) continue;
          if (!covers(parts, indexParts(other)!, other)) continue;
          if (
            !cover ||
            indexParts(other)!.keys.length > indexParts(cover)!.keys.length ||
            (indexParts(other)!.keys.length === indexParts(cover)!.keys.length &&
              (Number(other.unique) - Number(cover.unique) || cover.oid - other.oid) > 0)
          )
            cover = other;
        }
        if (!cover) continue;
        const keys = (i: IndexInfo) => `(${indexParts(i)!.keys.join(', ')})`;
        report({
          message: `index ${index.qualifiedName} ${keys(index)} on ${table.qualifiedName} is redundant: ${cover.qualifiedName} ${keys(cover)} leads with the same key and serves its lookups${index.size !== null ? ` (${formatBytes(index.size)} maintained by every write for nothing)` : ''}: ${index.definition}; ${cover.definition}`,
          location: { object: index.qualifiedName, kind: 'index' },
          fix: dropIndexStatement(table, index),
        });
      }
    }
  },
});
