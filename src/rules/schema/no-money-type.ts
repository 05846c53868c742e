import { defineRule } from '../../core/rule.js';
import { typeChangeFix } from '../../lint/columns-model.js';
import type { ColumnsModel } from '../models.js';

export default defineRule<ColumnsModel>({
  id: 'schema/no-money-type',
  category: 'schema',
  model: 'columns',
  defaultSeverity: 'warning',
  summary: 'The money type',
  reportsOn: ['column'],
  docs: {
    why: "`money` formats and parses values with the server's lc_monetary setting: the same dump restores to different amounts on a server with another locale, it holds one currency only, and its fixed two-digit fraction cannot hold prices in currencies with other subdivisions.",
    howToFix: 'Use `numeric(p, s)` and a separate currency column when needed.',
    examples: {
      bad: 'CREATE TABLE invoices (total money);',
      good: 'CREATE TABLE invoices (total numeric(12, 2), currency text);',
    },
  },
  check({ model, report }) {
    for (const column of model.columns) {
      if (column.type.name !== 'money') continue;
      report({
        message: `${column.table}.${column.column} uses the money type, whose meaning depends on the server's lc_monetary`,
        location: column.location,
        fix:
          column.source === 'sql'
            ? `${column.column} numeric(12, 2)`
            : typeChangeFix(
                column,
                `-- rewrites the table; money converts to numeric exactly (numeric without a scale: no value is too big or rounded)\nALTER TABLE ${column.sql?.table ?? column.table} ALTER COLUMN ${column.sql?.column ?? column.column} TYPE numeric;`,
              ),
      });
    }
  },
});
