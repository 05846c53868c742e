import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import * as lib from '../index.js';
import { type McpContext, projectPath } from './context.js';
import { guarded, reportJson, reportText, success } from './results.js';
import { MAX_PATH, MAX_SQL, reportShape } from './tools.js';

/** `advise_indexes`: `pgwarden advise` on the server's database, read-only (HypoPG's indexes live in the session). */
export function registerAdvise(server: McpServer, context: McpContext): string[] {
  server.registerTool(
    'advise_indexes',
    {
      title: 'Advise indexes for a workload',
      description:
        "Finds the best set of indexes for a whole workload — the top statements of pg_stat_statements (weighted by calls), a SQL file of the project, a PostgreSQL log of the project (weighted by calls), or the queries given — as a DBA would: candidates from each query's parse tree (equality, range, IN, IS NULL, join keys, ORDER BY … LIMIT, multi-column, covering INCLUDE, partial, expression), each query costed by the planner with hypothetical indexes (HypoPG, in this session only: nothing is built), and a greedy search (Extend) for the set with the best benefit per byte under a storage budget, counting each index's cost to the table's writes and lost HOT updates. Returns the recommended indexes with their sizes, each query's planner cost before and after, the workload's total reduction, existing indexes a recommended one makes redundant, GIN candidates (trigram, jsonb) that HypoPG cannot cost, and a CREATE INDEX CONCURRENTLY script with lock and statement timeouts. Read-only. Without HypoPG in the database the advice is a heuristic, labelled unproven, with how to install it.",
      inputSchema: {
        workload: z
          .string()
          .min(1)
          .max(MAX_PATH)
          .optional()
          .describe(
            '"pg_stat_statements" (default), a SQL file relative to the project (.sql: one query per statement, "-- weight: N" before a query weighs it), or a PostgreSQL log file or folder of the project (stderr, csvlog, jsonlog, gzip)',
          ),
        sql: z
          .string()
          .min(1)
          .max(MAX_SQL)
          .optional()
          .describe('the workload as SQL text, instead of `workload` (same format as the file)'),
        budget: z
          .string()
          .max(32)
          .optional()
          .describe('storage the new indexes may take, such as "500MB" or "2GB" (default: no limit)'),
        max_width: z
          .number()
          .int()
          .min(1)
          .max(32)
          .optional()
          .describe('most key columns per index (default 3)'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(10_000)
          .optional()
          .describe('pg_stat_statements: the top N statements by total time (default 100)'),
      },
      outputSchema: z.looseObject({
        ...reportShape,
        source: z.string(),
        method: z.string(),
        recommendations: z.array(z.unknown()),
        queries: z.array(z.unknown()),
        totals: z.looseObject({}),
        script: z.string().nullable(),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const workload =
          input.workload === undefined || input.workload === 'pg_stat_statements'
            ? input.workload
            : projectPath(context, input.workload);
        const report = await lib.adviseIndexes({
          config: context.config,
          db: await context.databases.url(),
          env: {},
          workload,
          workloadSql: input.sql,
          budget: input.budget,
          maxWidth: input.max_width,
          limit: input.limit,
          embedded: { log: context.log },
          log: context.log,
        });
        const text = reportText(report, context.projectDir, (colors) => lib.renderAdviseData(report, colors));
        return success(reportJson(report), text);
      }, context.debug),
  );
  return ['advise_indexes'];
}
