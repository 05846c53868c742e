import { beforeAll, describe, expect, it } from 'vitest';
import { PgwardenError } from '../../src/core/errors.js';
import { findAll, nodeKind, walk } from '../../src/sql/ast.js';
import { statementObjects } from '../../src/sql/objects.js';
import { fingerprint, loadParser, normalize, parseSqlSync } from '../../src/sql/parser.js';

beforeAll(async () => {
  await loadParser();
});

const at = (s: { start: { line: number; column: number } }) => `${s.start.line}:${s.start.column}`;

describe('splitting a file into statements', () => {
  it('gives each statement its kind, text and exact start, skipping comments', () => {
    const sql = [
      '-- header comment',
      'CREATE TABLE a (id int);',
      '',
      '  /* block */ ALTER TABLE a',
      '    ADD COLUMN b text;  SELECT 1',
    ].join('\n');
    const parsed = parseSqlSync(sql, { file: 'm.sql' });
    expect(parsed.syntaxErrors).toEqual([]);
    expect(parsed.statements.map((s) => [s.kind, at(s), s.text])).toEqual([
      ['CreateStmt', '2:1', 'CREATE TABLE a (id int)'],
      ['AlterTableStmt', '4:15', 'ALTER TABLE a\n    ADD COLUMN b text'],
      ['SelectStmt', '5:25', 'SELECT 1'],
    ]);
    expect(parsed.statements[1]!.end).toMatchObject({ line: 5, column: 22 });
  });

  it('counts columns in characters when the file has multi-byte text', () => {
    const parsed = parseSqlSync("SELECT 'été'; SELECT 'ü', 2;\n  SELECT 3;");
    expect(parsed.statements.map(at)).toEqual(['1:1', '1:15', '2:3']);
    expect(parsed.statements[1]!.text).toBe("SELECT 'ü', 2");
  });

  it('handles CRLF line endings and a byte order mark', () => {
    const parsed = parseSqlSync('\uFEFFSELECT 1;\r\nSELECT 2;\r\n');
    expect(parsed.statements.map(at)).toEqual(['1:1', '2:1']);
  });

  it('keeps dollar-quoted bodies and semicolons inside strings in one statement', () => {
    const parsed = parseSqlSync(
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nSELECT ';';",
    );
    expect(parsed.statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt', 'SelectStmt']);
  });

  it('returns no statements and no errors for an empty or comment-only file', () => {
    expect(parseSqlSync('').statements).toEqual([]);
    const parsed = parseSqlSync('-- nothing here\n/* at all */\n');
    expect(parsed.statements).toEqual([]);
    expect(parsed.syntaxErrors).toEqual([]);
    expect(parsed.comments).toHaveLength(2);
  });
});

describe('syntax errors', () => {
  it('reports the error with line and column and still parses the other statements', () => {
    const parsed = parseSqlSync('CREATE TABLE a (id int);\nSELEC * FROM a;\nCREATE INDEX ON a (id);\n');
    expect(parsed.statements.map((s) => s.kind)).toEqual(['CreateStmt', 'IndexStmt']);
    expect(parsed.syntaxErrors).toHaveLength(1);
    expect(parsed.syntaxErrors[0]).toMatchObject({
      message: 'syntax error at or near "SELEC"',
      position: { line: 2, column: 1 },
    });
    expect(parsed.syntaxErrors[0]!.text).toBe('SELEC * FROM a');
  });

  it('points at the offending token inside a statement', () => {
    const parsed = parseSqlSync('SELECT 1;\nSELECT a FROM WHERE b;');
    expect(parsed.syntaxErrors[0]).toMatchObject({ position: { line: 2, column: 15 } });
  });

  it('survives an unterminated string or comment', () => {
    const quote = parseSqlSync("CREATE TABLE ok (id int);\nSELECT 'never closed;\nSELECT 2;");
    expect(quote.statements.map((s) => s.kind)).toEqual(['CreateStmt']);
    expect(quote.syntaxErrors).toHaveLength(1);
    expect(quote.syntaxErrors[0]!.position.line).toBe(2);
    const comment = parseSqlSync('SELECT 1;\n/* never closed\nSELECT 2;');
    expect(comment.statements).toHaveLength(1);
    expect(comment.syntaxErrors).toHaveLength(1);
  });

  it('keeps a SQL-standard function body (BEGIN ATOMIC) whole when another statement is broken', () => {
    const parsed = parseSqlSync(
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELEC 1;\nSELECT 3;',
    );
    expect(parsed.statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt', 'SelectStmt']);
    expect(parsed.syntaxErrors.map((e) => e.position.line)).toEqual([2]);
  });

  it('parses a file of tens of thousands of statements (beyond what the parser takes whole) with exact positions', () => {
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++)
      lines.push(`INSERT INTO café (id, name) VALUES (${i}, 'déjà vu number ${i}');`);
    lines[40_000] = 'INSERT INTO café VALUES (oops oops);';
    const text = `${lines.join('\n')}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(4 * 1024 * 1024);
    const parsed = parseSqlSync(text);
    expect(parsed.statements).toHaveLength(59_999);
    expect(parsed.syntaxErrors).toHaveLength(1);
    expect(parsed.syntaxErrors[0]!.position.line).toBe(40_001);
    expect(parsed.syntaxErrors[0]!.text).toBe('INSERT INTO café VALUES (oops oops)');
    const last = parsed.statements.at(-1)!;
    expect(at(last)).toBe('60000:1');
    expect(last.text).toBe("INSERT INTO café (id, name) VALUES (59999, 'déjà vu number 59999')");
    expect(at(parsed.statements[40_000]!)).toBe('40002:1');
  });

  it('refuses, with a one-line input error, a statement nested too deeply to analyse (not a syntax error)', () => {
    const deep = `SELECT 1${' + 1'.repeat(100_000)};`;
    expect(() => parseSqlSync(deep, { file: 'deep.sql' })).toThrow(PgwardenError);
    expect(() => parseSqlSync(deep, { file: 'deep.sql' })).toThrow(
      /^deep\.sql: a statement is nested too deeply/,
    );
  });

  it('never throws on garbage', () => {
    for (const garbage of [
      '\u0000\u0001\u0002',
      ')))(((',
      '$$ unterminated',
      "E'\\",
      '"unterminated ident',
      '🙂;🙃;',
    ]) {
      expect(() => parseSqlSync(garbage)).not.toThrow();
      expect(parseSqlSync(garbage).syntaxErrors.length).toBeGreaterThan(0);
    }
  });
});

describe('PL/pgSQL bodies', () => {
  const fn = [
    'CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$',
    'BEGIN',
    '  UPDATE audit SET seen = now()',
    '    WHERE id = NEW.id;',
    "  EXECUTE 'ALTER TABLE audit ADD COLUMN extra int';",
    "  EXECUTE format('DROP TABLE %I', TG_TABLE_NAME);",
    '  RETURN NEW;',
    'END',
    '$fn$;',
  ].join('\n');

  it('exposes the SQL statements of function bodies with their positions', () => {
    const parsed = parseSqlSync(fn);
    expect(parsed.statements.map((s) => s.kind)).toEqual(['CreateFunctionStmt']);
    expect(parsed.embedded.map((s) => [s.kind, at(s), s.origin])).toEqual([
      ['UpdateStmt', '3:3', { kind: 'function-body', parent: 0, dynamic: false }],
      ['AlterTableStmt', '5:12', { kind: 'function-body', parent: 0, dynamic: true }],
    ]);
  });

  it('exposes DO blocks too', () => {
    const parsed = parseSqlSync('SELECT 1;\nDO $$\nBEGIN\n  DELETE FROM sessions;\nEND $$;');
    expect(parsed.embedded.map((s) => [s.kind, at(s)])).toEqual([['DeleteStmt', '4:3']]);
  });

  it('reports an invalid PL/pgSQL body as a syntax error at the body', () => {
    const parsed = parseSqlSync(
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  UPDATE SET;\nEND $$;',
    );
    expect(parsed.syntaxErrors).toHaveLength(1);
    expect(parsed.syntaxErrors[0]!.message).toMatch(/PL\/pgSQL/);
    expect(parsed.syntaxErrors[0]!.position.line).toBe(1);
  });

  it('leaves SQL-language functions to the main parser', () => {
    const parsed = parseSqlSync('CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;');
    expect(parsed.embedded).toEqual([]);
  });
});

describe('inline ignores', () => {
  it('reads rule ids and reason, and covers the next statement', () => {
    const parsed = parseSqlSync(
      [
        'SELECT 1;',
        '-- pgwarden-ignore migration/a, migration/b: backfill runs at night',
        'CREATE TABLE t',
        '  (id int);',
      ].join('\n'),
      { file: 'x.sql' },
    );
    expect(parsed.suppressions).toEqual([
      {
        rules: ['migration/a', 'migration/b'],
        reason: 'backfill runs at night',
        location: { file: 'x.sql', line: 2, column: 1 },
        scope: { file: 'x.sql', fromLine: 3, toLine: 4, objects: ['public.t'] },
      },
    ]);
  });

  it('a trailing comment covers the statement on its line', () => {
    const parsed = parseSqlSync(
      'CREATE INDEX idx ON s.t (a); -- pgwarden-ignore migration/x: tiny table\nSELECT 2;',
    );
    expect(parsed.suppressions[0]!.scope).toMatchObject({
      fromLine: 1,
      toLine: 1,
      objects: ['s.t', 's.idx'],
    });
  });

  it('records a missing reason as null and accepts block comments', () => {
    const parsed = parseSqlSync('/* pgwarden-ignore sql/syntax-error */\nSELEC 1;');
    expect(parsed.suppressions[0]).toMatchObject({ rules: ['sql/syntax-error'], reason: null });
    expect(parsed.suppressions[0]!.scope.fromLine).toBe(2);
  });

  it('keeps the ignores of a file that has a form feed in a comment or string', () => {
    // (the WebAssembly scanner cannot report such a token; its loss used to drop every comment of the file)
    const parsed = parseSqlSync(
      "/* page\fbreak */\n-- pgwarden-ignore migration/x: reviewed\nSELECT 'a\vb';\n  SELECT 2;",
    );
    expect(parsed.comments).toHaveLength(2);
    expect(parsed.suppressions[0]!.scope).toMatchObject({ fromLine: 3, toLine: 3 });
    expect(parsed.statements.map((s) => [s.text, s.start.line, s.start.column])).toEqual([
      ["SELECT 'a\vb'", 3, 1],
      ['SELECT 2', 4, 3],
    ]);
  });

  it('ignores ordinary comments that mention pgwarden', () => {
    expect(parseSqlSync('-- run pgwarden-ignore later\nSELECT 1;').suppressions).toEqual([]);
  });
});

describe('AST helpers, fingerprints and objects', () => {
  it('walks the tree and finds nodes by kind', () => {
    const [statement] = parseSqlSync(
      'SELECT a FROM t JOIN u ON u.id = t.id WHERE b IN (SELECT c FROM v)',
    ).statements;
    expect(findAll<{ relname: string }>(statement!.ast, 'RangeVar').map((r) => r.relname)).toEqual([
      't',
      'u',
      'v',
    ]);
    let count = 0;
    walk(statement!.ast, (kind) => {
      if (kind === 'SelectStmt') count++;
    });
    expect(count).toBe(2);
    expect(nodeKind(statement!.ast)).toBe('SelectStmt');
  });

  it('fingerprints ignore constants; normalize replaces them with parameters', () => {
    expect(fingerprint('SELECT * FROM t WHERE id = 1')).toBe(fingerprint('select * from t where id = 42'));
    expect(fingerprint('SELECT * FROM t WHERE id = 1')).not.toBe(fingerprint('SELECT * FROM u WHERE id = 1'));
    expect(normalize("SELECT * FROM t WHERE a = 1 AND b = 'x'")).toBe(
      'SELECT * FROM t WHERE a = $1 AND b = $2',
    );
  });

  it('names the objects DDL statements create', () => {
    const objects = (sql: string) => statementObjects(parseSqlSync(sql).statements[0]!.ast);
    expect(objects('CREATE TABLE app.orders (id int)')).toEqual(['app.orders']);
    expect(objects('ALTER TABLE orders ADD COLUMN x int')).toEqual(['public.orders']);
    expect(objects('CREATE INDEX CONCURRENTLY idx_o ON orders (x)')).toEqual([
      'public.orders',
      'public.idx_o',
    ]);
    expect(objects('CREATE VIEW v AS SELECT 1')).toEqual(['public.v']);
    expect(objects('CREATE MATERIALIZED VIEW mv AS SELECT 1')).toEqual(['public.mv']);
    expect(objects("CREATE TYPE mood AS ENUM ('a')")).toEqual(['public.mood']);
    expect(objects('SELECT 1')).toEqual([]);
  });
});
