import { z } from 'zod';
import { formatCount, formatMs } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { LogModel } from '../../logs/model.js';
import { oneLine, queryLocation } from '../../logs/rule-helpers.js';

const options = z.object({
  minRepeats: z
    .number()
    .int()
    .min(2)
    .default(5)
    .describe('Calls in a row of one lookup, in one session, that make a loop (Sentry: 5)'),
  minTotalMs: z
    .number()
    .min(0)
    .default(0)
    .describe(
      "Server time of the loops of one query below which it is not reported (the server's time only: each call's round trip is not in the log)",
    ),
});

export default defineRule<LogModel, z.infer<typeof options>>({
  id: 'log/n-plus-one',
  category: 'log',
  model: 'log',
  defaultSeverity: 'warning',
  summary: 'A lookup run again and again in a row in one session, one key at a time: an N+1 loop',
  reportsOn: ['query'],
  options,
  docs: {
    why: "An N+1 loop fetches a list (the 1), then runs one more query per item of it (the N), usually an ORM loading an association lazily. Each query is fast, so no slow-query report shows it, but each is a round trip: the page costs N × the network latency and N × the per-statement overhead (parse, plan, lock, executor start) where one query would do. pgwarden finds it from the database's side, with no hook in the application: within one session (%c or %p in log_line_prefix, or the csvlog/jsonlog session id), the same normalized query (the real parser's fingerprint) that fetches rows by one key (`WHERE col = $n`) runs `minRepeats` times or more one right after the other with different parameters. Another statement in between ends the run, so a batch job that reads and then writes each item is not reported; transaction control (BEGIN, COMMIT) does not. The log does not say how many rows each call returned: a key lookup is taken as returning few.",
    howToFix:
      "Fetch all the keys in one query: the fix is the loop's statement with `col = ANY($n)` (pass the keys as one array parameter) and the key column in its select list, so the application can hand each row to its item; or join the lookup into the query that produced the list. In an ORM, eager-load the association (Rails `includes`, Django `prefetch_related`/`select_related`, SQLAlchemy `selectinload`, Prisma `include`). Needs log_min_duration_statement = 0 (or log_statement = 'all') and a session in the prefix. Applies to every supported PostgreSQL.",
    examples: {
      bad: 'SELECT id, total FROM orders WHERE customer_id = $1   -- 12 times in a row, $1 = 1, 2, 3 …',
      good: 'SELECT customer_id, id, total FROM orders WHERE customer_id = ANY($1)   -- $1 = {1,2,3,…}',
    },
  },
  check({ model, options, report }) {
    for (const loop of model.loops) {
      const runs = loop.byLength.filter((b) => b.length >= options.minRepeats);
      if (runs.length === 0) continue;
      const count = runs.reduce((n, b) => n + b.runs, 0);
      const calls = runs.reduce((n, b) => n + b.runs * b.length, 0);
      const totalMs = runs.reduce((n, b) => n + b.totalMs, 0);
      if (totalMs < options.minTotalMs) continue;
      const worst = loop.longest;
      const who = [
        worst.application,
        worst.user && worst.database ? `${worst.user}@${worst.database}` : worst.database,
      ]
        .filter(Boolean)
        .join(', ');
      const rewrite = loop.rewrite
        ? `one query with ${loop.column} = ANY($n) fetches every key of a loop`
        : `one query with ${loop.column} = ANY($n), or a join into the query before the loop, fetches every key of a loop`;
      report({
        message: `N+1: "${oneLine(loop.normalized, 100)}" ran ${formatCount(worst.calls)} times in a row in session ${worst.session}${who ? ` (${who})` : ''}, one ${loop.column} at a time (${formatMs(worst.totalMs)}); ${formatCount(count)} such loop${count === 1 ? '' : 's'}, ${formatCount(calls)} calls, ${formatMs(totalMs)} in all: ${rewrite}`,
        location: queryLocation(loop.normalized),
        fix: loop.rewrite,
        evidence: {
          fingerprint: loop.fingerprint,
          statement: loop.normalized,
          keyColumn: loop.column,
          loops: count,
          calls,
          totalMs: Math.round(totalMs * 1000) / 1000,
          longest: worst,
        },
      });
    }
  },
});
