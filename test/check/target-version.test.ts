import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check.js';
import { pg15ServiceUrl } from '../helpers/db.js';

const pg15 = pg15ServiceUrl();

/** A project whose second migration sets NOT NULL on a table of the first: its fix depends on the major. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-target-'));
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(
    join(dir, 'migrations', '20240101000000_accounts.sql'),
    '-- migrate:up\nCREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text, legacy text);\n-- migrate:down\nDROP TABLE accounts;\n',
  );
  writeFileSync(
    join(dir, 'migrations', '20240103000000_drop_legacy.sql'),
    '-- migrate:up\nALTER TABLE accounts DROP COLUMN legacy;\n-- migrate:down\nALTER TABLE accounts ADD COLUMN legacy text;\n',
  );
  writeFileSync(
    join(dir, 'migrations', '20240102000000_email_required.sql'),
    '-- migrate:up\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;\n-- migrate:down\nALTER TABLE accounts ALTER COLUMN email DROP NOT NULL;\n',
  );
  return dir;
}

describe.skipIf(pg15 === undefined)('check --db on a PostgreSQL 15 server', () => {
  let dir: string;
  beforeAll(() => {
    dir = project();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lints for 15 and prints only fixes that run on 15', async () => {
    const messages: string[] = [];
    const report = await checkProject({ dir, db: pg15!, explain: false, log: (m) => messages.push(m) });
    const setNotNull = report.findings.find((f) => f.rule === 'migration/set-not-null');
    expect(setNotNull, 'the SET NOT NULL finding').toBeDefined();
    // PostgreSQL 18's NOT NULL … NOT VALID is a syntax error on 15
    expect(setNotNull!.fix).not.toMatch(/NOT NULL email NOT VALID/);
    expect(setNotNull!.fix).toMatch(/CHECK \(email IS NOT NULL\) NOT VALID/);
    expect(messages.filter((m) => m.startsWith('warning:'))).toEqual([]);
    // the guard is ready when pg_dump can back up the target major (the machine's pg_dump is 15)
    expect(report.data!.scope.guard).toEqual({ ready: true, problem: null });

    // every statement of the fix runs on the server the project targets
    const client = new pg.Client({ connectionString: pg15 });
    await client.connect();
    const schema = `pgwarden_target_${process.pid}`;
    try {
      await client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
      await client.query('CREATE TABLE accounts (id bigint PRIMARY KEY, email text)');
      await client.query("INSERT INTO accounts VALUES (1, 'a@example.com')");
      const fix = setNotNull!.fix!.replaceAll('public.accounts', 'accounts');
      await client.query(fix);
      const { rows } = await client.query(
        `SELECT attnotnull FROM pg_attribute WHERE attrelid = '${schema}.accounts'::regclass AND attname = 'email'`,
      );
      expect(rows[0].attnotnull).toBe(true);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  it('lints for --pg-version when given, and warns that the server is another major', async () => {
    const messages: string[] = [];
    const report = await checkProject({
      dir,
      db: pg15!,
      explain: false,
      pgVersion: 18,
      log: (m) => messages.push(m),
    });
    expect(report.findings.find((f) => f.rule === 'migration/set-not-null')!.fix).toMatch(
      /NOT NULL email NOT VALID/,
    );
    expect(messages.filter((m) => m.startsWith('warning:'))).toEqual([
      expect.stringMatching(/--pg-version 18.*PostgreSQL 15/),
    ]);
    // the project's server is an 18: the machine's pg_dump 15 could not back it up
    expect(report.data!.scope.guard.ready).toBe(false);
    expect(report.data!.scope.guard.problem).toMatch(/cannot back up a PostgreSQL 18 server/);
  });
});
