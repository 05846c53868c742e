import {
  type BloatEstimate,
  bloatRelationOf,
  estimateBloat,
  measuredIndexBloat,
  measuredTableBloat,
} from './bloat.js';
import type { HealthReading } from './collect.js';
import type {
  Archiver,
  Checkpoints,
  ConstraintFacts,
  DatabaseActivity,
  HealthFacts,
  HorizonHolder,
  IndexFacts,
  ReplicationSlot,
  SequenceFacts,
  Session,
  Standby,
  TableFacts,
} from './model.js';

type Row = Record<string, unknown>;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

const INTEGER_MAX: Readonly<Record<string, number>> = {
  smallint: 32_767,
  integer: 2_147_483_647,
  bigint: 2 ** 63,
};
const INTEGER_MIN: Readonly<Record<string, number>> = {
  smallint: -32_768,
  integer: -2_147_483_648,
  bigint: -(2 ** 63),
};

/**
 * The health facts from one reading, or from two (`later` read `--sample` seconds after `first`): the facts are the
 * later reading's, and the rates (XIDs, MultiXacts and sequence values per second) come from the difference.
 */
export function healthFactsFromReadings(first: HealthReading, later?: HealthReading): HealthFacts {
  const reading = later ?? first;
  const server = reading.server;
  const settings = (server.settings ?? {}) as Record<string, string>;
  const major = Math.floor(num(server.version_num) / 10_000);
  const seconds = later ? num(later.server.now_epoch) - num(first.server.now_epoch) : null;
  const unreadable = reading.failed.map((f) => ({ check: f.read, reason: f.reason }));
  const readAllStats = server.superuser === true || server.read_all_stats === true;
  const sessions = (reading.sessions ?? []).map(sessionOf);
  if (!readAllStats && sessions.some((s) => s.state === null))
    unreadable.push({
      check: "other roles' sessions",
      reason: `only the sessions of role ${String(server.user)} are visible in detail (state, age, query): grant it pg_read_all_stats or pg_monitor to see every role's`,
    });
  const slots = (reading.slots ?? []).map(slotOf);
  const standbys = (reading.standbys ?? []).map(standbyOf);
  const prepared = (reading.prepared ?? []).map((row) => ({
    gid: String(row.gid),
    database: String(row.database),
    owner: String(row.owner),
    ageSeconds: num(row.age_seconds),
    xidAge: num(row.xid_age),
  }));
  const clients = sessions.filter((s) => s.backendType === 'client backend');
  const byState: Record<string, number> = {};
  for (const session of clients)
    byState[session.state ?? 'unknown'] = (byState[session.state ?? 'unknown'] ?? 0) + 1;
  return {
    server: {
      versionNum: num(server.version_num),
      major,
      database: String(server.database),
      user: String(server.user),
      superuser: server.superuser === true,
      readAllStats,
      inRecovery: server.in_recovery === true,
      collectedAt: String(server.collected_at),
      startedAt: String(server.started_at),
      settings,
      extensions: (server.extensions ?? []) as string[],
    },
    connections: connectionsOf(clients.length + 1, num(server.backends), byState, settings),
    sessions,
    prepared,
    slots,
    standbys,
    horizon: horizonOf(sessions, prepared, slots, standbys),
    wraparound: {
      databases: (reading.databases ?? []).map((row) => ({
        name: String(row.name),
        xidAge: num(row.xid_age),
        mxidAge: num(row.mxid_age),
      })),
      freezeMaxAge: num(settings.autovacuum_freeze_max_age),
      multixactFreezeMaxAge: num(settings.autovacuum_multixact_freeze_max_age),
      xidPerSecond:
        later && seconds ? rate(num(later.server.next_xid) - num(first.server.next_xid), seconds) : null,
      mxidPerSecond: later && seconds ? mxidRate(first, later, seconds) : null,
    },
    sequences: sequencesOf(reading, first, seconds),
    tables: (reading.tables ?? []).map((row) => tableOf(row, settings)),
    indexes: (reading.indexes ?? []).map(indexOf),
    notValidConstraints: (reading.notValid ?? []).map(constraintOf),
    disabledTriggers: (reading.disabledTriggers ?? []).map((row) => ({
      name: String(row.name),
      table: String(row.table),
      internal: row.internal === true,
      constraint: str(row.constraint),
    })),
    activity: activityOf(reading.activity, server),
    checkpoints: checkpointsOf(reading.checkpoints),
    archiver: archiverOf(reading.archiver),
    statements: reading.statements
      ? {
          totalMs: reading.statements.totalMs,
          rows: reading.statements.rows.map((row) => ({
            queryId: String(row.query_id),
            query: String(row.query ?? ''),
            user: str(row.user),
            calls: num(row.calls),
            rows: num(row.rows),
            totalMs: num(row.total_ms),
            meanMs: num(row.mean_ms),
          })),
        }
      : null,
    outdatedExtensions: (reading.outdatedExtensions ?? []).map((row) => ({
      name: String(row.name),
      schema: String(row.schema),
      installed: String(row.installed),
      available: String(row.available),
      updatable: row.updatable === true,
    })),
    collationDrift: (reading.collationDrift ?? []).map((row) => ({
      kind: row.kind === 'database' ? 'database' : 'collation',
      name: String(row.name),
      provider: String(row.provider),
      recorded: String(row.recorded),
      actual: str(row.actual),
      indexes: row.indexes === null || row.indexes === undefined ? null : (row.indexes as string[]),
    })),
    bloat: bloatOf(reading, num(settings.block_size) || 8192),
    sampleSeconds: seconds,
    unreadable,
  };
}

/**
 * Client connections by state. Another role's session shows no backend type or state without pg_read_all_stats:
 * pg_stat_database's count of backends (every role sees it) gives the total, and the difference is "not visible".
 */
function connectionsOf(
  visible: number,
  backends: number,
  byState: Record<string, number>,
  settings: Readonly<Record<string, string>>,
): HealthFacts['connections'] {
  // pgwarden's own session is a client too
  const states: Record<string, number> = { ...byState, active: (byState.active ?? 0) + 1 };
  delete states.unknown;
  const total = Math.max(visible, backends);
  if (total > visible) states['not visible'] = total - visible;
  return {
    max: num(settings.max_connections),
    reservedForSuperuser: num(settings.superuser_reserved_connections),
    total,
    byState: states,
  };
}

function rate(delta: number, seconds: number): number | null {
  return seconds > 0 && delta >= 0 ? delta / seconds : null;
}

/** No function tells the next MultiXact without superuser: the growth of mxid_age of a database whose datminmxid stayed. */
function mxidRate(first: HealthReading, later: HealthReading, seconds: number): number | null {
  const before = new Map((first.databases ?? []).map((row) => [String(row.name), num(row.mxid_age)]));
  let best: number | null = null;
  for (const row of later.databases ?? []) {
    const previous = before.get(String(row.name));
    if (previous === undefined) continue;
    const delta = num(row.mxid_age) - previous;
    if (delta >= 0 && (best === null || delta > best)) best = delta;
  }
  return best === null ? null : rate(best, seconds);
}

function sessionOf(row: Row): Session {
  return {
    pid: num(row.pid),
    database: str(row.database),
    user: str(row.user),
    application: str(row.application),
    client: str(row.client),
    backendType: str(row.backend_type),
    state: str(row.state),
    xactSeconds: numOrNull(row.xact_seconds),
    querySeconds: numOrNull(row.query_seconds),
    stateSeconds: numOrNull(row.state_seconds),
    waitEventType: str(row.wait_event_type),
    waitEvent: str(row.wait_event),
    xminAge: numOrNull(row.xmin_age),
    xidAge: numOrNull(row.xid_age),
    query: str(row.query),
    blockedBy: ((row.blocked_by ?? []) as unknown[]).map(Number),
  };
}

function slotOf(row: Row): ReplicationSlot {
  return {
    name: String(row.name),
    type: String(row.type),
    database: str(row.database),
    plugin: str(row.plugin),
    active: row.active === true,
    temporary: row.temporary === true,
    xminAge: numOrNull(row.xmin_age),
    catalogXminAge: numOrNull(row.catalog_xmin_age),
    retainedBytes: numOrNull(row.retained_bytes),
    walStatus: str(row.wal_status),
  };
}

function standbyOf(row: Row): Standby {
  return {
    application: str(row.application),
    client: str(row.client),
    state: str(row.state),
    xminAge: numOrNull(row.xmin_age),
    syncState: str(row.sync_state),
    writeLagSeconds: numOrNull(row.write_lag_seconds),
    flushLagSeconds: numOrNull(row.flush_lag_seconds),
    replayLagSeconds: numOrNull(row.replay_lag_seconds),
    writeLagBytes: numOrNull(row.write_lag_bytes),
    flushLagBytes: numOrNull(row.flush_lag_bytes),
    replayLagBytes: numOrNull(row.replay_lag_bytes),
  };
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Who holds the xmin horizon back, oldest first: sessions, prepared transactions, slots, standbys. */
function horizonOf(
  sessions: readonly Session[],
  prepared: HealthFacts['prepared'],
  slots: readonly ReplicationSlot[],
  standbys: readonly Standby[],
): HorizonHolder[] {
  const holders: HorizonHolder[] = [];
  for (const session of sessions) {
    // a walsender's xmin is its standby's feedback, listed with the standbys; PostgreSQL leaves (auto)vacuum's own
    // snapshot out of the horizon it computes
    if (session.backendType === 'walsender' || session.backendType === 'autovacuum worker') continue;
    const age = Math.max(session.xminAge ?? -1, session.xidAge ?? -1);
    if (age < 0) continue;
    const client = session.backendType === 'client backend';
    holders.push({
      kind: 'session',
      name: `pid ${session.pid}`,
      pid: session.pid,
      database: session.database,
      xminAge: age,
      seconds: session.xactSeconds,
      detail: `${session.backendType ?? 'backend'}${session.user ? ` of ${session.user}` : ''}${session.application ? ` (${session.application})` : ''}, ${session.state ?? 'state hidden'}${session.xactSeconds !== null ? `, transaction open ${Math.round(session.xactSeconds)} s` : ''}${session.query ? `, last query: ${oneLine(session.query, 120)}` : ''}`,
      release: client ? `SELECT pg_terminate_backend(${session.pid});` : null,
    });
  }
  for (const p of prepared) {
    holders.push({
      kind: 'prepared transaction',
      name: p.gid,
      pid: null,
      database: p.database,
      xminAge: p.xidAge,
      seconds: p.ageSeconds,
      detail: `prepared by ${p.owner} in database ${p.database} ${Math.round(p.ageSeconds)} s ago; it holds its locks and its xmin until COMMIT PREPARED or ROLLBACK PREPARED (in that database)`,
      release: `ROLLBACK PREPARED ${literal(p.gid)};`,
    });
  }
  for (const slot of slots) {
    const age = Math.max(slot.xminAge ?? -1, slot.catalogXminAge ?? -1);
    if (age < 0) continue;
    holders.push({
      kind: 'replication slot',
      name: slot.name,
      pid: null,
      database: slot.database,
      xminAge: age,
      seconds: null,
      detail: `${slot.active ? 'active' : 'inactive'} ${slot.type} slot${slot.plugin ? ` (${slot.plugin})` : ''}: ${slot.catalogXminAge !== null && (slot.xminAge ?? -1) < slot.catalogXminAge ? 'its catalog_xmin holds back vacuum of the system catalogs' : 'its xmin holds back vacuum of every table'}`,
      release: slot.active ? null : `SELECT pg_drop_replication_slot(${literal(slot.name)});`,
    });
  }
  for (const standby of standbys) {
    if (standby.xminAge === null) continue;
    holders.push({
      kind: 'standby',
      name: standby.application ?? standby.client ?? 'standby',
      pid: null,
      database: null,
      xminAge: standby.xminAge,
      seconds: null,
      detail: `a standby with hot_standby_feedback: its oldest query holds back vacuum on this primary`,
      release: null,
    });
  }
  return holders.sort((a, b) => b.xminAge - a.xminAge);
}

export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function sequencesOf(reading: HealthReading, first: HealthReading, seconds: number | null): SequenceFacts[] {
  const before = new Map((first.sequences ?? []).map((row) => [String(row.name), numOrNull(row.last_value)]));
  return (reading.sequences ?? []).map((row) => {
    const min = num(row.min);
    const max = num(row.max);
    const increment = num(row.increment);
    const lastValue = numOrNull(row.last_value);
    const column = row.table_name
      ? { table: String(row.table_name), name: String(row.column_name), type: String(row.column_type) }
      : null;
    const columnMax = column ? INTEGER_MAX[column.type] : undefined;
    const columnMin = column ? INTEGER_MIN[column.type] : undefined;
    const effectiveMax = columnMax !== undefined ? Math.min(max, columnMax) : max;
    const effectiveMin = columnMin !== undefined ? Math.max(min, columnMin) : min;
    let used: number | null = null;
    if (lastValue !== null && effectiveMax > effectiveMin) {
      used =
        increment >= 0
          ? (lastValue - effectiveMin) / (effectiveMax - effectiveMin)
          : (effectiveMax - lastValue) / (effectiveMax - effectiveMin);
      used = Math.min(1, Math.max(0, used));
    }
    const previous = before.get(String(row.name));
    const perSecond =
      seconds && previous !== undefined && previous !== null && lastValue !== null
        ? rate(Math.abs(lastValue - previous), seconds)
        : null;
    return {
      name: String(row.name),
      dataType: String(row.data_type),
      lastValue,
      min,
      max,
      increment,
      cycle: row.cycle === true,
      column,
      effectiveMax: increment >= 0 ? effectiveMax : effectiveMin,
      used,
      perSecond,
    };
  });
}

function reloption(options: readonly string[], name: string): string | undefined {
  const prefix = `${name}=`;
  return options.find((o) => o.startsWith(prefix))?.slice(prefix.length);
}

/** PostgreSQL's autovacuum trigger: threshold + scale_factor × reltuples, per table where reloptions set them. */
function tableOf(row: Row, settings: Readonly<Record<string, string>>): TableFacts {
  const options = (row.reloptions ?? []) as string[];
  const setting = (name: string) => num(reloption(options, name) ?? settings[name]);
  const rows = Math.max(0, num(row.estimated_rows));
  let vacuumThreshold =
    setting('autovacuum_vacuum_threshold') + setting('autovacuum_vacuum_scale_factor') * rows;
  const cap =
    reloption(options, 'autovacuum_vacuum_max_threshold') ?? settings.autovacuum_vacuum_max_threshold;
  if (cap !== undefined && Number(cap) >= 0) vacuumThreshold = Math.min(vacuumThreshold, Number(cap));
  const enabled =
    settings.autovacuum !== 'off' &&
    settings.track_counts !== 'off' &&
    reloption(options, 'autovacuum_enabled') !== 'false';
  return {
    name: String(row.name),
    estimatedRows: num(row.estimated_rows),
    liveTuples: num(row.live),
    deadTuples: num(row.dead),
    modifiedSinceAnalyze: num(row.modified),
    lastVacuumSeconds: numOrNull(row.vacuum_seconds),
    lastAnalyzeSeconds: numOrNull(row.analyze_seconds),
    autovacuumEnabled: enabled,
    vacuumThreshold: Math.round(vacuumThreshold),
    analyzeThreshold: Math.round(
      setting('autovacuum_analyze_threshold') + setting('autovacuum_analyze_scale_factor') * rows,
    ),
    reloptions: options.filter((o) => o.startsWith('autovacuum_')),
    sizeBytes: num(row.size_bytes),
    xidAge: num(row.xid_age),
  };
}

function indexOf(row: Row): IndexFacts {
  return {
    name: String(row.name),
    table: String(row.table),
    definition: str(row.definition),
    valid: row.valid === true,
    unique: row.unique === true,
    primary: row.primary === true,
    backsConstraint: row.backs_constraint === true,
    servesForeignKey: row.serves_fk === true,
    signature: String(row.signature),
    scans: numOrNull(row.scans),
    sizeBytes: num(row.size_bytes),
    building: row.building === true,
  };
}

const CONSTRAINT_TYPES: Readonly<Record<string, ConstraintFacts['type']>> = {
  c: 'check',
  f: 'foreign key',
  n: 'not null',
};

function constraintOf(row: Row): ConstraintFacts {
  return {
    name: String(row.name),
    table: String(row.table),
    type: CONSTRAINT_TYPES[String(row.type)] ?? 'other',
    definition: String(row.definition),
  };
}

function activityOf(row: Row | null, server: Row): DatabaseActivity {
  const since = str(row?.stats_reset) ?? String(server.started_at);
  const days = Math.max(0, (Date.parse(String(server.collected_at)) - Date.parse(since)) / 86_400_000);
  return {
    blocksHit: num(row?.blocks_hit),
    blocksRead: num(row?.blocks_read),
    tableBlocksHit: num(row?.table_hit),
    tableBlocksRead: num(row?.table_read),
    indexBlocksHit: num(row?.index_hit),
    indexBlocksRead: num(row?.index_read),
    tempFiles: num(row?.temp_files),
    tempBytes: num(row?.temp_bytes),
    statsSince: since,
    statsDays: Number.isFinite(days) ? days : 0,
  };
}

function checkpointsOf(row: Row | null): Checkpoints | null {
  if (!row) return null;
  return { timed: num(row.timed), requested: num(row.requested), since: str(row.since) };
}

function archiverOf(row: Row | null): Archiver | null {
  if (!row) return null;
  return {
    mode: String(row.mode),
    archived: num(row.archived),
    failed: num(row.failed),
    lastFailedWal: str(row.last_failed_wal),
    lastFailedSeconds: numOrNull(row.last_failed_seconds),
    lastArchivedSeconds: numOrNull(row.last_archived_seconds),
  };
}

function bloatOf(reading: HealthReading, blockSize: number): HealthFacts['bloat'] {
  const measured = reading.bloatMeasured ?? {};
  const estimates = (rows: readonly Row[] | null | undefined, kind: 'table' | 'index'): BloatEstimate[] =>
    (rows ?? []).map((row) => {
      const estimate = estimateBloat(bloatRelationOf(row, kind), blockSize);
      const exact = measured[`${kind} ${estimate.name}`] as Record<string, number> | undefined;
      if (!exact) return estimate;
      return {
        ...estimate,
        measured:
          kind === 'table'
            ? measuredTableBloat(
                exact as Parameters<typeof measuredTableBloat>[0],
                estimate.fillfactor,
                blockSize,
              )
            : measuredIndexBloat(
                exact as Parameters<typeof measuredIndexBloat>[0],
                estimate.fillfactor,
                blockSize,
              ),
      };
    });
  return {
    tables: estimates(reading.bloatTables, 'table'),
    indexes: estimates(reading.bloatIndexes, 'index'),
  };
}
