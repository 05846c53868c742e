import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import * as lib from '../index.js';
import { type McpContext, projectPath } from './context.js';
import { guarded, reportJson, reportText, success } from './results.js';
import { reportShape } from './tools.js';

/**
 * pgBackRest's view, when the project has a stanza: its backups and archive. Its absence (no stanza, no
 * pgBackRest) is said, not an error: logical backups stand on their own.
 */
async function pitrPart(context: McpContext): Promise<Record<string, unknown>> {
  try {
    const report = await lib.pitrStatus({ config: context.config, env: {}, log: context.log });
    const { newestBackup, oldestRecoveryPoint, status, lastArchivedAt } = report.data ?? {};
    return {
      available: true,
      status,
      newestBackup,
      oldestRecoveryPoint,
      lastArchivedAt,
      findings: report.findings,
    };
  } catch (error) {
    return { available: false, reason: lib.errorMessage(error) };
  }
}

/** `backup_status`: the backup folder's backups and the age of the newest verified one. Reads files only. */
export function registerBackupTools(server: McpServer, context: McpContext): string[] {
  server.registerTool(
    'backup_status',
    {
      title: 'Backup status',
      description:
        "The project's logical backups (pgwarden backup create, and the migration guard's): each with its age, size and verification state (verified means a test restore found every row count, constraint and index of its manifest), the newest backup and the newest verified one with their ages, unfinished backup folders, and pgBackRest's point-in-time recovery status when a stanza is configured. Read-only: it reads the backup folder and touches no database.",
      inputSchema: {
        dir: z
          .string()
          .max(4096)
          .optional()
          .describe("the backup folder, inside the project (default: the config's backups.dir)"),
      },
      outputSchema: z.looseObject({ ...reportShape, status: z.looseObject({}), pitr: z.looseObject({}) }),
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        const dir = input.dir === undefined ? undefined : projectPath(context, input.dir);
        const report = await lib.backupList({ config: context.config, dir });
        const pitr = await pitrPart(context);
        const text = reportText(report, context.projectDir, (colors) => lib.renderBackupData(report, colors));
        const pitrLine = pitr.available
          ? `Point-in-time recovery (pgBackRest): ${JSON.stringify(pitr.status)}`
          : `Point-in-time recovery: not configured (${String(pitr.reason)})`;
        return success({ ...reportJson(report), pitr }, `${text}\n${pitrLine}`);
      }, context.debug),
  );
  return ['backup_status'];
}
