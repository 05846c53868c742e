import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach } from 'vitest';
import { cliPath } from './cli.js';
import { sharedTempDir } from './tmp.js';

/**
 * A real MCP client talking to `pgwarden mcp --quiet <args>` over stdio, as an agent's client does: the process's
 * environment without DATABASE_URL, the run's shared embedded-server cache, no colours. Its tools are listed before
 * it is returned, so that the SDK checks every structured result against the tool's output schema.
 */
export async function startMcpClient(
  args: readonly string[],
  options: { readonly env?: Readonly<Record<string, string>>; readonly name?: string } = {},
): Promise<Client> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && key !== 'DATABASE_URL') env[key] = value;
  env.PGWARDEN_CACHE_DIR = sharedTempDir('pgwarden-mcp-cache');
  env.NO_COLOR = '1';
  Object.assign(env, options.env);
  const client = new Client({ name: options.name ?? 'pgwarden-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [cliPath, 'mcp', '--quiet', ...args],
      env,
      stderr: 'ignore',
    }),
  );
  await client.listTools();
  return client;
}

/** `startMcpClient`, each client closed after its test. */
export function useMcpClients(): (
  args: readonly string[],
  options?: Parameters<typeof startMcpClient>[1],
) => Promise<Client> {
  const open: Client[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.close()));
  });
  return async (args, options) => {
    const client = await startMcpClient(args, options);
    open.push(client);
    return client;
  };
}

/** A tool's result as the tests read it. */
export interface ToolResult {
  readonly isError?: boolean;
  readonly content: { type: string; text?: string }[];
  readonly structuredContent?: Record<string, unknown>;
}

/** Calls a tool with a long enough timeout for the embedded server's first start on a loaded machine. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 170_000 })) as ToolResult;
}

/** An error result's `{ error }` (the JSON of its last text). */
export function refusalOf(result: ToolResult): { code: string; message: string; hint?: string } {
  if (!result.isError)
    throw new Error(`expected an error result, got ${JSON.stringify(result).slice(0, 300)}`);
  return (JSON.parse(result.content.at(-1)?.text ?? '{}') as { error: { code: string; message: string } })
    .error;
}
