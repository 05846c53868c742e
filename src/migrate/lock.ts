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
 * Takes the migration lock: a session-level advisory lock on a connection of its own that stays outside any
 * transaction, so that CREATE INDEX CONCURRENTLY (which waits for older transactions) never waits for it. A second
 * runner waits up to `waitSeconds`, then stops with the holder's pid and start time.
 */
export async function acquireMigrationLock(
  connection: Connection,
  history: HistoryTable,
  waitSeconds: number,
  log: (message: string) => void,
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
      return async () => {
        await connection.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => {});
      };
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
