import type { GlobalOptions } from '../context.js';

export interface McpCliOptions {
  readonly db?: string;
  readonly allowWrites?: boolean;
  readonly project?: string;
  readonly planTtl?: number;
}

/** `pgwarden mcp`: serves the MCP protocol on stdio until the client disconnects. */
export async function runMcp(options: McpCliOptions, global: GlobalOptions): Promise<void> {
  const { serveStdio } = await import('../../mcp/server.js');
  await serveStdio({
    project: options.project,
    config: global.config,
    db: options.db,
    allowWrites: options.allowWrites === true,
    planTtl: options.planTtl,
    quiet: global.quiet === true,
    debug: global.debug === true,
  });
}
