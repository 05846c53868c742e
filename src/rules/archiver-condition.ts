/**
 * One condition, two commands: health/archiver-failing (`pgwarden health`) and health/pitr-archive-failing
 * (`pgwarden pitr status`, which adds pgBackRest's diagnosis) read the same pg_stat_archiver row with this one
 * predicate, so that the two never disagree on a server.
 */
export interface ArchiverState {
  readonly archiveMode: string;
  readonly failedCount: number;
  /** Seconds since the last failure / the last success (null: never since the statistics were reset). */
  readonly lastFailedSeconds: number | null;
  readonly lastArchivedSeconds: number | null;
}

/**
 * Archiving is failing now: it is on, something failed, and nothing was archived after the last failure. A failure
 * from before archive_mode was turned off is not (health/pitr-archiving-off says archiving is off).
 */
export function archivingFailing(state: ArchiverState): boolean {
  if (state.archiveMode === 'off' || state.failedCount === 0 || state.lastFailedSeconds === null)
    return false;
  return state.lastArchivedSeconds === null || state.lastArchivedSeconds >= state.lastFailedSeconds;
}
