import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { freeConstraintName, identSql, objectName, tableSql } from '../../schema/keys.js';
import { templateName } from '../../schema/naming.js';
import type { SchemaModel } from '../models.js';

interface Options {
  lengths: number[];
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/varchar-length',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'info',
  summary: 'varchar(n) with a habitual length that limits nothing on purpose',
  reportsOn: ['column'],
  docs: {
    why: "In PostgreSQL varchar(n) and text are stored the same way and perform the same; the length is only a check. A length such as 255, 1000 or 4000 is usually a habit from other databases (MySQL index limits, Oracle's VARCHAR2(4000), SQL Server's 8000) rather than a rule of the data: it rejects the one legitimate long value in production, and raising it later means a migration for every column. When there is a real limit, a CHECK constraint says so and can be changed without touching the column type. The lengths taken for habits are the option `lengths`.",
    howToFix:
      '`ALTER TABLE t ALTER COLUMN c TYPE text` — varchar to text is binary coercible: no table rewrite and no index rebuild, only a brief ACCESS EXCLUSIVE lock (it still fails while a view uses the column: recreate the view around it). When the limit is real, add it as a CHECK without blocking writes: `ALTER TABLE t ADD CONSTRAINT chk_t_c CHECK (char_length(c) <= 255) NOT VALID;` then `ALTER TABLE t VALIDATE CONSTRAINT chk_t_c;`.',
    examples: {
      bad: 'CREATE TABLE users (email varchar(255) NOT NULL);',
      good: 'CREATE TABLE users (email text NOT NULL);',
    },
  },
  options: z.object({
    lengths: z
      .array(z.number().int().positive())
      .default([255, 256, 1000, 1024, 2000, 4000, 4096, 8000, 65535])
      .describe('varchar lengths taken for habits rather than rules of the data'),
  }),
  check({ model, options, report }) {
    const habits = new Set(options.lengths);
    for (const table of model.tables) {
      for (const column of table.columns) {
        if (column.typeName !== 'varchar') continue;
        const match = /^character varying\((\d+)\)(\[\])?$/.exec(column.type);
        if (!match) continue;
        const length = Number(match[1]);
        if (!habits.has(length)) continue;
        const t = tableSql(table);
        const c = identSql(column.name);
        const check = identSql(
          freeConstraintName(table, objectName('chk', templateName(table.name), templateName(column.name))),
        );
        report({
          message: `${table.qualifiedName}.${column.name} is varchar(${length}): a habitual length, not a rule of the data; text stores the same and a CHECK states a real limit`,
          location: { object: `${table.qualifiedName}.${column.name}`, kind: 'column' },
          fix: [
            '-- no rewrite: varchar to text is binary coercible',
            `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE text${match[2] ?? ''};`,
            ...(match[2]
              ? []
              : [
                  `-- if ${length} is a real limit: ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (char_length(${c}) <= ${length}) NOT VALID;`,
                  `-- then: ALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`,
                ]),
          ].join('\n'),
        });
      }
    }
  },
});
