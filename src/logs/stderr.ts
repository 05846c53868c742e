import { PgwardenError } from '../core/errors.js';
import { emptyEntry, type LogEntry } from './entry.js';
import { type CompiledPrefix, compilePrefix, detectPrefix } from './prefix.js';
import { parseEpochTime, parseLogTime } from './time.js';

/** Lines read before pgwarden decides which prefix the log has, or that none fits. */
const DETECTION_LINES = 200;

type FollowUp = 'detail' | 'hint' | 'context' | 'statement';
const FOLLOW_UPS: Readonly<Record<string, FollowUp | 'ignored'>> = {
  DETAIL: 'detail',
  HINT: 'hint',
  CONTEXT: 'context',
  STATEMENT: 'statement',
  QUERY: 'ignored',
  LOCATION: 'ignored',
};

function value(text: string | undefined): string | null {
  if (text === undefined || text === '' || text === '[unknown]') return null;
  return text;
}

/**
 * Turns the lines of a stderr log into entries. A message's continuation lines begin with a tab; its DETAIL, HINT,
 * CONTEXT and STATEMENT lines come right after it with the same prefix and are attached to it. Lines that fit no
 * prefix (a crash report, another program's output) are counted and skipped.
 */
export class StderrParser {
  private prefix: CompiledPrefix | null;
  private pending: LogEntry | null = null;
  private field: 'message' | FollowUp | 'ignored' = 'message';
  private readonly buffered: string[] = [];
  private sawMatch = false;
  unmatched = 0;

  constructor(
    prefix: string | undefined,
    private readonly emit: (entry: LogEntry) => void,
    private readonly source: string,
    /** Called on each new entry, before its prefix fields are read in: fields from outside the line (syslog's). */
    private readonly fill?: (entry: LogEntry) => void,
  ) {
    this.prefix = prefix === undefined ? null : compilePrefix(prefix);
  }

  get prefixUsed(): string | null {
    return this.prefix?.prefix ?? null;
  }

  push(line: string): void {
    if (this.prefix === null) {
      this.buffered.push(line);
      if (this.buffered.length >= DETECTION_LINES) this.detect();
      return;
    }
    this.parse(line);
  }

  end(): void {
    if (this.prefix === null && this.buffered.length > 0) this.detect();
    this.flush();
    if (!this.sawMatch && this.unmatched > 0) this.noMatch();
  }

  private detect(): void {
    this.prefix = detectPrefix(this.buffered.filter((l) => !l.startsWith('\t')));
    if (this.prefix === null) this.noMatch();
    const lines = this.buffered.splice(0);
    for (const line of lines) this.parse(line);
  }

  private noMatch(): never {
    throw new PgwardenError(
      'input',
      this.prefix
        ? `${this.source}: no line matches the log_line_prefix '${this.prefix.prefix}'`
        : `${this.source}: pgwarden does not recognise the log_line_prefix of this log`,
      {
        hint: "give the server's log_line_prefix with --prefix (SHOW log_line_prefix), or --log-format csvlog/jsonlog for those logs",
      },
    );
  }

  private flush(): void {
    if (this.pending) this.emit(this.pending);
    this.pending = null;
  }

  private parse(line: string): void {
    if (line.charCodeAt(0) === 9) {
      this.continueWith(line.slice(1));
      return;
    }
    const m = (this.prefix as CompiledPrefix).regex.exec(line);
    if (!m) {
      if (line.length > 0) this.unmatched++;
      return;
    }
    this.sawMatch = true;
    const fields = (this.prefix as CompiledPrefix).fields;
    const severity = m[fields.length + 1]!;
    const text = m[fields.length + 2]!;
    const followUp = FOLLOW_UPS[severity];
    if (followUp !== undefined && this.pending) {
      this.field = followUp;
      if (followUp !== 'ignored') this.pending[followUp] = text;
      return;
    }
    this.flush();
    const entry = emptyEntry(severity, text);
    this.fill?.(entry);
    for (let i = 0; i < fields.length; i++) {
      const raw = m[i + 1];
      switch (fields[i]) {
        case 'time':
          if (raw) entry.time = parseLogTime(raw);
          break;
        case 'epoch':
          if (raw) entry.time = parseEpochTime(raw);
          break;
        case 'pid':
          if (raw) entry.pid = Number(raw);
          break;
        case 'session':
          entry.session = value(raw);
          break;
        case 'user':
          entry.user = value(raw);
          break;
        case 'database':
          entry.database = value(raw);
          break;
        case 'application':
          entry.application = value(raw);
          break;
        case 'host':
          // %r: host(port)
          entry.host = value(raw?.charCodeAt(raw.length - 1) === 41 ? raw.replace(/\(\d+\)$/, '') : raw);
          break;
        case 'sqlstate':
          entry.sqlstate = value(raw);
          break;
        default:
          break;
      }
    }
    this.pending = entry;
    this.field = 'message';
  }

  private continueWith(text: string): void {
    const entry = this.pending;
    if (!entry || this.field === 'ignored') return;
    if (this.field === 'message') entry.message += `\n${text}`;
    else entry[this.field] = `${entry[this.field] ?? ''}\n${text}`;
  }
}
