import { defineRule } from '../../core/rule.js';
import { typeChangeFix } from '../../lint/columns-model.js';
import type { ColumnsModel } from '../models.js';

const NARROW: Record<string, string> = {
  int4: 'integer',
  int2: 'smallint',
  serial: 'serial',
  serial4: 'serial',
  smallserial: 'smallserial',
  serial2: 'smallserial',
};

export default defineRule<ColumnsModel>({
  id: 'schema/prefer-bigint-key',
  category: 'schema',
  model: 'columns',
  defaultSeverity: 'warning',
  summary: 'A primary key of integer or smallint',
  reportsOn: ['column'],
  docs: {
    why: 'An integer key runs out at 2,147,483,647 (smallint at 32,767). Sequences also burn values on rolled-back inserts and ON CONFLICT, so busy tables get there sooner than their row count suggests. When it happens every INSERT fails, and the fix — changing the key and every foreign key that references it to bigint — rewrites all those tables. bigint costs 4 more bytes per row and never runs out.',
    howToFix:
      'Use bigint (bigint GENERATED ALWAYS AS IDENTITY) for keys, and bigint for the foreign keys that reference them.',
    examples: {
      bad: 'CREATE TABLE orders (id serial PRIMARY KEY);',
      good: 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);',
    },
  },
  check({ model, report }) {
    for (const column of model.columns) {
      const narrow = NARROW[column.type.name];
      if (!column.primaryKey || !narrow || column.type.array) continue;
      // one column of several in the key, fed by no sequence (a retry count, a position): nothing counts it up
      if ((column.primaryKeyColumns ?? 1) > 1 && !column.serial && !column.identity) continue;
      report({
        message: `${column.table}.${column.column} is a ${narrow} primary key: it overflows at ${column.type.name.includes('2') || narrow === 'smallserial' ? '32,767' : '2,147,483,647'}`,
        location: column.location,
        fix:
          column.source === 'sql'
            ? `${column.column} bigint${column.serial || column.identity ? ' GENERATED ALWAYS AS IDENTITY' : ''}`
            : typeChangeFix(
                column,
                [
                  '-- rewrites the table under an ACCESS EXCLUSIVE lock: on a big table plan it (new bigint column, backfill, swap);',
                  '-- the foreign key columns that reference it need TYPE bigint too',
                  `ALTER TABLE ${column.sql?.table ?? column.table} ALTER COLUMN ${column.sql?.column ?? column.column} TYPE bigint;`,
                  // an identity's sequence follows its column; a serial's stays integer until told
                  ...(column.serial && column.sql?.sequence
                    ? [`ALTER SEQUENCE ${column.sql.sequence} AS bigint;`]
                    : []),
                ].join('\n'),
              ),
      });
    }
  },
});
