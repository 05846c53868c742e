import { z } from 'zod';
import { formatCount, formatMs, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { LogModel } from '../../logs/model.js';
import { oneLine, queryLocation } from '../../logs/rule-helpers.js';

const options = z.object({
  slowMs: z
    .number()
    .min(0)
    .default(500)
    .describe('A query whose p95 duration reaches this (ms) is slow (Sentry: 500 ms)'),
  maxFindings: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Report at most this many, most total time first'),
  includeUtility: z
    .boolean()
    .default(false)
    .describe(
      'Also report DDL, COPY, VACUUM and other utility statements (slow by nature, rarely tuned as queries)',
    ),
});

const QUERY_KINDS = new Set(['select', 'insert', 'update', 'delete']);

export default defineRule<LogModel, z.infer<typeof options>>({
  id: 'log/slow-query',
  category: 'log',
  model: 'log',
  defaultSeverity: 'warning',
  summary: 'A normalized query whose p95 duration in the log reaches the slow threshold',
  reportsOn: ['query'],
  options,
  docs: {
    why: "The log holds the duration of every statement (log_min_duration_statement): grouped by the real parser's fingerprint, the queries whose p95 reaches `slowMs` are the ones users wait on, and the ones with the most total time are where tuning pays most. The p95 comes from a quantile sketch (within 1 %), so one outlier does not make a query slow and a query that is slow one time in ten does. Lock waits make a fast query slow too: a slow UPDATE whose time is a lock wait shows in the lock waits of the same report.",
    howToFix:
      'Explain the slowest call with its parameters (the evidence has them): `pgwarden explain "<query>" --params … --db …` ranks what to fix by the time it saves (an index, a rewrite, statistics). If the time is lock waits, shorten the transactions that hold the locks. Applies to every supported PostgreSQL.',
  },
  check({ model, options, report }) {
    const slow = model.queryStats
      .filter(
        (q) =>
          q.calls > 0 && q.p95Ms >= options.slowMs && (options.includeUtility || QUERY_KINDS.has(q.kind)),
      )
      .slice(0, options.maxFindings);
    for (const q of slow) {
      const share = model.queryMs > 0 ? q.totalMs / model.queryMs : 0;
      report({
        message: `"${oneLine(q.normalized, 100)}" is slow: p95 ${formatMs(q.p95Ms)}, max ${formatMs(q.maxMs)}, mean ${formatMs(q.meanMs)} over ${formatCount(q.calls)} call${q.calls === 1 ? '' : 's'}, ${formatMs(q.totalMs)} in all (${formatPercent(share)} of the logged query time)`,
        location: queryLocation(q.normalized),
        evidence: {
          fingerprint: q.fingerprint,
          calls: q.calls,
          totalMs: q.totalMs,
          meanMs: q.meanMs,
          p95Ms: q.p95Ms,
          maxMs: q.maxMs,
          slowest: q.slowest,
        },
      });
    }
  },
});
