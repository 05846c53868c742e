import type { LookupLoops, LoopRun } from './model.js';
import { CONSTANT_PATTERN, type Lookup, type QueryShape } from './queries.js';
import { detach } from './text.js';

/** Runs shorter than this are not kept: no threshold a rule may set goes below it. */
const MIN_KEPT = 2;
const PARAMS_KEPT = 5;

export interface SessionInfo {
  readonly session: string;
  readonly user: string | null;
  readonly database: string | null;
  readonly application: string | null;
}

interface Run {
  readonly shape: QueryShape;
  readonly info: SessionInfo;
  readonly before: string | null;
  readonly firstKey: string;
  calls: number;
  totalMs: number;
  distinct: boolean;
  start: number | null;
  end: number | null;
  readonly params: string[];
}

interface Aggregate {
  readonly shape: QueryShape;
  readonly lookup: Lookup;
  readonly byLength: Map<number, { runs: number; totalMs: number }>;
  longest: LoopRun;
}

/**
 * Follows each session's statements to find N+1 loops: the same lookup (one fingerprint, `WHERE col = $n`) run
 * again and again, one after the other, with different parameters. Any other statement in between ends the run
 * (a batch job that reads then writes per item is a loop, but not one a single query replaces); transaction
 * control does not. Memory: one open run per live session, one aggregate per looping fingerprint.
 */
export class LoopTracker {
  private readonly open = new Map<string, Run | { last: string }>();
  private readonly loops = new Map<string, Aggregate>();

  constructor(private readonly maxSessions = 50_000) {}

  /**
   * A statement of `session`; `key` tells executions apart (its parameters, or its text when sent with literals);
   * `info` is asked only when a run starts.
   */
  statement(
    session: string,
    shape: QueryShape,
    key: string,
    ms: number,
    time: number | null,
    info: () => SessionInfo,
  ): void {
    if (shape.kind === 'transaction') return;
    const current = this.open.get(session);
    if (current !== undefined && 'shape' in current) {
      if (current.shape === shape) {
        current.calls++;
        current.totalMs += ms;
        current.end = time;
        if (key !== current.firstKey) current.distinct = true;
        if (current.params.length < PARAMS_KEPT && !current.params.includes(key))
          current.params.push(detach(key));
        return;
      }
      this.close(current);
    } else if (current !== undefined && shape.lookups.length === 0) {
      // the common case: a statement that is no lookup after another one
      current.last = shape.normalized;
      return;
    }
    const before = current ? ('shape' in current ? current.shape.normalized : current.last) : null;
    if (current === undefined && this.open.size >= this.maxSessions) {
      const oldest = this.open.keys().next().value as string;
      this.end(oldest);
    }
    this.open.set(
      session,
      shape.lookups.length > 0
        ? {
            shape,
            info: info(),
            before,
            firstKey: detach(key),
            calls: 1,
            totalMs: ms,
            distinct: false,
            start: time,
            end: time,
            params: [detach(key)],
          }
        : { last: shape.normalized },
    );
  }

  /** The session ended (disconnection): its open run is complete. */
  end(session: string): void {
    const current = this.open.get(session);
    if (current && 'shape' in current) this.close(current);
    this.open.delete(session);
  }

  private close(run: Run): void {
    if (run.calls < MIN_KEPT || !run.distinct || run.shape.lookups.length === 0) return;
    let aggregate = this.loops.get(run.shape.fingerprint);
    const asRun: LoopRun = {
      session: run.info.session,
      user: run.info.user,
      database: run.info.database,
      application: run.info.application,
      calls: run.calls,
      totalMs: round(run.totalMs),
      start: run.start === null ? null : new Date(run.start).toISOString(),
      end: run.end === null ? null : new Date(run.end).toISOString(),
      params: run.params,
      before: run.before,
    };
    if (!aggregate) {
      aggregate = {
        shape: run.shape,
        lookup: varyingKey(run.shape.lookups, run.params),
        byLength: new Map(),
        longest: asRun,
      };
      this.loops.set(run.shape.fingerprint, aggregate);
    } else if (run.calls > aggregate.longest.calls) aggregate.longest = asRun;
    const entry = aggregate.byLength.get(run.calls) ?? { runs: 0, totalMs: 0 };
    entry.runs++;
    entry.totalMs += run.totalMs;
    aggregate.byLength.set(run.calls, entry);
  }

  result(): LookupLoops[] {
    for (const session of [...this.open.keys()]) this.end(session);
    return [...this.loops.values()].map((a) => ({
      fingerprint: a.shape.fingerprint,
      normalized: a.shape.normalized,
      column: a.lookup.column,
      rewrite: a.lookup.rewrite,
      byLength: [...a.byLength.entries()]
        .sort(([x], [y]) => x - y)
        .map(([length, v]) => ({ length, runs: v.runs, totalMs: round(v.totalMs) })),
      longest: a.longest,
    }));
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** `$1 = '42', $2 = 'x'` (the DETAIL of an extended-protocol call), or a text's constants in order as $1, $2 …. */
function paramValues(key: string): Map<number, string> {
  const values = new Map<number, string>();
  const logged = [...key.matchAll(/\$(\d+) = ('(?:[^']|'')*'|NULL)/g)];
  if (logged.length > 0) {
    for (const m of logged) values.set(Number(m[1]), m[2]!);
    return values;
  }
  let n = 0;
  for (const m of key.matchAll(new RegExp(CONSTANT_PATTERN, 'gi')))
    if (m[0].charCodeAt(0) !== 34) values.set(++n, m[0]);
  return values;
}

/** The key the loop varies: the first candidate whose parameter differs between two of its calls. */
function varyingKey(lookups: readonly Lookup[], keys: readonly string[]): Lookup {
  if (lookups.length > 1 && keys.length > 1) {
    const [a, b] = [paramValues(keys[0]!), paramValues(keys[1]!)];
    const varying = lookups.find((l) => a.get(l.param) !== b.get(l.param));
    if (varying) return varying;
  }
  return lookups[0]!;
}
