import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/core/config.js';
import { lint } from '../../src/ops/lint.js';
import { renderLintData } from '../../src/ops/render.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import { useTestDatabase } from '../helpers/db.js';

const plain = createColors(false);
const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-lint-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const INIT =
  '-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, note varchar(20));\n-- migrate:down\nDROP TABLE orders;\n';

describe('lint of a migrations folder', () => {
  it('lints up sections in version order, with what earlier migrations created', async () => {
    const dir = folder({
      '20240101000000_init.sql': INIT,
      '20240102000000_index.sql':
        '-- migrate:up\nCREATE INDEX idx_orders_user_id ON orders (user_id);\n-- migrate:down\nDROP INDEX idx_orders_user_id;\n',
      '20240103000000_type.sql':
        "-- migrate:up\nSET lock_timeout = '1s';\nALTER TABLE orders ALTER COLUMN note TYPE text;\n-- migrate:down\nSELECT 1;\n",
    });
    const report = await lint({ paths: [dir], config });
    const rules = report.findings.map(
      (f) =>
        `${f.rule}@${(f.location as { file: string }).file.split('/').at(-1)}:${(f.location as { line: number }).line}`,
    );
    expect(rules).toContain('migration/require-concurrent-index@20240102000000_index.sql:2');
    // the DROP INDEX of the down section is not linted, and varchar(20) → text is known to keep the data
    expect(rules.some((r) => r.startsWith('migration/require-concurrent-drop-index'))).toBe(false);
    expect(rules.some((r) => r.startsWith('migration/change-column-type'))).toBe(false);
    const statement = report.data!.statements.find((s) => s.sql.startsWith('CREATE INDEX'))!;
    expect(statement).toMatchObject({
      line: 2,
      transaction: 0,
      locks: [{ relation: 'public.orders', mode: 'ShareLock', blocksReads: false, blocksWrites: true }],
      rewrites: [],
      scans: ['public.orders'],
    });
    expect(statement.findings.map((f) => f.rule)).toContain('migration/require-concurrent-index');
    expect(statement.findings.find((f) => f.rule === 'migration/require-concurrent-index')!.fix).toMatch(
      /CONCURRENTLY/,
    );
  });

  it('lints SQL inside DO blocks and function bodies at their own lines', async () => {
    const dir = folder({
      '20240101000000_init.sql': INIT,
      '20240102000000_do.sql':
        '-- migrate:up\nDO $$\nBEGIN\n  CREATE INDEX idx_orders_note ON orders (note);\nEND $$;\n',
    });
    const report = await lint({ paths: [dir], config });
    const finding = report.findings.find((f) => f.rule === 'migration/require-concurrent-index')!;
    expect(finding.location).toMatchObject({ line: 4, column: 3 });
  });

  it('lints a migration with a syntax error, but later ones do not see its changes when it runs in a transaction', async () => {
    const lintWith = async (header: string) => {
      const dir = folder({
        '20240101000000_init.sql':
          '-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\n',
        '20240102000000_check.sql': `-- migrate:up${header}\nALTER TABLE orders ADD CONSTRAINT chk_orders_user CHECK (user_id IS NOT NULL);\nSELEC 1;\n`,
        '20240103000000_not_null.sql':
          '-- migrate:up\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\n',
      });
      const report = await lint({ paths: [dir], config });
      return report.findings.map(
        (f) => `${f.rule}@${(f.location as { file: string }).file.split('/').at(-1)}`,
      );
    };
    // in one transaction, the syntax error makes the whole migration fail: the CHECK is never added
    const transactional = await lintWith('');
    expect(transactional).toEqual(
      expect.arrayContaining([
        'sql/syntax-error@20240102000000_check.sql',
        'migration/constraint-without-not-valid@20240102000000_check.sql',
        'migration/set-not-null@20240103000000_not_null.sql',
      ]),
    );
    // statement by statement, the CHECK before the broken statement is there, and proves the column not null
    const statementByStatement = await lintWith(' transaction:false');
    expect(statementByStatement).toContain('sql/syntax-error@20240102000000_check.sql');
    expect(statementByStatement).not.toContain('migration/set-not-null@20240103000000_not_null.sql');
  });

  it('rejects a target version it does not know', async () => {
    await expect(lint({ paths: [folder({ 'a.sql': 'SELECT 1;' })], config, pgVersion: 9 })).rejects.toThrow(
      /PostgreSQL 9 is not supported/,
    );
  });
});

describe('lint of SQL given as text', () => {
  it('lints sources like files (their up section), after what `before` creates, reporting only on the sources', async () => {
    const dir = folder({ '20240101000000_init.sql': INIT });
    const report = await lint({
      sources: [
        {
          file: 'input.sql',
          text: '-- migrate:up\nALTER TABLE orders ALTER COLUMN user_id TYPE integer;\nCREATE INDEX orders_note_idx ON orders (note);\n-- migrate:down\nDROP INDEX orders_note_idx;\n',
        },
      ],
      before: [dir],
      config,
    });
    const data = report.data!;
    expect(data.files).toEqual(['input.sql']);
    expect(data.before).toEqual([dir]);
    expect(data.database).toBeNull();
    expect(report.findings.every((f) => (f.location as { file: string }).file === 'input.sql')).toBe(true);
    // the type of user_id comes from the migration read first; the down section is not linted
    const typeChange = report.findings.find((f) => f.rule === 'migration/change-column-type');
    expect(typeChange?.message).toMatch(/bigint|int8/);
    expect(report.findings.map((f) => f.rule)).toContain('migration/require-concurrent-index');
    expect(report.findings.map((f) => f.rule)).not.toContain('migration/require-concurrent-drop-index');
    expect(data.statements.map((s) => [s.file, s.line])).toEqual([
      ['input.sql', 2],
      ['input.sql', 3],
    ]);
  });

  it('refuses --fix on text: there is no file to rewrite', async () => {
    await expect(
      lint({ sources: [{ file: 'input.sql', text: 'SELECT 1;' }], fix: true, config }),
    ).rejects.toThrow(/give paths/);
  });
});

describe('lint with --db', () => {
  const db = useTestDatabase();

  it('grades a blocking statement by the real size of its table', async () => {
    const connection = await db().connect();
    await connection.query(`CREATE TABLE big (id bigint PRIMARY KEY, v int);
      INSERT INTO big SELECT g, g FROM generate_series(1, 500) AS g;
      CREATE TABLE tiny (id bigint PRIMARY KEY, v int);
      INSERT INTO tiny VALUES (1, 1);
      ANALYZE big, tiny;`);
    const thresholds = {
      config: parseConfig({ thresholds: { smallTableRows: 10, largeTableRows: 100 } }, 'test'),
      path: null,
      dir: '.',
    };
    const dir = folder({
      'a.sql':
        'CREATE INDEX idx_big_v ON big (v);\nCREATE INDEX idx_tiny_v ON tiny (v);\nCREATE INDEX idx_new_v ON not_yet_created (v);',
    });
    const report = await lint({ paths: [dir], config: thresholds, db: db().url });
    const severities = report.findings
      .filter((f) => f.rule === 'migration/require-concurrent-index')
      .map((f) => [(f.location as { line: number }).line, f.severity]);
    expect(severities).toEqual([
      [1, 'error'],
      [2, 'info'],
      [3, 'info'],
    ]);
    expect(report.findings.find((f) => f.rule === 'migration/require-concurrent-index')!.message).toMatch(
      /~500 rows/,
    );
    expect(report.data!.pgVersion).toBe(18);
  });

  it('keeps the size of a table renamed by the migrations', async () => {
    const connection = await db().connect();
    await connection.query(`CREATE TABLE exports (id bigint PRIMARY KEY, v int);
      INSERT INTO exports SELECT g, g FROM generate_series(1, 500) AS g;
      ANALYZE exports;`);
    const thresholds = {
      config: parseConfig({ thresholds: { smallTableRows: 10, largeTableRows: 100 } }, 'test'),
      path: null,
      dir: '.',
    };
    const dir = folder({
      '20240101000000_rename.sql': '-- migrate:up\nALTER TABLE exports RENAME TO legacy_exports;\n',
      '20240102000000_index.sql':
        '-- migrate:up\nALTER TABLE legacy_exports RENAME TO old_exports;\nCREATE INDEX idx_old_exports_v ON old_exports (v);\n',
    });
    const report = await lint({ paths: [dir], config: thresholds, db: db().url });
    const index = report.findings.find((f) => f.rule === 'migration/require-concurrent-index')!;
    expect(index).toMatchObject({ severity: 'error', location: { line: 3 } });
    expect(index.message).toMatch(/"old_exports" \(~500 rows/);
  });

  it('gives a table an earlier migration created, but the server already has, its real size', async () => {
    const connection = await db().connect();
    await connection.query(`CREATE TABLE shipments (id bigint PRIMARY KEY, carrier text);
      INSERT INTO shipments SELECT g, 'c' || g % 7 FROM generate_series(1, 50000) AS g;
      ANALYZE shipments;`);
    const dir = folder({
      '20240101000000_create.sql':
        '-- migrate:up\nCREATE TABLE shipments (id bigint PRIMARY KEY, carrier text);\n-- migrate:down\nDROP TABLE shipments;\n',
      '20240102000000_index.sql':
        '-- migrate:up\nCREATE INDEX idx_shipments_carrier ON shipments (carrier);\n-- migrate:down\nDROP INDEX idx_shipments_carrier;\n',
      '20240103000000_recreate.sql':
        '-- migrate:up\nDROP TABLE shipments;\nCREATE TABLE shipments (id bigint PRIMARY KEY, carrier text);\n-- migrate:down\nSELECT 1;\n',
      '20240104000000_index_again.sql':
        '-- migrate:up\nCREATE INDEX idx_shipments_id_carrier ON shipments (id, carrier);\n-- migrate:down\nSELECT 1;\n',
    });
    const report = await lint({ paths: [dir], config, db: db().url });
    const index = report.findings.filter((f) => f.rule === 'migration/require-concurrent-index');
    // 50,000 rows is a warning by the default thresholds (10,000 … 1,000,000): not info, as for a new table
    expect(index[0]).toMatchObject({ severity: 'warning' });
    expect(index[0]!.message).toMatch(/"shipments" \(~50,000 rows/);
    // dropped and created again by the migrations: that one is empty when the index is built
    expect(index[1]).toMatchObject({ severity: 'info' });
    expect(index[1]!.message).not.toMatch(/rows/);
  });

  it("reads the database's binary-coercible casts and function volatility", async () => {
    const connection = await db().connect();
    await connection.query(`CREATE EXTENSION citext;
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE FUNCTION make_code() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'x' $$;`);
    const dir = folder({
      'a.sql':
        "SET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN email TYPE citext;\nALTER TABLE users ADD COLUMN code text DEFAULT make_code();",
    });
    const withDb = await lint({ paths: [dir], config, db: db().url });
    expect(withDb.findings.map((f) => f.rule)).not.toContain('migration/change-column-type');
    expect(withDb.findings.map((f) => f.rule)).not.toContain('migration/add-column-rewrite');
    const without = await lint({ paths: [dir], config });
    expect(without.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['migration/change-column-type', 'migration/add-column-rewrite']),
    );
  });
});

describe('lint --trace', () => {
  it('runs the migrations on a scratch database and finds the lock model right', async () => {
    const dir = folder({
      '20240101000000_init.sql': INIT,
      '20240102000000_changes.sql':
        "-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN status text DEFAULT 'new';\nALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;\n-- migrate:down\nSELECT 1;\n",
      '20240103000000_index.sql':
        '-- migrate:up\n-- pgwarden:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user ON orders (user_id);\n',
    });
    const report = await lint({ paths: [dir], config, trace: true });
    const trace = report.data!.trace!;
    expect(trace.server).toMatch(/^PostgreSQL 18/);
    expect(trace.stopped).toBeNull();
    expect(trace.seeded).toContain('public.orders');
    expect(trace.statements.flatMap((s) => s.mismatches)).toEqual([]);
    const setNotNull = trace.statements.find((s) => s.sql.includes('SET NOT NULL'))!;
    expect(setNotNull.observed.scanned).toEqual(['public.orders']);
    const concurrent = trace.statements.find((s) => s.sql.includes('CONCURRENTLY'))!;
    expect(concurrent.observed.mode).toBe('concurrent');
    expect(concurrent.observed.locks).toContainEqual(
      expect.objectContaining({ relation: 'public.orders', mode: 'ShareUpdateExclusiveLock' }),
    );
  });
});

describe('lint --trace of a foreign key declared with a new column', () => {
  it('predicts the validation scan only when the column has a DEFAULT, as PostgreSQL does', async () => {
    const dir = folder({
      '20240101000000_init.sql':
        '-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE tags (id bigint PRIMARY KEY, name text);\n',
      '20240102000000_fk.sql':
        "-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE tags ADD COLUMN order_id bigint REFERENCES orders (id) ON DELETE SET NULL;\n",
      '20240103000000_fk_default.sql':
        "-- migrate:up\nSET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE tags ADD COLUMN other_order_id bigint DEFAULT NULL REFERENCES orders (id);\n",
    });
    const report = await lint({ paths: [dir], config, trace: true });
    const trace = report.data!.trace!;
    expect(trace.stopped).toBeNull();
    expect(trace.seeded).toEqual(expect.arrayContaining(['public.orders', 'public.tags']));
    expect(trace.statements.flatMap((s) => s.mismatches)).toEqual([]);
    const [noDefault, nullDefault] = trace.statements.filter((s) => s.sql.includes('REFERENCES'));
    expect(noDefault!.observed.scanned).toEqual([]);
    expect(noDefault!.predicted.scans).toEqual([]);
    expect(nullDefault!.observed.scanned).toEqual(['public.tags']);
    expect(nullDefault!.predicted.scans).toEqual(['public.tags']);
    const flagged = report.findings
      .filter((f) => f.rule === 'migration/constraint-without-not-valid')
      .map((f) => (f.location as { file: string }).file.split('/').at(-1));
    expect(flagged).toEqual(['20240103000000_fk_default.sql']);
  });
});

describe('lint --trace comparison', () => {
  it('compares with the strongest lock the transaction holds by then, not only the one the statement added', async () => {
    const dir = folder({
      '20240101000000_init.sql':
        '-- migrate:up\nCREATE TABLE coupons (id bigint PRIMARY KEY, code text);\nCREATE INDEX idx_coupons_code ON coupons (code);\n',
      '20240102000000_changes.sql':
        "-- migrate:up\nSET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE coupons ADD COLUMN note text;\nALTER TABLE coupons ADD COLUMN seq serial;\nALTER TABLE coupons ALTER COLUMN code TYPE varchar(40);\n",
    });
    const report = await lint({ paths: [dir], config, trace: true });
    const trace = report.data!.trace!;
    expect(trace.stopped).toBeNull();
    const serial = trace.statements.find((s) => s.sql.includes('serial'))!;
    // PostgreSQL shows only the weaker lock it newly took; ACCESS EXCLUSIVE was already held
    expect(serial.observed.alreadyHeld).toContainEqual(
      expect.objectContaining({ relation: 'public.coupons', mode: 'AccessExclusiveLock' }),
    );
    expect(serial.observed.locks.find((l) => l.relation === 'public.coupons')?.mode).not.toBe(
      'AccessExclusiveLock',
    );
    expect(trace.statements.flatMap((s) => s.mismatches)).toEqual([]);
  });

  it('does not blame the model for what a table that could not be seeded hides', async () => {
    const dir = folder({
      '20240101000000_init.sql':
        '-- migrate:up\nCREATE TABLE shapes (id bigint PRIMARY KEY, name text, outline point NOT NULL);\n',
      '20240102000000_not_null.sql':
        "-- migrate:up\nSET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE shapes ALTER COLUMN name SET NOT NULL;\n",
    });
    const report = await lint({ paths: [dir], config, trace: true });
    const trace = report.data!.trace!;
    expect(trace.notSeeded).toEqual([{ table: 'public.shapes', reason: 'no generator for outline point' }]);
    const statement = trace.statements.find((s) => s.sql.includes('SET NOT NULL'))!;
    expect(statement.predicted.scans).toEqual(['public.shapes']);
    expect(statement.mismatches).toEqual([]);
    expect(statement.notes).toEqual([
      'public.shapes could not be seeded (no generator for outline point): the full read the model predicts could not be seen on an empty table',
    ]);
    expect(report.findings.map((f) => f.rule)).not.toContain('migration/trace-mismatch');
  });

  it('compares a DO block with what the model predicts for the statements inside it', async () => {
    const dir = folder({
      '20240101000000_init.sql': INIT,
      '20240102000000_do.sql':
        "-- migrate:up\nSET lock_timeout = '2s';\nSET statement_timeout = '5min';\nDO $$\nBEGIN\n  ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\n  EXECUTE 'CREATE INDEX idx_orders_user ON orders (user_id)';\nEND $$;\n",
    });
    const report = await lint({ paths: [dir], config, trace: true });
    const trace = report.data!.trace!;
    expect(trace.stopped).toBeNull();
    const block = trace.statements.find((s) => s.sql.startsWith('DO'))!;
    expect(block.observed.locks).toContainEqual(
      expect.objectContaining({ relation: 'public.orders', mode: 'AccessExclusiveLock' }),
    );
    expect(block.observed.rewritten).toContain('public.orders');
    expect(block.predicted).toEqual({
      locks: [{ relation: 'public.orders', mode: 'AccessExclusiveLock' }],
      rewrites: ['public.orders'],
      scans: ['public.orders'],
    });
    expect(trace.statements.flatMap((s) => s.mismatches)).toEqual([]);
  });
});

describe('lint --fix', () => {
  it('rewrites the mechanical cases and leaves a clean lint', async () => {
    const dir = folder({
      '20240101000000_init.sql':
        '-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);\nCREATE TABLE users (id bigint PRIMARY KEY);\n',
      '20240102000000_index.sql':
        '-- migrate:up\nCREATE INDEX idx_orders_user_id ON orders (user_id);\n-- migrate:down\nDROP INDEX idx_orders_user_id;\n',
      '20240103000000_fk.sql':
        '-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);\nCREATE INDEX idx_orders_note ON orders (note);\n-- migrate:down\nSELECT 1;\n',
    });
    const report = await lint({ paths: [dir], config, fix: true });
    expect(report.findings).toEqual([]);
    const fix = report.data!.fix!;
    expect(fix.files.map((f) => f.file.split('/').at(-1))).toEqual([
      '20240102000000_index.sql',
      '20240103000000_fk.sql',
      '20240103000001_fk_concurrently.sql',
    ]);
    expect(readFileSync(join(dir, '20240102000000_index.sql'), 'utf8')).toBe(
      "-- migrate:up\n-- pgwarden:no-transaction\nSET lock_timeout = '2s';\nSET statement_timeout = '15min';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_id ON orders (user_id);\n-- migrate:down\nDROP INDEX idx_orders_user_id;\n",
    );
    const moved = readFileSync(join(dir, '20240103000001_fk_concurrently.sql'), 'utf8');
    expect(moved).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_note ON orders (note);');
    expect(moved).toContain('ALTER TABLE public.orders VALIDATE CONSTRAINT fk_orders_user;');
    expect(moved).toContain('DROP INDEX CONCURRENTLY IF EXISTS idx_orders_note;');
    expect(fix.diff).toContain('+CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user_id');
    expect(readdirSync(dir)).toHaveLength(4);
  });
});

describe('lint --baseline and --changed-since', () => {
  it('accepts the findings of a baseline and reports only new ones, even after lines move', async () => {
    const dir = folder({ 'a.sql': 'DROP TABLE legacy;\nDELETE FROM sessions;' });
    const baseline = join(dir, 'baseline.json');
    const first = await lint({ paths: [join(dir, 'a.sql')], config, writeBaseline: baseline });
    // what the baseline just accepted is not reported (the run passes), and the report says what was written
    expect(first.findings).toEqual([]);
    const written = first.data!.wroteBaseline!.findings;
    expect(written).toBeGreaterThan(0);
    expect(first.data!.wroteBaseline!.file).toBe(baseline);
    expect(renderLintData(first, plain)).toMatch(
      new RegExp(`Wrote .*baseline\\.json: ${written} findings accepted; with --baseline`),
    );
    writeFileSync(
      join(dir, 'a.sql'),
      '-- a comment moves everything down\n\nDROP TABLE legacy;\nDELETE FROM sessions;\nTRUNCATE audit;',
    );
    const second = await lint({ paths: [join(dir, 'a.sql')], config, baseline });
    // only what the new statement brings: every remaining finding is on the TRUNCATE
    expect(second.findings.map((f) => f.rule)).toContain('migration/truncate');
    expect(new Set(second.findings.map((f) => (f.location as { line: number }).line))).toEqual(new Set([5]));
    expect(second.data!.baselined).toBe(written);
    await expect(
      lint({ paths: [join(dir, 'a.sql')], config, baseline: join(dir, 'missing.json') }),
    ).rejects.toThrow(/cannot use the baseline/);
  });

  it('reports only on files changed since a git ref', async () => {
    const dir = folder({ 'old.sql': 'DROP TABLE legacy;' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@example.org', '-c', 'user.name=t', 'commit', '-qm', 'old');
    writeFileSync(join(dir, 'new.sql'), 'DROP TABLE other;');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const report = await lint({ paths: ['.'], config: loadConfig({ cwd: dir }), changedSince: 'HEAD' });
      expect(new Set(report.findings.map((f) => (f.location as { file: string }).file))).toEqual(
        new Set(['new.sql']),
      );
      expect(report.findings.map((f) => f.rule)).toContain('migration/drop-table');
      // only the changed file counts as linted; the other is said to be left out
      expect(report.data!.files).toEqual(['new.sql']);
      expect(report.data!.unchanged).toEqual({ since: 'HEAD', files: 1 });
      expect(renderLintData(report, plain)).toMatch(
        /^Linted 1 file .*; 1 file unchanged since HEAD left out$/m,
      );
      await expect(lint({ paths: ['.'], config, changedSince: 'no-such-ref' })).rejects.toThrow(
        /--changed-since no-such-ref/,
      );
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('garbage in', () => {
  it('never crashes the parser on random input', async () => {
    await loadParser();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = 'SELECTFROMWHERE ();,\'"$-/*\n\tabcxyz0123456789éü🙂\\`{}[]';
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(random() * 120);
      let text = '';
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(() => parseSqlSync(text)).not.toThrow();
    }
  });

  it('lints a large file', async () => {
    const statements = Array.from(
      { length: 20_000 },
      (_, i) => `ALTER TABLE t${i % 50} ADD COLUMN c${i} int;`,
    ).join('\n');
    const dir = folder({ 'big.sql': statements });
    const report = await lint({ paths: [join(dir, 'big.sql')], config });
    expect(report.data!.statements).toHaveLength(20_000);
  });

  it('reports invalid UTF-8 and binary files as clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-garbage-'));
    writeFileSync(
      join(dir, 'latin1.sql'),
      Buffer.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0xe9, 0x3b]),
    );
    await expect(lint({ paths: [join(dir, 'latin1.sql')], config })).rejects.toThrow(/is not valid UTF-8/);
    writeFileSync(join(dir, 'bin.sql'), Buffer.from([0x00, 0x01, 0x02]));
    await expect(lint({ paths: [join(dir, 'bin.sql')], config })).rejects.toThrow(/is a binary file/);
  });
});
