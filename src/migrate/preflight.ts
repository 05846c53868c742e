import type { Connection } from '../db/connection.js';

export interface BlockingSession {
  readonly pid: number;
  readonly state: string;
  readonly ageSeconds: number;
  readonly query: string;
  readonly relations: readonly string[];
}

/**
 * Sessions that would make the migration wait, found before anything runs: transactions open for more than
 * `minAgeSeconds`, or idle in a transaction, that hold a lock on one of the tables the pending migrations touch
 * (any table when that is unknown). A DDL lock queued behind them would block every later query on the table.
 */
export async function blockingSessions(
  connection: Connection,
  relations: readonly string[],
  minAgeSeconds = 60,
): Promise<BlockingSession[]> {
  const rows = await connection.rows<{
    pid: number;
    state: string;
    age: number;
    query: string;
    relations: string[];
  }>(
    'looking for long transactions',
    `SELECT a.pid, coalesce(a.state, '') AS state,
            extract(epoch FROM now() - a.xact_start)::int AS age,
            left(coalesce(a.query, ''), 200) AS query,
            array_agg(DISTINCT n.nspname || '.' || c.relname) FILTER (WHERE c.oid IS NOT NULL) AS relations
       FROM pg_stat_activity a
       LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'relation'
       LEFT JOIN pg_class c ON c.oid = l.relation AND c.relkind IN ('r', 'p', 'm')
       LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.pid <> pg_backend_pid() AND a.datname = current_database() AND a.xact_start IS NOT NULL
        AND (a.state = 'idle in transaction' OR a.state = 'idle in transaction (aborted)' OR a.xact_start < now() - make_interval(secs => $1))
      GROUP BY a.pid, a.state, a.xact_start, a.query
      ORDER BY a.xact_start`,
    [minAgeSeconds],
  );
  const wanted = new Set(relations);
  return rows
    .map((r) => ({
      pid: r.pid,
      state: r.state,
      ageSeconds: r.age,
      query: r.query.replace(/\s+/g, ' ').trim(),
      relations: r.relations ?? [],
    }))
    .filter(
      (s) =>
        wanted.size === 0 ||
        s.relations.some((r) => wanted.has(r)) ||
        s.state.startsWith('idle in transaction'),
    );
}
