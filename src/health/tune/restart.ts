/**
 * Settings PGTune sets that PostgreSQL reads only at start (context postmaster), for output made without a server
 * to ask (on a server, pg_settings.context says).
 */
const POSTMASTER = new Set([
  'max_connections',
  'shared_buffers',
  'wal_buffers',
  'huge_pages',
  'max_worker_processes',
  'wal_level',
  'max_wal_senders',
  'io_method',
]);

export function needsRestart(name: string, pgVersion: number): boolean {
  // PostgreSQL 18 made autovacuum_max_workers reloadable (within autovacuum_worker_slots)
  if (name === 'autovacuum_max_workers') return pgVersion < 18;
  return POSTMASTER.has(name);
}
