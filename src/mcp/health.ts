import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import * as lib from '../index.js';
import type { McpContext } from './context.js';
import { guarded, reportJson, reportText, success } from './results.js';
import { reportShape } from './tools.js';

/** How many relations `exact` measures at most. */
const EXACT_LIMIT = 20;

/** The longest sample an agent may ask for: a tool call should answer within a minute or two. */
const MAX_SAMPLE_SECONDS = 120;

/** `health`: `pgwarden health` on the server's database, read-only. */
export function registerHealth(server: McpServer, context: McpContext): string[] {
  server.registerTool(
    'health',
    {
      title: 'Check the health of the running server',
      description:
        "Checks the running database server as a DBA would, read-only (one READ ONLY transaction with statement and lock timeouts): connections against max_connections, sessions idle in a transaction, long-running queries, blocked sessions as lock trees naming the blocker (with the pg_terminate_backend fix), who holds back the xmin horizon (sessions, prepared transactions, replication slots, standbys), transaction-ID and MultiXact wraparound, sequences and integer keys near their maximum, dead rows over each table's autovacuum threshold, autovacuum workers all busy while tables wait, invalid, duplicate and unused indexes, table and B-tree index bloat (estimated; measured with pgstattuple when `exact` is set), cache hit ratio, temp files, checkpoints, replication lag of each standby (bytes and seconds), inactive replication slots, archiver failures, outdated extensions, collation version drift against the OS library, NOT VALID constraints, disabled triggers, and the slowest and N+1-shaped queries of pg_stat_statements. Each finding has its evidence and, where one exists, the exact fix. `skipped` says what a missing privilege or extension left out.",
      inputSchema: {
        sample_seconds: z
          .number()
          .min(1)
          .max(MAX_SAMPLE_SECONDS)
          .optional()
          .describe(
            'read twice this many seconds apart to measure rates: the days until XID, MultiXact and sequence exhaustion (default: one read, no rates)',
          ),
        exact: z
          .boolean()
          .optional()
          .describe(
            'measure the bloat the estimate suspects with pgstattuple (pgstattuple_approx, pgstatindex; at most 20 relations, read-only but each a scan): needs the extension in the database',
          ),
      },
      outputSchema: z.looseObject({ ...reportShape, source: z.string(), health: z.looseObject({}) }),
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const report = await lib.checkHealth({
          config: context.config,
          db: await context.databases.url(),
          env: {},
          sampleSeconds: input.sample_seconds,
          ...(input.exact ? { exact: EXACT_LIMIT } : {}),
          log: context.log,
        });
        const text = reportText(report, context.projectDir, (colors) => lib.renderHealthData(report, colors));
        return success(reportJson(report), text);
      }, context.debug),
  );
  return ['health'];
}
