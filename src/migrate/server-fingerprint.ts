import type { SchemaDiff, SchemaFingerprint } from '../catalog/fingerprint.js';
import type { Connection } from '../db/connection.js';
import { queryError } from '../db/errors.js';

/**
 * The schema fingerprint computed by the server, in one query: the same objects and keys as `fingerprintSchema`
 * (tables, columns, column order, constraints, indexes, policies, triggers, views, sequences, functions, types,
 * extensions, schemas) and the same blind spots (no sizes, statistics, row estimates, sequence positions or
 * oids), each object hashed (md5) from the catalog's own rendering of its definition (format_type,
 * pg_get_indexdef, pg_get_constraintdef, pg_get_expr, pg_get_triggerdef, pg_get_viewdef …). The total is a
 * sha256 over every key and hash, in key order. Nothing but the total (and, when asked, the per-object hashes)
 * leaves the server. The catalog columns read exist on PostgreSQL 13 to 18 alike.
 *
 * Per-object hashes are 32 hex digits (md5); those of `fingerprintSchema`, which older pgwarden versions stored,
 * are 64 (sha256): `checkDrift` tells them apart (`legacy`), for the runner to compare those the old way.
 */

const USER_SCHEMA = (alias: string) =>
  `${alias}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ${alias}.nspname !~ '^pg_(toast_)?temp_'`;

/** Not an extension's member (objects an extension creates are the extension's, fingerprinted by its version). */
const NOT_MEMBER = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid}
                 AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')`;

/**
 * Objects created by initdb have oids below 16384 (FirstNormalObjectId), every later one (pg_upgrade keeps them)
 * 16384 or above: a filter that leaves out nothing the schema filter keeps (the initdb objects all live in
 * pg_catalog and information_schema, but `public`, which is read from pg_namespace), but lets the server skip the
 * thousands of built-in functions and types through the oid index.
 */
const FIRST_NORMAL_OID = 16384;

/**
 * `key`, `hash` of every object; `excluded` is the text[] of schemas left out. Keys are unique except between
 * names with dots (`a.b` + `c` and `a` + `b.c`): the total counts both objects, the per-object map keeps one.
 */
const objectsSql = (excluded: string) => `
rel AS MATERIALIZED (
  SELECT c.oid, c.relkind, n.nspname, n.nspname || '.' || c.relname AS qname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid >= ${FIRST_NORMAL_OID} AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
     AND ${USER_SCHEMA('n')} AND n.nspname <> ALL (${excluded}) AND ${NOT_MEMBER('pg_class', 'c.oid')}
),
objects (key, hash) AS (
  SELECT 'schema:' || n.nspname, md5(ROW(pg_get_userbyid(n.nspowner))::text)
    FROM pg_namespace n
   WHERE ${USER_SCHEMA('n')} AND n.nspname <> ALL (${excluded})
  UNION ALL
  SELECT CASE r.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view'
                        WHEN 'm' THEN 'materialized view' ELSE 'foreign table' END || ':' || r.qname,
         md5(ROW(c.relpersistence,
                 CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                 CASE WHEN c.relispartition THEN (
                   SELECT pn.nspname || '.' || pc.relname
                     FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
                     JOIN pg_namespace pn ON pn.oid = pc.relnamespace
                    WHERE i.inhrelid = c.oid LIMIT 1) END,
                 CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
                 c.relrowsecurity, c.relforcerowsecurity,
                 CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END)::text)
    FROM rel r JOIN pg_class c ON c.oid = r.oid
  UNION ALL
  SELECT 'column:' || r.qname || '.' || a.attname,
         md5(ROW(format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid),
                 a.attidentity, a.attgenerated,
                 CASE WHEN a.attcollation <> t.typcollation THEN co.collname END)::text)
    FROM rel r
    JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
  UNION ALL
  SELECT 'column order:' || r.qname,
         md5(ARRAY(SELECT a.attname FROM pg_attribute a
                    WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text)
    FROM rel r
  UNION ALL
  SELECT 'constraint:' || r.qname || '.' || con.conname,
         md5(ROW(con.contype, pg_get_constraintdef(con.oid, true), con.convalidated, con.condeferrable,
                 con.condeferred)::text)
    FROM rel r JOIN pg_constraint con ON con.conrelid = r.oid AND con.contype IN ('p', 'f', 'u', 'c', 'x')
  UNION ALL
  SELECT 'index:' || r.nspname || '.' || ic.relname, md5(ROW(pg_get_indexdef(i.indexrelid), i.indisvalid)::text)
    FROM rel r
    JOIN pg_index i ON i.indrelid = r.oid
    JOIN pg_class ic ON ic.oid = i.indexrelid
   WHERE r.relkind IN ('r', 'p', 'm')
  UNION ALL
  SELECT 'policy:' || r.qname || '.' || p.polname,
         md5(ROW(p.polcmd, p.polpermissive,
                 ARRAY(SELECT s.role FROM (SELECT CASE WHEN x = 0 THEN 'public' ELSE pg_get_userbyid(x)::text END
                                             FROM unnest(p.polroles) AS x) AS s(role) ORDER BY s.role COLLATE "C"),
                 pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))::text)
    FROM rel r JOIN pg_policy p ON p.polrelid = r.oid
  UNION ALL
  SELECT 'trigger:' || r.qname || '.' || tg.tgname, md5(ROW(pg_get_triggerdef(tg.oid), tg.tgenabled <> 'D')::text)
    FROM rel r JOIN pg_trigger tg ON tg.tgrelid = r.oid AND NOT tg.tgisinternal
  UNION ALL
  SELECT 'sequence:' || n.nspname || '.' || c.relname,
         md5(ROW(format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqcycle,
                 (SELECT tn.nspname || '.' || tc.relname || '.' || a.attname
                    FROM pg_depend d
                    JOIN pg_class tc ON tc.oid = d.refobjid
                    JOIN pg_namespace tn ON tn.oid = tc.relnamespace
                    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                   LIMIT 1))::text)
    FROM pg_sequence s
    JOIN pg_class c ON c.oid = s.seqrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE s.seqrelid >= ${FIRST_NORMAL_OID} AND ${USER_SCHEMA('n')} AND n.nspname <> ALL (${excluded})
  UNION ALL
  SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window'
                        ELSE 'function' END
           || ':' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
         md5(ROW(CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END, l.lanname, p.provolatile,
                 p.prosecdef, md5(coalesce(p.prosrc, '') || coalesce(p.probin, '')))::text)
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
   WHERE p.oid >= ${FIRST_NORMAL_OID} AND ${USER_SCHEMA('n')} AND n.nspname <> ALL (${excluded})
     AND ${NOT_MEMBER('pg_proc', 'p.oid')}
  UNION ALL
  SELECT 'type:' || n.nspname || '.' || t.typname,
         md5(ROW(t.typtype,
                 ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
                 CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END)::text)
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_class c ON c.oid = t.typrelid
   WHERE t.oid >= ${FIRST_NORMAL_OID} AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND c.relkind = 'c'))
     AND ${USER_SCHEMA('n')} AND n.nspname <> ALL (${excluded}) AND ${NOT_MEMBER('pg_type', 't.oid')}
  UNION ALL
  SELECT 'extension:' || e.extname, md5(ROW(e.extversion, n.nspname)::text)
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
)`;

/** The total over `objects`: unambiguous (each key length-prefixed, each hash 32 digits), in byte order of keys. */
const TOTAL = `encode(sha256(convert_to(
  coalesce(string_agg(length(key) || ':' || key || hash, '' ORDER BY key COLLATE "C", hash), ''), 'UTF8')), 'hex')`;

/** The fingerprint's total only, or with every object's hash; the schemas left out written in. */
export function fingerprintSql(excludeSchemas: readonly string[], withObjects: boolean): string {
  const excluded = `ARRAY[${excludeSchemas.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')}]::text[]`;
  return `WITH ${objectsSql(excluded)}
SELECT ${TOTAL} AS hash${withObjects ? ", coalesce(json_object_agg(key, hash), '{}') AS objects" : ''} FROM objects`;
}

/**
 * Prepared-statement names by query text, process-wide (one map for every connection: node-postgres prepares a name
 * on each connection the first time it is used there): verify fingerprints the same way hundreds of times.
 */
const prepared = new Map<string, string>();
let statements = 0;

/**
 * The fingerprint of the connected database as the server computes it. Without `withObjects`, `objects` is
 * empty: comparing totals needs nothing more. The query is a named prepared statement, planned once per
 * connection (it has no parameters, so its plan is reused as is).
 */
export async function serverFingerprint(
  connection: Connection,
  excludeSchemas: readonly string[],
  options: { withObjects?: boolean } = {},
): Promise<SchemaFingerprint> {
  const text = fingerprintSql(excludeSchemas, options.withObjects === true);
  const run = (name: string) =>
    connection.client.query<{ hash: string; objects?: Record<string, string> }>({ name, text });
  let name = prepared.get(text) ?? `pgwarden_fingerprint_${++statements}`;
  prepared.set(text, name);
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = await run(name).catch(async (error: unknown) => {
      // a migration can DEALLOCATE or DISCARD the session's prepared statements: prepare it again, named anew
      if ((error as { code?: string }).code !== '26000') throw error;
      name = `pgwarden_fingerprint_${++statements}`;
      prepared.set(text, name);
      return run(name);
    });
  } catch (error) {
    throw queryError(error, 'fingerprinting the schema');
  }
  const row = result.rows[0]!;
  return { hash: row.hash, objects: row.objects ?? {} };
}

/** The history row a fingerprint is read from or written to. */
export interface FingerprintRow {
  /** `"schema"."table"` of the history. */
  readonly table: string;
  readonly version: string;
}

/** What a drift check found: nothing, a difference, or a fingerprint of the old format that the server cannot compare. */
export type DriftCheck =
  | { readonly kind: 'same' }
  | { readonly kind: 'differs'; readonly diff: SchemaDiff }
  | { readonly kind: 'legacy' };

/**
 * Compares the live schema with the fingerprint stored on a history row, in one query. Only the total is
 * compared; when it differs, the per-object hashes are compared on the server (a full join against the stored
 * map) and only the keys that differ come back.
 */
export async function checkDrift(
  connection: Connection,
  excludeSchemas: readonly string[],
  row: FingerprintRow,
): Promise<DriftCheck> {
  const [result] = await connection.rows<{
    same: boolean;
    legacy: boolean | null;
    added: string[] | null;
    removed: string[] | null;
    changed: string[] | null;
  }>(
    'comparing the schema with its fingerprint',
    `WITH ${objectsSql('$1::text[]')},
stored AS MATERIALIZED (SELECT schema_fingerprint, schema_objects FROM ${row.table} WHERE version = $2),
total AS MATERIALIZED (SELECT ${TOTAL} AS hash FROM objects),
same AS MATERIALIZED (
  SELECT coalesce((SELECT hash FROM total) = (SELECT schema_fingerprint FROM stored), false) AS same
),
legacy AS MATERIALIZED (
  SELECT (SELECT length(e.value) <> 32 FROM stored, jsonb_each_text(stored.schema_objects) AS e LIMIT 1) AS legacy
    FROM same WHERE NOT same
),
diff AS MATERIALIZED (
  SELECT o.key AS now_key, o.hash AS now_hash, s.key AS was_key, s.value AS was_hash
    FROM (SELECT DISTINCT ON (key) key, hash FROM objects
           WHERE NOT (SELECT same FROM same) AND NOT coalesce((SELECT legacy FROM legacy), false)
           ORDER BY key, hash DESC) o
    FULL JOIN (SELECT e.key, e.value FROM stored, jsonb_each_text(stored.schema_objects) AS e
                WHERE NOT (SELECT same FROM same) AND NOT coalesce((SELECT legacy FROM legacy), false)) s
      ON s.key = o.key
   WHERE o.key IS NULL OR s.key IS NULL OR o.hash <> s.value
)
SELECT (SELECT same FROM same) AS same, (SELECT legacy FROM legacy) AS legacy,
       (SELECT array_agg(now_key ORDER BY now_key COLLATE "C") FROM diff WHERE was_key IS NULL) AS added,
       (SELECT array_agg(was_key ORDER BY was_key COLLATE "C") FROM diff WHERE now_key IS NULL) AS removed,
       (SELECT array_agg(now_key ORDER BY now_key COLLATE "C") FROM diff
         WHERE now_key IS NOT NULL AND was_key IS NOT NULL) AS changed`,
    [excludeSchemas, row.version],
  );
  if (result!.same) return { kind: 'same' };
  if (result!.legacy) return { kind: 'legacy' };
  const added = result!.added ?? [];
  const removed = result!.removed ?? [];
  const changed = result!.changed ?? [];
  const all = [...added, ...removed, ...changed];
  return {
    kind: 'differs',
    diff: {
      added,
      removed,
      changed,
      orderOnly: all.length > 0 && all.every((key) => key.startsWith('column order:')),
    },
  };
}

/**
 * Records the live schema's fingerprint on one history row, computed and written by the server in one statement;
 * the fingerprint is kept on that row only (the other rows' are cleared: one row says what the schema is).
 */
export async function recordServerFingerprint(
  connection: Connection,
  excludeSchemas: readonly string[],
  row: FingerprintRow,
): Promise<void> {
  await connection.rows(
    'recording the schema fingerprint',
    `WITH ${objectsSql('$1::text[]')},
fp AS (SELECT ${TOTAL} AS hash, coalesce(jsonb_object_agg(key, hash), '{}') AS objects FROM objects)
UPDATE ${row.table} AS h
   SET schema_fingerprint = CASE WHEN h.version = $2 THEN fp.hash END,
       schema_objects = CASE WHEN h.version = $2 THEN fp.objects END
  FROM fp
 WHERE h.version = $2 OR h.schema_fingerprint IS NOT NULL OR h.schema_objects IS NOT NULL`,
    [excludeSchemas, row.version],
  );
}

/**
 * Forgets the recorded fingerprint (no parameters: it can share a round trip with the COMMIT). A run of several
 * migrations records the schema's fingerprint with its last one only (computing it costs a pass over the whole
 * catalog); the ones before clear it in their own transactions, so that a run cut short leaves no fingerprint that
 * would make its own migrations look like drift: the next run that finishes records one again.
 */
export function clearFingerprintSql(table: string): string {
  return `UPDATE ${table} SET schema_fingerprint = NULL, schema_objects = NULL
 WHERE schema_fingerprint IS NOT NULL OR schema_objects IS NOT NULL`;
}
