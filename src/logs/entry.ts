/** The log formats pgwarden reads. */
export const LOG_FORMATS = ['stderr', 'csvlog', 'jsonlog', 'syslog'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * One message the server logged, whatever the format: the fields its prefix (or csv/json columns) carried, its
 * severity and text, and the follow-up lines (DETAIL, HINT, CONTEXT, STATEMENT) that belong to it.
 */
export interface LogEntry {
  /** Milliseconds since the epoch, read in the log's own zone (a named zone other than UTC/GMT is taken as UTC). */
  time: number | null;
  pid: number | null;
  /** The session id (%c, csv/json session_id); null when the log does not carry it. */
  session: string | null;
  user: string | null;
  database: string | null;
  application: string | null;
  host: string | null;
  /** SQLSTATE (%e, csv/json); null when the log does not carry it. */
  sqlstate: string | null;
  /** LOG, ERROR, FATAL, PANIC, WARNING, NOTICE, INFO, DEBUGn. */
  severity: string;
  message: string;
  detail: string | null;
  hint: string | null;
  context: string | null;
  statement: string | null;
}

export function emptyEntry(severity: string, message: string): LogEntry {
  return {
    time: null,
    pid: null,
    session: null,
    user: null,
    database: null,
    application: null,
    host: null,
    sqlstate: null,
    severity,
    message,
    detail: null,
    hint: null,
    context: null,
    statement: null,
  };
}
