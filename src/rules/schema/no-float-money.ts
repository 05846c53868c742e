import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { typeChangeFix } from '../../lint/columns-model.js';
import type { ColumnsModel } from '../models.js';

const DEFAULT_NAMES = [
  'price',
  'amount',
  'total',
  'balance',
  'cost',
  'fee',
  'tax',
  'salary',
  'revenue',
  'payment',
  'subtotal',
  'discount',
  'credit',
  'debit',
  'refund',
];

export default defineRule<ColumnsModel, { names: string[] }>({
  id: 'schema/no-float-money',
  category: 'schema',
  model: 'columns',
  defaultSeverity: 'error',
  summary: 'real or double precision for an amount of money',
  reportsOn: ['column'],
  options: z.object({
    names: z
      .array(z.string())
      .default(DEFAULT_NAMES)
      .describe('words that mark a money-like column name (matched as name parts)'),
  }),
  docs: {
    why: 'Floating-point numbers cannot represent most decimal fractions exactly: 0.1 + 0.2 is 0.30000000000000004. Sums of prices drift by cents, totals do not match their lines, and equality checks on amounts fail.',
    howToFix:
      'Use `numeric(p, s)` (for example numeric(12, 2)), or an integer number of the smallest currency unit (cents).',
    examples: {
      bad: 'CREATE TABLE orders (total double precision);',
      good: 'CREATE TABLE orders (total numeric(12, 2));',
    },
  },
  check({ model, options, report }) {
    const words = new Set(options.names.map((n) => n.toLowerCase()));
    for (const column of model.columns) {
      if (column.type.name !== 'float4' && column.type.name !== 'float8') continue;
      const parts = column.column.toLowerCase().split(/[_\d]+/);
      if (!parts.some((part) => words.has(part) || words.has(part.replace(/s$/, '')))) continue;
      report({
        message: `${column.table}.${column.column} looks like money but is ${column.type.name === 'float4' ? 'real' : 'double precision'}: binary floating point cannot hold cents exactly`,
        location: column.location,
        fix:
          column.source === 'sql'
            ? `${column.column} numeric(12, 2)`
            : typeChangeFix(
                column,
                `-- rewrites the table; numeric without a scale keeps every value as it reads now (15 significant digits):\n-- give it a scale (numeric(12, 2)) once the values are known to fit, as rounding to it loses what does not\nALTER TABLE ${column.sql?.table ?? column.table} ALTER COLUMN ${column.sql?.column ?? column.column} TYPE numeric;`,
              ),
      });
    }
  },
});
