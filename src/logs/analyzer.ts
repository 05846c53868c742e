import type { LogEntry } from './entry.js';
import { LoopTracker } from './loops.js';
import type {
  Counted,
  Deadlock,
  ErrorGroup,
  LockWait,
  LogFileRead,
  LoggedPlan,
  LogModel,
  QuerySample,
  QueryStats,
  TableMaintenance,
} from './model.js';
import { type QueryShape, QueryShapes } from './queries.js';
import { QuantileSketch } from './sketch.js';
import { detach } from './text.js';
import { Timeline } from './timeline.js';

const DURATION = /^duration: ([\d.]+) ms(?:\s+(statement|execute|parse|bind)(?: [^:\n]*)?: ([\s\S]*))?$/;
const PLAN = /^duration: ([\d.]+) ms {2}plan:\n([\s\S]*)$/;
const JSON_QUERY_TEXT = /"Query Text": ("(?:[^"\\]|\\.)*")/;
const LOGGED_STATEMENT = /^(?:statement|execute(?: [^:\n]*)?): ([\s\S]*)$/;
const PARAMETERS = /^parameters: ([\s\S]*)$/;
const LOCK = /^process (\d+) (still waiting for|acquired) (\S+ on [\s\S]+?) after ([\d.]+) ms/;
const HOLDERS = /Process(?:es)? holding the lock: ([\d, ]+)\./;
const TEMP_FILE = /^temporary file: path "[^"]*", size (\d+)/;
const CHECKPOINT_START = /^(?:checkpoint|restartpoint) starting: (.*)$/;
const CHECKPOINT_DONE =
  /^(?:checkpoint|restartpoint) complete: wrote (\d+) buffers[\s\S]*?write=([\d.]+) s, sync=([\d.]+) s, total=([\d.]+) s(?:[\s\S]*?distance=(\d+) kB)?/;
const CHECKPOINT_WARNING = /^checkpoints are occurring too frequently \((\d+) seconds? apart\)/;
const AUTOVACUUM = /^automatic (?:aggressive )?vacuum (?:to prevent wraparound )?of table "([^"]+)"/;
const AUTOANALYZE = /^automatic analyze of table "([^"]+)"/;
const TUPLES_REMOVED = /tuples: (\d+) removed/;
const ELAPSED = /elapsed: ([\d.]+) s/;
const CONNECTION_RECEIVED = /^connection received: host=(\S+)/;
const CONNECTION_AUTHORIZED =
  /^connection authorized: user=(\S+)(?: database=(\S+))?(?: application_name=(\S+))?/;
const DISCONNECTION = /^disconnection: session time: (\d+):(\d\d):(\d\d(?:\.\d+)?) /;
const DEADLOCK_PROCESS = /^Process \d+: (.*)$/gm;

const MAX_TEXT = 8000;
const MAX_ERROR_GROUPS = 1000;
const MAX_NAMES = 1000;
const LOCK_WAITS_KEPT = 50;
const DEADLOCKS_KEPT = 50;
/** auto_explain plans kept: the slowest of each fingerprint, for this many fingerprints (the slowest ones). */
const PLANS_KEPT = 100;
const MAX_PLAN_TEXT = 200_000;

export interface AnalyzerOptions {
  /** Entries before this time (epoch ms) are left out. */
  readonly since?: number;
  /** Entries after this time (epoch ms) are left out. */
  readonly until?: number;
}

interface QueryAccumulator {
  readonly shape: QueryShape;
  calls: number;
  totalMs: number;
  minMs: number;
  maxMs: number;
  readonly sketch: QuantileSketch;
  slowest: QuerySample | null;
  tempFiles: number;
  tempBytes: number;
  maxTempFileBytes: number;
}

interface ErrorAccumulator {
  readonly severity: string;
  readonly sqlstate: string | null;
  readonly message: string;
  count: number;
  first: number | null;
  last: number | null;
  minute: number | null;
  inMinute: number;
  peak: number;
  peakMinute: number | null;
  readonly example: ErrorGroup['example'];
}

interface PendingStatement {
  readonly entry: LogEntry;
  readonly text: string;
  readonly params: string | null;
}

interface OpenWait {
  wait: LockWait;
}

function iso(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function cap(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : detach(text);
}

/** The error's message with its quoted values and numbers blanked, so that one kind of error is one group. */
function errorKey(message: string): string {
  return message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/(?<![\w$])\d+(?:\.\d+)?(?!\w)/g, '…')
    .slice(0, 500);
}

function bump(map: Map<string, number>, name: string | null | undefined): void {
  if (!name) return;
  const count = map.get(name);
  if (count === undefined) {
    if (map.size < MAX_NAMES) map.set(detach(name), 1);
  } else map.set(name, count + 1);
}

function counted(map: Map<string, number>): Counted[] {
  return [...map.entries()].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
}

/**
 * Reads log entries one at a time and keeps only aggregates: per fingerprint, per error kind, per session that is
 * still open, per table. Its memory grows with the number of distinct queries, errors, tables and live sessions,
 * never with the number of lines.
 */
export class LogAnalyzer {
  readonly shapes = new QueryShapes();
  private readonly queryStats = new Map<string, QueryAccumulator>();
  private readonly loops = new LoopTracker();
  private readonly errorGroups = new Map<string, ErrorAccumulator>();
  private readonly pending = new Map<string, PendingStatement>();
  private readonly lastStatementOfPid = new Map<number, string>();
  private readonly openWaits = new Map<number, OpenWait>();
  private readonly longestWaits: LockWait[] = [];
  private readonly deadlockExamples: Deadlock[] = [];
  private readonly tables = new Map<
    string,
    { vacuums: number; analyzes: number; tuplesRemoved: number; elapsedSeconds: number }
  >();
  private readonly users = new Map<string, number>();
  private readonly databases = new Map<string, number>();
  private readonly applications = new Map<string, number>();
  private readonly hosts = new Map<string, number>();
  private readonly timeline = new Timeline();
  private readonly walIntervals = new QuantileSketch();
  private readonly plans = new Map<string, LoggedPlan>();
  private planCount = 0;
  private lastWalStart: number | null = null;

  private entries = 0;
  private first: number | null = null;
  private last: number | null = null;
  private queries = 0;
  private queryMs = 0;
  private prepareMs = 0;
  private sessionsKnown = false;
  private sqlstatesKnown = false;
  private errorCount = 0;
  private warningCount = 0;
  private lockWaitCount = 0;
  private lockWaitMs = 0;
  private deadlockCount = 0;
  private tempCount = 0;
  private tempBytes = 0;
  private tempMax = 0;
  private checkpointsCompleted = 0;
  private readonly checkpointReasons = new Map<string, number>();
  private checkpointWarnings = 0;
  private minWarningSeconds: number | null = null;
  private buffersWritten = 0;
  private writeSeconds = 0;
  private syncSeconds = 0;
  private totalSeconds = 0;
  private maxTotalSeconds = 0;
  private distanceSum = 0;
  private distanceCount = 0;
  private maxDistance: number | null = null;
  private vacuums = 0;
  private analyzes = 0;
  private received = 0;
  private authorized = 0;
  private disconnections = 0;
  private sessionSeconds = 0;

  constructor(private readonly options: AnalyzerOptions = {}) {}

  add(entry: LogEntry): void {
    const time = entry.time;
    if (time !== null) {
      if (this.options.since !== undefined && time < this.options.since) return;
      if (this.options.until !== undefined && time > this.options.until) return;
      if (this.first === null || time < this.first) this.first = time;
      if (this.last === null || time > this.last) this.last = time;
    }
    this.entries++;
    const session = entry.session ?? (entry.pid !== null ? `pid ${entry.pid}` : null);
    if (session !== null) this.sessionsKnown = true;
    if (entry.sqlstate !== null) this.sqlstatesKnown = true;
    const message = entry.message;
    switch (entry.severity) {
      case 'LOG':
        this.logMessage(entry, session, message);
        return;
      case 'ERROR':
      case 'FATAL':
      case 'PANIC':
        this.error(entry);
        return;
      case 'WARNING':
        this.warningCount++;
        return;
      default:
        return;
    }
  }

  private logMessage(entry: LogEntry, session: string | null, message: string): void {
    const c = message.charCodeAt(0);
    if (c === 100 /* d */) {
      const duration = DURATION.exec(message);
      if (duration) {
        this.duration(entry, session, Number(duration[1]), duration[2], duration[3]);
        return;
      }
      const plan = PLAN.exec(message);
      if (plan) {
        this.plan(entry, session, Number(plan[1]), plan[2]!);
        return;
      }
      if (message.startsWith('disconnection: ')) this.disconnection(entry, session, message);
      return;
    }
    if (c === 115 /* s */ || c === 101 /* e */) {
      const logged = LOGGED_STATEMENT.exec(message);
      if (logged) this.loggedStatement(entry, session, logged[1]!);
      return;
    }
    if (c === 112 /* p */) {
      const lock = LOCK.exec(message);
      if (lock) this.lockWait(entry, lock);
      return;
    }
    if (c === 116 /* t */) {
      const temp = TEMP_FILE.exec(message);
      if (temp) this.tempFile(entry, Number(temp[1]));
      return;
    }
    if (c === 99 /* c */) {
      this.checkpointOrConnection(entry, message);
      return;
    }
    if (c === 97 /* a */) this.maintenance(message);
  }

  private duration(
    entry: LogEntry,
    session: string | null,
    ms: number,
    kind: string | undefined,
    text: string | undefined,
  ): void {
    if (kind === 'parse' || kind === 'bind') {
      this.prepareMs += ms;
      return;
    }
    const params = paramsOf(entry);
    if (text === undefined) {
      // log_duration: the statement was logged before, by log_statement
      const pending = session === null ? undefined : this.pending.get(session);
      if (pending) {
        this.pending.delete(session!);
        this.query(pending.entry, session, pending.text, pending.params, ms);
      }
      return;
    }
    if (session !== null) {
      const pending = this.pending.get(session);
      if (pending) {
        this.pending.delete(session);
        if (pending.text !== text) this.query(pending.entry, session, pending.text, pending.params, 0);
      }
    }
    this.query(entry, session, text, params, ms);
  }

  private loggedStatement(entry: LogEntry, session: string | null, text: string): void {
    if (session === null) {
      this.query(entry, session, text, paramsOf(entry), 0);
      return;
    }
    const previous = this.pending.get(session);
    if (previous) this.query(previous.entry, session, previous.text, previous.params, 0);
    this.pending.set(session, { entry, text, params: paramsOf(entry) });
  }

  private query(
    entry: LogEntry,
    session: string | null,
    text: string,
    params: string | null,
    ms: number,
  ): void {
    const shape = this.shapes.of(text);
    this.queries++;
    this.queryMs += ms;
    this.timeline.add(entry.time, 'queries');
    this.timeline.add(entry.time, 'queryMs', ms);
    const stats = this.statsOf(shape);
    stats.calls++;
    stats.totalMs += ms;
    if (ms < stats.minMs) stats.minMs = ms;
    if (ms > stats.maxMs || stats.slowest === null) {
      stats.maxMs = Math.max(ms, stats.maxMs);
      stats.slowest = {
        text: cap(text),
        params,
        durationMs: ms,
        time: iso(entry.time),
        session: detach(session),
        database: detach(entry.database),
        user: detach(entry.user),
        application: detach(entry.application),
      };
    }
    stats.sketch.add(ms);
    if (entry.pid !== null) this.lastStatementOfPid.set(entry.pid, detach(text));
    if (session !== null)
      this.loops.statement(session, shape, params ?? text, ms, entry.time, () => ({
        session: detach(session),
        user: detach(entry.user),
        database: detach(entry.database),
        application: detach(entry.application),
      }));
  }

  /**
   * A plan auto_explain logged (text or JSON): the slowest of each fingerprint is kept for the plan analyser, for
   * the slowest fingerprints. The statement itself is counted from its own duration line, not from the plan's.
   */
  private plan(entry: LogEntry, session: string | null, ms: number, body: string): void {
    this.planCount++;
    const format = body.charCodeAt(0) === 123 /* { */ ? 'json' : 'text';
    const query = format === 'json' ? jsonQueryText(body) : textQueryText(body);
    if (query === null) return;
    const shape = this.shapes.of(query);
    const kept = this.plans.get(shape.fingerprint);
    if (kept && kept.durationMs >= ms) {
      this.plans.set(shape.fingerprint, { ...kept, count: kept.count + 1 });
      return;
    }
    if (!kept && this.plans.size >= PLANS_KEPT) {
      let fastest: LoggedPlan | null = null;
      for (const p of this.plans.values())
        if (fastest === null || p.durationMs < fastest.durationMs) fastest = p;
      if (fastest === null || fastest.durationMs >= ms) return;
      this.plans.delete(fastest.fingerprint);
    }
    this.plans.set(shape.fingerprint, {
      fingerprint: shape.fingerprint,
      normalized: shape.normalized,
      query: cap(query),
      durationMs: ms,
      count: (kept?.count ?? 0) + 1,
      format,
      plan: body.length > MAX_PLAN_TEXT ? '' : detach(body),
      time: iso(entry.time),
      session: detach(session),
      database: detach(entry.database),
      user: detach(entry.user),
    });
  }

  private statsOf(shape: QueryShape): QueryAccumulator {
    let stats = this.queryStats.get(shape.fingerprint);
    if (!stats) {
      stats = {
        shape,
        calls: 0,
        totalMs: 0,
        minMs: Number.POSITIVE_INFINITY,
        maxMs: 0,
        sketch: new QuantileSketch(),
        slowest: null,
        tempFiles: 0,
        tempBytes: 0,
        maxTempFileBytes: 0,
      };
      this.queryStats.set(shape.fingerprint, stats);
    }
    return stats;
  }

  private error(entry: LogEntry): void {
    this.errorCount++;
    this.timeline.add(entry.time, 'errors');
    const key = `${entry.severity}|${entry.sqlstate ?? ''}|${errorKey(entry.message)}`;
    let group = this.errorGroups.get(key);
    if (!group) {
      if (this.errorGroups.size >= MAX_ERROR_GROUPS) return;
      group = {
        severity: entry.severity,
        sqlstate: entry.sqlstate,
        message: errorKey(entry.message),
        count: 0,
        first: entry.time,
        last: entry.time,
        minute: null,
        inMinute: 0,
        peak: 0,
        peakMinute: null,
        example: {
          message: cap(entry.message),
          detail: detach(entry.detail),
          hint: detach(entry.hint),
          statement: entry.statement === null ? null : cap(entry.statement),
          database: detach(entry.database),
          user: detach(entry.user),
          application: detach(entry.application),
        },
      };
      this.errorGroups.set(key, group);
    }
    group.count++;
    if (entry.time !== null) {
      if (group.first === null || entry.time < group.first) group.first = entry.time;
      if (group.last === null || entry.time > group.last) group.last = entry.time;
      const minute = Math.floor(entry.time / 60_000);
      if (minute !== group.minute) {
        group.minute = minute;
        group.inMinute = 0;
      }
      group.inMinute++;
      if (group.inMinute > group.peak) {
        group.peak = group.inMinute;
        group.peakMinute = minute;
      }
    } else if (group.peak === 0) group.peak = 1;
    if (entry.sqlstate === '40P01' || entry.message === 'deadlock detected') this.deadlock(entry);
  }

  private deadlock(entry: LogEntry): void {
    this.deadlockCount++;
    if (this.deadlockExamples.length >= DEADLOCKS_KEPT) return;
    const statements = [...(entry.detail ?? '').matchAll(DEADLOCK_PROCESS)].map((m) => cap(m[1]!));
    this.deadlockExamples.push({
      time: iso(entry.time),
      session: detach(entry.session),
      database: detach(entry.database),
      statements: statements.length > 0 ? statements : entry.statement ? [cap(entry.statement)] : [],
      detail: detach(entry.detail),
    });
  }

  private lockWait(entry: LogEntry, m: RegExpExecArray): void {
    const pid = Number(m[1]);
    const ms = Number(m[4]);
    if (m[2] === 'still waiting for') {
      this.closeWait(pid);
      this.lockWaitCount++;
      const blockers = (HOLDERS.exec(entry.detail ?? '')?.[1] ?? '')
        .split(/[, ]+/)
        .filter((p) => p.length > 0)
        .map(Number);
      const blocking = blockers.length > 0 ? this.lastStatementOfPid.get(blockers[0]!) : undefined;
      this.openWaits.set(pid, {
        wait: {
          time: iso(entry.time),
          pid,
          session: detach(entry.session),
          lock: detach(m[3]!),
          waitedMs: ms,
          acquired: false,
          statement: entry.statement === null ? null : cap(entry.statement),
          blockers,
          blockingStatement: blocking === undefined ? null : cap(blocking),
          database: detach(entry.database),
        },
      });
      return;
    }
    const open = this.openWaits.get(pid);
    if (open) open.wait = { ...open.wait, waitedMs: ms, acquired: true };
    this.closeWait(pid);
  }

  private closeWait(pid: number): void {
    const open = this.openWaits.get(pid);
    if (!open) return;
    this.openWaits.delete(pid);
    this.lockWaitMs += open.wait.waitedMs;
    this.longestWaits.push(open.wait);
    if (this.longestWaits.length > LOCK_WAITS_KEPT * 2) {
      this.longestWaits.sort((a, b) => b.waitedMs - a.waitedMs);
      this.longestWaits.length = LOCK_WAITS_KEPT;
    }
  }

  private tempFile(entry: LogEntry, bytes: number): void {
    this.tempCount++;
    this.tempBytes += bytes;
    if (bytes > this.tempMax) this.tempMax = bytes;
    this.timeline.add(entry.time, 'tempBytes', bytes);
    if (entry.statement === null) return;
    const stats = this.statsOf(this.shapes.of(entry.statement));
    stats.tempFiles++;
    stats.tempBytes += bytes;
    if (bytes > stats.maxTempFileBytes) stats.maxTempFileBytes = bytes;
  }

  private checkpointOrConnection(entry: LogEntry, message: string): void {
    let m = CHECKPOINT_START.exec(message);
    if (m) {
      const reasons = m[1]!.trim();
      this.checkpointReasons.set(reasons, (this.checkpointReasons.get(reasons) ?? 0) + 1);
      this.timeline.add(entry.time, 'checkpoints');
      if (/\bwal\b/.test(reasons) && entry.time !== null) {
        if (this.lastWalStart !== null) this.walIntervals.add((entry.time - this.lastWalStart) / 1000);
        this.lastWalStart = entry.time;
      }
      return;
    }
    m = CHECKPOINT_DONE.exec(message);
    if (m) {
      this.checkpointsCompleted++;
      this.buffersWritten += Number(m[1]);
      this.writeSeconds += Number(m[2]);
      this.syncSeconds += Number(m[3]);
      const total = Number(m[4]);
      this.totalSeconds += total;
      if (total > this.maxTotalSeconds) this.maxTotalSeconds = total;
      if (m[5] !== undefined) {
        const distance = Number(m[5]);
        this.distanceSum += distance;
        this.distanceCount++;
        if (this.maxDistance === null || distance > this.maxDistance) this.maxDistance = distance;
      }
      return;
    }
    m = CHECKPOINT_WARNING.exec(message);
    if (m) {
      this.checkpointWarnings++;
      const seconds = Number(m[1]);
      if (this.minWarningSeconds === null || seconds < this.minWarningSeconds)
        this.minWarningSeconds = seconds;
      return;
    }
    m = CONNECTION_RECEIVED.exec(message);
    if (m) {
      this.received++;
      this.timeline.add(entry.time, 'connections');
      bump(this.hosts, m[1]);
      return;
    }
    m = CONNECTION_AUTHORIZED.exec(message);
    if (m) {
      this.authorized++;
      bump(this.users, m[1]);
      bump(this.databases, m[2]);
      bump(this.applications, m[3] ?? entry.application);
    }
  }

  private disconnection(entry: LogEntry, session: string | null, message: string): void {
    const m = DISCONNECTION.exec(message);
    this.disconnections++;
    if (m) this.sessionSeconds += Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    if (session !== null) {
      const pending = this.pending.get(session);
      if (pending) {
        this.pending.delete(session);
        this.query(pending.entry, session, pending.text, pending.params, 0);
      }
      this.loops.end(session);
    }
    if (entry.pid !== null) {
      this.lastStatementOfPid.delete(entry.pid);
      this.closeWait(entry.pid);
    }
  }

  private maintenance(message: string): void {
    let m = AUTOVACUUM.exec(message);
    if (m) {
      this.vacuums++;
      const table = this.table(m[1]!);
      table.vacuums++;
      table.tuplesRemoved += Number(TUPLES_REMOVED.exec(message)?.[1] ?? 0);
      table.elapsedSeconds += Number(ELAPSED.exec(message)?.[1] ?? 0);
      return;
    }
    m = AUTOANALYZE.exec(message);
    if (m) {
      this.analyzes++;
      const table = this.table(m[1]!);
      table.analyzes++;
      table.elapsedSeconds += Number(ELAPSED.exec(message)?.[1] ?? 0);
    }
  }

  private table(name: string) {
    let table = this.tables.get(name);
    if (!table) {
      table = { vacuums: 0, analyzes: 0, tuplesRemoved: 0, elapsedSeconds: 0 };
      this.tables.set(detach(name), table);
    }
    return table;
  }

  /** The model of everything read so far. */
  result(files: readonly LogFileRead[], skippedFiles: readonly string[] = []): LogModel {
    for (const [session, pending] of this.pending)
      this.query(pending.entry, session, pending.text, pending.params, 0);
    this.pending.clear();
    for (const pid of [...this.openWaits.keys()]) this.closeWait(pid);
    const queryStats: QueryStats[] = [...this.queryStats.values()]
      .filter((s) => s.calls > 0 || s.tempFiles > 0)
      .map((s) => ({
        fingerprint: s.shape.fingerprint,
        normalized: s.shape.normalized,
        kind: s.shape.kind,
        calls: s.calls,
        totalMs: round(s.totalMs),
        minMs: s.calls > 0 ? round(s.minMs) : 0,
        maxMs: round(s.maxMs),
        meanMs: s.calls > 0 ? round(s.totalMs / s.calls) : 0,
        // the sketch's 1 % error must not put the p95 outside what was measured
        p95Ms: round(Math.min(s.maxMs, Math.max(s.calls > 0 ? s.minMs : 0, s.sketch.quantile(0.95) ?? 0))),
        slowest: s.slowest ?? {
          text: s.shape.normalized,
          params: null,
          durationMs: 0,
          time: null,
          session: null,
          database: null,
          user: null,
          application: null,
        },
        tempFiles: s.tempFiles,
        tempBytes: s.tempBytes,
        maxTempFileBytes: s.maxTempFileBytes,
      }))
      .sort((a, b) => b.totalMs - a.totalMs || b.calls - a.calls);
    const errors: ErrorGroup[] = [...this.errorGroups.values()]
      .map((g) => ({
        severity: g.severity,
        sqlstate: g.sqlstate,
        message: g.message,
        count: g.count,
        first: iso(g.first),
        last: iso(g.last),
        peakPerMinute: g.peak,
        peakMinute: g.peakMinute === null ? null : iso(g.peakMinute * 60_000),
        example: g.example,
      }))
      .sort((a, b) => b.count - a.count);
    const tables: TableMaintenance[] = [...this.tables.entries()]
      .map(([table, t]) => ({ table, ...t, elapsedSeconds: round(t.elapsedSeconds) }))
      .sort((a, b) => b.vacuums + b.analyzes - (a.vacuums + a.analyzes) || a.table.localeCompare(b.table));
    const longest = [...this.longestWaits].sort((a, b) => b.waitedMs - a.waitedMs).slice(0, LOCK_WAITS_KEPT);
    return {
      files,
      skippedFiles,
      first: iso(this.first),
      last: iso(this.last),
      entries: this.entries,
      queries: this.queries,
      queryMs: round(this.queryMs),
      prepareMs: round(this.prepareMs),
      sessionsKnown: this.sessionsKnown,
      sqlstatesKnown: this.sqlstatesKnown,
      queryStats,
      distinctQueries: queryStats.length,
      loops: this.loops.result(),
      errors,
      errorCount: this.errorCount,
      warningCount: this.warningCount,
      lockWaits: { count: this.lockWaitCount, totalMs: round(this.lockWaitMs), longest },
      deadlocks: { count: this.deadlockCount, examples: this.deadlockExamples },
      tempFiles: { count: this.tempCount, bytes: this.tempBytes, maxBytes: this.tempMax },
      checkpoints: {
        completed: this.checkpointsCompleted,
        reasons: Object.fromEntries(this.checkpointReasons),
        warnings: this.checkpointWarnings,
        minWarningSeconds: this.minWarningSeconds,
        buffersWritten: this.buffersWritten,
        writeSeconds: round(this.writeSeconds),
        syncSeconds: round(this.syncSeconds),
        totalSeconds: round(this.totalSeconds),
        maxTotalSeconds: this.maxTotalSeconds,
        meanDistanceKb: this.distanceCount > 0 ? Math.round(this.distanceSum / this.distanceCount) : null,
        maxDistanceKb: this.maxDistance,
        medianWalIntervalSeconds:
          this.walIntervals.count > 0 ? round(this.walIntervals.quantile(0.5) ?? 0) : null,
      },
      maintenance: { vacuums: this.vacuums, analyzes: this.analyzes, tables },
      plans: {
        count: this.planCount,
        kept: [...this.plans.values()]
          .filter((p) => p.plan !== '')
          .sort((a, b) => b.durationMs - a.durationMs),
      },
      connections: {
        received: this.received,
        authorized: this.authorized,
        disconnections: this.disconnections,
        sessionSeconds: round(this.sessionSeconds),
        byUser: counted(this.users),
        byDatabase: counted(this.databases),
        byApplication: counted(this.applications),
        byHost: counted(this.hosts),
      },
      timeline: this.timeline.result(),
    };
  }
}

/** The statement of a JSON plan: its "Query Text" string. */
function jsonQueryText(body: string): string | null {
  const m = JSON_QUERY_TEXT.exec(body);
  if (!m) return null;
  try {
    return JSON.parse(m[1]!) as string;
  } catch {
    return null;
  }
}

/** The statement of a text plan: its `Query Text:` lines, up to the first node (unindented, with its figures). */
function textQueryText(body: string): string | null {
  if (!body.startsWith('Query Text: ')) return null;
  const root = /\n\S[^\n]*\((?:cost=|actual |never executed)/.exec(body);
  return body.slice('Query Text: '.length, root ? root.index : body.length);
}

function paramsOf(entry: LogEntry): string | null {
  if (entry.detail === null) return null;
  const m = PARAMETERS.exec(entry.detail);
  return m ? cap(m[1]!) : null;
}
