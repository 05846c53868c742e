/**
 * A synthetic PostgreSQL server log of a given size, in stderr (with a log_line_prefix) and jsonlog, with the same
 * events: sessions of an application (simple and extended protocol, with parameters), pgbench-like transactions,
 * N+1 loops, errors, lock waits, temp files, checkpoints, autovacuum, connections. The statements come from a few
 * dozen shapes with random constants, as a real workload's do: the number of distinct fingerprints stays the same
 * whatever the size, so memory that grows with the size would be a leak. Only Node's built-in modules.
 */
import { createWriteStream, type WriteStream } from 'node:fs';

export const BENCH_PREFIX = '%m [%p]: [%l-1] sess=%c,db=%d,user=%u,app=%a,client=%h,e=%e ';

/** A small deterministic PRNG (mulberry32): the same seed gives the same log. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'bravo', "o'brien", 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];

const SHAPES: readonly ((r: () => number) => string)[] = [
  (r) => `SELECT abalance FROM pgbench_accounts WHERE aid = ${1 + Math.floor(r() * 1e6)}`,
  (r) =>
    `UPDATE pgbench_accounts SET abalance = abalance + ${Math.floor(r() * 5000) - 2500} WHERE aid = ${1 + Math.floor(r() * 1e6)}`,
  (r) =>
    `UPDATE pgbench_tellers SET tbalance = tbalance + ${Math.floor(r() * 5000)} WHERE tid = ${1 + Math.floor(r() * 100)}`,
  (r) =>
    `UPDATE pgbench_branches SET bbalance = bbalance + ${Math.floor(r() * 5000)} WHERE bid = ${1 + Math.floor(r() * 10)}`,
  (r) =>
    `INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (${Math.floor(r() * 100)}, ${Math.floor(r() * 10)}, ${Math.floor(r() * 1e6)}, ${Math.floor(r() * 5000)}, CURRENT_TIMESTAMP)`,
  (r) =>
    `SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.created_at > '2024-0${1 + Math.floor(r() * 9)}-01' AND o.status = '${WORDS[Math.floor(r() * WORDS.length)]!.replace("'", "''")}' ORDER BY o.created_at DESC LIMIT 50`,
  (r) =>
    `SELECT count(*) FROM events WHERE account_id = ${Math.floor(r() * 1e5)} AND kind IN (${Array.from({ length: 1 + Math.floor(r() * 6) }, () => Math.floor(r() * 20)).join(', ')})`,
  (r) =>
    `SELECT id, email, created_at FROM users WHERE lower(email) = 'user${Math.floor(r() * 1e6)}@example.com'`,
  (r) =>
    `INSERT INTO audit_log (actor, action, payload) VALUES (${Math.floor(r() * 1e4)}, 'login', '{"ip": "10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}"}')`,
  (r) => `UPDATE sessions SET last_seen = now() WHERE token = 'tok_${Math.floor(r() * 1e12).toString(36)}'`,
  (r) =>
    `SELECT p.id, p.title, array_agg(t.name) FROM products p LEFT JOIN product_tags pt ON pt.product_id = p.id LEFT JOIN tags t ON t.id = pt.tag_id WHERE p.category_id = ${Math.floor(r() * 300)} GROUP BY p.id, p.title ORDER BY p.title LIMIT ${10 + Math.floor(r() * 40)} OFFSET ${Math.floor(r() * 500)}`,
  (r) => `DELETE FROM carts WHERE updated_at < now() - interval '${1 + Math.floor(r() * 30)} days'`,
];

const EXTENDED = [
  'SELECT id, total, status FROM orders WHERE customer_id = $1',
  'SELECT name, price FROM products WHERE id = $1',
  'UPDATE inventory SET quantity = quantity - $1 WHERE product_id = $2',
];

interface Session {
  readonly pid: number;
  readonly id: string;
  readonly user: string;
  readonly database: string;
  readonly app: string;
  readonly host: string;
  line: number;
  left: number;
}

export interface GeneratedLog {
  readonly bytes: number;
  readonly statements: number;
  readonly loops: number;
  readonly errors: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} UTC`;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

/** Writes a log of about `targetBytes` (in the stderr format) to `stderrPath`, and the same events to `jsonPath`. */
export async function generateLogs(
  stderrPath: string,
  jsonPath: string,
  targetBytes: number,
  seed = 1,
): Promise<GeneratedLog> {
  const r = random(seed);
  const stderr = createWriteStream(stderrPath, { highWaterMark: 1 << 20 });
  const json = createWriteStream(jsonPath, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let time = Date.UTC(2026, 0, 1);
  let nextPid = 10_000;
  let statements = 0;
  let loops = 0;
  let errors = 0;
  const sessions: Session[] = [];
  const background = {
    pid: 99,
    id: '65920a00.63',
    user: '',
    database: '',
    app: '',
    host: '',
    line: 0,
    left: Number.POSITIVE_INFINITY,
  };
  let nextCheckpoint = time + 60_000;
  let nextVacuum = time + 20_000;

  const emit = async (
    s: Session,
    severity: string,
    message: string,
    extra: { detail?: string; statement?: string; sqlstate?: string } = {},
  ) => {
    s.line++;
    const sqlstate = extra.sqlstate ?? '00000';
    const prefix = `${stamp(time)} [${s.pid}]: [${s.line}-1] sess=${s.id},db=${s.database},user=${s.user},app=${s.app},client=${s.host},e=${sqlstate} `;
    const indented = (text: string) => text.replace(/\n/g, '\n\t');
    let text = `${prefix}${severity}:  ${indented(message)}\n`;
    if (extra.detail) text += `${prefix}DETAIL:  ${indented(extra.detail)}\n`;
    if (extra.statement) text += `${prefix}STATEMENT:  ${indented(extra.statement)}\n`;
    bytes += Buffer.byteLength(text);
    await write(stderr, text);
    const record: Record<string, unknown> = {
      timestamp: stamp(time),
      user: s.user || undefined,
      dbname: s.database || undefined,
      pid: s.pid,
      remote_host: s.host || undefined,
      session_id: s.id,
      line_num: s.line,
      error_severity: severity,
      state_code: sqlstate,
      message,
      detail: extra.detail,
      statement: extra.statement,
      application_name: s.app || undefined,
      backend_type: s.app ? 'client backend' : 'checkpointer',
      query_id: 0,
    };
    await write(json, `${JSON.stringify(record)}\n`);
  };

  const duration = () => (r() < 0.01 ? 200 + r() * 3000 : 0.01 + r() * r() * 5).toFixed(3);

  while (bytes < targetBytes) {
    time += Math.floor(r() * 20);
    if (sessions.length < 20 || r() < 0.002) {
      const pid = nextPid++;
      const s: Session = {
        pid,
        id: `65920a00.${pid.toString(16)}`,
        user: r() < 0.8 ? 'app' : 'report',
        database: r() < 0.9 ? 'shop' : 'analytics',
        app: ['web', 'worker', 'pgbench', 'psql'][Math.floor(r() * 4)]!,
        host: `10.0.0.${1 + Math.floor(r() * 50)}`,
        line: 0,
        left: 50 + Math.floor(r() * 400),
      };
      sessions.push(s);
      await emit(s, 'LOG', `connection received: host=${s.host} port=${40000 + Math.floor(r() * 20000)}`);
      await emit(
        s,
        'LOG',
        `connection authorized: user=${s.user} database=${s.database} application_name=${s.app}`,
      );
    }
    const index = Math.floor(r() * sessions.length);
    const s = sessions[index]!;
    const pick = r();
    if (pick < 0.6) {
      const sql = SHAPES[Math.floor(r() * SHAPES.length)]!(r);
      await emit(s, 'LOG', `duration: ${duration()} ms  statement: ${sql}`);
      statements++;
    } else if (pick < 0.85) {
      const sql = EXTENDED[Math.floor(r() * EXTENDED.length)]!;
      const params = sql.includes('$2')
        ? `$1 = '${Math.floor(r() * 5)}', $2 = '${Math.floor(r() * 1e4)}'`
        : `$1 = '${Math.floor(r() * 1e5)}'`;
      await emit(s, 'LOG', `duration: ${duration()} ms  parse <unnamed>: ${sql}`);
      await emit(s, 'LOG', `duration: ${duration()} ms  bind <unnamed>: ${sql}`, {
        detail: `parameters: ${params}`,
      });
      await emit(s, 'LOG', `duration: ${duration()} ms  execute <unnamed>: ${sql}`, {
        detail: `parameters: ${params}`,
      });
      statements++;
    } else if (pick < 0.87) {
      // an N+1 loop: a list, then one lookup per item
      await emit(
        s,
        'LOG',
        `duration: ${duration()} ms  statement: SELECT id FROM customers WHERE region = 'r${Math.floor(r() * 9)}' LIMIT 20`,
      );
      const n = 5 + Math.floor(r() * 20);
      for (let i = 0; i < n; i++) {
        time += 1;
        await emit(
          s,
          'LOG',
          `duration: ${duration()} ms  execute <unnamed>: SELECT id, total FROM orders WHERE customer_id = $1`,
          {
            detail: `parameters: $1 = '${Math.floor(r() * 1e5)}'`,
          },
        );
      }
      statements += n + 1;
      loops++;
    } else if (pick < 0.88) {
      const sql = `SELECT 1 / ${Math.floor(r() * 3)} FROM generate_series(1, 10)`;
      await emit(
        s,
        'ERROR',
        r() < 0.5 ? 'division by zero' : `duplicate key value violates unique constraint "orders_pkey"`,
        {
          statement: sql,
          sqlstate: r() < 0.5 ? '22012' : '23505',
          detail: 'Key (id)=(42) already exists.',
        },
      );
      errors++;
    } else if (pick < 0.885) {
      const other = sessions[(index + 1) % sessions.length]!;
      const stmt = `UPDATE accounts SET balance = balance - ${Math.floor(r() * 100)} WHERE id = ${Math.floor(r() * 100)}`;
      await emit(
        s,
        'LOG',
        `process ${s.pid} still waiting for ShareLock on transaction ${Math.floor(r() * 1e6)} after 1000.${Math.floor(r() * 999)} ms`,
        {
          detail: `Process holding the lock: ${other.pid}. Wait queue: ${s.pid}.`,
          statement: stmt,
        },
      );
      await emit(
        s,
        'LOG',
        `process ${s.pid} acquired ShareLock on transaction ${Math.floor(r() * 1e6)} after ${1000 + Math.floor(r() * 4000)}.5 ms`,
        { statement: stmt },
      );
    } else if (pick < 0.89) {
      const sql = 'SELECT * FROM orders ORDER BY total DESC';
      await emit(
        s,
        'LOG',
        `temporary file: path "base/pgsql_tmp/pgsql_tmp${s.pid}.${Math.floor(r() * 9)}", size ${Math.floor(r() * 5e7)}`,
        { statement: sql },
      );
      await emit(s, 'LOG', `duration: ${(500 + r() * 2000).toFixed(3)} ms  statement: ${sql}`);
      statements++;
    } else {
      await emit(s, 'LOG', `duration: ${duration()} ms  statement: ${r() < 0.5 ? 'BEGIN' : 'COMMIT'}`);
      statements++;
    }
    if (--s.left <= 0) {
      await emit(
        s,
        'LOG',
        `disconnection: session time: 0:0${Math.floor(r() * 9)}:${pad(Math.floor(r() * 59))}.${pad(Math.floor(r() * 999), 3)} user=${s.user} database=${s.database} host=${s.host} port=${40000 + Math.floor(r() * 20000)}`,
      );
      sessions.splice(index, 1);
    }
    if (time >= nextCheckpoint) {
      nextCheckpoint = time + (r() < 0.3 ? 20_000 : 300_000);
      await emit(background, 'LOG', `checkpoint starting: ${r() < 0.3 ? 'wal' : 'time'}`);
      await emit(
        background,
        'LOG',
        `checkpoint complete: wrote ${Math.floor(r() * 5000)} buffers (${(r() * 10).toFixed(1)}%); 0 WAL file(s) added, ${Math.floor(r() * 3)} removed, ${Math.floor(r() * 3)} recycled; write=${(r() * 200).toFixed(3)} s, sync=${(r() * 2).toFixed(3)} s, total=${(r() * 210).toFixed(3)} s; sync files=${Math.floor(r() * 100)}, longest=0.010 s, average=0.001 s; distance=${Math.floor(r() * 600000)} kB, estimate=${Math.floor(r() * 600000)} kB`,
      );
    }
    if (time >= nextVacuum) {
      nextVacuum = time + 30_000;
      const table = ['orders', 'customers', 'events', 'sessions', 'audit_log'][Math.floor(r() * 5)];
      await emit(
        background,
        'LOG',
        `automatic vacuum of table "shop.public.${table}": index scans: 1\npages: 0 removed, ${Math.floor(r() * 1e5)} remain, 0 skipped due to pins, 0 skipped frozen\ntuples: ${Math.floor(r() * 1e5)} removed, ${Math.floor(r() * 1e6)} remain, 0 are dead but not yet removable\nsystem usage: CPU: user: 0.10 s, system: 0.01 s, elapsed: ${(r() * 5).toFixed(2)} s`,
      );
      await emit(
        background,
        'LOG',
        `automatic analyze of table "shop.public.${table}"\nsystem usage: CPU: user: 0.05 s, system: 0.00 s, elapsed: 0.${Math.floor(r() * 99)} s`,
      );
    }
  }
  await Promise.all([
    new Promise((resolve) => stderr.end(resolve)),
    new Promise((resolve) => json.end(resolve)),
  ]);
  return { bytes, statements, loops, errors };
}
