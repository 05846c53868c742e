import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import * as lib from '../index.js';
import type { McpContext } from './context.js';
import { guarded, reportJson, reportText, success } from './results.js';
import { reportShape } from './tools.js';

/** `security_audit`: `pgwarden security` on the server's database, read-only. */
export function registerSecurity(server: McpServer, context: McpContext): string[] {
  server.registerTool(
    'security_audit',
    {
      title: 'Audit roles, privileges and row level security',
      description:
        'A least-privilege audit of the database, read-only (one READ ONLY transaction with timeouts), as whatever role the server connects with: login roles that are superusers or have BYPASSRLS, CREATEROLE or REPLICATION; MD5 or missing passwords; role membership chains that reach pg_execute_server_program, the server files or a superuser; CREATE on a schema for PUBLIC; tables, sequences and SECURITY DEFINER functions granted to PUBLIC; SECURITY DEFINER functions without a pinned search_path; default privileges to PUBLIC; objects owned by login roles; extensions in public; untrusted languages; row level security (policies without RLS, RLS not forced, USING (true), tenant tables without RLS, policies that ignore the tenant setting, views that read RLS tables as an owner who bypasses them); and the server (ssl, pg_hba.conf trust/password/md5 from the network, log_connections, listen_addresses, pgaudit, fsync). Each finding has evidence and, where one exists, the REVOKE/ALTER that fixes it — the tool never runs them. `skipped` says what the role could not see (passwords and pg_hba.conf need a superuser; some settings pg_read_all_settings).',
      inputSchema: {},
      outputSchema: z.looseObject({
        ...reportShape,
        source: z.string(),
        database: z.string(),
        role: z.string(),
        seen: z.looseObject({ passwords: z.boolean(), hba: z.boolean(), allSettings: z.boolean() }),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    },
    () =>
      guarded(async () => {
        const report = await lib.auditSecurity({
          config: context.config,
          db: await context.databases.url(),
          env: {},
          log: context.log,
        });
        const text = reportText(report, context.projectDir, (colors) =>
          lib.renderSecurityData(report, colors),
        );
        return success(reportJson(report), text);
      }, context.debug),
  );
  return ['security_audit'];
}
