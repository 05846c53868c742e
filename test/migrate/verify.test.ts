import { describe, expect, it, onTestFinished } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { EmbeddedServer } from '../../src/db/embedded/server.js';
import { openTarget } from '../../src/db/target.js';
import { verifyMigrations } from '../../src/ops/verify.js';
import { runCli } from '../helpers/cli.js';
import { pg18Url } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';

const INIT = migration('CREATE TABLE orders (id bigint PRIMARY KEY, note text);', 'DROP TABLE orders;');

async function databases(serverUrl: string): Promise<string[]> {
  const connection = await Connection.open(serverUrl);
  try {
    return (
      await connection.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')
    ).rows.map((r) => r.datname);
  } finally {
    await connection.close();
  }
}

describe('migrate verify', () => {
  it('checks migrations without a transaction on a copy of the database, each on its own state', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_index.sql': migration(
        '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);',
        '-- pgwarden:no-transaction\nDROP INDEX CONCURRENTLY idx_orders_note;',
      ),
      '20240103000000_bad_index.sql': migration(
        '-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY idx_orders_id_note ON orders (id, note);',
        '-- pgwarden:no-transaction\nSELECT 1;',
      ),
      '20240104000000_status.sql': migration(
        "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';",
        'ALTER TABLE orders DROP COLUMN status;',
      ),
    });
    // a server of its own: other test files create and drop databases on the shared one meanwhile
    const server = await EmbeddedServer.start();
    onTestFinished(() => server.stop());
    const before = await databases(server.url);
    const result = await verifyMigrations(await openTarget({ db: server.url }), project.config);
    expect(result.results.map((r) => [r.version, r.verdict])).toEqual([
      ['20240101000000', 'reversible'],
      ['20240102000000', 'reversible'],
      ['20240103000000', 'not reversible'],
      // the next one is still checked, on the state the previous up produced
      ['20240104000000', 'reversible'],
    ]);
    expect(result.results[2]!.differences?.added).toEqual(['index:public.idx_orders_id_note']);
    expect(result.server).toMatch(/^PostgreSQL 18/);
    // the scratch database and its copies are gone
    expect(await databases(server.url)).toEqual(before);
  });

  it('reports a column put back at the end apart, and a down that fails with its error', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': migration(
        'CREATE TABLE orders (id bigint PRIMARY KEY, note text, total int);',
        'DROP TABLE orders;',
      ),
      '20240102000000_drop_note.sql': migration(
        'ALTER TABLE orders DROP COLUMN note;',
        'ALTER TABLE orders ADD COLUMN note text;',
      ),
      '20240103000000_audit.sql': migration('CREATE TABLE audit (id int);', 'DROP TABLE audit_log;'),
    });
    const result = await verifyMigrations(await openTarget({ db: pg18Url() }), project.config);
    expect(result.results.map((r) => r.verdict)).toEqual(['reversible', 'column order', 'down failed']);
    expect(result.results[2]!.error).toMatch(/line 4: table "audit_log" does not exist/);
  });

  it('exits with 1 and names every irreversible migration, or 0 when all are reversible', async () => {
    const bad = migrationProject({
      '20240101000000_init.sql': INIT,
      '20240102000000_keep.sql': migration('CREATE TABLE audit (id int);', 'SELECT 1;'),
      '20240103000000_index.sql': migration('CREATE INDEX idx_orders_note ON orders (note);'),
    });
    const failing = await runCli(['migrate', 'verify', '--db', pg18Url(), '--format', 'json'], {
      cwd: bad.dir,
    });
    expect(failing.code).toBe(1);
    const report = JSON.parse(failing.stdout) as { findings: { rule: string; message: string }[] };
    expect(report.findings.map((f) => f.rule).sort()).toEqual([
      'migration/irreversible',
      'migration/missing-down',
    ]);
    expect(report.findings.find((f) => f.rule === 'migration/irreversible')!.message).toMatch(
      /\+ table:public\.audit/,
    );

    const good = migrationProject({ '20240101000000_init.sql': INIT });
    const passing = await runCli(['migrate', 'verify', '--db', pg18Url()], { cwd: good.dir });
    expect(passing.stderr).not.toMatch(/error/i);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/Verified 1 migration\(s\) on a scratch database of PostgreSQL 18/);
    expect(passing.stdout).not.toContain('postgres@');
  });
});
