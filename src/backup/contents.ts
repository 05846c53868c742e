import { formatCount } from '../core/format.js';
import type { Connection } from '../db/connection.js';

/** What a database holds that a restore of its dump must give back. */
export interface DatabaseContents {
  /** Rows per table (`schema.table`); each table counted by itself (ONLY), its partitions as their own tables. */
  readonly rowCounts: Record<string, number>;
  /** `schema.table.constraint` */
  readonly constraints: string[];
  /** `schema.index`, with the invalid ones (a failed CREATE INDEX CONCURRENTLY) left out. */
  readonly indexes: string[];
  readonly largeObjects: number;
}

// The user's tables: not the system's, not another session's temporary ones, not an extension's own (pg_dump
// leaves those to CREATE EXTENSION).
const USER_RELATION = `
  n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
  AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')`;

/** The tables whose rows pg_dump dumps, by name and as quoted SQL. */
export async function userTables(connection: Connection): Promise<{ name: string; sql: string }[]> {
  return connection.rows<{ name: string; sql: string }>(
    'listing the tables',
    `SELECT n.nspname || '.' || c.relname AS name, format('%I.%I', n.nspname, c.relname) AS sql
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND ${USER_RELATION}
      ORDER BY 1`,
  );
}

/** Counts the rows of `tables` in the connection's current snapshot. */
export async function countRows(
  connection: Connection,
  tables: readonly { name: string; sql: string }[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < tables.length; i += 100) {
    const chunk = tables.slice(i, i + 100);
    const rows = await connection.rows<{ name: string; n: string }>(
      'counting the rows of each table',
      chunk
        .map((t, j) => `SELECT $${j + 1}::text AS name, count(*) AS n FROM ONLY ${t.sql}`)
        .join(' UNION ALL '),
      chunk.map((t) => t.name),
    );
    for (const row of rows) counts[row.name] = Number(row.n);
  }
  return counts;
}

/** The constraints, valid indexes and large objects of the database, in the connection's snapshot. */
export async function readStructure(connection: Connection): Promise<Omit<DatabaseContents, 'rowCounts'>> {
  const constraints = await connection.rows<{ name: string }>(
    'listing the constraints',
    `SELECT n.nspname || '.' || c.relname || '.' || con.conname AS name
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f') AND ${USER_RELATION}
      ORDER BY 1`,
  );
  const indexes = await connection.rows<{ name: string }>(
    'listing the indexes',
    `SELECT n.nspname || '.' || ic.relname AS name
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indisvalid AND c.relkind IN ('r', 'p', 'm') AND ${USER_RELATION}
      ORDER BY 1`,
  );
  const [objects] = await connection.rows<{ n: string }>(
    'counting the large objects',
    'SELECT count(*) AS n FROM pg_largeobject_metadata',
  );
  return {
    constraints: [...new Set(constraints.map((r) => r.name))],
    indexes: indexes.map((r) => r.name),
    largeObjects: Number(objects?.n ?? 0),
  };
}

export async function readContents(connection: Connection): Promise<DatabaseContents> {
  const rowCounts = await countRows(connection, await userTables(connection));
  return { rowCounts, ...(await readStructure(connection)) };
}

/** What `restored` lacks of `expected`: rows that differ, constraints and indexes not rebuilt, large objects. */
export function compareContents(
  expected: Omit<DatabaseContents, 'constraints' | 'indexes'> & {
    readonly constraints: readonly string[];
    readonly indexes: readonly string[];
  },
  restored: DatabaseContents,
): { subject: string; message: string }[] {
  const problems: { subject: string; message: string }[] = [];
  for (const [table, rows] of Object.entries(expected.rowCounts)) {
    const got = restored.rowCounts[table];
    if (got === undefined) problems.push({ subject: table, message: `table ${table} was not restored` });
    else if (got !== rows)
      problems.push({
        subject: table,
        message: `table ${table} restored ${formatCount(got)} rows, the manifest says ${formatCount(rows)}`,
      });
  }
  const constraints = new Set(restored.constraints);
  for (const name of expected.constraints) {
    if (!constraints.has(name))
      problems.push({ subject: name, message: `constraint ${name} was not rebuilt` });
  }
  const indexes = new Set(restored.indexes);
  for (const name of expected.indexes) {
    if (!indexes.has(name)) problems.push({ subject: name, message: `index ${name} was not rebuilt` });
  }
  if (restored.largeObjects !== expected.largeObjects) {
    problems.push({
      subject: 'large objects',
      message: `${restored.largeObjects} large objects restored, the manifest says ${expected.largeObjects}`,
    });
  }
  return problems;
}
