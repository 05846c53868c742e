/**
 * `pgwarden mcp`: the MCP face. A thin layer over the library API, as the CLI is: each tool parses its input,
 * calls the library and returns the report (structured, and as text). Read-only unless --allow-writes.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as lib from '../index.js';
import { registerAdvise } from './advise.js';
import { registerBackupTools } from './backup.js';
import { callAware, logProgress } from './calls.js';
import { registerCheck } from './check.js';
import type { McpContext } from './context.js';
import { Databases, hideReadOnlyOption } from './databases.js';
import { registerHealth } from './health.js';
import { registerLogTools } from './logs.js';
import { registerPlanTools } from './plans.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { registerSecurity } from './security.js';
import { registerReadTools } from './tools.js';
import { registerTune } from './tune.js';

export interface McpServeOptions {
  /** The project folder: migrations and config are found there (default: the working directory). */
  readonly project?: string;
  /** A config file (default: pgwarden.config.json found upward from the project). */
  readonly config?: string;
  readonly db?: string;
  readonly allowWrites?: boolean;
  /** How long a migration plan stays valid, in seconds (default 1800). */
  readonly planTtl?: number;
  readonly quiet?: boolean;
  readonly debug?: boolean;
}

export const DEFAULT_PLAN_TTL_SECONDS = 30 * 60;

/** The largest message the server reads (bytes). The tools bound their inputs well below it. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The operator's limit on the timeouts an agent may ask for: PGWARDEN_MCP_MAX_TIMEOUT_MS, default 10 minutes. */
function operatorTimeoutLimit(): number {
  const value = Number(process.env.PGWARDEN_MCP_MAX_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 && value <= 2_147_483_647 ? value : 10 * 60_000;
}

function instructions(context: McpContext): string {
  return [
    "pgwarden is a PostgreSQL DBA's toolkit. Its tools lint migrations (locks per statement, rewrites, destructive statements), review schemas, explain queries, inspect tables and report migration status.",
    `The database: ${context.databases.described}. ${context.allowWrites ? 'Writes are allowed (--allow-writes): apply migrations with plan_migrations, show the plan to the user, then apply_migrations with its plan_id once they approve.' : 'The server is read-only: every session it opens is READ ONLY; plan_migrations and apply_migrations are refused (start it with --allow-writes to enable them).'}`,
    'The prompts data, db, sql and query set out the method for modelling, database work, writing SQL and query performance. Rule documentation is in the resources pgwarden://rules/<id>.',
  ].join('\n');
}

/** The MCP server with every tool, prompt and resource registered (not yet connected). */
export function createMcpServer(context: McpContext): McpServer {
  const server = new McpServer(
    { name: 'pgwarden', title: 'pgwarden — a PostgreSQL DBA', version: lib.VERSION },
    { instructions: instructions(context) },
  );
  // every tool: its log as progress notifications, its database work stopped when the client cancels
  callAware(server);
  // the prompts mention only the tools this server has
  const tools = new Set([
    ...registerReadTools(server, context),
    ...registerPlanTools(server, context),
    ...registerCheck(server, context),
    ...registerLogTools(server, context),
    ...registerHealth(server, context),
    ...registerBackupTools(server, context),
    ...registerTune(server, context),
    ...registerAdvise(server, context),
    ...registerSecurity(server, context),
  ]);
  registerPrompts(server, tools);
  registerResources(server);
  return server;
}

async function projectFolder(path: string): Promise<string> {
  const dir = resolve(path);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new lib.PgwardenError('usage', `--project ${path}: not a folder`, {
      hint: "the project's folder: where its migrations and pgwarden.config.json are",
    });
  return dir;
}

/** Serves MCP on stdin/stdout until the client closes the connection. */
export async function serveStdio(options: McpServeOptions): Promise<void> {
  const projectDir = await projectFolder(options.project ?? process.cwd());
  const config = lib.loadConfig({
    cwd: projectDir,
    path: options.config === undefined ? undefined : resolve(options.config),
  });
  const log = (message: string) => {
    // stdout is the MCP channel: progress goes to stderr, which clients keep as the server's log
    if (!options.quiet) process.stderr.write(`pgwarden: ${hideReadOnlyOption(lib.redact(message))}\n`);
    // and to the client, as progress of the tool call that logged it (when it asked for progress)
    logProgress(hideReadOnlyOption(lib.redact(message)));
  };
  const allowWrites = options.allowWrites === true;
  const databases = new Databases({ db: options.db, config, allowWrites, log });
  const context: McpContext = {
    projectDir,
    config,
    databases,
    allowWrites,
    planTtlMs: (options.planTtl ?? DEFAULT_PLAN_TTL_SECONDS) * 1000,
    debug: options.debug === true,
    maxTimeoutMs: operatorTimeoutLimit(),
    log,
  };
  const server = createMcpServer(context);
  // a message larger than this closes the transport (the SDK cannot answer a request it could not read): say so
  const transport = new StdioServerTransport(undefined, undefined, {
    maxBufferSize: MAX_MESSAGE_BYTES,
  } as never);
  server.server.onerror = (error) => log(`MCP transport: ${lib.errorMessage(error)}`);
  const closed = new Promise<void>((done) => {
    server.server.onclose = () => done();
  });
  // the client went away (it closes our stdin): stop serving
  process.stdin.once('end', () => {
    void server.close();
  });
  await server.connect(transport);
  log(
    `MCP server ready on stdio for ${projectDir}; database: ${databases.described}; ${allowWrites ? 'writes ALLOWED (plan → approve → apply)' : 'read-only'}`,
  );
  try {
    await closed;
  } finally {
    await databases.close();
  }
}
