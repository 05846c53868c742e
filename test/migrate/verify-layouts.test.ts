import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check.js';
import { parseConfig } from '../../src/core/config.js';
import { openTarget } from '../../src/db/target.js';
import { verifyReport } from '../../src/ops/verify.js';
import { pg15ServiceUrl } from '../helpers/db.js';

/** migrate verify and check on what real folders contain (test/fixtures/layouts/), on the PostgreSQL 15 service. */
const PG15 = pg15ServiceUrl();
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'layouts');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-verify-layouts-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function verify(dir: string) {
  const target = await openTarget({ db: PG15! });
  try {
    const report = await verifyReport(target, { config: parseConfig({}, 'test'), path: null, dir }, { dir });
    return report.findings.map(
      (f) => `${f.rule}@${(f.location as { file: string }).file.split('/').slice(-2).join('/')}`,
    );
  } finally {
    await target.close();
  }
}

/** A diesel project whose second down has a syntax error (real projects ship such downs). */
const BROKEN_DOWN = {
  'migrations/2024-01-01-000000_create_a/up.sql': 'CREATE TABLE a (id int);\n',
  'migrations/2024-01-01-000000_create_a/down.sql': 'DROP TABLE a;\n',
  'migrations/2024-01-02-000000_add_b/up.sql': 'ALTER TABLE a ADD COLUMN b int;\n',
  'migrations/2024-01-02-000000_add_b/down.sql': 'ALTER TABLE a DROP COLUMN b\nDROP INDEX nothing;\n',
  'migrations/README.md': 'diesel migration run\n',
};

describe.skipIf(!PG15)('migrate verify and check on real folders', () => {
  it('a down with a syntax error is a down-fails finding, and the migrations after it are still verified', async () => {
    const dir = project({
      ...BROKEN_DOWN,
      'migrations/2024-01-03-000000_add_c/up.sql': 'ALTER TABLE a ADD COLUMN c int;\n',
    });
    const findings = await verify(join(dir, 'migrations'));
    expect(findings).toEqual([
      'migration/down-fails@2024-01-02-000000_add_b/up.sql',
      'migration/missing-down@2024-01-03-000000_add_c/up.sql',
    ]);
  });

  it('dbmate blocks: every down (in file order, each with its own transaction:false) undoes its up', async () => {
    expect(await verify(join(FIXTURES, 'dbmate-sections', 'db', 'migrations'))).toEqual([]);
  });

  it('Prisma and Flyway (no down migrations) get no missing-down finding per migration', async () => {
    expect(
      (await verify(join(FIXTURES, 'prisma', 'migrations'))).filter((f) =>
        f.startsWith('migration/missing-down'),
      ),
    ).toEqual([]);
    expect(
      (await verify(join(FIXTURES, 'flyway', 'db', 'migration'))).filter((f) =>
        f.startsWith('migration/missing-down'),
      ),
    ).toEqual([]);
  });

  it('check reports the broken down as down-fails instead of stopping with an internal error', async () => {
    const dir = project({ ...BROKEN_DOWN, 'pgwarden.config.json': '{}' });
    const report = await checkProject({ dir, db: PG15!, explain: false });
    expect(report.findings.map((f) => f.rule)).toContain('migration/down-fails');
  });
});
