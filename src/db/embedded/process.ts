import { execFileSync } from 'node:child_process';

/** Whether a process exists (one owned by another user counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Guards against a recycled pid: only a postgres process may be stopped as a leftover server. */
export function isPostgres(pid: number): boolean {
  try {
    return /postgres/.test(execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

/** Fast shutdown first (a clean checkpoint, which can take seconds), then immediate, then kill. */
const ESCALATION = [
  ['SIGINT', 60_000],
  ['SIGQUIT', 10_000],
  ['SIGKILL', 5_000],
] as const;

/**
 * Stops a PostgreSQL server process. `gone(ms)` resolves true as soon as the process has exited, or false when
 * `ms` elapse first.
 */
export async function stopServerProcess(
  signal: (name: NodeJS.Signals) => void,
  gone: (ms: number) => Promise<boolean>,
): Promise<void> {
  for (const [name, waitMs] of ESCALATION) {
    try {
      signal(name);
    } catch {
      return; // already gone
    }
    if (await gone(waitMs)) return;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the pid is gone (true) or `ms` elapse (false). */
export async function pidGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}
