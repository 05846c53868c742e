import { z } from 'zod';
import { formatCount, formatMs } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { oneLine } from '../../health/build.js';
import type { HealthFacts } from '../../health/model.js';

export default defineRule<HealthFacts, { minCalls: number; maxRowsPerCall: number; maxMeanMs: number }>({
  id: 'health/n-plus-one',
  category: 'health',
  model: 'health',
  defaultSeverity: 'info',
  summary: 'Query with the N+1 shape: very many calls, few rows each, each fast (pg_stat_statements)',
  reportsOn: ['query'],
  requires: { extensions: ['pg_stat_statements'] },
  docs: {
    why: 'An ORM that loads a list and then each item\'s related rows one at a time sends N+1 queries where one would do. Each is fast — so no slow-query log or "top queries by mean time" shows it — but the round trips add up: the page waits for thousands of network round trips, and the server parses, plans and executes each. In pg_stat_statements it has a recognisable shape: very many calls, one row or so per call, a fraction of a millisecond each. No common monitoring tool flags it.',
    howToFix:
      "Find the loop in the application that runs the query (its text is in the finding) and fetch the rows in one query: a join, `WHERE id = ANY($1)` with the list of keys, or the ORM's eager loading (`include`, `preload`, `select_related`/`prefetch_related`, `JOIN FETCH`). Some very frequent single-row lookups are legitimate (a cache miss path): judge by where it is called.",
  },
  options: z.object({
    minCalls: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe('Report a query called at least this many times…'),
    maxRowsPerCall: z
      .number()
      .min(0)
      .default(1.5)
      .describe('…returning at most this many rows per call on average…'),
    maxMeanMs: z.number().min(0).default(1).describe('…and taking at most this long per call (ms)'),
  }),
  check({ model, options, report }) {
    const statements = model.statements;
    if (!statements) return;
    for (const s of statements.rows) {
      if (s.calls < options.minCalls) continue;
      const rowsPerCall = s.rows / s.calls;
      if (rowsPerCall > options.maxRowsPerCall || s.meanMs > options.maxMeanMs) continue;
      if (!/^\s*(select|with)\b/i.test(s.query)) continue;
      report({
        message: `query ${s.queryId} was called ${formatCount(s.calls)} times for ${rowsPerCall.toFixed(2)} rows per call, ${formatMs(s.meanMs)} each (${formatMs(s.totalMs)} in all): the N+1 shape of a loop that fetches one row at a time — fetch them in one query (a join, or = ANY($1)): ${oneLine(s.query, 200)}`,
        location: { object: `query ${s.queryId}`, kind: 'query' },
        evidence: { ...s, rowsPerCall },
      });
    }
  },
});
