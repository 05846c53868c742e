import type { Connection } from '../db/connection.js';

interface ColumnRow {
  table_oid: number;
  table_name: string;
  column: string;
  type: string;
  type_category: string;
  type_oid: number;
  not_null: boolean;
  has_default: boolean;
  /** The default draws from a sequence (serial): distinct values. */
  sequence_default: boolean;
  identity: boolean;
  generated: boolean;
  /** In a unique index (UNIQUE, PRIMARY KEY), alone or with other columns. */
  unique: boolean;
  max_length: number | null;
  fk_table: string | null;
  fk_column: string | null;
}

/** The tables `seedEmptyTables` fills: user tables (not partitions, not an extension's). */
const SEEDABLE = `c.relkind = 'r' AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

const TABLES = `
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${SEEDABLE}
 ORDER BY c.oid`;

/**
 * Every column of the seedable tables. Unique keys and foreign keys are joined once rather than looked up per
 * column (a query per migration of the trace, over every table: the lookups made it grow with the square of the
 * schema); a column in several foreign keys gets the one of lowest oid.
 */
const COLUMNS = `
WITH uniq AS MATERIALIZED (
  SELECT DISTINCT i.indrelid, k.attnum
    FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) AS k(attnum)
   WHERE i.indisunique
),
fk AS MATERIALIZED (
  SELECT DISTINCT ON (f.conrelid, k.attnum) f.conrelid, k.attnum,
         quote_ident(fn.nspname) || '.' || quote_ident(fc.relname) AS fk_table, quote_ident(fa.attname) AS fk_column
    FROM pg_constraint f
   CROSS JOIN LATERAL unnest(f.conkey) WITH ORDINALITY AS k(attnum, position)
    JOIN pg_class fc ON fc.oid = f.confrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
    JOIN pg_attribute fa ON fa.attrelid = f.confrelid AND fa.attnum = f.confkey[k.position]
   WHERE f.contype = 'f'
   ORDER BY f.conrelid, k.attnum, f.oid
)
SELECT c.oid AS table_oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_name,
       quote_ident(a.attname) AS column, format_type(a.atttypid, a.atttypmod) AS type,
       t.typcategory AS type_category, t.oid AS type_oid, a.attnotnull AS not_null,
       (a.atthasdef OR a.attidentity <> '') AS has_default, (a.attidentity <> '') AS identity,
       COALESCE(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) AS sequence_default,
       (a.attgenerated <> '') AS generated,
       (u.indrelid IS NOT NULL) AS unique,
       CASE WHEN a.atttypmod > 4 AND t.typname IN ('varchar', 'bpchar') THEN a.atttypmod - 4 END AS max_length,
       fk.fk_table, fk.fk_column
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  LEFT JOIN uniq u ON u.indrelid = c.oid AND u.attnum = a.attnum
  LEFT JOIN fk ON fk.conrelid = c.oid AND fk.attnum = a.attnum
 WHERE ${SEEDABLE}
 ORDER BY c.oid, a.attnum`;

function valueFor(column: ColumnRow, rows: number): string | undefined {
  if (column.fk_table && column.fk_column) {
    return `(SELECT ${column.fk_column} FROM ${column.fk_table} ORDER BY ${column.fk_column} OFFSET (g - 1) % GREATEST((SELECT count(*) FROM ${column.fk_table}), 1) LIMIT 1)`;
  }
  return generated(column, rows);
}

/** A value of the column's type for row g (distinct per row for numbers, text, dates and uuids). */
function generated(column: ColumnRow, rows: number): string | undefined {
  const type = column.type.toLowerCase();
  if (type.endsWith('[]')) return `'{}'`;
  switch (column.type_category) {
    case 'N':
      if (type === 'smallint') return `(g % 30000)::smallint`;
      return `g::${column.type}`;
    case 'S': {
      const text = `'v' || g`;
      return column.max_length ? `left(${text}, ${column.max_length})` : text;
    }
    case 'B':
      return 'g % 2 = 0';
    case 'D':
      return `(now() - g * interval '1 minute')::${column.type}`;
    case 'T':
      return `g * interval '1 second'`;
    case 'E':
      return `(SELECT e.enumlabel::${column.type} FROM pg_enum e WHERE e.enumtypid = ${column.type_oid} ORDER BY e.enumsortorder LIMIT 1)`;
    case 'U':
      if (type === 'uuid') return `md5(g::text || '${rows}')::uuid`;
      if (type === 'jsonb' || type === 'json') return `'{}'::${column.type}`;
      if (type === 'bytea') return `'\\x00'::bytea`;
      return undefined;
    case 'I':
      return `'10.0.0.1'::${column.type}`;
    default:
      return undefined;
  }
}

export interface SeedResult {
  readonly seeded: readonly string[];
  /** Tables that stayed empty, with the reason (a constraint pgwarden could not satisfy, a type it cannot make). */
  readonly skipped: readonly { table: string; reason: string }[];
}

/**
 * Puts rows in every empty user table (parents before children), so that a traced migration meets data as it
 * would in production: validations scan, rewrites copy, index builds read. Best effort: a table whose
 * constraints cannot be satisfied by generated values stays empty and is reported.
 */
/** The tables of `tables` (quoted names) that have at least one row. */
async function tablesWithRows(connection: Connection, tables: readonly string[]): Promise<Set<string>> {
  if (tables.length === 0) return new Set();
  const { rows } = await connection.query<{ filled: boolean[] }>(
    `SELECT ARRAY[${tables.map((t) => `EXISTS (SELECT 1 FROM ${t})`).join(', ')}] AS filled`,
  );
  return new Set(tables.filter((_, i) => rows[0]!.filled[i]));
}

export async function seedEmptyTables(connection: Connection, rows = 200): Promise<SeedResult> {
  // Most migrations leave no table empty (all were seeded before): then the columns are not read at all.
  const names = (await connection.rows<{ table_name: string }>('reading tables to seed', TABLES)).map(
    (t) => t.table_name,
  );
  const withRows = await tablesWithRows(connection, names);
  if (withRows.size === names.length) return { seeded: [], skipped: [] };
  const columns = await connection.rows<ColumnRow>('reading tables to seed', COLUMNS);
  const byTable = new Map<string, ColumnRow[]>();
  for (const column of columns) {
    const list = byTable.get(column.table_name) ?? [];
    list.push(column);
    byTable.set(column.table_name, list);
  }
  const order = [...byTable.keys()].sort((a, b) => {
    const aDepends = byTable.get(a)!.some((c) => c.fk_table === b);
    const bDepends = byTable.get(b)!.some((c) => c.fk_table === a);
    return aDepends === bDepends ? 0 : aDepends ? 1 : -1;
  });
  const seeded: string[] = [];
  const skipped: { table: string; reason: string }[] = [];
  const filled = new Set<string>();
  // a NOT NULL foreign key to a table that has no rows yet (a cycle, or the table itself) cannot be satisfied
  const blockedBy = (table: string) =>
    byTable
      .get(table)!
      .find((c) => c.not_null && !c.has_default && c.fk_table && c.fk_column && !filled.has(c.fk_table))
      ?.fk_table ?? undefined;

  /** The INSERT for a table; `dangling`: foreign keys to empty tables get the values their keys will have. */
  const insertFor = (table: string, dangling: boolean): { sql: string } | { reason: string } => {
    const targets: string[] = [];
    const values: string[] = [];
    for (const column of byTable.get(table)!) {
      if (column.generated || column.identity) continue;
      // a default is what the application writes; but a default in a unique column repeats: generate
      if (column.has_default && !(column.unique && !column.sequence_default)) continue;
      const target =
        dangling && column.fk_table && column.fk_column && !filled.has(column.fk_table)
          ? byTable.get(column.fk_table)?.find((c) => c.column === column.fk_column)
          : undefined;
      const value = target ? generated(target, rows) : valueFor(column, rows);
      if (value === undefined) {
        if (column.not_null && !column.has_default)
          return { reason: `no generator for ${column.column} ${column.type}` };
        continue;
      }
      targets.push(column.column);
      values.push(value);
    }
    return {
      sql:
        targets.length === 0
          ? `INSERT INTO ${table} DEFAULT VALUES`
          : `INSERT INTO ${table} (${targets.join(', ')}) SELECT ${values.join(', ')} FROM generate_series(1, ${rows}) AS g`,
    };
  };
  const insert = async (sql: string) => {
    // DEFAULT VALUES inserts one row per statement
    const repeat = sql.endsWith('DEFAULT VALUES') ? Math.min(rows, 50) : 1;
    for (let i = 0; i < repeat; i++) await connection.query(sql);
  };

  await connection.query('BEGIN');
  const blocked: string[] = [];
  const tables = topological(order, byTable);
  // which tables have rows was read in one round trip above (a query per table before every migration made the
  // trace of a 250-migration project thousands of round trips); a table is asked again only once rows were put in
  // others (a trigger may have filled it)
  let inserted = false;
  for (const table of tables) {
    const any = withRows.has(table) || (inserted && (await tablesWithRows(connection, [table])).has(table));
    if (any) {
      filled.add(table);
      continue;
    }
    if (blockedBy(table)) {
      blocked.push(table);
      continue;
    }
    const statement = insertFor(table, false);
    if ('reason' in statement) {
      skipped.push({ table, reason: statement.reason });
      continue;
    }
    try {
      await connection.query('SAVEPOINT pgwarden_seed');
      inserted = true;
      await insert(statement.sql);
      await connection.query('RELEASE SAVEPOINT pgwarden_seed');
      seeded.push(table);
      filled.add(table);
    } catch (error) {
      await connection.query('ROLLBACK TO SAVEPOINT pgwarden_seed');
      skipped.push({ table, reason: (error as Error).message });
    }
  }
  if (blocked.length > 0) await seedCycle(blocked);
  await connection.query('COMMIT');
  if (seeded.length > 0) await connection.query(`ANALYZE ${seeded.join(', ')}`);
  return { seeded, skipped };

  /**
   * Tables whose NOT NULL foreign keys go round in a cycle (or to themselves): filled with foreign key triggers
   * off (session_replication_role, a superuser's setting), each reference given the value its key will have,
   * then the references that do not match any row pointed at one that exists, with the triggers back on (so
   * PostgreSQL checks every one). Without a superuser, they stay empty.
   */
  async function seedCycle(tables: string[]): Promise<void> {
    const cycle = tables.map((t) => `${t} → ${blockedBy(t)}`).join(', ');
    await connection.query('SAVEPOINT pgwarden_seed_cycle');
    try {
      await connection.query('SET LOCAL session_replication_role = replica');
    } catch (error) {
      await connection.query('ROLLBACK TO SAVEPOINT pgwarden_seed_cycle');
      for (const table of tables) {
        skipped.push({
          table,
          reason: `NOT NULL foreign keys in a cycle (${cycle}) need foreign key checks off to fill, which needs a superuser: ${(error as Error).message}`,
        });
      }
      return;
    }
    const done: string[] = [];
    try {
      for (const table of tables) {
        const statement = insertFor(table, true);
        if ('reason' in statement) {
          skipped.push({ table, reason: statement.reason });
          continue;
        }
        await insert(statement.sql);
        done.push(table);
      }
      await connection.query('SET LOCAL session_replication_role = origin');
      for (const table of done) {
        for (const column of byTable.get(table)!) {
          if (!column.fk_table || !column.fk_column || column.has_default) continue;
          await connection.query(
            `UPDATE ${table} AS t SET ${column.column} = (SELECT ${column.fk_column} FROM ${column.fk_table} ORDER BY ${column.fk_column} LIMIT 1)
              WHERE t.${column.column} IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM ${column.fk_table} AS r WHERE r.${column.fk_column} = t.${column.column})`,
          );
        }
      }
      await connection.query('RELEASE SAVEPOINT pgwarden_seed_cycle');
      seeded.push(...done);
      for (const table of done) filled.add(table);
    } catch (error) {
      await connection.query('ROLLBACK TO SAVEPOINT pgwarden_seed_cycle');
      for (const table of done) skipped.push({ table, reason: `${(error as Error).message} (${cycle})` });
    }
  }
}

function topological(order: string[], byTable: Map<string, ColumnRow[]>): string[] {
  const done = new Set<string>();
  const result: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (done.has(table) || path.has(table)) return;
    path.add(table);
    for (const column of byTable.get(table) ?? []) {
      if (column.fk_table && column.fk_table !== table && byTable.has(column.fk_table))
        visit(column.fk_table, path);
    }
    done.add(table);
    result.push(table);
  };
  for (const table of order) visit(table, new Set());
  return result;
}
