import { z } from 'zod';
import { defineRule } from '../../core/rule.js';
import { describeSession, formatSeconds, queryText, sessionLocation } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { warningSeconds: number; errorSeconds: number }>({
  id: 'health/long-running-query',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Query running for long',
  reportsOn: ['query'],
  docs: {
    why: 'A query that runs for minutes holds its locks and its snapshot the whole time: VACUUM cannot clean rows changed since it began, DDL queues behind its locks (and every query behind the DDL), and it may be a runaway (a missing join condition, a plan gone wrong) eating CPU and I/O. Autovacuum workers and replication senders are left out: they run long by design.',
    howToFix:
      'Look at the query (`pgwarden explain` it) and decide: cancel it (`pg_cancel_backend(pid)` stops the query and keeps the session), or end the session (`pg_terminate_backend(pid)`). Then bound such queries with `statement_timeout` for the application role, and fix the plan (an index, fresher statistics, a rewrite).',
  },
  options: z.object({
    warningSeconds: z.number().min(0).default(60).describe('Warn when a query has run this long (s)'),
    errorSeconds: z.number().min(0).default(3600).describe('Error when a query has run this long (s)'),
  }),
  check({ model, options, report }) {
    for (const session of model.sessions) {
      if (session.state !== 'active' || session.backendType !== 'client backend') continue;
      const seconds = session.querySeconds ?? 0;
      if (seconds < options.warningSeconds) continue;
      report({
        message: `pid ${session.pid} (${describeSession(session)}) has been running one query for ${formatSeconds(seconds)}${session.waitEventType ? ` (waiting on ${session.waitEventType}: ${session.waitEvent})` : ''}: ${queryText(session)}`,
        location: sessionLocation(session),
        severity: seconds >= options.errorSeconds ? 'error' : 'warning',
        fix: `SELECT pg_cancel_backend(${session.pid});`,
        evidence: {
          pid: session.pid,
          querySeconds: seconds,
          waitEventType: session.waitEventType,
          waitEvent: session.waitEvent,
        },
      });
    }
  },
});
