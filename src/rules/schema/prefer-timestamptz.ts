import { defineRule } from '../../core/rule.js';
import { typeChangeFix } from '../../lint/columns-model.js';
import type { ColumnsModel } from '../models.js';

export default defineRule<ColumnsModel>({
  id: 'schema/prefer-timestamptz',
  category: 'schema',
  model: 'columns',
  defaultSeverity: 'warning',
  summary: 'timestamp without time zone',
  reportsOn: ['column'],
  docs: {
    why: '`timestamp` stores a wall-clock reading without saying where: the same value means different instants for servers, sessions and clients in different time zones, and daylight-saving changes make some readings ambiguous. `timestamptz` stores an instant (UTC inside) and converts on the way in and out: the same storage size, and correct arithmetic.',
    howToFix:
      "Declare the column `timestamptz`. For an existing column, `ALTER COLUMN … TYPE timestamptz` rewrites the table unless the session time zone is UTC (PostgreSQL 12+ then skips the rewrite); interpret the old values explicitly with `USING col AT TIME ZONE '<zone they were written in>'`.",
    examples: {
      bad: 'CREATE TABLE events (happened_at timestamp NOT NULL);',
      good: 'CREATE TABLE events (happened_at timestamptz NOT NULL);',
    },
  },
  check({ model, report }) {
    for (const column of model.columns) {
      if (column.type.name !== 'timestamp') continue;
      report({
        message: `${column.table}.${column.column} is timestamp without time zone: it records a wall-clock time, not an instant`,
        location: column.location,
        fix:
          column.source === 'sql'
            ? `${column.column} timestamptz`
            : typeChangeFix(
                column,
                `-- rewrites the table; the old values are read as UTC: name the zone they were written in if it is another\nALTER TABLE ${column.sql?.table ?? column.table} ALTER COLUMN ${column.sql?.column ?? column.column} TYPE timestamptz USING ${column.sql?.column ?? column.column} AT TIME ZONE 'UTC';`,
              ),
      });
    }
  },
});
