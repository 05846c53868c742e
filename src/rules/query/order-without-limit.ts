import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { DEFAULT_THRESHOLDS } from '../../lint/thresholds.js';
import { conjuncts, hasAggregate, type SelectNode } from '../../query/expressions.js';
import type { QueryModel } from '../../query/model.js';
import { ownColumns } from '../../query/rule-helpers.js';

export default defineRule<QueryModel, { largeTableRows: number; limit: number }>({
  id: 'query/order-without-limit',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'ORDER BY without LIMIT over a large table that no WHERE term filters',
  reportsOn: 'file',
  docs: {
    why: 'A query that sorts a whole large table and returns every row makes PostgreSQL read all of it, sort it (on disk once it outgrows work_mem) and send it all, and the application hold it all in memory — a cost that grows with the table, usually unnoticed until the table is big. The rule needs row counts, so a live database (`--db`): it reports a top-level SELECT with ORDER BY and no LIMIT (or FETCH FIRST) that reads a table of at least `largeTableRows` rows on which no WHERE term filters. That size is the one threshold for a large table in the whole project, `thresholds.largeTableRows` in the config (1,000,000 rows by default), shared with the migration rules; a `largeTableRows` option of this rule overrides it for this rule only. Aggregating queries (GROUP BY, aggregates) return few rows and are not reported; without `--db` (no schema, or a shadow one built from files, whose tables are empty) it stays silent.',
    howToFix:
      'Fetch a page at a time: LIMIT (with keyset pagination for the next pages), or filter the rows the caller needs; stream with a cursor when every row really is needed. The fix adds `LIMIT <limit>`.',
    examples: {
      bad: 'SELECT id, title FROM posts ORDER BY created_at DESC;',
      good: 'SELECT id, title FROM posts ORDER BY created_at DESC LIMIT 50;',
    },
  },
  options: z.object({
    largeTableRows: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_THRESHOLDS.largeTableRows)
      .describe(
        'Tables with at least this many rows (planner estimate) are large; default: the config’s thresholds.largeTableRows',
      ),
    limit: z.number().int().min(1).default(100).describe('The page size the fix uses'),
  }),
  check({ model, options, report }) {
    const schema = model.schema;
    if (!schema) return;
    for (const statement of model.statements) {
      const scope = statement.names.scopes.find((s) => s.role === 'statement' && s.kind === 'SelectStmt');
      if (!scope) continue;
      const select = scope.node as SelectNode;
      if (!select.sortClause || select.limitCount || select.limitOption === 'LIMIT_OPTION_WITH_TIES')
        continue;
      if (select.groupClause || (select.targetList ?? []).some((t) => hasAggregate(t))) continue;
      const filtered = new Set(
        conjuncts(select.whereClause).flatMap((term) =>
          ownColumns(statement, term, scope).map((c) => c.relation),
        ),
      );
      for (const relation of scope.relations) {
        const table = relation.table;
        const rows = table ? schema.rows(table) : null;
        if (!table || rows === null || rows < options.largeTableRows || filtered.has(relation)) continue;
        const order = statement.sql.keywordAfter(0, ['ORDER']);
        report({
          message: `ORDER BY without LIMIT sorts and returns all of ${table.qualifiedName} (~${formatCount(rows)} rows): fetch a page at a time`,
          location: order ? statement.locateOffset(order.start) : statement.location,
          fix: select.lockingClause ? null : `${statement.sql.text} LIMIT ${options.limit};`,
        });
        break;
      }
    }
  },
});
