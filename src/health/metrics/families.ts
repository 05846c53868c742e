import { type BloatEstimate, bloatRelationOf, estimateBloat } from '../bloat.js';
import type { MetricsReading } from './collect.js';
import type { Labels, MetricFamily, Sample } from './exposition.js';

/** One configured database's scrape: what was read, or why not. */
export interface TargetScrape {
  readonly target: string;
  readonly reading: MetricsReading | null;
  readonly error: string | null;
  readonly seconds: number;
}

type Row = Record<string, unknown>;

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

class Families {
  readonly #families = new Map<string, { help: string; type: 'gauge' | 'counter'; samples: Sample[] }>();

  declare(name: string, type: 'gauge' | 'counter', help: string): void {
    this.#families.set(name, { help, type, samples: [] });
  }

  add(name: string, labels: Labels, value: number | null): void {
    if (value === null) return;
    this.#families.get(name)!.samples.push({ labels, value });
  }

  list(): MetricFamily[] {
    return [...this.#families].map(([name, family]) => ({ name, ...family }));
  }
}

/** Every family pgwarden exports, declared once: the names and labels are a stable interface (alert rules use them). */
function declared(): Families {
  const f = new Families();
  f.declare('pgwarden_up', 'gauge', '1 when the last scrape of the target read the database, else 0');
  f.declare('pgwarden_scrape_duration_seconds', 'gauge', 'How long the last scrape of the target took');
  f.declare(
    'pgwarden_scrape_errors',
    'gauge',
    'Reads of the last scrape that failed (a privilege, a timeout)',
  );
  f.declare('pgwarden_server_info', 'gauge', 'The server version, as a label; always 1');
  f.declare('pgwarden_in_recovery', 'gauge', '1 when the server is a standby');
  f.declare('pgwarden_start_time_seconds', 'gauge', 'When the server started (Unix time)');
  f.declare('pgwarden_settings_pending_restart', 'gauge', 'Settings changed that wait for a restart');
  f.declare('pgwarden_max_connections', 'gauge', 'max_connections');
  f.declare('pgwarden_connections', 'gauge', 'Client connections by database and state');
  f.declare('pgwarden_oldest_transaction_seconds', 'gauge', 'Age of the oldest open transaction of a client');
  f.declare('pgwarden_locks_waiting', 'gauge', 'Lock requests not granted (sessions waiting for a lock)');
  f.declare(
    'pgwarden_database_xid_age',
    'gauge',
    'Age of the oldest unfrozen transaction ID (wraparound at 2^31)',
  );
  f.declare(
    'pgwarden_database_mxid_age',
    'gauge',
    'Age of the oldest unfrozen multixact ID (wraparound at 2^31)',
  );
  f.declare('pgwarden_database_size_bytes', 'gauge', 'Size of the database on disk');
  f.declare('pgwarden_database_xact_commit_total', 'counter', 'Transactions committed');
  f.declare('pgwarden_database_xact_rollback_total', 'counter', 'Transactions rolled back');
  f.declare('pgwarden_database_blocks_read_total', 'counter', 'Blocks read from outside shared buffers');
  f.declare('pgwarden_database_blocks_hit_total', 'counter', 'Blocks found in shared buffers');
  f.declare(
    'pgwarden_database_cache_hit_ratio',
    'gauge',
    'blocks hit / (hit + read) since the statistics reset',
  );
  f.declare('pgwarden_database_temp_files_total', 'counter', 'Temporary files written by queries');
  f.declare('pgwarden_database_temp_bytes_total', 'counter', 'Bytes written to temporary files by queries');
  f.declare('pgwarden_database_deadlocks_total', 'counter', 'Deadlocks detected');
  f.declare('pgwarden_tables', 'gauge', "Tables in the target's database");
  f.declare('pgwarden_live_tuples', 'gauge', "Estimated live rows in the target database's tables");
  f.declare('pgwarden_dead_tuples', 'gauge', "Estimated dead rows in the target database's tables");
  f.declare('pgwarden_seq_scans_total', 'counter', "Sequential scans of the target database's tables");
  f.declare(
    'pgwarden_table_dead_tuples',
    'gauge',
    'Estimated dead rows of the tables with the most (at most the configured number of tables)',
  );
  f.declare('pgwarden_checkpoints_timed_total', 'counter', 'Checkpoints started by checkpoint_timeout');
  f.declare(
    'pgwarden_checkpoints_requested_total',
    'counter',
    'Checkpoints requested (WAL volume, CHECKPOINT, backups)',
  );
  f.declare('pgwarden_replication_slot_active', 'gauge', '1 when a client uses the replication slot');
  f.declare(
    'pgwarden_replication_slot_retained_bytes',
    'gauge',
    'WAL the replication slot keeps on the server',
  );
  f.declare(
    'pgwarden_replication_lag_bytes',
    'gauge',
    "WAL bytes a standby is behind this server's position, by stage (write, flush, replay)",
  );
  f.declare(
    'pgwarden_replication_lag_seconds',
    'gauge',
    'How late the last WAL reached each stage of a standby (write, flush, replay); absent once caught up',
  );
  f.declare(
    'pgwarden_collation_version_mismatches',
    'gauge',
    'Collations an index uses (and databases, 15+) whose recorded version is not the library version',
  );
  f.declare(
    'pgwarden_collation_version_mismatch',
    'gauge',
    'One collation or database default collation whose recorded version is not the library version; always 1',
  );
  f.declare(
    'pgwarden_bloat_estimated_bytes',
    'gauge',
    'Estimated bloat of the tables or B-tree indexes (kind) of 10 pages or more, reliable estimates only',
  );
  f.declare(
    'pgwarden_relation_bloat_estimated_bytes',
    'gauge',
    'Estimated bloat of the most bloated tables and B-tree indexes (at most the configured number of each)',
  );
  f.declare(
    'pgwarden_relation_size_bytes',
    'gauge',
    'Size of each relation in pgwarden_relation_bloat_estimated_bytes (a table with its TOAST): bloat / size is the share health judges',
  );
  return f;
}

function addReading(f: Families, target: string, r: MetricsReading): void {
  const t = { target };
  const s = r.server;
  f.add('pgwarden_scrape_errors', t, r.failed.length);
  f.add('pgwarden_server_info', { ...t, version: String(s.version ?? '').split(' ')[0]! }, 1);
  f.add('pgwarden_in_recovery', t, s.in_recovery ? 1 : 0);
  f.add('pgwarden_start_time_seconds', t, num(s.start_time));
  f.add('pgwarden_settings_pending_restart', t, num(s.pending_restart));
  f.add('pgwarden_max_connections', t, num(s.max_connections));
  f.add('pgwarden_oldest_transaction_seconds', t, num(s.oldest_xact_seconds));
  f.add('pgwarden_locks_waiting', t, num(s.locks_waiting));
  for (const row of r.connections ?? [])
    f.add(
      'pgwarden_connections',
      { ...t, database: String(row.database), state: String(row.state) },
      num(row.count),
    );
  for (const row of r.databases ?? []) addDatabase(f, target, row);
  if (r.tables) {
    const database = { ...t, database: String(r.tables.database) };
    f.add('pgwarden_tables', database, num(r.tables.tables));
    f.add('pgwarden_live_tuples', database, num(r.tables.live_tuples));
    f.add('pgwarden_dead_tuples', database, num(r.tables.dead_tuples));
    f.add('pgwarden_seq_scans_total', database, num(r.tables.seq_scans));
    for (const row of r.topDeadTuples ?? [])
      f.add(
        'pgwarden_table_dead_tuples',
        { ...database, schema: String(row.schema), table: String(row.table) },
        num(row.dead_tuples),
      );
  }
  if (r.checkpoints) {
    f.add('pgwarden_checkpoints_timed_total', t, num(r.checkpoints.timed));
    f.add('pgwarden_checkpoints_requested_total', t, num(r.checkpoints.requested));
  }
  for (const row of r.slots ?? []) {
    const slot = { ...t, slot: String(row.slot), type: String(row.type) };
    f.add('pgwarden_replication_slot_active', slot, row.active ? 1 : 0);
    f.add('pgwarden_replication_slot_retained_bytes', slot, num(row.retained_bytes));
  }
  addReplication(f, target, r);
  if (r.tables) addBloat(f, target, String(r.tables.database), r, TOP_BLOAT);
}

/** Relations labelled in pgwarden_relation_bloat_estimated_bytes, per kind. */
const TOP_BLOAT = 20;

function addReplication(f: Families, target: string, r: MetricsReading): void {
  for (const row of r.standbys ?? []) {
    const standby = String(row.application || row.client || 'standby');
    for (const stage of ['write', 'flush', 'replay']) {
      const labels = { target, standby, stage };
      f.add('pgwarden_replication_lag_bytes', labels, num(row[`${stage}_lag_bytes`]));
      f.add('pgwarden_replication_lag_seconds', labels, num(row[`${stage}_lag_seconds`]));
    }
  }
  if (r.collationDrift) {
    f.add('pgwarden_collation_version_mismatches', { target }, r.collationDrift.length);
    for (const row of r.collationDrift)
      f.add(
        'pgwarden_collation_version_mismatch',
        { target, kind: String(row.kind), name: String(row.name) },
        1,
      );
  }
}

function addBloat(f: Families, target: string, database: string, r: MetricsReading, top: number): void {
  const blockSize = 8192;
  const kinds: [kind: 'table' | 'index', rows: readonly Row[] | null | undefined][] = [
    ['table', r.bloatTables],
    ['index', r.bloatIndexes],
  ];
  for (const [kind, rows] of kinds) {
    if (!rows) continue;
    const estimates: BloatEstimate[] = rows
      .map((row) => estimateBloat(bloatRelationOf(row, kind), blockSize))
      .filter((e) => e.unreliable === null);
    const labels = { target, database, kind };
    f.add(
      'pgwarden_bloat_estimated_bytes',
      labels,
      estimates.reduce((sum, e) => sum + e.bloatBytes, 0),
    );
    for (const e of estimates
      .filter((e) => e.bloatBytes > 0)
      .sort((a, b) => b.bloatBytes - a.bloatBytes || a.name.localeCompare(b.name))
      .slice(0, top)) {
      f.add('pgwarden_relation_bloat_estimated_bytes', { ...labels, relation: e.name }, e.bloatBytes);
      f.add('pgwarden_relation_size_bytes', { ...labels, relation: e.name }, e.sizeBytes);
    }
  }
}

function addDatabase(f: Families, target: string, row: Row): void {
  const labels = { target, database: String(row.database) };
  f.add('pgwarden_database_xid_age', labels, num(row.xid_age));
  f.add('pgwarden_database_mxid_age', labels, num(row.mxid_age));
  f.add('pgwarden_database_size_bytes', labels, num(row.size_bytes));
  f.add('pgwarden_database_xact_commit_total', labels, num(row.xact_commit));
  f.add('pgwarden_database_xact_rollback_total', labels, num(row.xact_rollback));
  f.add('pgwarden_database_blocks_read_total', labels, num(row.blks_read));
  f.add('pgwarden_database_blocks_hit_total', labels, num(row.blks_hit));
  const hit = num(row.blks_hit);
  const read = num(row.blks_read);
  if (hit !== null && read !== null && hit + read > 0)
    f.add('pgwarden_database_cache_hit_ratio', labels, hit / (hit + read));
  f.add('pgwarden_database_temp_files_total', labels, num(row.temp_files));
  f.add('pgwarden_database_temp_bytes_total', labels, num(row.temp_bytes));
  f.add('pgwarden_database_deadlocks_total', labels, num(row.deadlocks));
}

/** The metric families of one scrape of every target (pure). A target that could not be read has up 0 and nothing else. */
export function metricFamilies(scrapes: readonly TargetScrape[]): MetricFamily[] {
  const f = declared();
  for (const scrape of scrapes) {
    const t = { target: scrape.target };
    f.add('pgwarden_up', t, scrape.reading ? 1 : 0);
    f.add('pgwarden_scrape_duration_seconds', t, scrape.seconds);
    if (scrape.reading) addReading(f, scrape.target, scrape.reading);
  }
  return f.list();
}
