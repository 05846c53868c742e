import { defineRule } from '../../core/rule.js';
import { typeChangeFix } from '../../lint/columns-model.js';
import type { ColumnsModel } from '../models.js';

export default defineRule<ColumnsModel>({
  id: 'schema/no-char',
  category: 'schema',
  model: 'columns',
  defaultSeverity: 'warning',
  summary: 'char(n): blank-padded fixed length',
  reportsOn: ['column'],
  docs: {
    why: '`char(n)` pads values with spaces to n characters, ignores trailing spaces when comparing, and is no faster or smaller than text in PostgreSQL (the padding makes it bigger). The padding leaks into applications and breaks equality with text values.',
    howToFix: 'Use `text` (with a CHECK (length(col) = n) if the length is a real rule) or `varchar(n)`.',
    examples: {
      bad: 'CREATE TABLE countries (code char(2) PRIMARY KEY);',
      good: 'CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2));',
    },
  },
  check({ model, report }) {
    for (const column of model.columns) {
      if (column.type.name !== 'bpchar') continue;
      report({
        message: `${column.table}.${column.column} is char(${column.type.mods[0] ?? 1}): blank-padded, and no faster than text`,
        location: column.location,
        fix:
          column.source === 'sql'
            ? `${column.column} text`
            : typeChangeFix(
                column,
                `-- rewrites the table and drops the padding (trailing spaces), as char comparisons already ignored it\nALTER TABLE ${column.sql?.table ?? column.table} ALTER COLUMN ${column.sql?.column ?? column.column} TYPE text;`,
              ),
      });
    }
  },
});
