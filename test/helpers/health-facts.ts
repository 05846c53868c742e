import type { BloatEstimate } from '../../src/health/bloat.js';
import type { HealthFacts, IndexFacts, SequenceFacts, Session, TableFacts } from '../../src/health/model.js';

/**
 * Health facts of a healthy PostgreSQL 18 server, as `pgwarden health` builds them (the shape test/health proves on
 * real servers), for the health rules' cases: each case changes what its rule reads.
 */
export function healthFacts(overrides: Partial<HealthFacts> = {}): HealthFacts {
  return {
    server: {
      versionNum: 180001,
      major: 18,
      database: 'shop',
      user: 'postgres',
      superuser: true,
      readAllStats: true,
      inRecovery: false,
      collectedAt: '2026-12-06T10:00:00.000+00:00',
      startedAt: '2026-11-01T10:00:00.000+00:00',
      settings: {
        max_connections: '100',
        superuser_reserved_connections: '3',
        autovacuum: 'on',
        track_counts: 'on',
        autovacuum_freeze_max_age: '200000000',
        autovacuum_multixact_freeze_max_age: '400000000',
        work_mem: '4096',
        log_temp_files: '-1',
        max_wal_size: '1024',
        checkpoint_timeout: '300',
      },
      extensions: ['plpgsql'],
    },
    connections: { max: 100, reservedForSuperuser: 3, total: 6, byState: { active: 1, idle: 5 } },
    sessions: [session({ pid: 200, state: 'idle', querySeconds: 30, stateSeconds: 30 })],
    prepared: [],
    slots: [],
    standbys: [],
    horizon: [],
    wraparound: {
      databases: [{ name: 'shop', xidAge: 5_000_000, mxidAge: 10 }],
      freezeMaxAge: 200_000_000,
      multixactFreezeMaxAge: 400_000_000,
      xidPerSecond: null,
      mxidPerSecond: null,
    },
    sequences: [],
    tables: [table({})],
    indexes: [],
    notValidConstraints: [],
    disabledTriggers: [],
    activity: {
      blocksHit: 10_000_000,
      blocksRead: 10_000,
      tableBlocksHit: 5_000_000,
      tableBlocksRead: 5_000,
      indexBlocksHit: 5_000_000,
      indexBlocksRead: 2_000,
      tempFiles: 0,
      tempBytes: 0,
      statsSince: '2026-11-01T10:00:00.000+00:00',
      statsDays: 35,
    },
    checkpoints: { timed: 1000, requested: 20, since: null },
    archiver: {
      mode: 'off',
      archived: 0,
      failed: 0,
      lastFailedWal: null,
      lastFailedSeconds: null,
      lastArchivedSeconds: null,
    },
    statements: null,
    outdatedExtensions: [],
    collationDrift: [],
    bloat: { tables: [], indexes: [] },
    sampleSeconds: null,
    unreadable: [],
    ...overrides,
  };
}

export function session(overrides: Partial<Session>): Session {
  return {
    pid: 100,
    database: 'shop',
    user: 'app',
    application: 'api',
    client: '10.0.0.5',
    backendType: 'client backend',
    state: 'active',
    xactSeconds: 0.1,
    querySeconds: 0.1,
    stateSeconds: 0.1,
    waitEventType: null,
    waitEvent: null,
    xminAge: null,
    xidAge: null,
    query: 'SELECT 1',
    blockedBy: [],
    ...overrides,
  };
}

export function table(overrides: Partial<TableFacts>): TableFacts {
  return {
    name: 'public.orders',
    estimatedRows: 100_000,
    liveTuples: 100_000,
    deadTuples: 100,
    modifiedSinceAnalyze: 100,
    lastVacuumSeconds: 600,
    lastAnalyzeSeconds: 600,
    autovacuumEnabled: true,
    vacuumThreshold: 20_050,
    analyzeThreshold: 10_050,
    reloptions: [],
    sizeBytes: 10_000_000,
    xidAge: 1_000_000,
    ...overrides,
  };
}

export function index(overrides: Partial<IndexFacts>): IndexFacts {
  return {
    name: 'public.orders_customer_id_idx',
    table: 'public.orders',
    definition: 'CREATE INDEX orders_customer_id_idx ON public.orders USING btree (customer_id)',
    valid: true,
    unique: false,
    primary: false,
    backsConstraint: false,
    servesForeignKey: false,
    signature: '16400 btree 2 3124 0  WHERE ',
    scans: 1000,
    sizeBytes: 20_000_000,
    building: false,
    ...overrides,
  };
}

export function sequence(overrides: Partial<SequenceFacts>): SequenceFacts {
  return {
    name: 'public.orders_id_seq',
    dataType: 'integer',
    lastValue: 1000,
    min: 1,
    max: 2_147_483_647,
    increment: 1,
    cycle: false,
    column: { table: 'public.orders', name: 'id', type: 'integer' },
    effectiveMax: 2_147_483_647,
    used: 1000 / 2_147_483_646,
    perSecond: null,
    ...overrides,
  };
}

export function bloatEstimate(overrides: Partial<BloatEstimate>): BloatEstimate {
  return {
    name: 'public.orders',
    kind: 'table',
    table: null,
    sizeBytes: 400 * 1024 ** 2,
    expectedBytes: 100 * 1024 ** 2,
    bloatBytes: 300 * 1024 ** 2,
    share: 0.75,
    fillfactor: 100,
    toastBytes: 0,
    toastBloatBytes: 0,
    unreliable: null,
    measured: null,
    ...overrides,
  };
}
