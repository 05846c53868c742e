import { type ChildProcess, spawn } from 'node:child_process';
import { Connection } from '../../src/db/connection.js';
import { cliPath } from '../helpers/cli.js';
import { pg15ServiceUrl } from '../helpers/db.js';

/**
 * The PostgreSQL 15 service the crash tests run on: PGWARDEN_TEST_PG15_URL, else its usual address. Undefined when
 * nothing answers there (never in CI, where pg15ServiceUrl requires the variable).
 */
export async function pg15Service(): Promise<string | undefined> {
  const url = pg15ServiceUrl() ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    const probe = await Connection.open(url, { connectTimeoutMs: 2_000 });
    await probe.close();
    return url;
  } catch (error) {
    if (process.env.CI) throw error;
    process.stderr.write(`PostgreSQL 15 service not reachable at ${url}: the crash tests are skipped\n`);
    return undefined;
  }
}

export interface RunnerProcess {
  readonly child: ChildProcess;
  /** Resolves when stderr first contains `text`. */
  said(text: string): Promise<void>;
  readonly done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** `pgwarden <args>` as a child process (the built CLI), its output collected. */
export function runnerProcess(args: readonly string[], cwd: string): RunnerProcess {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    for (const w of [...waiting])
      if (stderr.includes(w.text)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    done,
    said: (text) =>
      stderr.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiting.push({ text, resolve });
            done.then(() => reject(new Error(`the runner ended without saying "${text}":\n${stderr}`)));
          }),
  };
}

/** Waits until a session of the database other than `watcher` runs a query containing `pattern` (and is waiting, if asked). */
export async function waitForQuery(
  watcher: Connection,
  pattern: string,
  options: { waiting?: boolean; timeoutMs?: number } = {},
): Promise<number> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const { rows } = await watcher.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE $1 AND state = 'active' AND pid <> pg_backend_pid()
          AND ($2::boolean IS NOT TRUE OR wait_event_type = 'Lock')`,
      [`%${pattern}%`, options.waiting ?? null],
    );
    if (rows[0]) return rows[0].pid;
    if (Date.now() > deadline) throw new Error(`no session ran ${pattern}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A deterministic pseudo-random generator (mulberry32): the same seed, the same kill points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
