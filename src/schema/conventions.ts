import type { TableInfo } from '../catalog/model.js';
import type { ConventionChoice, NameCase, NamingConvention } from './model.js';
import { isSnakeCase, pluralName, singularNameIfPlural, toSnakeCase } from './naming.js';

/**
 * The project's own naming convention, read from its schema: the case of table names and of column names
 * (snake_case, camelCase as Prisma generates fields, PascalCase as it generates models) and whether tables are named
 * in the plural or the singular. The naming rules check consistency with it instead of imposing snake_case.
 */

export type { ConventionChoice, NameCase, NamingConvention };

/** How a name is written: one of the cases, `word` (one lower-case word: fits snake_case and camelCase), `other`. */
export type NameShape = NameCase | 'word' | 'other';

const WORD = /^_?[a-z][a-z0-9]*$/;
const CAMEL = /^_?[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;
const PASCAL = /^_?(?:[A-Z][a-z0-9]*)+$/;

/**
 * Tables that migration tools create and name in their own convention (their history): they neither vote for the
 * project's convention nor break it.
 */
const TOOL_TABLES = new Set([
  '_prisma_migrations',
  '__diesel_schema_migrations',
  'schema_migrations',
  'ar_internal_metadata',
  'flyway_schema_history',
  'pgmigrations',
  'knex_migrations',
  'knex_migrations_lock',
  'goose_db_version',
  'SequelizeMeta',
  'typeorm_metadata',
]);

export function isToolTable(name: string): boolean {
  return TOOL_TABLES.has(name);
}

/** The shape of one name. A single letter (`A`, `B` of Prisma's implicit join tables) counts as a word. */
export function nameShape(name: string): NameShape {
  if (WORD.test(name) || /^[A-Za-z]$/.test(name)) return 'word';
  if (isSnakeCase(name)) return 'snake_case';
  if (CAMEL.test(name)) return 'camelCase';
  if (PASCAL.test(name)) return 'PascalCase';
  return 'other';
}

/** True when a name is written in `convention` (a single lower-case word fits snake_case and camelCase). */
export function followsCase(name: string, convention: NameCase): boolean {
  const shape = nameShape(name);
  if (shape === convention) return true;
  if (shape !== 'word') return false;
  return convention !== 'PascalCase' || /^[A-Z]$/.test(name);
}

/** `customer_id` → `customerId`; `order_items` → `OrderItems` (pascal); null when the name has no snake form. */
export function toCase(name: string, convention: NameCase): string | null {
  const snake = isSnakeCase(name) ? name : toSnakeCase(name);
  if (snake === null) return null;
  if (convention === 'snake_case') return snake;
  const leading = snake.startsWith('_') ? '_' : '';
  const words = snake.replace(/^_/, '').split('_');
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const joined = words.map((w, i) => (i === 0 && convention === 'camelCase' ? w : cap(w))).join('');
  return `${leading}${joined}`;
}

/** What the config may force: `auto` reads the schema. */
export interface NamingSettings {
  readonly tables: NameCase | 'auto';
  readonly columns: NameCase | 'auto';
  readonly tableNumber: 'plural' | 'singular' | 'auto';
  /** The share of the telling names a convention needs to be the project's (0.5 … 1). */
  readonly majority: number;
}

export const DEFAULT_NAMING: NamingSettings = {
  tables: 'auto',
  columns: 'auto',
  tableNumber: 'auto',
  majority: 0.75,
};

function decide<T extends string>(
  forced: T | 'auto',
  votes: Record<string, number>,
  fallback: T,
  majority: number,
): ConventionChoice<T> {
  if (forced !== 'auto') return { convention: forced, source: 'config', votes };
  const total = Object.values(votes).reduce((a, b) => a + b, 0);
  if (total === 0) return { convention: fallback, source: 'default', votes };
  const [best, count] = Object.entries(votes).sort((a, b) => b[1] - a[1])[0]!;
  return { convention: count / total >= majority ? (best as T) : null, source: 'detected', votes };
}

/** The number of a table name, judged on its last word; null when it cannot be judged (`data`, `log_v2`). */
export function tableNumber(name: string): 'plural' | 'singular' | null {
  const snake = isSnakeCase(name) ? name : toSnakeCase(name);
  if (snake === null) return null;
  if (pluralName(snake) !== null) return 'singular';
  if (singularNameIfPlural(snake) !== null) return 'plural';
  return null;
}

/**
 * The tables' and columns' conventions: forced by the settings, or the majority of the names that tell them apart
 * (at least `majority` of them), or snake_case and plural when nothing tells (a schema of single words).
 */
export function detectNaming(
  tables: readonly TableInfo[],
  settings: NamingSettings = DEFAULT_NAMING,
): NamingConvention {
  const tableVotes: Record<string, number> = { snake_case: 0, camelCase: 0, PascalCase: 0 };
  const columnVotes: Record<string, number> = { snake_case: 0, camelCase: 0, PascalCase: 0 };
  const numberVotes: Record<string, number> = { plural: 0, singular: 0 };
  for (const table of tables) {
    if (isToolTable(table.name)) continue;
    const shape = nameShape(table.name);
    if (shape in tableVotes) tableVotes[shape]!++;
    if (settings.tableNumber === 'auto') {
      const number = tableNumber(table.name);
      if (number) numberVotes[number]!++;
    }
    for (const column of table.columns) {
      const columnShape = nameShape(column.name);
      if (columnShape in columnVotes) columnVotes[columnShape]!++;
    }
  }
  return {
    tables: decide(settings.tables, tableVotes, 'snake_case', settings.majority),
    columns: decide(settings.columns, columnVotes, 'snake_case', settings.majority),
    tableNumber: decide(settings.tableNumber, numberVotes, 'plural', settings.majority),
    majority: settings.majority,
  };
}

/** True when the project writes names with upper-case letters (camelCase or PascalCase tables or columns). */
export function mixedCaseConvention(naming: NamingConvention): boolean {
  return [naming.tables.convention, naming.columns.convention].some(
    (c) => c === 'camelCase' || c === 'PascalCase',
  );
}

/** `created_at` in the project's column case (`createdAt` in a camelCase project). */
export function columnInConvention(name: string, naming: NamingConvention): string {
  const convention = naming.columns.convention;
  if (convention === null || convention === 'snake_case') return name;
  return toCase(name, convention) ?? name;
}

/** The spellings of a conventional column a table may use: the configured name and its camelCase/PascalCase forms. */
export function columnSpellings(name: string, naming: NamingConvention): string[] {
  const spellings = [name, columnInConvention(name, naming)];
  // no clear convention: both common spellings count
  if (naming.columns.convention === null) spellings.push(toCase(name, 'camelCase') ?? name);
  return [...new Set(spellings)];
}

/** A one-line description of a choice and its evidence: `camelCase (412 of 420 telling names)`. */
export function describeChoice(choice: ConventionChoice<string>): string {
  const total = Object.values(choice.votes).reduce((a, b) => a + b, 0);
  const counts = Object.entries(choice.votes)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  if (choice.source === 'config') return `${choice.convention} (set in the config)`;
  if (choice.source === 'default') return `${choice.convention} (no name tells)`;
  if (choice.convention === null) return `none: ${counts}`;
  return `${choice.convention} (${choice.votes[choice.convention]} of ${total} telling names)`;
}

/** A finding a rule would make on one table, held back to see whether it is one systematic choice. */
export interface TableReport {
  /** What the finding says, without the table: equal keys are the same choice (`updatedAt has no default`). */
  readonly key: string;
  readonly table: TableInfo;
  readonly input: {
    readonly message: string;
    readonly location: { readonly object: string; readonly kind: 'table' | 'column' };
    readonly fix: string | null;
    readonly severity?: 'error' | 'warning' | 'info';
  };
}

/**
 * Reports the held findings: one per table, except that a problem found on more than `groupAbove` tables is one
 * systematic choice (an ORM that fills `updatedAt` itself), reported once on the schema with every table named and
 * every table's fix.
 */
export function reportSystematic(
  held: readonly TableReport[],
  groupAbove: number,
  report: (
    input:
      | TableReport['input']
      | (Omit<TableReport['input'], 'location'> & { location: { object: string; kind: 'schema' } }),
  ) => void,
): void {
  const byKey = new Map<string, TableReport[]>();
  for (const entry of held) {
    const list = byKey.get(entry.key) ?? [];
    list.push(entry);
    byKey.set(entry.key, list);
  }
  for (const [key, entries] of byKey) {
    if (entries.length <= groupAbove) {
      for (const entry of entries) report(entry.input);
      continue;
    }
    const schemas = [...new Set(entries.map((e) => e.table.schema))];
    const fixes = entries.map((e) => e.input.fix).filter((f): f is string => f !== null);
    const names = entries.map((e) => e.table.qualifiedName);
    report({
      message: `${entries.length} tables: ${key} (${names.join(', ')})`,
      location: { object: schemas.join(', '), kind: 'schema' },
      fix: fixes.length > 0 ? fixes.join('\n') : null,
      severity: entries[0]!.input.severity,
    });
  }
}
