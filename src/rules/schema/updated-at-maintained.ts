import { z } from 'zod';
import type { TriggerInfo } from '../../catalog/model.js';
import { defineRule } from '../../core/rule.js';
import { columnSpellings, reportSystematic, type TableReport } from '../../schema/conventions.js';
import { identSql, objectName, tableSql } from '../../schema/keys.js';
import { touchFor } from '../../schema/touch.js';
import { qualifiedIdent } from '../../sql/quote.js';
import type { SchemaModel } from '../models.js';

interface Options {
  column: string;
  functionName: string;
  namePatterns: string[];
  groupAbove: number;
}

export default defineRule<SchemaModel, Options>({
  id: 'schema/updated-at-maintained',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'updated_at column that no trigger keeps current',
  reportsOn: ['table'],
  docs: {
    why: "A DEFAULT fills updated_at on INSERT only. Unless something sets it on every UPDATE, it goes stale the first time a path forgets — a bulk UPDATE, a console fix, another service, a migration backfill — and every sync job, cache and audit that trusts it silently misses changes. A BEFORE UPDATE … FOR EACH ROW trigger is the one place that no write can bypass. The snapshot holds each trigger's definition and function name but not the function's body (only a hash of it), so a trigger counts when it is enabled, BEFORE UPDATE (on any column, not `UPDATE OF` some), FOR EACH ROW, and its name, its function's name or its arguments mention the column or a word of `namePatterns` (updated, modified, touch, timestamp, moddatetime…). A BEFORE UPDATE row trigger that matches none of them is reported at info, to be checked by hand.",
    howToFix:
      "Create the trigger function once per schema, then a trigger per table: `CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;` and `CREATE TRIGGER trg_orders_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();` (the moddatetime extension's `moddatetime(updated_at)` does the same). The fix reuses a function named `functionName` when the schema has one. The value suits the column's type: now() for timestamptz and timestamp, current_date for a date (set_updated_at_date), the Unix epoch for an integer column in seconds or milliseconds as ANALYZE's sample shows (set_updated_at_epoch, set_updated_at_epoch_ms); without statistics to tell, no trigger is proposed. In a camelCase project the column is `updatedAt` (Prisma's @updatedAt is set by the client only: any other writer leaves it stale). More than `groupAbove` tables without the trigger are one choice across the schema: one finding names them all, and its fix creates every trigger.",
    examples: {
      bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL DEFAULT now());',
      good: 'CREATE TRIGGER trg_orders_updated_at BEFORE UPDATE ON orders\n  FOR EACH ROW EXECUTE FUNCTION set_updated_at();',
    },
  },
  options: z.object({
    column: z.string().min(1).default('updated_at').describe('The column a trigger must keep current'),
    functionName: z
      .string()
      .min(1)
      .default('set_updated_at')
      .describe('The trigger function the fix uses (and creates when the schema has none)'),
    namePatterns: z
      .array(z.string().min(1))
      .default(['updated', 'modified', 'touch', 'timestamp', 'moddatetime', 'mtime'])
      .describe('Words in a trigger or function name that say it maintains the column'),
    groupAbove: z
      .number()
      .int()
      .min(0)
      .default(5)
      .describe(
        'more tables than this without the trigger are one systematic choice: one finding lists them all',
      ),
  }),
  check({ model, options, report }) {
    const patterns = [options.column, ...options.namePatterns].map((p) => p.toLowerCase());
    // trigger functions of that name, per schema
    const functions = new Map<string, string>();
    for (const fn of model.snapshot.functions) {
      if (fn.name === options.functionName && fn.returns === 'trigger' && fn.arguments === '')
        functions.set(fn.schema, fn.schema);
    }
    const rowUpdateTrigger = (t: TriggerInfo) =>
      t.enabled &&
      t.timing === 'before' &&
      t.level === 'row' &&
      t.events.includes('update') &&
      !/ UPDATE OF /i.test(t.definition);
    const looksRight = (t: TriggerInfo) => {
      const fn = t.function.slice(t.function.lastIndexOf('.') + 1);
      const args = /EXECUTE (?:FUNCTION|PROCEDURE) .*?\((.*)\)\s*$/i.exec(t.definition)?.[1] ?? '';
      const text = `${t.name} ${fn} ${args}`.toLowerCase();
      return patterns.some((p) => text.includes(p));
    };

    // `updatedAt` in a camelCase project (Prisma's @updatedAt, which the client sets, not the database)
    const spellings = columnSpellings(options.column, model.conventions.naming);
    const held: TableReport[] = [];
    for (const table of model.tables) {
      const column = table.columns.find((c) => spellings.includes(c.name))?.name;
      if (column === undefined) continue;
      const candidates = table.triggers.filter(rowUpdateTrigger);
      if (candidates.some(looksRight)) continue;
      const fnSchema = functions.get(table.schema) ?? (functions.has('public') ? 'public' : table.schema);
      // the value for the column's real type (a date, an epoch in seconds or milliseconds), each its own function
      const type = table.columns.find((c) => c.name === column)!.typeName;
      const touch = touchFor(type, model.columnStats(table.qualifiedName, column)?.sample);
      const fnSql = qualifiedIdent(fnSchema, `${options.functionName}${touch?.suffix ?? ''}`);
      const fix: string[] = [];
      // in every finding's fix (each stands alone): CREATE OR REPLACE of the same body is harmless
      if (touch && (touch.suffix !== '' || !functions.has(fnSchema))) {
        fix.push(
          `CREATE OR REPLACE FUNCTION ${fnSql}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.${identSql(column)} := ${touch.expression};\n  RETURN NEW;\nEND\n$$;`,
        );
      }
      const used = new Set(table.triggers.map((t) => t.name));
      let name = objectName('trg', table.name, column);
      for (let n = 2; used.has(name); n++) name = objectName('trg', table.name, column, String(n));
      fix.push(
        `CREATE TRIGGER ${identSql(name)} BEFORE UPDATE ON ${tableSql(table)}\n  FOR EACH ROW EXECUTE FUNCTION ${fnSql}();`,
      );
      held.push({
        key:
          candidates.length === 0
            ? `${column} is set on INSERT only: no BEFORE UPDATE … FOR EACH ROW trigger keeps it current`
            : `${table.qualifiedName} ${column}`,
        table,
        input: {
          message:
            candidates.length === 0
              ? `${table.qualifiedName}.${column} is set on INSERT only: no BEFORE UPDATE … FOR EACH ROW trigger keeps it current${touch ? '' : untold(type)}`
              : `${table.qualifiedName}.${column}: none of its BEFORE UPDATE row triggers (${candidates.map((t) => `${t.name} → ${t.function}()`).join(', ')}) looks like it sets ${column}; check them`,
          location: { object: table.qualifiedName, kind: 'table' },
          severity: candidates.length === 0 ? undefined : 'info',
          // an integer column without statistics: seconds or milliseconds cannot be told, so no trigger is written
          fix: touch ? fix.join('\n') : null,
        },
      });
    }
    reportSystematic(held, options.groupAbove, report);
  },
});

/** Why no trigger is proposed for a column whose value cannot be told from its type and statistics. */
function untold(type: string): string {
  return type === 'int8' || type === 'int4' || type === 'numeric'
    ? ` (an epoch in ${type}: with no statistics to tell seconds from milliseconds, run ANALYZE and review again)`
    : ` (a ${type} column: set it from the application, or make it timestamptz)`;
}
