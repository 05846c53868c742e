import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { describeSession, formatSeconds, queryText, sessionLocation } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { warningSeconds: number; errorSeconds: number }>({
  id: 'health/idle-in-transaction',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Session idle in a transaction for long',
  reportsOn: ['query'],
  docs: {
    why: 'A session `idle in transaction` has begun a transaction and is waiting for its client, which is doing something else (or crashed without closing the connection). It keeps every lock it took — a later ALTER TABLE queues behind it, and every query queues behind that — and its snapshot holds back the xmin horizon, so VACUUM cannot remove the rows updated or deleted since it began: tables and indexes bloat on every write.',
    howToFix:
      "End the session (`pg_terminate_backend(pid)` — its transaction is rolled back), then fix the application: commit or roll back before any slow work (HTTP calls, user input), and set `idle_in_transaction_session_timeout` (for the application role: `ALTER ROLE app SET idle_in_transaction_session_timeout = '60s'`) so the server ends such sessions itself.",
  },
  options: z.object({
    warningSeconds: z.number().min(0).default(300).describe('Warn when idle in a transaction this long (s)'),
    errorSeconds: z.number().min(0).default(900).describe('Error when idle in a transaction this long (s)'),
  }),
  check({ model, options, report }) {
    for (const session of model.sessions) {
      if (session.state !== 'idle in transaction' && session.state !== 'idle in transaction (aborted)')
        continue;
      const idle = session.stateSeconds ?? 0;
      if (idle < options.warningSeconds) continue;
      report({
        message: `pid ${session.pid} (${describeSession(session)}) has been ${session.state} for ${formatSeconds(idle)}${session.xactSeconds !== null ? ` (transaction open ${formatSeconds(session.xactSeconds)})` : ''}, holding its locks and the xmin horizon; last query: ${queryText(session)}`,
        location: sessionLocation(session),
        severity: idle >= options.errorSeconds ? 'error' : 'warning',
        fix: `SELECT pg_terminate_backend(${session.pid});`,
        evidence: {
          pid: session.pid,
          idleSeconds: idle,
          xactSeconds: session.xactSeconds,
          xminAge: session.xminAge,
        },
      });
    }
  },
});
