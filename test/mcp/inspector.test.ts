import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';
import { sharedTempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

/**
 * The MCP Inspector's CLI mode (`npx @modelcontextprotocol/inspector --cli …`), from its own npm package
 * (@modelcontextprotocol/inspector-cli, a devDependency): a second real client, which lists the tools before each
 * call, as the inspector does, and prints each result as JSON.
 */
const inspector = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector-cli/package.json')),
  'build',
  'cli.js',
);
// inspector-cli 1.0.3 looks for its package.json at "../package.json" relative to the working directory (its own
// bug): any folder whose parent holds a package.json will do; dist/ of this repository is one
const inspectorCwd = dirname(dirname(cliPath));

interface Tool {
  name: string;
  annotations?: { readOnlyHint?: boolean };
  outputSchema?: Record<string, unknown>;
}

interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

describe('pgwarden mcp driven by the MCP Inspector CLI', () => {
  const db = useTestDatabase();

  it('lists the tools and calls every read tool; each result matches its declared output schema', {
    timeout: 600_000,
  }, async () => {
    await db().exec(`CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL);
INSERT INTO orders (customer_id, status) SELECT g % 500, 'new' FROM generate_series(1, 5000) g; ANALYZE orders;`);
    const project = migrationProject({
      '20240101000000_orders.sql': migration(
        'CREATE TABLE orders (id bigint PRIMARY KEY);',
        'DROP TABLE orders;',
      ),
    });
    mkdirSync(join(project.dir, 'logs'));
    writeFileSync(
      join(project.dir, 'logs', 'postgresql.log'),
      [
        '2024-05-01 10:00:00.000 UTC [101] LOG:  duration: 1250.000 ms  statement: SELECT * FROM orders WHERE customer_id = 7',
        '2024-05-01 10:00:01.000 UTC [102] ERROR:  relation "missing" does not exist',
        '2024-05-01 10:00:01.000 UTC [102] STATEMENT:  SELECT * FROM missing',
        '',
      ].join('\n'),
    );
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env))
      if (value !== undefined && key !== 'DATABASE_URL') env[key] = value;
    env.PGWARDEN_CACHE_DIR = sharedTempDir('pgwarden-mcp-cache');
    env.NO_COLOR = '1';
    const server = [process.execPath, cliPath, 'mcp', '--quiet', '--db', db().url, '--project', project.dir];
    const inspect = async (...args: string[]): Promise<unknown> => {
      const { stdout } = await run(process.execPath, [inspector, '--cli', ...server, ...args], {
        cwd: inspectorCwd,
        env,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 300_000,
      });
      return JSON.parse(stdout);
    };

    const { tools } = (await inspect('--method', 'tools/list')) as { tools: Tool[] };
    const calls: Record<string, string[]> = {
      lint_migration: ['sql=ALTER TABLE orders ADD COLUMN note text NOT NULL;'],
      review_schema: [],
      explain_query: ['sql=SELECT * FROM orders WHERE customer_id = 7'],
      inspect_table: ['table=orders'],
      migration_status: [],
      check_project: ['explain=false'],
      analyze_logs: ['paths=["logs/postgresql.log"]'],
      health: [],
      backup_status: [],
      tune: ['ram=8GB', 'cpus=4'],
      advise_indexes: ['sql=SELECT * FROM orders WHERE customer_id = 7'],
      security_audit: [],
    };
    const readTools = tools.filter((t) => t.annotations?.readOnlyHint === true).map((t) => t.name);
    // every read tool is called below, except plan_migrations: read-only, but refused without --allow-writes
    expect(readTools.filter((name) => name !== 'plan_migrations').sort()).toEqual(Object.keys(calls).sort());

    const ajv = new Ajv({ strict: false, allErrors: true });
    const results = new Map<string, ToolResult>();
    const names = Object.keys(calls);
    // two inspector processes (each with its own server) at a time
    for (let i = 0; i < names.length; i += 2) {
      await Promise.all(
        names.slice(i, i + 2).map(async (name) => {
          const args = calls[name]!.flatMap((a) => ['--tool-arg', a]);
          results.set(
            name,
            (await inspect('--method', 'tools/call', '--tool-name', name, ...args)) as ToolResult,
          );
        }),
      );
    }
    for (const name of names) {
      const result = results.get(name)!;
      expect(result.isError, `${name}: ${JSON.stringify(result.content).slice(0, 500)}`).toBeFalsy();
      const tool = tools.find((t) => t.name === name)!;
      expect(tool.outputSchema, name).toBeDefined();
      const { $schema: _, ...schema } = tool.outputSchema!;
      const validate = ajv.compile(schema);
      expect(validate(result.structuredContent), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(result.structuredContent).toMatchObject({ tool: 'pgwarden' });
    }
    expect(results.get('inspect_table')!.structuredContent).toMatchObject({
      table: { qualifiedName: 'public.orders' },
    });

    const refused = (await inspect('--method', 'tools/call', '--tool-name', 'plan_migrations')) as ToolResult;
    expect(refused.isError).toBe(true);
    expect(refused.content.at(-1)?.text).toContain('writes-disabled');
  });
});
