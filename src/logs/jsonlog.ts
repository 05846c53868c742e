import { emptyEntry, type LogEntry } from './entry.js';
import { parseLogTime } from './time.js';

type JsonRecord = Readonly<Record<string, unknown>>;

function text(record: JsonRecord, key: string): string | null {
  const v = record[key];
  if (v === undefined || v === null || v === '' || v === '[unknown]') return null;
  return String(v);
}

/** One jsonlog line (PostgreSQL 15 and later), or null when it is not a log record. */
export function jsonEntry(line: string): LogEntry | null {
  let record: JsonRecord;
  try {
    record = JSON.parse(line) as JsonRecord;
  } catch {
    return null;
  }
  if (!record || typeof record !== 'object' || typeof record.message !== 'string') return null;
  const entry = emptyEntry(text(record, 'error_severity') ?? 'LOG', record.message);
  const time = text(record, 'timestamp');
  entry.time = time ? parseLogTime(time) : null;
  entry.pid = typeof record.pid === 'number' ? record.pid : null;
  entry.session = text(record, 'session_id');
  entry.user = text(record, 'user');
  entry.database = text(record, 'dbname');
  entry.application = text(record, 'application_name');
  entry.host = text(record, 'remote_host');
  entry.sqlstate = text(record, 'state_code');
  entry.detail = text(record, 'detail');
  entry.hint = text(record, 'hint');
  entry.context = text(record, 'context');
  entry.statement = text(record, 'statement');
  return entry;
}
