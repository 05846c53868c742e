/**
 * What the plan rules know of the database besides the plan: for each table the plan scans, its size, row
 * estimate, maintenance state, columns with their statistics, indexes and extended statistics; the settings in
 * effect; whether hypopg can cost hypothetical indexes. One targeted read-only pass, not a whole snapshot.
 */
import type { Connection } from '../db/connection.js';
import { qualifiedIdent } from '../sql/quote.js';
import type { Plan } from './plan.js';
import { PLAN_SETTING_NAMES } from './settings.js';

export interface ColumnFacts {
  readonly name: string;
  /** As PostgreSQL prints it: `character varying(20)`, `timestamp with time zone`. */
  readonly type: string;
  /** The type's internal name: `varchar`, `timestamptz`, `int4`. */
  readonly typeName: string;
  readonly notNull: boolean;
  /** pg_stats, when the table was analyzed and the role may read them. */
  readonly stats: {
    readonly nullFraction: number;
    /** pg_stats' n_distinct made absolute (a negative value is a fraction of the rows). */
    readonly distinct: number;
    readonly correlation: number | null;
    readonly avgWidth: number;
  } | null;
}

export interface IndexFacts {
  readonly name: string;
  readonly qualifiedName: string;
  readonly definition: string;
  /** Key columns in order; null where the key is an expression. */
  readonly columns: readonly (string | null)[];
  /** The key expressions as pg_get_indexdef prints them, in order, for the null entries of `columns`. */
  readonly expressions: readonly string[];
  readonly predicate: string | null;
  readonly method: string;
  readonly unique: boolean;
  readonly valid: boolean;
}

export interface TableFacts {
  readonly schema: string;
  readonly name: string;
  /** `schema.name`, quoted where needed, ready for SQL. */
  readonly sqlName: string;
  readonly qualifiedName: string;
  /** pg_class.reltuples (null: never analyzed or vacuumed). */
  readonly rowEstimate: number | null;
  readonly pages: number;
  readonly allVisiblePages: number;
  readonly sizeBytes: number;
  readonly liveRows: number | null;
  readonly deadRows: number | null;
  readonly modifiedSinceAnalyze: number | null;
  /** The later of the last ANALYZE and autoanalyze (ISO 8601); null when never. */
  readonly lastAnalyze: string | null;
  readonly lastVacuum: string | null;
  readonly columns: readonly ColumnFacts[];
  readonly indexes: readonly IndexFacts[];
  /** Extended statistics (CREATE STATISTICS) on the table: name, columns, kinds (`d`, `f`, `m`, `e`). */
  readonly statistics: readonly {
    readonly name: string;
    readonly columns: readonly string[];
    readonly kinds: readonly string[];
  }[];
}

export interface DatabaseFacts {
  readonly tables: readonly TableFacts[];
  /** Server settings (SHOW values) of PLAN_SETTING_NAMES, as the session sees them. */
  readonly settings: Readonly<Record<string, string>>;
  /** Volatility of the functions the plan's conditions call (`i`, `s`, `v`), by name: the least volatile overload. */
  readonly functionVolatility: Readonly<Record<string, 'i' | 's' | 'v'>>;
  readonly hypopg: {
    /** Installed in this database (CREATE EXTENSION done). */
    readonly installed: boolean;
    /** Its files are on the server (pg_available_extensions), installed or not. */
    readonly available: boolean;
  };
}

/** `schema.name` pairs (schema may be unknown) of the relations the plan scans. */
export function planRelations(plan: Plan): { schema: string | null; name: string }[] {
  const seen = new Map<string, { schema: string | null; name: string }>();
  for (const node of plan.nodes) {
    if (!node.relationName) continue;
    const key = `${node.schema ?? ''}.${node.relationName}`;
    if (!seen.has(key)) seen.set(key, { schema: node.schema, name: node.relationName });
  }
  return [...seen.values()];
}

interface TableRow {
  oid: number;
  schema: string;
  name: string;
  sql_name: string;
  reltuples: number;
  relpages: number;
  relallvisible: number;
  size: string;
  live: string | null;
  dead: string | null;
  modified: string | null;
  last_analyze: string | null;
  last_vacuum: string | null;
}

/**
 * Reads the facts on `connection`, in one READ ONLY transaction. `functions`: names the plan's conditions call.
 * Relations without a schema in the plan are found through the session's search_path.
 */
export async function readDatabaseFacts(
  connection: Connection,
  plan: Plan,
  functions: readonly string[] = [],
): Promise<DatabaseFacts> {
  const relations = planRelations(plan);
  return connection.readOnly(
    async (c) => {
      const names = relations.map((r) => qualifiedIdent(r.schema, r.name));
      const tables = await c.rows<TableRow>(
        'reading the tables of the plan',
        `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name,
                format('%I.%I', n.nspname, c.relname) AS sql_name,
                c.reltuples::float8 AS reltuples, c.relpages::int AS relpages, c.relallvisible::int AS relallvisible,
                pg_table_size(c.oid)::text AS size,
                s.n_live_tup::text AS live, s.n_dead_tup::text AS dead, s.n_mod_since_analyze::text AS modified,
                greatest(s.last_analyze, s.last_autoanalyze)::text AS last_analyze,
                greatest(s.last_vacuum, s.last_autovacuum)::text AS last_vacuum
           FROM unnest($1::text[]) AS wanted(name)
           JOIN pg_class c ON c.oid = to_regclass(wanted.name)
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
          WHERE c.relkind IN ('r', 'p', 'm', 't')`,
        [names],
      );
      const oids = tables.map((t) => t.oid);
      const columns = await c.rows<{
        relid: number;
        name: string;
        type: string;
        type_name: string;
        not_null: boolean;
        null_frac: number | null;
        n_distinct: number | null;
        correlation: number | null;
        avg_width: number | null;
      }>(
        'reading the columns of the plan',
        `SELECT a.attrelid::int AS relid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                t.typname AS type_name, a.attnotnull AS not_null,
                st.null_frac::float8 AS null_frac, st.n_distinct::float8 AS n_distinct,
                st.correlation::float8 AS correlation, st.avg_width AS avg_width
           FROM pg_attribute a
           JOIN pg_type t ON t.oid = a.atttypid
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_stats st ON st.schemaname = n.nspname AND st.tablename = c.relname
                                AND st.attname = a.attname AND NOT st.inherited
          WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attrelid, a.attnum`,
        [oids],
      );
      const indexes = await c.rows<{
        relid: number;
        name: string;
        qualified: string;
        definition: string;
        keys: (string | null)[];
        expressions: string[];
        predicate: string | null;
        method: string;
        unique: boolean;
        valid: boolean;
      }>(
        'reading the indexes of the plan',
        `SELECT i.indrelid::int AS relid, ic.relname AS name, format('%I.%I', n.nspname, ic.relname) AS qualified,
                pg_get_indexdef(i.indexrelid) AS definition,
                ARRAY(SELECT CASE WHEN k.attnum = 0 THEN NULL ELSE a.attname::text END
                        FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, ord)
                        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                       ORDER BY k.ord) AS keys,
                ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, true)
                        FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY AS k(attnum, ord)
                       WHERE k.attnum = 0 ORDER BY k.ord) AS expressions,
                pg_get_expr(i.indpred, i.indrelid) AS predicate, am.amname AS method,
                i.indisunique AS unique, i.indisvalid AS valid
           FROM pg_index i
           JOIN pg_class ic ON ic.oid = i.indexrelid
           JOIN pg_namespace n ON n.oid = ic.relnamespace
           JOIN pg_am am ON am.oid = ic.relam
          WHERE i.indrelid = ANY($1::oid[])
          ORDER BY ic.relname`,
        [oids],
      );
      const statistics = await c.rows<{ relid: number; name: string; columns: string[]; kinds: string[] }>(
        'reading the extended statistics of the plan',
        `SELECT s.stxrelid::int AS relid, s.stxname AS name,
                ARRAY(SELECT a.attname::text FROM unnest(s.stxkeys) k(attnum)
                        JOIN pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = k.attnum) AS columns,
                s.stxkind::text[] AS kinds
           FROM pg_statistic_ext s
          WHERE s.stxrelid = ANY($1::oid[])`,
        [oids],
      );
      const settings = await c.rows<{ name: string; value: string }>(
        'reading the settings',
        `SELECT name, current_setting(name) AS value FROM pg_settings WHERE name = ANY($1::text[])`,
        [PLAN_SETTING_NAMES],
      );
      const volatility = await c.rows<{ name: string; volatility: 'i' | 's' | 'v' }>(
        'reading function volatility',
        `SELECT proname AS name, min(provolatile::text) AS volatility
           FROM pg_proc WHERE proname = ANY($1::text[]) GROUP BY proname`,
        [[...new Set(functions)]],
      );
      const [hypopg] = await c.rows<{ installed: boolean; available: boolean }>(
        'looking for hypopg',
        `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg') AS installed,
                EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') AS available`,
      );
      return {
        tables: tables.map((t) => {
          const rows = t.reltuples < 0 ? null : t.reltuples;
          return {
            schema: t.schema,
            name: t.name,
            sqlName: t.sql_name,
            qualifiedName: `${t.schema}.${t.name}`,
            rowEstimate: rows,
            pages: t.relpages,
            allVisiblePages: t.relallvisible,
            sizeBytes: Number(t.size),
            liveRows: t.live === null ? null : Number(t.live),
            deadRows: t.dead === null ? null : Number(t.dead),
            modifiedSinceAnalyze: t.modified === null ? null : Number(t.modified),
            lastAnalyze: t.last_analyze,
            lastVacuum: t.last_vacuum,
            columns: columns
              .filter((col) => col.relid === t.oid)
              .map((col) => ({
                name: col.name,
                type: col.type,
                typeName: col.type_name,
                notNull: col.not_null,
                stats:
                  col.null_frac === null
                    ? null
                    : {
                        nullFraction: col.null_frac,
                        distinct:
                          (col.n_distinct ?? 0) >= 0
                            ? (col.n_distinct ?? 0)
                            : -(col.n_distinct ?? 0) * (rows ?? 0),
                        correlation: col.correlation,
                        avgWidth: col.avg_width ?? 0,
                      },
              })),
            indexes: indexes
              .filter((i) => i.relid === t.oid)
              .map((i) => ({
                name: i.name,
                qualifiedName: i.qualified,
                definition: i.definition,
                columns: i.keys,
                expressions: i.expressions,
                predicate: i.predicate,
                method: i.method,
                unique: i.unique,
                valid: i.valid,
              })),
            statistics: statistics
              .filter((s) => s.relid === t.oid)
              .map((s) => ({ name: s.name, columns: s.columns, kinds: s.kinds })),
          };
        }),
        settings: Object.fromEntries(settings.map((s) => [s.name, s.value])),
        functionVolatility: Object.fromEntries(volatility.map((v) => [v.name, v.volatility])),
        hypopg: { installed: hypopg?.installed ?? false, available: hypopg?.available ?? false },
      };
    },
    { consistentSnapshot: true },
  );
}
