/**
 * The catalog and statistics queries of `pgwarden health`, per PostgreSQL major (13–18). Each reads views any role
 * may read; what a role without pg_read_all_stats cannot see comes back null and is reported as skipped. None takes
 * a lock on a user relation (sizes come from pg_class.relpages, not pg_relation_size), so a table held by DDL does
 * not stall the read.
 */

/** User relations: not the catalogs, TOAST, or other sessions' temporary tables. */
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' AND NOT pg_is_other_temp_schema(n.oid)`;

export const SETTINGS = [
  'max_connections',
  'superuser_reserved_connections',
  'autovacuum',
  'autovacuum_vacuum_threshold',
  'autovacuum_vacuum_scale_factor',
  'autovacuum_vacuum_max_threshold',
  'autovacuum_analyze_threshold',
  'autovacuum_analyze_scale_factor',
  'autovacuum_freeze_max_age',
  'autovacuum_multixact_freeze_max_age',
  'autovacuum_max_workers',
  'track_counts',
  'track_activities',
  'archive_mode',
  'max_prepared_transactions',
  'hot_standby_feedback',
  'work_mem',
  'log_temp_files',
  'max_wal_size',
  'checkpoint_timeout',
  'idle_in_transaction_session_timeout',
  'block_size',
  'autovacuum_vacuum_cost_limit',
  'autovacuum_vacuum_cost_delay',
  'vacuum_cost_limit',
  'autovacuum_worker_slots',
] as const;

export const SERVER_SQL = `
SELECT current_setting('server_version_num')::int AS version_num,
       current_database() AS database,
       current_user AS "user",
       coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
       pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
       pg_is_in_recovery() AS in_recovery,
       to_json(now()) #>> '{}' AS collected_at,
       to_json(pg_postmaster_start_time()) #>> '{}' AS started_at,
       extract(epoch FROM now())::float8 AS now_epoch,
       pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid,
       (SELECT sum(numbackends) FROM pg_stat_database)::int AS backends,
       (SELECT json_object_agg(name, setting) FROM pg_settings WHERE name = ANY($1::text[])) AS settings,
       (SELECT coalesce(json_agg(extname ORDER BY extname), '[]') FROM pg_extension) AS extensions`;

export const SESSIONS_SQL = `
SELECT pid, datname AS database, usename AS "user", application_name AS application, client_addr::text AS client,
       backend_type, state,
       extract(epoch FROM now() - xact_start)::float8 AS xact_seconds,
       extract(epoch FROM now() - query_start)::float8 AS query_seconds,
       extract(epoch FROM now() - state_change)::float8 AS state_seconds,
       wait_event_type, wait_event,
       age(backend_xmin) AS xmin_age, age(backend_xid) AS xid_age,
       left(query, 500) AS query,
       CASE WHEN wait_event_type = 'Lock' THEN pg_blocking_pids(pid) ELSE '{}'::int[] END AS blocked_by
  FROM pg_stat_activity
 WHERE pid <> pg_backend_pid()
 ORDER BY pid`;

export const PREPARED_SQL = `
SELECT gid, database, owner, extract(epoch FROM now() - prepared)::float8 AS age_seconds, age(transaction) AS xid_age
  FROM pg_prepared_xacts ORDER BY prepared`;

export const SLOTS_SQL = `
SELECT slot_name AS name, slot_type AS type, database, plugin, active, temporary,
       age(xmin) AS xmin_age, age(catalog_xmin) AS catalog_xmin_age,
       CASE WHEN restart_lsn IS NULL THEN NULL
            WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), restart_lsn)
            ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) END::float8 AS retained_bytes,
       wal_status
  FROM pg_replication_slots ORDER BY slot_name`;

/** WAL positions are compared with this server's: its own on a primary, what it received on a cascading standby. */
const WAL_POSITION = `CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END`;

export const STANDBYS_SQL = `
SELECT application_name AS application, host(client_addr) AS client, state, sync_state, age(backend_xmin) AS xmin_age,
       extract(epoch FROM write_lag)::float8 AS write_lag_seconds,
       extract(epoch FROM flush_lag)::float8 AS flush_lag_seconds,
       extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds,
       pg_wal_lsn_diff(${WAL_POSITION}, write_lsn)::float8 AS write_lag_bytes,
       pg_wal_lsn_diff(${WAL_POSITION}, flush_lsn)::float8 AS flush_lag_bytes,
       pg_wal_lsn_diff(${WAL_POSITION}, replay_lsn)::float8 AS replay_lag_bytes
  FROM pg_stat_replication ORDER BY pid`;

/**
 * Installed extensions at another version than the default of the extension files the server has, and whether
 * those files hold an update path to it (pg_extension_update_paths reads only the extension's own scripts).
 */
export const OUTDATED_EXTENSIONS_SQL = `
SELECT e.extname AS name, quote_ident(n.nspname) AS schema, e.extversion AS installed, a.default_version AS available,
       EXISTS (SELECT 1 FROM pg_extension_update_paths(e.extname) p
                WHERE p.source = e.extversion AND p.target = a.default_version AND p.path IS NOT NULL) AS updatable
  FROM pg_extension e
  JOIN pg_available_extensions a ON a.name = e.extname
  JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE a.default_version IS DISTINCT FROM e.extversion
 ORDER BY e.extname`;

/**
 * Collations whose recorded version is not the one the library (glibc, ICU) reports now, and that an index uses:
 * an unused one is only a warning PostgreSQL prints when it is next used. From 15, each database's default
 * collation too (pg_database.datcollversion).
 */
export function collationDriftSql(major: number): string {
  const collations = `
SELECT 'collation' AS kind, quote_ident(n.nspname) || '.' || quote_ident(c.collname) AS name,
       c.collprovider::text AS provider, c.collversion AS recorded, pg_collation_actual_version(c.oid) AS actual,
       (SELECT array_agg(x.name ORDER BY x.name) FROM (
          SELECT DISTINCT quote_ident(ns.nspname) || '.' || quote_ident(ic.relname) AS name
            FROM pg_depend d JOIN pg_class ic ON ic.oid = d.objid AND ic.relkind IN ('i', 'I')
            JOIN pg_namespace ns ON ns.oid = ic.relnamespace
           WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_collation'::regclass AND d.refobjid = c.oid
           LIMIT 50) x) AS indexes
  FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
 WHERE c.collversion IS NOT NULL AND c.collversion IS DISTINCT FROM pg_collation_actual_version(c.oid)
   AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.refclassid = 'pg_collation'::regclass AND d.refobjid = c.oid)`;
  if (major < 15) return `${collations} ORDER BY 2`;
  return `${collations}
UNION ALL
SELECT 'database', datname, 'd', datcollversion, pg_database_collation_actual_version(oid), NULL
  FROM pg_database
 WHERE datallowconn AND datcollversion IS NOT NULL
   AND datcollversion IS DISTINCT FROM pg_database_collation_actual_version(oid)
 ORDER BY 1, 2`;
}

export const DATABASES_SQL = `
SELECT datname AS name, age(datfrozenxid) AS xid_age, mxid_age(datminmxid) AS mxid_age
  FROM pg_database ORDER BY datname`;

export const ACTIVITY_SQL = `
SELECT d.blks_hit::float8 AS blocks_hit, d.blks_read::float8 AS blocks_read,
       d.temp_files::float8 AS temp_files, d.temp_bytes::float8 AS temp_bytes,
       to_json(d.stats_reset) #>> '{}' AS stats_reset,
       s.table_hit, s.table_read, s.index_hit, s.index_read
  FROM pg_stat_database d,
       (SELECT coalesce(sum(hit) FILTER (WHERE relkind <> 'i'), 0)::float8 AS table_hit,
               coalesce(sum(fetched - hit) FILTER (WHERE relkind <> 'i'), 0)::float8 AS table_read,
               coalesce(sum(hit) FILTER (WHERE relkind = 'i'), 0)::float8 AS index_hit,
               coalesce(sum(fetched - hit) FILTER (WHERE relkind = 'i'), 0)::float8 AS index_read
          FROM (SELECT c.relkind, pg_stat_get_blocks_hit(c.oid) AS hit, pg_stat_get_blocks_fetched(c.oid) AS fetched
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'm', 'i') AND ${USER_SCHEMA}) blocks) s
 WHERE d.datname = current_database()`;

/** Checkpointer counters moved from pg_stat_bgwriter to pg_stat_checkpointer in PostgreSQL 17. */
export function checkpointsSql(major: number): string {
  return major >= 17
    ? `SELECT num_timed::float8 AS timed, num_requested::float8 AS requested, to_json(stats_reset) #>> '{}' AS since FROM pg_stat_checkpointer`
    : `SELECT checkpoints_timed::float8 AS timed, checkpoints_req::float8 AS requested, to_json(stats_reset) #>> '{}' AS since FROM pg_stat_bgwriter`;
}

export const ARCHIVER_SQL = `
SELECT current_setting('archive_mode') AS mode, archived_count::float8 AS archived, failed_count::float8 AS failed,
       last_failed_wal,
       extract(epoch FROM now() - last_failed_time)::float8 AS last_failed_seconds,
       extract(epoch FROM now() - last_archived_time)::float8 AS last_archived_seconds
  FROM pg_stat_archiver`;

/** Sequences with the column each feeds (owned by, or identity), found for all at once by a hash join. */
export const SEQUENCES_SQL = `
WITH fed AS (
  SELECT DISTINCT ON (d.objid) d.objid,
         quote_ident(tn.nspname) || '.' || quote_ident(t.relname) AS table_name, a.attname AS column_name,
         format_type(a.atttypid, NULL) AS column_type
    FROM pg_depend d
    JOIN pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S'
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_namespace tn ON tn.oid = t.relnamespace
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
   WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
     AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
), readable AS (
  SELECT s.*, c.oid, c.relname, c.relnamespace, has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
)
SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname) AS name,
       format_type(r.seqtypid, NULL) AS data_type,
       r.seqmin::text AS min, r.seqmax::text AS max, r.seqincrement::text AS increment, r.seqcycle AS cycle,
       CASE WHEN r.readable THEN pg_sequence_last_value(r.oid)::text END AS last_value, r.readable,
       fed.table_name, fed.column_name, fed.column_type
  FROM readable r
  JOIN pg_namespace n ON n.oid = r.relnamespace
  LEFT JOIN fed ON fed.objid = r.oid
 WHERE ${USER_SCHEMA}`;

/** Dead rows and changes since the last ANALYZE per table; reloptions carry its own autovacuum settings. */
export const TABLES_SQL = `
SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS name,
       c.reltuples::float8 AS estimated_rows, s.n_live_tup::float8 AS live, s.n_dead_tup::float8 AS dead,
       s.n_mod_since_analyze::float8 AS modified,
       extract(epoch FROM now() - greatest(s.last_vacuum, s.last_autovacuum))::float8 AS vacuum_seconds,
       extract(epoch FROM now() - greatest(s.last_analyze, s.last_autoanalyze))::float8 AS analyze_seconds,
       coalesce(c.reloptions, '{}') AS reloptions,
       c.relpages::float8 * current_setting('block_size')::int AS size_bytes,
       age(c.relfrozenxid) AS xid_age
  FROM pg_stat_user_tables s
  JOIN pg_class c ON c.oid = s.relid
 WHERE c.relkind IN ('r', 'm') AND NOT pg_is_other_temp_schema(c.relnamespace)`;

/**
 * Every index of a user table, with what makes two the same. pg_get_indexdef costs about 0.1 ms an index (seconds at
 * 10⁵ indexes): it is read only for those a check names — invalid, sharing their signature with another, and the
 * 100 largest never-scanned candidates. Constraints, foreign keys and builds in progress are joined as sets, not
 * looked up per index (pg_constraint has no index on conindid).
 */
export const INDEXES_SQL = `
WITH building AS (SELECT DISTINCT index_relid FROM pg_stat_progress_create_index),
backing AS (SELECT DISTINCT conindid FROM pg_constraint WHERE contype IN ('p', 'u', 'x') AND conindid <> 0),
fk AS (SELECT DISTINCT conrelid, conkey[1] AS attnum FROM pg_constraint WHERE contype = 'f'),
i AS (
  SELECT i.indexrelid, i.indrelid, ci.relname AS index_name, n.nspname AS schema_name, ct.relname AS table_name,
         tn.nspname AS table_schema, i.indisvalid, i.indisunique, i.indisprimary,
         am.amname || ' ' || i.indkey::text || ' ' || i.indclass::text || ' ' || i.indcollation::text || ' ' ||
           coalesce(pg_get_expr(i.indexprs, i.indrelid), '') || ' WHERE ' || coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS shape,
         pg_stat_get_numscans(i.indexrelid) AS idx_scan, ci.relpages::float8 * current_setting('block_size')::int AS size_bytes,
         b.conindid IS NOT NULL AS backs_constraint, f.conrelid IS NOT NULL AS serves_fk,
         g.index_relid IS NOT NULL AS building
    FROM pg_index i
    JOIN pg_class ci ON ci.oid = i.indexrelid
    JOIN pg_class ct ON ct.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = ci.relnamespace
    JOIN pg_namespace tn ON tn.oid = ct.relnamespace
    JOIN pg_am am ON am.oid = ci.relam
    LEFT JOIN backing b ON b.conindid = i.indexrelid
    LEFT JOIN fk f ON f.conrelid = i.indrelid AND f.attnum = i.indkey[0]
    LEFT JOIN building g ON g.index_relid = i.indexrelid
   WHERE ct.relkind IN ('r', 'm') AND ${USER_SCHEMA}
), counted AS (
  SELECT i.*, count(*) OVER (PARTITION BY indrelid, shape COLLATE "C") AS same_shape,
         row_number() OVER (PARTITION BY idx_scan = 0 AND NOT indisunique AND NOT backs_constraint AND NOT serves_fk
                            ORDER BY size_bytes DESC) AS size_rank,
         idx_scan = 0 AND NOT indisunique AND NOT backs_constraint AND NOT serves_fk AS unused_candidate
    FROM i
)
SELECT quote_ident(schema_name) || '.' || quote_ident(index_name) AS name,
       quote_ident(table_schema) || '.' || quote_ident(table_name) AS "table",
       CASE WHEN NOT indisvalid OR same_shape > 1 OR (unused_candidate AND size_rank <= 100)
            THEN pg_get_indexdef(indexrelid) END AS definition,
       indisvalid AS valid, indisunique AS "unique", indisprimary AS "primary", backs_constraint, serves_fk,
       indrelid::text || ' ' || shape AS signature, idx_scan::float8 AS scans, size_bytes, building
  FROM counted`;

export const NOT_VALID_SQL = `
SELECT quote_ident(k.conname) AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS "table",
       k.contype::text AS type, pg_get_constraintdef(k.oid) AS definition
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT k.convalidated AND ${USER_SCHEMA}
 ORDER BY 2, 1`;

export const DISABLED_TRIGGERS_SQL = `
SELECT quote_ident(t.tgname) AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS "table",
       t.tgisinternal AS internal, k.conname AS "constraint"
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_constraint k ON k.oid = t.tgconstraint
 WHERE t.tgenabled = 'D' AND ${USER_SCHEMA}
 ORDER BY 2, 1`;

/**
 * pg_stat_statements of this database: the heaviest by total time and the most called. Its time columns are
 * *_exec_time since PostgreSQL 13 (total_time before), which is every major pgwarden supports.
 */
export function statementsSql(schema: string): string {
  const view = `${schema}.pg_stat_statements`;
  const base = `SELECT queryid::text AS query_id, left(query, 1000) AS query, userid::regrole::text AS "user", calls::float8 AS calls,
         rows::float8 AS rows, total_exec_time AS total_ms, mean_exec_time AS mean_ms
    FROM ${view} WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;
  return `
SELECT * FROM ((${base} ORDER BY total_exec_time DESC LIMIT 50) UNION (${base} ORDER BY calls DESC LIMIT 50)) s
 ORDER BY total_ms DESC`;
}

export function statementsTotalSql(schema: string): string {
  return `SELECT coalesce(sum(total_exec_time), 0)::float8 AS total_ms FROM ${schema}.pg_stat_statements
           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;
}

export const EXTENSION_SCHEMA_SQL = `
SELECT quote_ident(n.nspname) AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = $1`;

/** A storage parameter of pg_class.reloptions as an integer, else the default. */
const fillfactor = (alias: string, otherwise: number) =>
  `coalesce((SELECT split_part(o, '=', 2)::int FROM unnest(${alias}.reloptions) o WHERE o LIKE 'fillfactor=%'), ${otherwise})`;

/** The estimate's read floor: relations under 10 pages are left out (their bloat is at most 80 kB). */
const BLOAT_MIN_PAGES = 10;

/**
 * What the bloat estimate of each table needs: pages and rows (heap and TOAST), fillfactor, and per column its
 * fixed length and alignment, and pg_stats' average width and null fraction (null where the role may not read them).
 */
export const BLOAT_TABLES_SQL = `
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name, c.oid::int8 AS oid,
       c.relpages::float8 AS pages, c.reltuples::float8 AS tuples,
       coalesce(t.relpages, 0)::float8 AS toast_pages, coalesce(t.reltuples, 0)::float8 AS toast_tuples,
       ${fillfactor('c', 100)} AS fillfactor,
       coalesce(pg_stat_get_mod_since_analyze(c.oid), 0)::float8 AS modified,
       (SELECT json_agg(json_build_array(a.attname, a.attlen, a.attalign, s.avg_width, s.null_frac, s.n_distinct)
                        ORDER BY a.attnum)
          FROM pg_attribute a
          LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
                              AND NOT s.inherited
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
 WHERE c.relkind IN ('r', 'm') AND c.relpages >= ${BLOAT_MIN_PAGES} AND ${USER_SCHEMA}`;

/**
 * The same for each valid B-tree index: its attributes' widths come from the table's column statistics, or for
 * an expression from the statistics ANALYZE keeps under the index's own name.
 */
export const BLOAT_INDEXES_SQL = `
SELECT quote_ident(n.nspname) || '.' || quote_ident(ci.relname) AS name,
       quote_ident(n.nspname) || '.' || quote_ident(ct.relname) AS "table", ci.oid::int8 AS oid,
       ci.relpages::float8 AS pages, ci.reltuples::float8 AS tuples, ${fillfactor('ci', 90)} AS fillfactor,
       i.indisunique AS "unique", coalesce(pg_stat_get_mod_since_analyze(ct.oid), 0)::float8 AS modified,
       (SELECT json_agg(json_build_array(ia.attname, ia.attlen, ia.attalign, coalesce(ts.avg_width, xs.avg_width),
                                         coalesce(ts.null_frac, xs.null_frac), coalesce(ts.n_distinct, xs.n_distinct))
                        ORDER BY ia.attnum)
          FROM pg_attribute ia
          LEFT JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum = i.indkey[ia.attnum - 1] AND ta.attnum > 0
          LEFT JOIN pg_stats ts ON ts.schemaname = n.nspname AND ts.tablename = ct.relname AND ts.attname = ta.attname
                               AND NOT ts.inherited
          LEFT JOIN pg_stats xs ON ta.attnum IS NULL AND xs.schemaname = n.nspname AND xs.tablename = ci.relname
                               AND xs.attname = ia.attname
         WHERE ia.attrelid = i.indexrelid AND ia.attnum > 0) AS columns
  FROM pg_index i
  JOIN pg_class ci ON ci.oid = i.indexrelid
  JOIN pg_class ct ON ct.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = ci.relnamespace
  JOIN pg_am am ON am.oid = ci.relam AND am.amname = 'btree'
 WHERE i.indisvalid AND ct.relkind IN ('r', 'm') AND ci.relpages >= ${BLOAT_MIN_PAGES} AND ${USER_SCHEMA}`;

/** pgstattuple's functions, schema-qualified with the extension's schema. */
export function measureTableSql(schema: string): string {
  return `SELECT table_len::float8, approx_tuple_count::float8 AS tuple_count, approx_tuple_len::float8 AS tuple_len FROM ${schema}.pgstattuple_approx($1::oid::regclass)`;
}

export function measureIndexSql(schema: string): string {
  return `SELECT index_size::float8, leaf_pages::float8, empty_pages::float8, deleted_pages::float8, avg_leaf_density::float8 FROM ${schema}.pgstatindex($1::oid::regclass)`;
}
