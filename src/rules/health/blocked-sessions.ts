import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { describeSession, formatSeconds, queryText, sessionLocation } from '../../health/format.js';
import type { HealthFacts, Session } from '../../health/model.js';

interface LockNode {
  readonly pid: number;
  readonly waitSeconds: number | null;
  readonly blockedBy: readonly number[];
  readonly query: string;
  readonly waiters: readonly LockNode[];
}

/** The sessions that `root` blocks, directly or through others, as a tree (each session once). */
function treeOf(
  root: number,
  byPid: ReadonlyMap<number, Session>,
  waitersOf: ReadonlyMap<number, number[]>,
  seen: Set<number>,
): LockNode {
  seen.add(root);
  const session = byPid.get(root);
  const waiters = (waitersOf.get(root) ?? []).filter((pid) => !seen.has(pid));
  for (const pid of waiters) seen.add(pid);
  return {
    pid: root,
    waitSeconds: session && session.blockedBy.length > 0 ? session.querySeconds : null,
    blockedBy: session?.blockedBy ?? [],
    query: session ? queryText(session, 100) : '(not visible)',
    waiters: waiters.map((pid) => treeOf(pid, byPid, waitersOf, seen)),
  };
}

function flatten(node: LockNode): LockNode[] {
  return node.waiters.flatMap((w) => [w, ...flatten(w)]);
}

export default defineRule<HealthFacts, { minWaitSeconds: number; errorSeconds: number }>({
  id: 'health/blocked-sessions',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Sessions waiting on locks, as trees under the session that blocks them',
  reportsOn: ['query'],
  docs: {
    why: 'A session waiting on a lock does nothing until the holder ends its transaction; sessions that then want the same lock queue behind the waiter too, so one forgotten transaction or one ALTER TABLE waiting behind a long query can stop every query on a table within seconds. `pg_blocking_pids()` tells who waits for whom; the session at the root of the tree — blocking others, waiting for no one — is the one to act on. It is often `idle in transaction`: an application that took a lock and went away.',
    howToFix:
      'Look at the root blocker (its state and last query are in the finding): if it is idle in a transaction or a runaway, end it with `pg_terminate_backend(pid)` (its transaction rolls back and every waiter proceeds). Then fix the cause: `lock_timeout` on DDL (a migration should fail fast rather than queue the application behind it), `idle_in_transaction_session_timeout`, and short transactions.',
  },
  options: z.object({
    minWaitSeconds: z
      .number()
      .min(0)
      .default(5)
      .describe('Report a tree when one of its sessions has waited this long (s)'),
    errorSeconds: z
      .number()
      .min(0)
      .default(60)
      .describe('Error when a session of the tree has waited this long (s)'),
  }),
  check({ model, options, report }) {
    const byPid = new Map(model.sessions.map((s) => [s.pid, s]));
    const waitersOf = new Map<number, number[]>();
    for (const session of model.sessions)
      for (const blocker of session.blockedBy)
        waitersOf.set(blocker, [...(waitersOf.get(blocker) ?? []), session.pid]);
    const roots = [...waitersOf.keys()]
      .filter((pid) => (byPid.get(pid)?.blockedBy.length ?? 0) === 0)
      .sort((a, b) => a - b);
    const seen = new Set<number>();
    for (const root of roots) {
      const tree = treeOf(root, byPid, waitersOf, seen);
      const waiting = flatten(tree);
      const longest = Math.max(0, ...waiting.map((w) => w.waitSeconds ?? 0));
      if (waiting.length === 0 || longest < options.minWaitSeconds) continue;
      const blocker = byPid.get(root);
      const state = blocker
        ? `${blocker.state ?? 'state hidden'}${blocker.xactSeconds !== null ? `, transaction open ${formatSeconds(blocker.xactSeconds)}` : ''}`
        : 'not visible to this role';
      const chain = waiting
        .map(
          (w) =>
            `pid ${w.pid} waits ${w.waitSeconds !== null ? formatSeconds(w.waitSeconds) : '?'} for ${w.blockedBy.map((p) => `pid ${p}`).join(', ')}: ${w.query}`,
        )
        .join('; ');
      report({
        message: `pid ${root}${blocker ? ` (${describeSession(blocker)}; ${state}; last query: ${queryText(blocker, 100)})` : ` (${state})`} blocks ${waiting.length} session${waiting.length > 1 ? 's' : ''}, the longest waiting ${formatSeconds(longest)}: ${chain}`,
        location: sessionLocation({ pid: root }),
        severity: longest >= options.errorSeconds ? 'error' : 'warning',
        fix: `SELECT pg_terminate_backend(${root});`,
        evidence: { blocker: root, longestWaitSeconds: longest, tree },
      });
    }
  },
});
