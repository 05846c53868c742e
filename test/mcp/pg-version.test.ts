import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import {
  callTool as call,
  refusalOf as refusal,
  type ToolResult,
  useMcpClients,
} from '../helpers/mcp-client.js';
import { migration, migrationProject } from '../helpers/project.js';

/**
 * `pg_version` on the MCP tools whose CLI command has `--pg-version`, through a real MCP client: the majors the
 * command takes (lint and tune 10 to 18, the others 13 to 18), one usage error in the CLI's words otherwise, and
 * the findings, fixes and plans for the major given, with the warning when it is not the server's.
 */
const RANGES: Readonly<Record<string, readonly [number, number]>> = {
  lint_migration: [10, 18],
  tune: [10, 18],
  review_schema: [13, 18],
  explain_query: [13, 18],
  check_project: [13, 18],
  plan_migrations: [13, 18],
};

const db = useTestDatabase();
const start = useMcpClients();

const PROJECT = {
  '20240101000000_orders.sql': migration(
    'CREATE TABLE orders (id bigint PRIMARY KEY);',
    'DROP TABLE orders;',
  ),
};

interface Finding {
  rule: string;
  fix: string | null;
}

const findings = (result: ToolResult) => (result.structuredContent as { findings: Finding[] }).findings;
const warnings = (result: ToolResult) =>
  (result.structuredContent as { targetWarnings?: string[] }).targetWarnings;
const text = (result: ToolResult) => result.content.map((c) => c.text ?? '').join('\n');

describe('pg_version on the MCP tools', () => {
  it('each tool whose CLI command has --pg-version takes it; a major out of its range or not a number is one usage error', async () => {
    const project = migrationProject(PROJECT);
    const client = await start(['--db', db().url, '--project', project.dir, '--allow-writes']);
    const { tools } = await client.listTools();
    const properties = new Map(tools.map((t) => [t.name, t.inputSchema.properties ?? {}]));
    for (const name of Object.keys(RANGES)) expect(properties.get(name), name).toHaveProperty('pg_version');
    for (const [name, [min, max]] of Object.entries(RANGES)) {
      for (const [value, shown] of [
        [min - 1, String(min - 1)],
        [max + 1, String(max + 1)],
        [16.5, '16.5'],
        ['eighteen', '"eighteen"'],
      ] as const) {
        const error = refusal(await call(client, name, { pg_version: value }));
        expect(error, `${name} ${value}`).toMatchObject({
          code: 'usage',
          // the CLI: "option '--pg-version <major>' argument '9' is invalid. a PostgreSQL major version from 13 to 18"
          message: `pg_version ${shown}: a PostgreSQL major version from ${min} to ${max}`,
        });
      }
    }
    // the server is still there, and nothing was planned
    expect((await call(client, 'migration_status')).isError).toBeFalsy();
  });

  it("the findings, fixes and plans follow pg_version, and a major that is not the server's is told to the agent", async () => {
    await db().exec('CREATE TABLE tokens (id uuid PRIMARY KEY, label text)');
    const project = migrationProject(PROJECT);
    const client = await start(['--db', db().url, '--project', project.dir, '--allow-writes']);
    const idFix = (result: ToolResult) => {
      expect(result.isError, text(result)).toBeFalsy();
      return findings(result).find((f) => f.rule === 'schema/standard-id')?.fix ?? '';
    };

    // review_schema: the key's default is uuidv7() on 18 (the server), gen_random_uuid() before
    const own = await call(client, 'review_schema', { source: 'database' });
    expect(idFix(own)).toContain('uuidv7()');
    expect(warnings(own)).toBeUndefined();
    for (const given of [17, '17']) {
      const on17 = await call(client, 'review_schema', { source: 'database', pg_version: given });
      expect(idFix(on17)).toContain('gen_random_uuid()');
      expect(idFix(on17)).not.toContain('uuidv7');
      expect(warnings(on17)).toEqual([
        expect.stringMatching(
          /^warning: pg_version 17, but the server is PostgreSQL 18: findings and fixes are for 17/,
        ),
      ]);
      expect(text(on17)).toMatch(/^warning: pg_version 17, but the server is PostgreSQL 18/);
    }

    // lint_migration: ADD COLUMN with a default rewrites the table before 11
    const rewrites = async (pgVersion: number) => {
      const result = await call(client, 'lint_migration', {
        sql: 'ALTER TABLE tokens ADD COLUMN n int DEFAULT 0;',
        pg_version: pgVersion,
      });
      expect(result.isError, text(result)).toBeFalsy();
      const data = result.structuredContent as { pgVersion: number; statements: { rewrites: string[] }[] };
      expect(data.pgVersion).toBe(pgVersion);
      return data.statements[0]!.rewrites;
    };
    expect(await rewrites(10)).not.toEqual([]);
    expect(await rewrites(18)).toEqual([]);

    // explain_query: the plan's findings for 16, said to be not the server's
    const explained = await call(client, 'explain_query', {
      sql: 'SELECT * FROM tokens',
      source: 'database',
      pg_version: 16,
    });
    expect(explained.isError, text(explained)).toBeFalsy();
    expect(warnings(explained)).toEqual([
      expect.stringMatching(/^warning: pg_version 16, but the server is PostgreSQL 18/),
    ]);

    // tune: PGTune for 16
    const tuned = await call(client, 'tune', { pg_version: 16, ram: '4GB', cpus: 2 });
    expect(tuned.isError, text(tuned)).toBeFalsy();
    expect((tuned.structuredContent as { inputs: Record<string, unknown> }).inputs.pgVersion).toEqual({
      value: 16,
      from: '--pg-version',
    });

    // plan_migrations: the plan is linted for 16, which it records (apply_migrations runs it for that major)
    const planned = await call(client, 'plan_migrations', { pg_version: 16 });
    expect(planned.isError, text(planned)).toBeFalsy();
    expect((planned.structuredContent as { pgVersion: number }).pgVersion).toBe(16);
    expect(warnings(planned)).toEqual([
      expect.stringMatching(/^warning: pg_version 16, but the server is PostgreSQL 18/),
    ]);
  });
});
