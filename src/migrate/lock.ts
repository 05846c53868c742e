import { createHash } from 'node:crypto';
import { PgwardenError } from '../core/errors.js';
import type { Connection } from '../db/connection.js';
import type { HistoryTable } from './history.js';

/** The advisory lock key of one history table: two projects in one database do not block each other. */
export function migrationLockKey(history: HistoryTable): bigint {
  const digest = createHash('sha256').update(`pgwarden migrate ${history.schema}.${history.table}`).digest();
  return digest.readBigInt64BE(0);
}

/**
 * The application_name of the session a runner applies migrations on, for one history table. A runner killed
 * mid-migration loses its advisory lock at once (its lock session sees the client gone), while the server session
 * that applies the migration goes on to finish its statement, and may commit it: the next runner finds that session
 * by this name and waits for it to end.
 */
export function migrationSessionName(history: HistoryTable): string {
  return `pgwarden migrate ${migrationLockKey(history).toString(16).replace('-', 'n')}`;
}

/**
 * Takes the migration lock: a session-level advisory lock on a connection of its own that stays outside any
 * transaction, so that CREATE INDEX CONCURRENTLY (which waits for older transactions) never waits for it. A second
 * runner waits up to `waitSeconds`, then stops with the holder's pid and start time. Then it waits, within the same
 * time, for the server session of an earlier runner that was killed to end (see `migrationSessionName`), and names
 * `work` the migration session: the lock is the runner's for as long as the server works for it.
 */
export async function acquireMigrationLock(
  connection: Connection,
  history: HistoryTable,
  waitSeconds: number,
  log: (message: string) => void,
  work?: Connection,
): Promise<() => Promise<void>> {
  const key = migrationLockKey(history).toString();
  const deadline = Date.now() + waitSeconds * 1000;
  let announced = false;
  for (;;) {
    const { rows } = await connection.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [key],
    );
    if (rows[0]!.locked) {
      const release = async () => {
        await connection.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => {});
      };
      if (!work) return release;
      try {
        await waitForEarlierRun(connection, work, history, deadline, waitSeconds, log);
      } catch (error) {
        await release();
        throw error;
      }
      return release;
    }
    const holder = await connection.rows<{
      pid: number;
      started: string | null;
      application_name: string;
      client: string | null;
    }>(
      'finding the migration lock holder',
      `SELECT l.pid, a.backend_start::text AS started, a.application_name, a.client_addr::text AS client
         FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted
          AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [key],
    );
    const who = holder[0]
      ? `pid ${holder[0].pid} (${holder[0].application_name || 'unknown'}, connected ${holder[0].started})`
      : 'another session';
    if (Date.now() >= deadline) {
      throw new PgwardenError('server', `another migration run holds the migration lock: ${who}`, {
        hint: `wait for it to finish, or wait longer with --lock-wait SECONDS (or migrations.lockWaitSeconds; waited ${waitSeconds} s)`,
      });
    }
    if (!announced) {
      log(`waiting for the migration lock held by ${who} (up to ${waitSeconds} s)`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface EarlierSession {
  readonly pid: number;
  readonly state: string | null;
  readonly query: string | null;
  readonly since: string | null;
}

/**
 * Waits (until `deadline`) for the server sessions of earlier runners on this history table to end, then names
 * `work` the migration session. Such a session outlives its runner only when the runner died while the server was
 * still running a statement: the server finishes it (and may commit the migration) before it sees the client gone.
 */
async function waitForEarlierRun(
  lock: Connection,
  work: Connection,
  history: HistoryTable,
  deadline: number,
  waitSeconds: number,
  log: (message: string) => void,
): Promise<void> {
  const name = migrationSessionName(history);
  const [own] = await work.rows<{ pid: number }>('reading the session pid', 'SELECT pg_backend_pid() AS pid');
  let announced = false;
  for (;;) {
    const earlier = await lock.rows<EarlierSession>(
      'looking for an earlier migration run still at work',
      `SELECT pid, state, left(query, 200) AS query, coalesce(xact_start, query_start)::text AS since
         FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1
          AND pid <> pg_backend_pid() AND pid <> $2`,
      [name, own!.pid],
    );
    if (earlier.length === 0) break;
    const [first] = earlier;
    const what = `the server session pid ${first!.pid} of an earlier migration run whose runner is gone (${first!.state ?? 'unknown state'} since ${first!.since ?? '?'}: ${(first!.query ?? '').replace(/\s+/g, ' ').slice(0, 120)})`;
    if (Date.now() >= deadline) {
      throw new PgwardenError('server', `${what} is still at work on this database's migrations`, {
        hint: `pgwarden does not start while it runs, so that no migration is applied twice: wait for it to end (waited ${waitSeconds} s; --lock-wait SECONDS waits longer), or stop it with SELECT pg_cancel_backend(${first!.pid}) and run again`,
      });
    }
    if (!announced) {
      log(`waiting for ${what} to end (up to ${waitSeconds} s)`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await work.query(`SELECT set_config('application_name', $1, false)`, [name]);
}
