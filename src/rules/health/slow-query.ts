import { z } from 'zod';
import { formatCount, formatMs } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { oneLine } from '../../health/build.js';
import { formatPercent } from '../../health/format.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { minMeanMs: number; minCalls: number; minShare: number }>({
  id: 'health/slow-query',
  category: 'health',
  model: 'health',
  defaultSeverity: 'warning',
  summary: 'Query slow on average or taking a large share of the database time (pg_stat_statements)',
  reportsOn: ['query'],
  requires: { extensions: ['pg_stat_statements'] },
  docs: {
    why: "pg_stat_statements sums, per normalized query, the calls, rows and execution time since its last reset. A query slow on average and called often, or one that alone takes a large share of the database's total execution time, is where tuning pays most: an index or a rewrite there saves more than anywhere else.",
    howToFix:
      'Run `pgwarden explain` on the query (with representative parameters) to see why it is slow and the index that would help; `pgwarden query` checks its text for anti-patterns. After a fix, `SELECT pg_stat_statements_reset()` (or wait) to judge it on fresh figures.',
  },
  options: z.object({
    minMeanMs: z
      .number()
      .min(0)
      .default(20)
      .describe('Report a query whose mean execution time is at least this (ms)…'),
    minCalls: z.number().int().min(0).default(100).describe('…and that was called at least this many times'),
    minShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('Also report a query taking this share of the total execution time'),
  }),
  check({ model, options, report }) {
    const statements = model.statements;
    if (!statements) return;
    for (const s of statements.rows) {
      const share = statements.totalMs > 0 ? s.totalMs / statements.totalMs : 0;
      const slow = s.meanMs >= options.minMeanMs && s.calls >= options.minCalls;
      if (!slow && !(share >= options.minShare && s.calls >= options.minCalls)) continue;
      report({
        message: `query ${s.queryId} takes ${formatMs(s.meanMs)} on average over ${formatCount(s.calls)} calls (${formatMs(s.totalMs)} in all, ${formatPercent(share)} of the database's execution time, ${(s.rows / Math.max(1, s.calls)).toFixed(1)} rows per call) — pgwarden explain it: ${oneLine(s.query, 200)}`,
        location: { object: `query ${s.queryId}`, kind: 'query' },
        evidence: { ...s, share },
      });
    }
  },
});
