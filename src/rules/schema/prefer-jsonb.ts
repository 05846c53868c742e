import { defineRule } from '../../core/rule.js';
import { typeChangeFix } from '../../lint/columns-model.js';
import type { ColumnsModel } from '../models.js';

export default defineRule<ColumnsModel>({
  id: 'schema/prefer-jsonb',
  category: 'schema',
  model: 'columns',
  defaultSeverity: 'warning',
  summary: 'json instead of jsonb',
  reportsOn: ['column'],
  docs: {
    why: '`json` stores the text as typed and re-parses it on every access. It has no equality operator (SELECT DISTINCT, GROUP BY and UNION fail on it), no GIN indexing, and none of the containment operators. `jsonb` stores it parsed.',
    howToFix:
      'Use `jsonb`. Keep `json` only when the exact text (key order, duplicate keys, whitespace) must be preserved.',
    examples: { bad: 'CREATE TABLE events (payload json);', good: 'CREATE TABLE events (payload jsonb);' },
  },
  check({ model, report }) {
    for (const column of model.columns) {
      if (column.type.name !== 'json') continue;
      report({
        message: `${column.table}.${column.column} is json: no equality, no GIN index, re-parsed on every read`,
        location: column.location,
        fix:
          column.source === 'sql'
            ? `${column.column} jsonb`
            : typeChangeFix(
                column,
                `-- rewrites the table; jsonb drops duplicate keys (the last one wins), key order and white space\nALTER TABLE ${column.sql?.table ?? column.table} ALTER COLUMN ${column.sql?.column ?? column.column} TYPE jsonb USING ${column.sql?.column ?? column.column}::jsonb;`,
              ),
      });
    }
  },
});
