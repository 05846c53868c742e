import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import * as lib from '../index.js';
import type { McpContext } from './context.js';
import { guarded, reportJson, reportText, success } from './results.js';
import { pgVersionInput, reportShape, targetMajorOf } from './tools.js';

/** `tune`: PGTune's configuration for the server's hardware and workload, against its live settings (read-only). */
export function registerTune(server: McpServer, context: McpContext): string[] {
  server.registerTool(
    'tune',
    {
      title: 'Tune postgresql.conf',
      description:
        "Recommends postgresql.conf settings for the server's hardware and workload (PGTune's formulas: shared_buffers, effective_cache_size, work_mem, maintenance_work_mem, WAL sizes, planner costs, parallel workers …) and compares them with the live settings, read-only: each change with its reason and whether it needs a reload or a restart, settings waiting for a restart, and the workload's evidence (temporary files → work_mem, requested checkpoints → max_wal_size, idle connections → a pooler). Findings are the changes worth making, each with its ALTER SYSTEM (or, for a big or hot table, ALTER TABLE … SET (autovacuum_…)) fix; `changes` is the ALTER SYSTEM script, `tables` the tables' ALTER TABLE lines (to run in the database tune read). RAM and CPUs are read from this machine when the server runs here; otherwise give them. Changes nothing: show the user the ALTER SYSTEM lines to run.",
      inputSchema: {
        ram: z
          .string()
          .max(32)
          .optional()
          .describe('the server\'s RAM, e.g. "16GB" (default: this machine\'s, when the server runs here)'),
        cpus: z.number().int().min(1).max(10_000).optional().describe("the server's CPU cores"),
        storage: z.enum(['ssd', 'hdd', 'san', 'nvme']).optional().describe('default ssd'),
        workload: z.enum(['web', 'oltp', 'dw', 'desktop', 'mixed']).optional().describe('default web'),
        connections: z
          .number()
          .int()
          .min(1)
          .max(262_143)
          .optional()
          .describe("the max_connections to plan for (default: the server's)"),
        pg_version: pgVersionInput(lib.LINT_PG_MAJORS, "PGTune's settings for it (default: the server's)"),
        os: z.enum(['linux', 'windows', 'mac']).optional(),
        db_size: z
          .enum(['less', 'mid', 'greater'])
          .optional()
          .describe('the data against RAM (default: measured on the server)'),
      },
      outputSchema: z.looseObject({
        ...reportShape,
        source: z.string(),
        inputs: z.record(z.string(), z.unknown()),
        recommendations: z.array(z.unknown()),
        settings: z.array(z.unknown()).nullable(),
        changes: z.array(z.unknown()),
        tables: z.array(z.looseObject({ table: z.string(), sql: z.string(), reason: z.string() })),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const pgVersion = targetMajorOf(input.pg_version, lib.LINT_PG_MAJORS);
        // with the hardware given and no database named, PGTune's list alone; otherwise the database, read-only
        const db =
          context.databases.live || input.ram === undefined ? await context.databases.url() : undefined;
        const report = await lib.tune({
          config: context.config,
          db,
          env: {},
          ram: input.ram,
          cpus: input.cpus,
          storage: input.storage,
          workload: input.workload,
          connections: input.connections,
          pgVersion,
          os: input.os,
          dbSize: input.db_size,
          embedded: { log: context.log },
          log: context.log,
        });
        const text = reportText(report, context.projectDir, (colors) =>
          lib.renderTuneText(report.data!, colors),
        );
        return success(reportJson(report), text);
      }, context.debug),
  );
  return ['tune'];
}
