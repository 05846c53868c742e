import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { lint } from '../../src/ops/lint.js';

/** Lint applies the rules of how each layout's runner really runs a file (test/fixtures/layouts/). */
const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'layouts');

function folder(files: Record<string, string>, under = ''): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pgwarden-layout-lint-')), under);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function findings(path: string) {
  const report = await lint({ paths: [path], config });
  return report.findings.map((f) => ({
    rule: f.rule,
    where: (f.location as { file: string }).file.split('/').at(-1),
    fix: f.fix ?? '',
  }));
}

const TRANSACTION_RULES = ['migration/cannot-run-in-transaction', 'migration/nested-transaction'];
const transactionFindings = async (path: string) =>
  (await findings(path)).filter((f) => TRANSACTION_RULES.includes(f.rule)).map((f) => `${f.rule}@${f.where}`);

describe('lint reads transactions as each runner runs the file', () => {
  it('a plain .sql file that starts with -- pgwarden:no-transaction is linted without a transaction', async () => {
    const found = await findings(join(FIXTURES, 'plain', 'index_concurrently.sql'));
    expect(found.filter((f) => TRANSACTION_RULES.includes(f.rule))).toEqual([]);
    // and no fix asks to add the line that is already there
    expect(found.filter((f) => f.fix.includes('pgwarden:no-transaction'))).toEqual([]);
  });

  it('Prisma: its own BEGIN/COMMIT enum swap is not nested; CONCURRENTLY alone in a file runs outside any block', async () => {
    expect(await transactionFindings(join(FIXTURES, 'prisma', 'migrations'))).toEqual([]);
  });

  it('golang-migrate: CONCURRENTLY alone is fine; with another statement in the file, PostgreSQL refuses it', async () => {
    expect(await transactionFindings(join(FIXTURES, 'golang-migrate', 'migrations'))).toEqual([]);
    const dir = folder({
      '1_init.up.sql': 'CREATE TABLE t (id int);',
      '2_index.up.sql': 'ALTER TABLE t ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n',
    });
    expect(await transactionFindings(dir)).toEqual(['migration/cannot-run-in-transaction@2_index.up.sql']);
  });

  it('diesel with run_in_transaction = false, Flyway non-transactional scripts, dbmate transaction:false: no finding', async () => {
    expect(await transactionFindings(join(FIXTURES, 'diesel', 'migrations'))).toEqual([]);
    expect(await transactionFindings(join(FIXTURES, 'flyway', 'db', 'migration'))).toEqual([]);
    expect(await transactionFindings(join(FIXTURES, 'dbmate', 'db', 'migrations'))).toEqual([]);
  });

  it('dbmate runs `transaction: false` (with a space) in its transaction: CONCURRENTLY there is refused', async () => {
    const dir = folder(
      {
        '20240101000000_t.sql': '-- migrate:up\nCREATE TABLE t (a int);\n-- migrate:down\nDROP TABLE t;\n',
        '20240101000001_i.sql':
          '-- migrate:up transaction: false\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n-- migrate:down\n',
      },
      'db/migrations',
    );
    expect(await transactionFindings(dir)).toEqual([
      'migration/cannot-run-in-transaction@20240101000001_i.sql',
    ]);
  });
});
