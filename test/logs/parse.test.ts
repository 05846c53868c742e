import { describe, expect, it } from 'vitest';
import { LogAnalyzer } from '../../src/logs/analyzer.js';
import type { LogEntry } from '../../src/logs/entry.js';
import { compilePrefix, detectPrefix } from '../../src/logs/prefix.js';
import { cacheKey, QueryShapes } from '../../src/logs/queries.js';
import { QuantileSketch } from '../../src/logs/sketch.js';
import { StderrParser } from '../../src/logs/stderr.js';
import { parseBoundary, parseLogTime } from '../../src/logs/time.js';
import { Timeline } from '../../src/logs/timeline.js';
import { loadParser } from '../../src/sql/parser.js';

function parseStderr(text: string, prefix?: string): LogEntry[] {
  const entries: LogEntry[] = [];
  const parser = new StderrParser(prefix, (e) => entries.push(e), 'test.log');
  for (const line of text.split('\n')) parser.push(line);
  parser.end();
  return entries;
}

describe('log_line_prefix', () => {
  it('reads the fields of each escape, and stops where %q says for background processes', () => {
    const p = compilePrefix('%m [%p] %q%u@%d ');
    const [session, background] = parseStderr(
      [
        '2024-05-01 10:00:00.123 UTC [42] app@shop LOG:  duration: 1.5 ms  statement: SELECT 1',
        '2024-05-01 10:00:01.000 UTC [7] LOG:  checkpoint starting: time',
      ].join('\n'),
      p.prefix,
    );
    expect(session).toMatchObject({ pid: 42, user: 'app', database: 'shop', severity: 'LOG' });
    expect(session!.time).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 123));
    expect(background).toMatchObject({
      pid: 7,
      user: null,
      database: null,
      message: 'checkpoint starting: time',
    });
  });

  it('reads %t, %c, %e, %a, %h, %r with its port, %l, %x and padded escapes', () => {
    const prefix = '%t [%-6p] %c %l %x %r %h %a %e: ';
    const line =
      '2024-05-01 10:00:00 +02 [42    ] 663a1f00.2a 3 0 10.0.0.9(5432) 10.0.0.9 my app 23505: ERROR:  duplicate key';
    const [entry] = parseStderr(line, prefix);
    expect(entry).toMatchObject({
      pid: 42,
      session: '663a1f00.2a',
      host: '10.0.0.9',
      application: 'my app',
      sqlstate: '23505',
      severity: 'ERROR',
    });
    expect(entry!.time).toBe(Date.UTC(2024, 4, 1, 8, 0, 0));
  });

  it('an unknown escape is a usage error naming it', () => {
    expect(() => compilePrefix('%m %Z ')).toThrow(/unknown escape %Z/);
  });

  it('detects a common prefix, and refuses a log whose prefix it cannot place', () => {
    expect(detectPrefix(['2024-05-01 10:00:00.123 UTC [42] app@shop LOG:  x'])?.prefix).toBe(
      '%m [%p] %q%u@%d ',
    );
    expect(() => parseStderr('hello\nworld')).toThrow(/does not recognise the log_line_prefix/);
  });
});

describe('stderr messages', () => {
  it('joins continuation lines (a tab) to their message, and DETAIL, HINT, CONTEXT, STATEMENT to the entry', () => {
    const entries = parseStderr(
      [
        '2024-05-01 10:00:00.123 UTC [42] LOG:  duration: 2.0 ms  statement: SELECT a,',
        '\tb FROM t',
        '\tWHERE a = 1',
        '2024-05-01 10:00:00.200 UTC [42] ERROR:  deadlock detected',
        '2024-05-01 10:00:00.200 UTC [42] DETAIL:  Process 42 waits for ShareLock on transaction 9; blocked by process 43.',
        '\tProcess 42: UPDATE t SET a = 1',
        '2024-05-01 10:00:00.200 UTC [42] HINT:  See server log for query details.',
        '2024-05-01 10:00:00.200 UTC [42] STATEMENT:  UPDATE t SET a = 1',
      ].join('\n'),
      '%m [%p] ',
    );
    expect(entries).toHaveLength(2);
    expect(entries[0]!.message).toBe('duration: 2.0 ms  statement: SELECT a,\nb FROM t\nWHERE a = 1');
    expect(entries[1]).toMatchObject({
      severity: 'ERROR',
      detail:
        'Process 42 waits for ShareLock on transaction 9; blocked by process 43.\nProcess 42: UPDATE t SET a = 1',
      hint: 'See server log for query details.',
      statement: 'UPDATE t SET a = 1',
    });
  });
});

describe('timestamps', () => {
  it('reads the log zone when numeric, and --since boundaries', () => {
    expect(parseLogTime('2024-05-01 10:00:00.5 UTC')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 500));
    expect(parseLogTime('2024-05-01 10:00:00.250 -0530')).toBe(Date.UTC(2024, 4, 1, 15, 30, 0, 250));
    expect(parseLogTime('2024-05-01 10:00:00.250 -0530')).toBe(Date.UTC(2024, 4, 1, 15, 30, 0, 250));
    expect(parseLogTime('not a time')).toBeNull();
    expect(parseBoundary('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(parseBoundary('2024-05-01T10:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 8));
    expect(parseBoundary('yesterday')).toBeNull();
  });
});

describe('quantile sketch', () => {
  it('gives p50, p95 and p99 within 1 % of the exact values, in a bounded number of buckets', () => {
    const sketch = new QuantileSketch();
    const values: number[] = [];
    let seed = 7;
    for (let i = 0; i < 100_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = Math.exp((seed / 2 ** 31) * 12 - 4);
      values.push(v);
      sketch.add(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = values[Math.ceil(q * values.length) - 1]!;
      expect(Math.abs(sketch.quantile(q)! - exact) / exact).toBeLessThanOrEqual(0.0101);
    }
    expect(sketch.size).toBeLessThan(700);
  });
});

describe('query shapes', () => {
  it('blanks constants for the cache but keeps quoted identifiers, whose digits are names', () => {
    expect(cacheKey(`SELECT "col 1", x1 FROM t2 WHERE a = 'x''y' AND b IN (1, 2, 3) AND c = 4.5e3`)).toBe(
      `SELECT "col 1", x1 FROM t2 WHERE a = ? AND b in (?) AND c = ?`,
    );
    expect(cacheKey('SELECT 1')).not.toBe(cacheKey('SELECT "1"'));
  });

  it('finds lookups by one key and writes the many-keys query; the rest is no lookup or has no plain rewrite', async () => {
    await loadParser();
    const shapes = new QueryShapes();
    const lookup = shapes.of('SELECT id, total FROM orders WHERE customer_id = 42');
    expect(lookup.kind).toBe('select');
    expect(lookup.lookups).toEqual([
      {
        column: 'customer_id',
        param: 1,
        rewrite: 'SELECT customer_id, id, total FROM orders WHERE customer_id = ANY($1)',
      },
    ]);
    expect(
      shapes
        .of('SELECT * FROM orders WHERE tenant_id = $1 AND customer_id = $2')
        .lookups.map((l) => l.rewrite),
    ).toEqual([
      'SELECT * FROM orders WHERE tenant_id = ANY($1) AND customer_id = $2',
      'SELECT * FROM orders WHERE tenant_id = $1 AND customer_id = ANY($2)',
    ]);
    expect(shapes.of('SELECT count(*) FROM orders WHERE customer_id = $1').lookups).toMatchObject([
      { rewrite: null },
    ]);
    expect(shapes.of('SELECT * FROM orders WHERE total > $1').lookups).toEqual([]);
    expect(shapes.of('UPDATE orders SET total = 0 WHERE id = $1').lookups).toEqual([]);
    // one fingerprint for texts that differ in constants: parsed once
    const before = shapes.parsed;
    expect(shapes.of('SELECT id, total FROM orders WHERE customer_id = 7')).toBe(lookup);
    expect(shapes.parsed).toBe(before);
    expect(shapes.of('SELEC broken').kind).toBe('unparsed');
  });
});

function entry(session: string, message: string, detail: string | null = null, time = 0): LogEntry {
  return {
    time,
    pid: 1,
    session,
    user: 'app',
    database: 'shop',
    application: 'web',
    host: null,
    sqlstate: null,
    severity: 'LOG',
    message,
    detail,
    hint: null,
    context: null,
    statement: null,
  };
}

describe('N+1 loops', () => {
  const lookup = (id: number) =>
    `duration: 0.1 ms  statement: SELECT * FROM orders WHERE customer_id = ${id}`;

  it('keeps runs of one lookup with different parameters; transaction control does not end a run', async () => {
    await loadParser();
    const analyzer = new LogAnalyzer();
    analyzer.add(entry('s1', 'duration: 1 ms  statement: SELECT id FROM customers'));
    for (let id = 1; id <= 6; id++) {
      analyzer.add(entry('s1', 'duration: 0.01 ms  statement: BEGIN'));
      analyzer.add(entry('s1', lookup(id)));
      analyzer.add(entry('s1', 'duration: 0.01 ms  statement: COMMIT'));
    }
    const [loop] = analyzer.result([]).loops;
    expect(loop?.longest).toMatchObject({ session: 's1', calls: 6, before: 'SELECT id FROM customers' });
  });

  it('rewrites the key the loop varies, not the one it keeps', async () => {
    await loadParser();
    const analyzer = new LogAnalyzer();
    for (let id = 1; id <= 5; id++)
      analyzer.add(
        entry(
          's1',
          'duration: 0.1 ms  execute <unnamed>: SELECT total FROM orders WHERE tenant_id = $1 AND customer_id = $2',
          `parameters: $1 = '9', $2 = '${id}'`,
        ),
      );
    for (let id = 1; id <= 5; id++)
      analyzer.add(
        entry('s2', `duration: 0.1 ms  statement: SELECT name FROM users WHERE org = 3 AND id = ${id}`),
      );
    const loops = analyzer.result([]).loops;
    expect(loops.map((l) => [l.column, l.rewrite])).toEqual([
      ['customer_id', 'SELECT customer_id, total FROM orders WHERE tenant_id = $1 AND customer_id = ANY($2)'],
      ['id', 'SELECT id, name FROM users WHERE org = $1 AND id = ANY($2)'],
    ]);
  });

  it('a read-then-write batch, the same parameters again and again, or other sessions in between are no loop', async () => {
    await loadParser();
    const analyzer = new LogAnalyzer();
    for (let id = 1; id <= 6; id++) {
      analyzer.add(entry('batch', lookup(id)));
      analyzer.add(
        entry('batch', `duration: 0.1 ms  statement: UPDATE orders SET total = 0 WHERE id = ${id}`),
      );
      analyzer.add(entry('poll', lookup(7)));
      analyzer.add(entry(`s${id}`, lookup(id)));
    }
    expect(analyzer.result([]).loops).toEqual([]);
  });
});

describe('timeline', () => {
  it('widens its buckets instead of growing past 1,440', () => {
    const timeline = new Timeline();
    for (let minute = 0; minute < 10_000; minute++) timeline.add(minute * 60_000, 'queries');
    const { bucketSeconds, buckets } = timeline.result();
    expect(buckets.length).toBeLessThanOrEqual(1440);
    expect(bucketSeconds).toBe(512);
    expect(buckets.reduce((n, b) => n + b.queries, 0)).toBe(10_000);
  });
});
