import type { Connection } from '../db/connection.js';
import { isLockMode, type LockMode, strongest } from '../locks/modes.js';

/** What PostgreSQL really did for one statement, observed from its own session (and a second one). */
export interface ObservedStatement {
  /** Locks the statement took on user relations (the strongest mode per relation). */
  readonly locks: readonly ObservedLock[];
  /** Locks its transaction already held before it (taken by earlier statements), strongest per relation. */
  readonly alreadyHeld: readonly ObservedLock[];
  /** Relations whose files were replaced (relfilenode changed): a rewrite. */
  readonly rewritten: readonly string[];
  /** Tables read by a sequential scan during the statement (validation, index build). */
  readonly scanned: readonly string[];
  /** Relations the statement created. */
  readonly created: readonly string[];
  readonly durationMs: number;
  /** How it ran: inside the migration's transaction, or alone with a second session watching its locks. */
  readonly mode: 'transaction' | 'concurrent';
  /** The server's error, when the statement failed. */
  readonly error: string | null;
  /** For CONCURRENTLY statements given a probe: whether the probe (reads and writes) ran while it was running. */
  readonly probe?: 'ok' | string;
}

export interface ObservedLock {
  readonly relation: string;
  readonly kind: string;
  readonly mode: LockMode;
}

interface RelationState {
  readonly name: string;
  readonly kind: string;
  readonly filenode: string;
}

const USER_RELATIONS = `
SELECT c.oid::text AS oid, n.nspname || '.' || c.relname AS name, c.relkind::text AS kind, c.relfilenode::text AS filenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'`;

const RELATION_KINDS: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  i: 'index',
  I: 'partitioned index',
  m: 'materialized view',
  v: 'view',
  S: 'sequence',
  f: 'foreign table',
  t: 'toast table',
  c: 'composite type',
};

async function relations(connection: Connection): Promise<Map<string, RelationState>> {
  const rows = await connection.rows<{ oid: string; name: string; kind: string; filenode: string }>(
    'tracing: reading relations',
    USER_RELATIONS,
  );
  return new Map(
    rows.map((r) => [r.oid, { name: r.name, kind: RELATION_KINDS[r.kind] ?? r.kind, filenode: r.filenode }]),
  );
}

/** A session's server process id, asked once per connection (a trace asks before every statement). */
const pids = new WeakMap<Connection, number>();
async function backendPid(connection: Connection): Promise<number> {
  const known = pids.get(connection);
  if (known !== undefined) return known;
  const pid = (await connection.rows<{ pid: number }>('tracing', 'SELECT pg_backend_pid() AS pid'))[0]!.pid;
  pids.set(connection, pid);
  return pid;
}

async function heldLocks(connection: Connection, pid: number): Promise<{ oid: string; mode: string }[]> {
  return connection.rows<{ oid: string; mode: string }>(
    'tracing: reading locks',
    `SELECT relation::text AS oid, mode FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND granted`,
    [pid],
  );
}

/**
 * Heap blocks each table has fetched so far in this transaction, and its size in pages (from the catalog, which
 * takes no lock). A statement that fetched about as many blocks as the table has read it whole.
 */
async function blockReads(connection: Connection): Promise<Map<string, { fetched: number; pages: number }>> {
  const rows = await connection.rows<{ oid: string; fetched: string; pages: number }>(
    'tracing: reading block counters',
    `SELECT c.oid::text AS oid, pg_stat_get_xact_blocks_fetched(c.oid)::text AS fetched, c.relpages AS pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`,
  );
  return new Map(rows.map((r) => [r.oid, { fetched: Number(r.fetched), pages: Number(r.pages) }]));
}

function scannedTables(
  before: Map<string, { fetched: number; pages: number }>,
  after: Map<string, { fetched: number; pages: number }>,
  catalog: Map<string, RelationState>,
): string[] {
  const scanned: string[] = [];
  for (const [oid, now] of after) {
    const previous = before.get(oid);
    if (!previous) continue;
    const read = now.fetched - previous.fetched;
    if (read > 0 && read >= Math.max(1, previous.pages * 0.9)) {
      const name = catalog.get(oid)?.name;
      if (name) scanned.push(name);
    }
  }
  return scanned.sort();
}

function summarize(
  observed: { oid: string; mode: string }[],
  before: Set<string>,
  catalog: Map<string, RelationState>,
): ObservedLock[] {
  const byRelation = new Map<string, { state: RelationState; modes: LockMode[] }>();
  for (const lock of observed) {
    if (before.has(`${lock.oid}/${lock.mode}`) || !isLockMode(lock.mode)) continue;
    const state = catalog.get(lock.oid);
    if (!state) continue; // a catalog table, or a relation created and dropped by the statement
    const entry = byRelation.get(lock.oid) ?? { state, modes: [] };
    entry.modes.push(lock.mode);
    byRelation.set(lock.oid, entry);
  }
  return [...byRelation.values()]
    .map(({ state, modes }) => ({ relation: state.name, kind: state.kind, mode: strongest(modes)! }))
    .sort((a, b) => a.relation.localeCompare(b.relation));
}

function changes(before: Map<string, RelationState>, after: Map<string, RelationState>) {
  const rewritten: string[] = [];
  const created: string[] = [];
  for (const [oid, state] of after) {
    const previous = before.get(oid);
    if (!previous) created.push(state.name);
    else if (previous.filenode !== state.filenode && previous.filenode !== '0') rewritten.push(state.name);
  }
  return { rewritten: rewritten.sort(), created: created.sort() };
}

/**
 * Runs one statement on `connection`, which must be inside the transaction the statement belongs to (as the
 * runner would run it), and reports the locks it took, what it rewrote and what it scanned.
 */
export async function traceInTransaction(connection: Connection, sql: string): Promise<ObservedStatement> {
  const pid = await backendPid(connection);
  const before = await relations(connection);
  const heldBefore = await heldLocks(connection, pid);
  const locksBefore = new Set(heldBefore.map((l) => `${l.oid}/${l.mode}`));
  const readsBefore = await blockReads(connection);
  const started = performance.now();
  let error: string | null = null;
  await connection.query('SAVEPOINT pgwarden_trace');
  try {
    await connection.query(sql);
  } catch (e) {
    error = (e as Error).message;
    await connection.query('ROLLBACK TO SAVEPOINT pgwarden_trace');
  }
  const durationMs = performance.now() - started;
  const locks = await heldLocks(connection, pid);
  const after = await relations(connection);
  const readsAfter = await blockReads(connection);
  // relations are named as they were before the statement (the name the SQL used), new ones as they are after
  const catalog = new Map([...after, ...before]);
  const scanned = scannedTables(readsBefore, readsAfter, catalog);
  return {
    locks: error ? [] : summarize(locks, locksBefore, catalog),
    alreadyHeld: summarize(heldBefore, new Set(), catalog),
    ...(error ? { rewritten: [], created: [] } : changes(before, after)),
    scanned: error ? [] : scanned,
    durationMs,
    mode: 'transaction',
    error,
  };
}

/**
 * Runs a statement that cannot run in a transaction block (CONCURRENTLY) on `worker`, in autocommit, and watches
 * its locks from `observer`. `blocker` keeps a transaction open so that the statement waits for it, holding its
 * locks, long enough to be seen; it is released as soon as the locks were read.
 */
export async function traceConcurrently(
  worker: Connection,
  observer: Connection,
  blocker: Connection,
  sql: string,
  touch: readonly string[] = [],
  probe?: () => Promise<void>,
): Promise<ObservedStatement> {
  const pid = await backendPid(worker);
  const before = await relations(observer);
  // An open transaction that has read the statement's tables: CONCURRENTLY waits for it while holding its locks.
  await blocker.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await blocker.query('SELECT txid_current()');
  for (const relation of touch) {
    await blocker.query(`SELECT 1 FROM ${relation} LIMIT 0`).catch(() => {});
  }
  const started = performance.now();
  let error: string | null = null;
  const running = worker.query(sql).then(
    () => undefined,
    (e: Error) => {
      error = e.message;
    },
  );
  const seen: { oid: string; mode: string }[] = [];
  let finished = false;
  void running.then(() => {
    finished = true;
  });
  const deadline = Date.now() + 10_000;
  let released = false;
  let probeResult: string | undefined;
  let waitingEmptySince: number | undefined;
  while (!finished && Date.now() < deadline) {
    // the relation locks it holds and whether it waits for one, from one snapshot of the lock manager: read apart,
    // a statement that took its lock between the two reads looked like one waiting with nothing held, and the
    // blocker was let go too early (its locks then came and went unseen on a loaded machine)
    const snapshot = await observer.rows<{
      oid: string | null;
      mode: string;
      granted: boolean;
      relation: boolean;
    }>(
      'tracing: reading locks',
      `SELECT relation::text AS oid, mode, granted, locktype = 'relation' AS relation FROM pg_locks WHERE pid = $1`,
      [pid],
    );
    const locks = snapshot
      .filter((l) => l.granted && l.relation && l.oid !== null)
      .map((l) => ({ oid: l.oid!, mode: l.mode }));
    seen.push(...locks);
    const waiting = snapshot.some((l) => !l.granted);
    // waiting for the blocker: the statement is in the middle of its work; check that the application is not blocked
    if (waiting && probe && probeResult === undefined) {
      probeResult = await probe().then(
        () => 'ok',
        (e: Error) => e.message,
      );
    }
    // holding locks and waiting for the blocker: the picture is complete
    if (waiting && locks.length > 0 && !released) break;
    // waiting before holding anything: it waits for the blocker's own lock; let it go and keep watching
    if (waiting && locks.length === 0 && !released) {
      waitingEmptySince ??= Date.now();
      if (Date.now() - waitingEmptySince > 200) {
        await blocker.query('COMMIT');
        released = true;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (!released) await blocker.query('COMMIT');
  await running;
  const durationMs = performance.now() - started;
  const after = await relations(observer);
  const catalog = new Map([...after, ...before]);
  return {
    locks: summarize(seen, new Set(), catalog),
    alreadyHeld: [],
    ...changes(before, after),
    scanned: [],
    durationMs,
    mode: 'concurrent',
    error,
    ...(probe ? { probe: probeResult ?? 'not run: the statement never waited' } : {}),
  };
}
