import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import * as lib from '../index.js';
import { type McpContext, projectPath } from './context.js';
import { guarded, reportJson, reportText, success } from './results.js';
import { reportShape } from './tools.js';

/** `analyze_logs`: the server's log files, read as `pgwarden logs` reads them; files inside the project only. */
export function registerLogTools(server: McpServer, context: McpContext): string[] {
  server.registerTool(
    'analyze_logs',
    {
      title: 'Analyze PostgreSQL logs',
      description:
        "Reads PostgreSQL server log files (stderr with its log_line_prefix, csvlog, jsonlog or syslog; gzip or zstd) and reports what a DBA acts on: N+1 loops (one lookup run again and again in a session, with the one query that replaces it), slow queries by fingerprint (p95, total time, the slowest call's parameters), bursts of errors with their SQLSTATE, lock waits with the blocking statement, deadlocks, queries that spill to temporary files (with the work_mem that keeps them in memory), too-frequent checkpoints (with max_wal_size), autovacuum and connections, and the plans auto_explain logged through the plan analyser (plan/* findings naming the statement). Reads files only, inside the project folder; opens no database.",
      inputSchema: {
        paths: z
          .array(z.string().max(4096))
          .min(1)
          .max(100)
          .describe('log files or log folders, relative to the project folder'),
        prefix: z
          .string()
          .max(500)
          .optional()
          .describe("stderr logs: the server's log_line_prefix (SHOW log_line_prefix); default: detected"),
        log_format: z
          .enum(['stderr', 'csvlog', 'jsonlog', 'syslog'])
          .optional()
          .describe('default: from the name, else the content'),
        since: z
          .string()
          .max(64)
          .optional()
          .describe('only entries at or after this time (ISO; UTC unless a zone is given)'),
        until: z.string().max(64).optional().describe('only entries at or before this time'),
        top: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .optional()
          .describe('how many normalized queries to list (default 20)'),
      },
      outputSchema: z.looseObject({
        ...reportShape,
        files: z.array(z.unknown()),
        queries: z.number(),
        topQueries: z.array(z.unknown()),
        loops: z.array(z.unknown()),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const report = await lib.analyzeLogs({
          paths: input.paths.map((p) => projectPath(context, p)),
          config: context.config,
          prefix: input.prefix,
          format: input.log_format,
          since: input.since,
          until: input.until,
          top: input.top,
          log: context.log,
        });
        return success(
          reportJson(report),
          reportText(report, context.projectDir, (colors) => lib.renderLogsData(report.data, colors)),
        );
      }, context.debug),
  );
  return ['analyze_logs'];
}
