import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { pg18Url, useTestDatabase } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';
import { sharedTempDir } from '../helpers/tmp.js';

const cacheDir = sharedTempDir('pgwarden-mcp-cache');

interface ToolResult {
  readonly isError?: boolean;
  readonly content: { type: string; text?: string }[];
  readonly structuredContent?: Record<string, unknown>;
}

interface Session {
  readonly client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  /** Everything the server said: results, prompts, resources and its stderr log. */
  readonly seen: string[];
  stderr(): string;
}

const open: Client[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

/** Starts the built server (`pgwarden mcp …`) as an MCP client does, over stdio. */
async function start(args: string[], options: { cwd?: string } = {}): Promise<Session> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  delete env.DATABASE_URL;
  env.PGWARDEN_CACHE_DIR = cacheDir;
  env.NO_COLOR = '1';
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cliPath, 'mcp', ...args],
    env,
    cwd: options.cwd,
    stderr: 'pipe',
  });
  let log = '';
  transport.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  const client = new Client({ name: 'pgwarden-test', version: '1.0.0' });
  await client.connect(transport);
  open.push(client);
  // as real clients do: list the tools first, so the SDK validates every structured result against the tool's
  // declared output schema (a result that does not match makes callTool throw)
  await client.listTools();
  const seen: string[] = [];
  return {
    client,
    seen,
    stderr: () => log,
    async call(name, args = {}) {
      const result = (await client.callTool({ name, arguments: args }, undefined, {
        timeout: 170_000,
      })) as ToolResult;
      seen.push(JSON.stringify(result));
      return result;
    },
  };
}

const text = (result: ToolResult) => result.content.map((c) => c.text ?? '').join('\n');
const structured = <T = Record<string, unknown>>(result: ToolResult) => result.structuredContent as T;
/** An error result: isError, no structured content (clients would check it against the output schema), its
 * `{ error }` as the JSON of the last text. */
const errorOf = (result: ToolResult) => {
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  const last = result.content.at(-1)?.text ?? '';
  return (JSON.parse(last) as { error: { code: string; message: string; hint?: string } }).error;
};

/** The password of the test server: it must never appear in anything the MCP server says. */
const password = () => decodeURIComponent(new URL(pg18Url()).password);

const ORDERS = `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO orders (customer_id, status) SELECT g % 500, 'new' FROM generate_series(1, 20000) g;
ANALYZE orders;`;

describe('pgwarden mcp', () => {
  const db = useTestDatabase();

  it('lists its tools, prompts and resources; every prompt and a rule page can be read', async () => {
    const project = migrationProject({});
    const mcp = await start(['--db', db().url, '--project', project.dir]);
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'lint_migration',
      'review_schema',
      'explain_query',
      'inspect_table',
      'migration_status',
      'plan_migrations',
      'apply_migrations',
      'check_project',
      'analyze_logs',
      'health',
      'backup_status',
      'tune',
      'advise_indexes',
      'security_audit',
    ]);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
    }
    expect(tools.find((t) => t.name === 'lint_migration')?.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'apply_migrations')?.annotations?.destructiveHint).toBe(true);

    const { prompts } = await mcp.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['data', 'db', 'sql', 'query']);
    const expectedTool = {
      data: 'review_schema',
      db: 'migration_status',
      sql: 'lint_migration',
      query: 'explain_query',
    };
    for (const prompt of prompts) {
      expect(prompt.arguments).toEqual([expect.objectContaining({ name: 'request', required: false })]);
      const bare = await mcp.client.getPrompt({ name: prompt.name });
      const withRequest = await mcp.client.getPrompt({
        name: prompt.name,
        arguments: { request: 'orders are slow to list per customer' },
      });
      for (const result of [bare, withRequest]) {
        const body = result.messages.map((m) => (m.content.type === 'text' ? m.content.text : '')).join('\n');
        expect(body).toMatch(/Integrity first/);
        expect(body).toMatch(/Performance by design/);
        expect(body).toMatch(/Safety first/);
        expect(body).toMatch(/No N\+1/);
        expect(body).toMatch(/Analyse[\s\S]*Design[\s\S]*Execute[\s\S]*Self-check/);
        expect(body).toContain(expectedTool[prompt.name as keyof typeof expectedTool]);
      }
      const asked = withRequest.messages[0]!.content;
      expect(asked.type === 'text' && asked.text).toContain('orders are slow to list per customer');
    }

    const { resources } = await mcp.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('pgwarden://rules/sql/syntax-error');
    expect(uris).toContain('pgwarden://rules/migration/require-concurrent-index');
    expect(uris).toContain('pgwarden://rules');
    const page = await mcp.client.readResource({
      uri: 'pgwarden://rules/migration/require-concurrent-index',
    });
    const first = page.contents[0]!;
    expect(first.mimeType).toBe('text/markdown');
    expect('text' in first && first.text).toMatch(/CONCURRENTLY/);
    const index = await mcp.client.readResource({ uri: 'pgwarden://rules' });
    expect('text' in index.contents[0]! && index.contents[0].text).toContain(
      '(pgwarden://rules/sql/syntax-error)',
    );
  });

  it('lints, reviews, explains, inspects and reports status on a live database, read-only', async () => {
    await db().exec(ORDERS);
    const project = migrationProject({
      '20240101000000_orders_index.sql': migration(
        'CREATE INDEX orders_customer_idx ON orders (customer_id);',
        'DROP INDEX orders_customer_idx;',
      ),
    });
    const mcp = await start(['--db', db().url, '--project', project.dir]);

    // lint SQL text: locks per statement, severity from the real table (read from the database)
    const lintText = await mcp.call('lint_migration', {
      sql: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_status_idx ON orders (status);\n',
    });
    expect(lintText.isError).toBeFalsy();
    const lint = structured<{
      files: string[];
      findings: { rule: string; location: { file: string; line: number } }[];
      statements: { file: string; line: number; locks: { relation: string; mode: string }[] }[];
    }>(lintText);
    expect(lint.files).toEqual(['input.sql']);
    expect(lint.findings.map((f) => f.rule)).toContain('migration/require-concurrent-index');
    expect(
      lint.findings.find((f) => f.rule === 'migration/require-concurrent-index')?.location,
    ).toMatchObject({
      file: 'input.sql',
      line: 2,
    });
    expect(lint.statements[1]).toMatchObject({
      file: 'input.sql',
      line: 2,
      locks: [expect.objectContaining({ relation: 'public.orders', mode: 'ShareLock' })],
    });
    expect(text(lintText)).toMatch(/input\.sql:2 CREATE INDEX .* public\.orders ShareLock \(blocks writes\)/);
    expect(text(lintText)).not.toMatch(/pgwarden-mcp-/);

    // lint the project's migrations folder (the default)
    const lintFolder = structured<{ files: string[]; findings: { rule: string }[] }>(
      await mcp.call('lint_migration', {}),
    );
    expect(lintFolder.files).toHaveLength(1);
    expect(lintFolder.findings.map((f) => f.rule)).toContain('migration/require-concurrent-index');

    const review = await mcp.call('review_schema');
    expect(review.isError).toBeFalsy();
    expect(structured(review)).toMatchObject({ command: 'schema', kind: 'live', tables: 1 });

    const explain = await mcp.call('explain_query', {
      sql: 'SELECT * FROM orders WHERE customer_id = $1',
      params: [42],
    });
    expect(explain.isError).toBeFalsy();
    const explained = structured<{ statement: string; rolledBack: boolean; findings: { rule: string }[] }>(
      explain,
    );
    expect(explained.statement).toContain('customer_id');
    expect(explained.rolledBack).toBe(false);
    expect(text(explain)).toMatch(/Seq Scan on (public\.)?orders/);

    // a write would run under EXPLAIN ANALYZE: refused on a read-only server, the plan alone is fine
    const write = await mcp.call('explain_query', { sql: "UPDATE orders SET status = 'x' WHERE id = 1" });
    expect(write.isError).toBe(true);
    expect(errorOf(write).message).toMatch(/read-only/);
    expect(errorOf(write).hint).toMatch(/analyze: false/);
    const planOnly = await mcp.call('explain_query', {
      sql: "UPDATE orders SET status = 'x' WHERE id = 1",
      analyze: false,
    });
    expect(planOnly.isError).toBeFalsy();
    const { rows } = await (await db().connect()).query(
      "SELECT count(*)::int AS n FROM orders WHERE status = 'x'",
    );
    expect(rows[0]!.n).toBe(0);

    const table = await mcp.call('inspect_table', { table: 'orders' });
    expect(table.isError).toBeFalsy();
    const inspected = structured<{ table: { qualifiedName: string; columns: { name: string }[] } }>(table);
    expect(inspected.table.qualifiedName).toBe('public.orders');
    expect(inspected.table.columns.map((c) => c.name)).toEqual(['id', 'customer_id', 'status', 'created_at']);
    expect(structured(table)).not.toHaveProperty('snapshot');
    const list = structured<{ tables: { name: string }[] }>(await mcp.call('inspect_table'));
    expect(list.tables.map((t) => t.name)).toEqual(['public.orders']);
    const typo = await mcp.call('inspect_table', { table: 'order' });
    expect(typo.isError).toBe(true);
    expect(errorOf(typo)).toMatchObject({
      code: 'input',
      hint: expect.stringMatching(/did you mean "orders"/),
    });

    const status = await mcp.call('migration_status');
    expect(status.isError).toBeFalsy();
    expect(structured<{ statuses: { state: string }[] }>(status).statuses.map((s) => s.state)).toEqual([
      'pending',
    ]);
    // the URL as given: the read-only session option the server adds is not shown
    expect(structured<{ database: string }>(status).database).toBe(db().url.replace(/:[^:@/]+@/, ':***@'));
    // read-only: the status call created no history table, and no index was built
    const { rows: tables } = await (await db().connect()).query(
      "SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('migrations', 'orders_customer_idx', 'orders_status_idx')",
    );
    expect(tables[0]!.n).toBe(0);

    for (const result of mcp.seen) expect(result).not.toContain(password());
    expect(mcp.stderr()).not.toContain(password());
  });

  it('bad input is a structured error, never a crash', async () => {
    const project = migrationProject({});
    const mcp = await start(['--db', db().url, '--project', project.dir]);
    const wrongType = await mcp.call('lint_migration', { pg_version: 'eighteen' });
    expect(wrongType.isError).toBe(true);
    expect(text(wrongType)).toMatch(/pg_version/);
    const both = await mcp.call('lint_migration', { sql: 'SELECT 1;', paths: ['x.sql'] });
    expect(both.isError).toBe(true);
    expect(errorOf(both)).toMatchObject({ code: 'usage', message: expect.stringMatching(/not both/) });
    const missing = await mcp.call('lint_migration', { paths: ['nope/'] });
    expect(errorOf(missing)).toMatchObject({ code: 'input', message: expect.stringMatching(/no such file/) });
    const syntax = await mcp.call('explain_query', { sql: 'SELEC 1' });
    expect(syntax.isError).toBe(true);
    expect(errorOf(syntax).message).toMatch(/syntax/i);
    const nothing = await mcp.call('explain_query', {});
    expect(errorOf(nothing)).toMatchObject({ code: 'usage', message: 'nothing to explain' });
    const badFiles = await mcp.call('review_schema', { source: 'files' });
    expect(errorOf(badFiles).message).toMatch(/needs "files"/);
    // the server is still there
    expect((await mcp.call('migration_status')).isError).toBeFalsy();
  });

  it('refuses plan and apply without --allow-writes, saying how to enable them', async () => {
    const project = migrationProject({
      '20240101000000_orders.sql': migration(
        'CREATE TABLE orders (id bigint PRIMARY KEY);',
        'DROP TABLE orders;',
      ),
    });
    const mcp = await start(['--db', db().url, '--project', project.dir]);
    for (const [tool, args] of [
      ['plan_migrations', {}],
      ['apply_migrations', { plan_id: 'anything', approval: 'anything' }],
    ] as const) {
      const refused = await mcp.call(tool, args);
      expect(refused.isError).toBe(true);
      expect(errorOf(refused)).toMatchObject({
        code: 'writes-disabled',
        hint: expect.stringContaining('--allow-writes'),
      });
    }
    const { rows } = await (await db().connect()).query("SELECT to_regclass('public.orders') AS t");
    expect(rows[0]!.t).toBeNull();
  });

  it('with --allow-writes: plan, then apply exactly that plan, once', async () => {
    const project = migrationProject({
      '20240101000000_orders.sql': migration(
        'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL);',
        'DROP TABLE orders;',
      ),
      '20240102000000_orders_status.sql': migration(
        'CREATE INDEX orders_status_idx ON orders (status);',
        'DROP INDEX orders_status_idx;',
      ),
    });
    const mcp = await start(['--db', db().url, '--project', project.dir, '--allow-writes']);

    const unknown = await mcp.call('apply_migrations', { plan_id: 'not-a-plan', approval: 'anything' });
    expect(unknown.isError).toBe(true);
    expect(errorOf(unknown).code).toBe('plan-not-found');

    const planned = await mcp.call('plan_migrations');
    expect(planned.isError).toBeFalsy();
    const plan = structured<{
      planId: string;
      planHash: string;
      to: string;
      migrations: {
        version: string;
        checksum: string;
        statements: { sql: string; locks: { mode: string }[] }[];
      }[];
      findings: { rule: string }[];
      checksums: Record<string, string>;
    }>(planned);
    expect(plan.planId).toMatch(/^[0-9a-f-]{36}$/);
    expect(plan.to).toBe('20240102000000');
    expect(plan.migrations.map((m) => m.version)).toEqual(['20240101000000', '20240102000000']);
    expect(plan.migrations[1]!.statements[0]).toMatchObject({
      sql: expect.stringContaining('CREATE INDEX orders_status_idx'),
      locks: [expect.objectContaining({ mode: 'ShareLock' })],
    });
    expect(plan.findings.map((f) => f.rule)).toContain('migration/require-concurrent-index');
    expect(Object.keys(plan.checksums)).toHaveLength(2);
    expect(text(planned)).toMatch(/Show this plan to the user/);
    // planning changed nothing
    const conn = await db().connect();
    expect((await conn.query("SELECT to_regclass('public.orders') AS t")).rows[0]!.t).toBeNull();

    const applied = await mcp.call('apply_migrations', { plan_id: plan.planId, approval: plan.planHash });
    expect(applied.isError).toBeFalsy();
    expect(structured(applied)).toMatchObject({ applied: ['20240101000000', '20240102000000'] });
    expect((await conn.query("SELECT to_regclass('public.orders_status_idx') AS t")).rows[0]!.t).toBe(
      'orders_status_idx',
    );
    const history = await conn.query('SELECT version, checksum FROM pgwarden.migrations ORDER BY version');
    expect(history.rows.map((r) => r.checksum)).toEqual(plan.migrations.map((m) => m.checksum));

    const again = await mcp.call('apply_migrations', { plan_id: plan.planId, approval: plan.planHash });
    expect(again.isError).toBe(true);
    expect(errorOf(again).code).toBe('plan-used');
    const status = await mcp.call('migration_status');
    expect(structured<{ statuses: { state: string }[] }>(status).statuses.map((s) => s.state)).toEqual([
      'applied',
      'applied',
    ]);
    const nothing = await mcp.call('plan_migrations');
    expect(structured(nothing)).toMatchObject({ planId: null });
  });

  it('refuses a plan whose files changed, or that expired; lists what the guard backs up', async () => {
    await db().exec('CREATE TABLE legacy (id int); INSERT INTO legacy VALUES (1);');
    const project = migrationProject({
      '20240101000000_orders.sql': migration(
        'CREATE TABLE orders (id bigint PRIMARY KEY);\nDROP TABLE legacy;',
        'DROP TABLE orders;',
      ),
    });
    const mcp = await start(['--db', db().url, '--project', project.dir, '--allow-writes']);
    const first = structured<{
      planId: string;
      planHash: string;
      guardBackups: boolean;
      migrations: { destructive: { action: string; backup: { tables: string[] } }[] }[];
    }>(await mcp.call('plan_migrations'));
    expect(first.guardBackups).toBe(true);
    expect(first.migrations[0]!.destructive).toEqual([
      expect.objectContaining({
        action: 'DROP TABLE public.legacy',
        backup: expect.objectContaining({ tables: ['public.legacy'] }),
      }),
    ]);

    project.write(
      '20240101000000_orders.sql',
      migration('CREATE TABLE orders (id bigint PRIMARY KEY);', 'DROP TABLE orders;'),
    );
    const stale = await mcp.call('apply_migrations', { plan_id: first.planId, approval: first.planHash });
    expect(stale.isError).toBe(true);
    expect(errorOf(stale)).toMatchObject({
      code: 'plan-stale',
      message: expect.stringContaining('20240101000000 changed'),
    });
    expect(
      errorOf(await mcp.call('apply_migrations', { plan_id: first.planId, approval: first.planHash })).code,
    ).toBe('plan-stale');

    // a new migration appearing after the plan is a change too
    const second = structured<{ planId: string; planHash: string }>(await mcp.call('plan_migrations'));
    project.write('20240102000000_more.sql', migration('CREATE TABLE more (id int);', 'DROP TABLE more;'));
    expect(
      errorOf(await mcp.call('apply_migrations', { plan_id: second.planId, approval: second.planHash })),
    ).toMatchObject({
      code: 'plan-stale',
      message: expect.stringContaining('20240102000000 added'),
    });

    // expiry, on a server whose plans last a second: applied once the plan's own expiry time has passed (the
    // server above keeps its plans valid for the default 30 minutes, so a slow machine never turns 'stale' into
    // 'expired' there)
    const shortLived = await start([
      '--db',
      db().url,
      '--project',
      project.dir,
      '--allow-writes',
      '--plan-ttl',
      '1',
    ]);
    const third = structured<{ planId: string; planHash: string; expiresAt: string }>(
      await shortLived.call('plan_migrations'),
    );
    while (Date.now() <= Date.parse(third.expiresAt)) await new Promise((r) => setTimeout(r, 50));
    expect(
      errorOf(await shortLived.call('apply_migrations', { plan_id: third.planId, approval: third.planHash }))
        .code,
    ).toBe('plan-expired');

    const { rows } = await (await db().connect()).query(
      "SELECT to_regclass('public.orders') AS orders, to_regclass('public.legacy') AS legacy",
    );
    expect(rows[0]!).toEqual({ orders: null, legacy: 'legacy' });
  });

  it("on the embedded server: the migrations' schema reviewed, explained and checked; plan and apply on the project database", {
    timeout: 240_000,
  }, async () => {
    const project = migrationProject({
      '20240101000000_orders.sql': migration(
        'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL);',
        'DROP TABLE orders;',
      ),
    });
    mkdirSync(join(project.dir, 'db'));
    writeFileSync(join(project.dir, 'db', 'schema.sql'), 'CREATE TABLE items (id int, price float);\n');
    const mcp = await start(['--project', project.dir, '--allow-writes']);

    // SQL text is linted after the project's migrations: the linter knows orders.customer_id is a bigint
    const lint = await mcp.call('lint_migration', {
      sql: 'ALTER TABLE orders ALTER COLUMN customer_id TYPE integer;',
    });
    const linted = structured<{
      files: string[];
      findings: { rule: string; message: string; location: { file: string } }[];
    }>(lint);
    expect(linted.files).toEqual(['input.sql']);
    expect(linted.findings.every((f) => f.location.file === 'input.sql')).toBe(true);
    const typeChange = linted.findings.find((f) => f.rule === 'migration/change-column-type');
    expect(typeChange?.message).toMatch(/bigint|int8/);
    expect(typeChange?.message).not.toMatch(/does not know the old type/);
    expect(text(lint)).toMatch(/after migrations \(read first for what they create\)/);

    const review = await mcp.call('review_schema');
    expect(review.isError).toBeFalsy();
    expect(structured(review)).toMatchObject({ kind: 'shadow', tables: 1 });
    const files = await mcp.call('review_schema', { files: ['db/schema.sql'] });
    expect(structured<{ findings: { rule: string }[] }>(files).findings.length).toBeGreaterThan(0);

    const explain = await mcp.call('explain_query', { sql: 'SELECT * FROM orders WHERE customer_id = 7' });
    expect(explain.isError).toBeFalsy();
    expect(structured<{ source: string }>(explain).source).toMatch(
      /shadow database built from the 1 migration/,
    );

    const items = await mcp.call('inspect_table', { table: 'items', files: ['db/schema.sql'] });
    expect(structured<{ table: { columns: { name: string }[] } }>(items).table.columns).toHaveLength(2);

    const check = await mcp.call('check_project', { explain: false });
    expect(check.isError).toBeFalsy();
    expect(structured(check)).toMatchObject({ command: 'check', done: expect.any(Boolean) });
    expect(text(check)).toMatch(/migration/i);

    const plan = structured<{ planId: string; planHash: string; guardBackups: boolean }>(
      await mcp.call('plan_migrations'),
    );
    expect(plan.guardBackups).toBe(false);
    const applied = await mcp.call('apply_migrations', { plan_id: plan.planId, approval: plan.planHash });
    expect(applied.isError).toBeFalsy();
    expect(structured(applied)).toMatchObject({ applied: ['20240101000000'] });
    const status = await mcp.call('migration_status');
    expect(structured<{ database: string; statuses: { state: string }[] }>(status)).toMatchObject({
      database: expect.stringMatching(/embedded PostgreSQL .*database pgwarden_pgwarden_project_/),
      statuses: [{ state: 'applied' }],
    });
    const table = await mcp.call('inspect_table', { table: 'orders' });
    expect(structured<{ table: { qualifiedName: string } }>(table).table.qualifiedName).toBe('public.orders');
  });
});
