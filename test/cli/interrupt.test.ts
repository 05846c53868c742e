import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { cliPath, projectRoot } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts `explain` of a long query, waits until the server runs it, then interrupts the CLI with `signal`. */
async function interruptExplain(url: string, marker: string, signal: NodeJS.Signals): Promise<Ended> {
  const child = spawn(
    process.execPath,
    [cliPath, 'explain', `SELECT pg_sleep(30) AS ${marker}`, '--db', url],
    {
      cwd: projectRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const ended = new Promise<Ended>((resolve) =>
    child.on('close', (code, endSignal) => resolve({ code, signal: endSignal, stderr })),
  );
  const watcher = await Connection.open(url);
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const running = await watcher.query(
        `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`,
        [marker],
      );
      if (running.rowCount) break;
      if (Date.now() > deadline) throw new Error(`the CLI never ran the query: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill(signal);
    const result = await ended;
    // cancelled, the query ends at once (its backend then goes when the client's socket closes); uncancelled, it
    // would run its 30 s: a few seconds tell them apart on any machine
    let running = 1;
    for (const stop = Date.now() + 5_000; running > 0 && Date.now() < stop; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const left = await watcher.query(
        `SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()`,
        [marker],
      );
      running = left.rowCount ?? 0;
    }
    expect(running, 'the interrupted query still runs on the server').toBe(0);
    return result;
  } finally {
    await watcher.close();
  }
}

describe('an interrupted command', () => {
  const db = useTestDatabase();

  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`says it was interrupted by ${signal} and ends as the signal asks (${exitCode}), not with the errors the clean-up caused`, async () => {
      const result = await interruptExplain(db().url, `interrupt_${signal.toLowerCase()}`, signal);
      expect(result.code === exitCode || result.signal === signal).toBe(true);
      expect(result.stderr).toContain(`pgwarden: interrupted (${signal}); cleaning up`);
      expect(result.stderr).not.toMatch(/error:|terminating connection/);
    });
  }
});
