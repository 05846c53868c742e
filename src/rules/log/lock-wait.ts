import { z } from 'zod';
import { formatCount, formatMs } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { LockWait, LogModel } from '../../logs/model.js';
import { cacheKey } from '../../logs/queries.js';
import { oneLine, queryLocation } from '../../logs/rule-helpers.js';

const options = z.object({
  minWaitMs: z
    .number()
    .min(0)
    .default(0)
    .describe(
      'Report a statement whose longest logged lock wait reaches this (ms); the log only has waits longer than deadlock_timeout',
    ),
});

export default defineRule<LogModel, z.infer<typeof options>>({
  id: 'log/lock-wait',
  category: 'log',
  model: 'log',
  defaultSeverity: 'warning',
  summary: 'A statement waited for a lock longer than deadlock_timeout, with the statement that held it',
  reportsOn: ['query'],
  options,
  docs: {
    why: 'With log_lock_waits on, the server logs a statement that has waited for a lock longer than deadlock_timeout (1 s by default), the process holding the lock, and again when it gets it, with the time it waited. While it waits, so does its user, and everything queued behind it: a long wait behind a DDL statement stops every query on the table. pgwarden puts the waits of one statement together and names the statement the holding process ran last before the wait, when the log has it.',
    howToFix:
      'Shorten the transaction that holds the lock (no user think-time or remote calls inside it; commit sooner), take row locks in a consistent order, and set lock_timeout on DDL so that it fails fast instead of queueing everyone behind it. Applies to every supported PostgreSQL.',
  },
  check({ model, options, report }) {
    const groups = new Map<string, LockWait[]>();
    for (const wait of model.lockWaits.longest) {
      const key = cacheKey(wait.statement ?? wait.lock);
      groups.set(key, [...(groups.get(key) ?? []), wait]);
    }
    for (const waits of groups.values()) {
      const longest = waits.reduce((a, b) => (b.waitedMs > a.waitedMs ? b : a));
      if (longest.waitedMs < options.minWaitMs) continue;
      const total = waits.reduce((n, w) => n + w.waitedMs, 0);
      const statement = longest.statement ?? longest.lock;
      report({
        message: `"${oneLine(statement, 100)}" waited ${formatMs(longest.waitedMs)} for ${longest.lock}${waits.length > 1 ? ` (${formatCount(waits.length)} waits, ${formatMs(total)} in all)` : ''}${longest.blockers.length > 0 ? `, held by process ${longest.blockers.join(', ')}` : ''}${longest.blockingStatement ? ` whose last statement was "${oneLine(longest.blockingStatement, 80)}"` : ''}${longest.acquired ? '' : ' (not acquired in the log)'}`,
        location: queryLocation(statement),
        evidence: { waits: waits.length, totalMs: Math.round(total * 1000) / 1000, longest },
      });
    }
  },
});
