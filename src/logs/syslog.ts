import type { LogEntry } from './entry.js';
import { detectPrefix } from './prefix.js';
import { StderrParser } from './stderr.js';

/**
 * A line a syslog daemon wrote: its header (rsyslog's traditional `Dec  6 12:35:57 host ident[pid]: `, or the
 * RFC 3339 time of its high-precision format), then what PostgreSQL sent: `[seq-chunk] ` (syslog_sequence_numbers
 * on; `[chunk] ` when off) and the text.
 */
const SYSLOG_LINE =
  /^(?:([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)) (\S+) ([^\s[\]:]+)\[(\d+)\]: (?:\[(\d+)(?:-(\d+))?\] ?)?(.*)$/;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** PostgreSQL cuts a line longer than this (bytes) into chunks of one message (syslog_split_messages). */
const SYSLOG_LIMIT = 900;
/** First lines of messages read before the prefix is decided, as the stderr parser does. */
const DETECTION_LINES = 200;
/** A message whose next line has not come after this many lines of other processes is complete. */
const OPEN_LINES = 256;

/** Whether a line looks like PostgreSQL's, through a syslog daemon: for recognising the format. */
export function isSyslogLine(line: string): boolean {
  const m = SYSLOG_LINE.exec(line);
  return m !== null && m[10] !== undefined;
}

interface OpenMessage {
  /** The message's lines so far, a split line's chunks joined. */
  readonly lines: string[];
  readonly seq: string | null;
  /** Byte length of the last chunk: a full one (≈ 900 bytes) continues on the next. */
  lastChunkBytes: number;
  lastSeen: number;
  readonly time: number | null;
  readonly pid: number;
}

/**
 * Reads PostgreSQL's messages out of a syslog file. PostgreSQL hands syslog one line at a time: every line of a
 * message carries the message's sequence number and its own chunk number (`[15-1]`, `[15-2]` …), the lines after the
 * first start with a tab (which rsyslog writes as `#011`), and a line longer than 900 bytes is cut into chunks that
 * join without a line break. Lines of concurrent processes interleave, so each process's message is gathered apart
 * and handed, whole, to the stderr parser (the text after the header is a stderr line, with the same
 * log_line_prefix). The syslog header's time and process id fill in what the prefix leaves out; its time has no
 * year nor zone: the year is the one that puts it at most a day after the file was last written, the zone UTC.
 */
export class SyslogParser {
  private stderr: StderrParser | null = null;
  /** Messages read before the prefix is known. */
  private readonly waiting: OpenMessage[] = [];
  private readonly open = new Map<number, OpenMessage>();
  private current: OpenMessage | null = null;
  private ident: string | null = null;
  private lineNo = 0;
  private other = 0;

  constructor(
    private readonly prefix: string | undefined,
    private readonly emit: (entry: LogEntry) => void,
    private readonly source: string,
    /** When the file was last written (its mtime): no line of it is later, which places the year. */
    private readonly now = Date.now(),
  ) {
    if (prefix !== undefined) this.start(prefix);
  }

  get prefixUsed(): string | null {
    return this.stderr?.prefixUsed ?? null;
  }

  /** Lines of other programs, or not PostgreSQL's, and lines no prefix fits. */
  get unmatched(): number {
    return this.other + (this.stderr?.unmatched ?? 0);
  }

  private start(prefix: string | undefined): StderrParser {
    this.stderr = new StderrParser(prefix, this.emit, this.source, (entry) => {
      if (this.current) {
        entry.time = this.current.time;
        entry.pid = this.current.pid;
      }
    });
    return this.stderr;
  }

  /** The prefix from the first lines of the messages read so far; then those messages, parsed. */
  private detect(): void {
    const firsts = this.waiting.map((w) => w.lines[0]!);
    const stderr = this.start(detectPrefix(firsts)?.prefix ?? this.prefix);
    for (const open of this.waiting.splice(0)) {
      this.current = open;
      for (const line of open.lines) stderr.push(line);
    }
  }

  push(line: string): void {
    this.lineNo++;
    const m = SYSLOG_LINE.exec(line);
    if (
      !m ||
      (this.ident !== null && m[8] !== this.ident) ||
      (this.ident === null && m[10] === undefined && !m[8]!.startsWith('postgres'))
    ) {
      if (line.length > 0) this.other++;
      return;
    }
    this.ident ??= m[8]!;
    const pid = Number(m[9]);
    const seq = m[11] === undefined ? null : m[10]!;
    const chunk = Number(m[11] ?? m[10] ?? 1);
    const text = m[12]!.includes('#011') ? m[12]!.replaceAll('#011', '\t') : m[12]!;
    const open = this.open.get(pid);
    if (open && chunk > 1 && open.seq === seq) {
      open.lastSeen = this.lineNo;
      // a line cut at 900 bytes goes on (PostgreSQL cuts before a space when it can); a new line starts with the
      // tab of a continuation, or with the prefix of a DETAIL, HINT, STATEMENT … line
      if (text.charCodeAt(0) !== 9 && (text.charCodeAt(0) === 32 || open.lastChunkBytes >= SYSLOG_LIMIT - 4))
        open.lines[open.lines.length - 1] += text;
      else open.lines.push(text);
      open.lastChunkBytes = Buffer.byteLength(text);
      return;
    }
    if (open) this.flush(open);
    this.open.set(pid, {
      lines: [text],
      seq,
      lastChunkBytes: Buffer.byteLength(text),
      lastSeen: this.lineNo,
      time: this.time(m),
      pid,
    });
    if ((this.lineNo & 255) === 0) this.flushQuiet();
  }

  end(): void {
    for (const open of [...this.open.values()].sort((a, b) => a.lastSeen - b.lastSeen)) this.flush(open);
    if (this.stderr === null) this.detect();
    this.current = null;
    this.stderr!.end();
  }

  /** Hands over the messages no line has been added to for a while: their process has moved on or gone. */
  private flushQuiet(): void {
    for (const open of this.open.values()) if (this.lineNo - open.lastSeen > OPEN_LINES) this.flush(open);
  }

  private flush(open: OpenMessage): void {
    this.open.delete(open.pid);
    if (this.stderr === null) {
      this.waiting.push(open);
      if (this.waiting.length >= DETECTION_LINES) this.detect();
      return;
    }
    this.current = open;
    for (const line of open.lines) this.stderr.push(line);
  }

  private time(m: RegExpExecArray): number | null {
    if (m[6] !== undefined) {
      const ms = Date.parse(m[6]);
      return Number.isNaN(ms) ? null : ms;
    }
    const month = MONTHS.indexOf(m[1]!);
    if (month < 0) return null;
    const year = new Date(this.now).getUTCFullYear();
    const at = (y: number) => Date.UTC(y, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    const guess = at(year);
    return guess > this.now + 86_400_000 ? at(year - 1) : guess;
  }
}
