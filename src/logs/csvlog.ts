import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { emptyEntry, type LogEntry } from './entry.js';
import { parseLogTime } from './time.js';

function value(text: string | undefined): string | null {
  return text === undefined || text === '' || text === '[unknown]' ? null : text;
}

/** One csvlog record (PostgreSQL 13's 23 columns, 14 and later add backend_type, leader_pid and query_id). */
export function csvEntry(record: readonly string[]): LogEntry | null {
  if (record.length < 23) return null;
  const entry = emptyEntry(record[11] ?? 'LOG', record[13] ?? '');
  entry.time = parseLogTime(record[0] ?? '');
  entry.user = value(record[1]);
  entry.database = value(record[2]);
  entry.pid = record[3] ? Number(record[3]) : null;
  entry.host = value(record[4]?.replace(/:\d+$/, ''));
  entry.session = value(record[5]);
  entry.sqlstate = value(record[12]);
  entry.detail = value(record[14]);
  entry.hint = value(record[15]);
  entry.context = value(record[18]);
  entry.statement = value(record[19]);
  entry.application = value(record[22]);
  return entry;
}

/** Reads a csvlog stream (quoted fields span lines) and hands each record's entry to `emit`. */
export async function readCsvLog(
  stream: Readable,
  emit: (entry: LogEntry) => void,
): Promise<{ unmatched: number }> {
  const parser = stream.pipe(parse({ relax_column_count: true, skip_empty_lines: true, relax_quotes: true }));
  let unmatched = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    const entry = csvEntry(record);
    if (entry) emit(entry);
    else unmatched++;
  }
  return { unmatched };
}
