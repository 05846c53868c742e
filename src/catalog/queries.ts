/**
 * The catalog queries of one snapshot, written for PostgreSQL 13 to 18. Where a column exists only in later
 * versions, the query takes the major version and reads NULL instead.
 */

const USER_SCHEMA = (alias: string) =>
  `${alias}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ${alias}.nspname !~ '^pg_(toast_)?temp_'`;

export const schemasQuery = `
SELECT n.oid, n.nspname AS name, pg_get_userbyid(n.nspowner) AS owner,
       obj_description(n.oid, 'pg_namespace') AS comment
  FROM pg_namespace n
 WHERE ${USER_SCHEMA('n')}
 ORDER BY n.nspname`;

export const extensionMembersQuery = `
SELECT d.classid::regclass::text AS catalog, d.objid, e.extname AS extension
  FROM pg_depend d
  JOIN pg_extension e ON e.oid = d.refobjid
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'`;

export const relationsQuery = `
SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
       pg_get_userbyid(c.relowner) AS owner, c.relpersistence::text AS persistence,
       c.reltuples::float8 AS reltuples, c.relpages,
       c.relrowsecurity AS rls_enabled, c.relforcerowsecurity AS rls_forced,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN (
         SELECT pn.nspname || '.' || pc.relname
           FROM pg_inherits i
           JOIN pg_class pc ON pc.oid = i.inhparent
           JOIN pg_namespace pn ON pn.oid = pc.relnamespace
          WHERE i.inhrelid = c.oid
          LIMIT 1) END AS partition_parent,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS definition,
       d.description AS comment
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA('n')}
 ORDER BY n.nspname, c.relname`;

export const columnsQuery = `
SELECT a.attrelid AS table_oid, a.attname AS name, a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       coalesce(et.typname, t.typname) AS type_name,
       coalesce(etn.nspname, tn.nspname) AS type_schema,
       (et.oid IS NOT NULL) AS is_array,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
       cd.description AS comment
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_namespace tn ON tn.oid = t.typnamespace
  LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
  LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_description cd ON cd.objoid = a.attrelid AND cd.classoid = 'pg_class'::regclass AND cd.objsubid = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped
   AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA('n')}
 ORDER BY a.attrelid, a.attnum`;

export const constraintsQuery = `
SELECT con.conrelid AS table_oid, con.conname AS name, con.contype::text AS contype,
       ARRAY(SELECT a.attname::text
               FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS columns,
       pg_get_constraintdef(con.oid, true) AS definition,
       con.convalidated AS validated, con.condeferrable AS deferrable, con.condeferred AS deferred,
       (con.conparentid <> 0 OR con.coninhcount > 0) AS inherited,
       ic.relname AS index_name,
       fn.nspname || '.' || fc.relname AS referenced_table,
       ARRAY(SELECT a.attname::text
               FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS referenced_columns,
       con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update, con.confmatchtype::text AS match_type
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class ic ON ic.oid = con.conindid AND con.contype IN ('p', 'u', 'x')
  LEFT JOIN pg_class fc ON fc.oid = con.confrelid AND con.contype = 'f'
  LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
 WHERE con.contype IN ('p', 'f', 'u', 'c', 'x') AND ${USER_SCHEMA('n')}
 ORDER BY con.conrelid, con.conname`;

export const indexesQuery = (major: number) => `
SELECT i.indrelid AS table_oid, ic.oid, n.nspname AS schema, ic.relname AS name,
       i.indkey::int2[] AS keys, i.indnkeyatts AS key_count,
       pg_get_expr(i.indexprs, i.indrelid) AS expressions,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       am.amname AS method, i.indisunique AS is_unique, i.indisprimary AS is_primary,
       i.indisexclusion AS is_exclusion, i.indisvalid AS is_valid, i.indisready AS is_ready,
       ${major >= 15 ? 'i.indnullsnotdistinct' : 'false'} AS nulls_not_distinct,
       pg_get_indexdef(i.indexrelid) AS definition,
       s.idx_scan AS scans,
       ${major >= 16 ? 's.last_idx_scan' : 'NULL::timestamptz'} AS last_scan,
       con.conname AS constraint_name
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = ic.relnamespace
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_am am ON am.oid = ic.relam
  LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
  LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
 WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMA('n')}
 ORDER BY i.indrelid, ic.relname`;

export const policiesQuery = `
SELECT p.polrelid AS table_oid, p.polname AS name, p.polcmd::text AS command, p.polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) AS r) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using_expr,
       pg_get_expr(p.polwithcheck, p.polrelid) AS with_check
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${USER_SCHEMA('n')}
 ORDER BY p.polrelid, p.polname`;

export const triggersQuery = `
SELECT t.tgrelid AS table_oid, t.tgname AS name, pn.nspname || '.' || p.proname AS function,
       t.tgtype::int AS tgtype, t.tgenabled::text AS enabled, pg_get_triggerdef(t.oid) AS definition
  FROM pg_trigger t
  JOIN pg_proc p ON p.oid = t.tgfoid
  JOIN pg_namespace pn ON pn.oid = p.pronamespace
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal AND ${USER_SCHEMA('n')}
 ORDER BY t.tgrelid, t.tgname`;

export const tableStatsQuery = `
SELECT relid AS table_oid, seq_scan, seq_tup_read, idx_scan, n_live_tup, n_dead_tup, n_mod_since_analyze,
       n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del,
       last_vacuum, last_autovacuum, last_analyze, last_autoanalyze
  FROM pg_stat_user_tables`;

export const statsResetQuery = `
SELECT d.stats_reset,
       (SELECT least(a.stats_reset, b.stats_reset) FROM pg_stat_archiver a, pg_stat_bgwriter b) AS server_stats_reset,
       has_function_privilege('pg_catalog.pg_stat_file(text, boolean)', 'EXECUTE') AS can_stat_file
  FROM pg_stat_database d WHERE d.datname = current_database()`;

/** When the database was created: its PG_VERSION file (only run when the role may call pg_stat_file). */
export const databaseCreatedQuery = `
SELECT (pg_stat_file('base/' || d.oid || '/PG_VERSION', true)).modification AS created
  FROM pg_database d
 WHERE d.datname = current_database()
   AND d.dattablespace = (SELECT t.oid FROM pg_tablespace t WHERE t.spcname = 'pg_default')`;

export const sequencesQuery = `
SELECT c.oid, s.schemaname AS schema, s.sequencename AS name, s.data_type::text AS data_type,
       s.start_value::text AS start_value, s.increment_by::text AS increment_by,
       s.min_value::text AS min_value, s.max_value::text AS max_value, s.cycle, s.cache_size::text AS cache_size,
       s.last_value::text AS last_value,
       (SELECT tn.nspname || '.' || tc.relname || '.' || a.attname
          FROM pg_depend d
          JOIN pg_class tc ON tc.oid = d.refobjid
          JOIN pg_namespace tn ON tn.oid = tc.relnamespace
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         LIMIT 1) AS owned_by
  FROM pg_sequences s
  JOIN pg_namespace n ON n.nspname = s.schemaname
  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename
 WHERE ${USER_SCHEMA('n')}
 ORDER BY s.schemaname, s.sequencename`;

export const functionsQuery = `
SELECT p.oid, n.nspname AS schema, p.proname AS name,
       pg_get_function_identity_arguments(p.oid) AS arguments,
       CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END AS returns,
       p.prokind::text AS kind, l.lanname AS language, p.provolatile::text AS volatility,
       p.prosecdef AS security_definer,
       md5(coalesce(p.prosrc, '') || coalesce(p.probin, '')) AS body_hash
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang
 WHERE ${USER_SCHEMA('n')}
 ORDER BY n.nspname, p.proname, 4`;

export const typesQuery = `
SELECT t.oid, n.nspname AS schema, t.typname AS name, t.typtype::text AS typtype,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_class c ON c.oid = t.typrelid
 WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND c.relkind = 'c'))
   AND ${USER_SCHEMA('n')}
 ORDER BY n.nspname, t.typname`;

export const rolesQuery = `
SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolinherit AS inherit, r.rolcreaterole AS create_role,
       r.rolcreatedb AS create_db, r.rolcanlogin AS can_login, r.rolreplication AS replication,
       r.rolbypassrls AS bypass_rls, r.rolconnlimit AS connection_limit, r.rolvaliduntil AS valid_until,
       ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid
              WHERE m.member = r.oid ORDER BY 1) AS member_of
  FROM pg_roles r
 WHERE r.rolname !~ '^pg_'
 ORDER BY r.rolname`;

export const extensionsQuery = `
SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 ORDER BY e.extname`;

/** The relations named in $1 (text[]), and the tables of the indexes named so: the scope of a partial snapshot. */
export const namedRelationsQuery = `
SELECT c.oid
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname = ANY ($1::name[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMA('n')}
UNION
SELECT i.indrelid
  FROM pg_class ic
  JOIN pg_index i ON i.indexrelid = ic.oid
  JOIN pg_namespace n ON n.oid = ic.relnamespace
 WHERE ic.relname = ANY ($1::name[]) AND ic.relkind IN ('i', 'I') AND ${USER_SCHEMA('n')}`;

/** Sizes take a lock per relation, so they are read in batches of short transactions, not in the snapshot's. */
export const relationSizesQuery = `
SELECT c.oid,
       CASE WHEN c.relkind IN ('r', 'm', 'f', 't') THEN pg_table_size(c.oid)
            WHEN c.relkind = 'i' THEN pg_relation_size(c.oid) END AS size
  FROM unnest($1::oid[]) AS o(oid)
  JOIN pg_class c ON c.oid = o.oid`;
