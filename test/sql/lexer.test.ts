import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scanSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../src/rules/index.js';
import { indexFromScan, lexSql } from '../../src/sql/lexer.js';
import { loadParser } from '../../src/sql/parser.js';
import { projectRoot } from '../helpers/cli.js';

beforeAll(async () => {
  await loadParser();
});

/**
 * The JavaScript lexer stands in for PostgreSQL's scanner (libpg_query's, in WebAssembly) when a file parsed: it
 * must find exactly the same comments, string constants and long identifiers, and the same first and last token
 * of every statement (the stretches between semicolons).
 */
function compareWithScanner(text: string): 'same' | 'fallback' | 'scanner-error' {
  let tokens: ReturnType<typeof scanSync>['tokens'];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return 'scanner-error';
  }
  const bytes = Buffer.from(text, 'utf8');
  const light = lexSql(bytes);
  if (!light) return 'fallback';
  const real = indexFromScan(tokens);
  expect(light.comments, `comments of ${JSON.stringify(text)}`).toEqual(real.comments);
  expect(light.strings, `strings of ${JSON.stringify(text)}`).toEqual(real.strings);
  expect(light.longIdentifiers, `long identifiers of ${JSON.stringify(text)}`).toEqual(real.longIdentifiers);
  const cuts = [0, ...tokens.filter((t) => t.tokenName === 'ASCII_59').flatMap((t) => [t.start, t.end])];
  cuts.push(bytes.length);
  for (let i = 0; i + 1 < cuts.length; i += 2) {
    const [from, to] = [cuts[i]!, cuts[i + 1]!];
    expect(light.bounds(from, to), `bounds [${from}, ${to}) of ${JSON.stringify(text)}`).toEqual(
      real.bounds(from, to),
    );
  }
  expect(light.bounds(0, bytes.length)).toEqual(real.bounds(0, bytes.length));
  return 'same';
}

const EDGE_CASES = [
  "SELECT 'a''b', E'c\\'d', 'e\\' -- not a comment';",
  "SELECT 'x'\n'y';", // one string continued on the next line
  "SELECT 'x' -- comment\n;\nSELECT 'y'\n  -- between\n  'z';",
  'SELECT $$ a ; -- $$, $tag$ $$ $other$ $tag$, $1, a$b$c, $x;',
  'SELECT 1 /* a /* nested */ still */ + 2 /*/ x */; SELECT 3 **/ 1; /* ** */',
  'SELECT 1+--comment\n2, 3*/*c*/4, 5-/**/-6;',
  "SELECT \"quoted \"\"ident\"\"\", U&\"d\\0061t\", U&'\\0041' UESCAPE '!', B'01', X'1F', N'n';",
  "SELECT e'x', xe'y', ne'z', n'w', u&'v', b&'u';",
  'SELECT 1.5e-3, .5, 1., 0x1F, 0o17, 0b101, 1_000_000, 1e5, 2E+3;',
  `SELECT ${'a'.repeat(70)}, "${'b'.repeat(70)}", ${'é'.repeat(40)}, "${'x'.repeat(62)}";`,
  'SELECT 1\t\f\v\r\n;  ;;; SELECT 2',
  'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END $fn$; -- trailing',
  "DO $$ BEGIN EXECUTE 'SELECT 1'; END $$;\nDO 'BEGIN NULL; END';",
  "SELECT a::text[], b->>'k', c #> '{a}', d @> e, f ~~* g, h !~ i, j ||/ k;",
  '-- only a comment',
  '/* only */ /* comments */',
  'SELECT \'🙂\', "🙃", 🙂ident;',
];

describe('the JavaScript lexer', () => {
  it('agrees with PostgreSQL scanner on edge cases', () => {
    const outcomes = EDGE_CASES.map((text) => compareWithScanner(text));
    // continued strings are left to the scanner; everything else is lexed here
    expect(outcomes.filter((o) => o === 'fallback')).toHaveLength(2);
    expect(outcomes).not.toContain('scanner-error');
  });

  it("agrees with PostgreSQL's scanner on the SQL files of the repository and the rules' examples", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue;
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.sql')) files.push(path);
      }
    };
    walk(projectRoot);
    const texts = [
      ...files.map((file) => readFileSync(file, 'utf8')),
      ...allRules.flatMap((rule) => [rule.docs.examples?.bad, rule.docs.examples?.good]),
    ].filter((text): text is string => typeof text === 'string' && text !== '');
    expect(texts.length).toBeGreaterThan(50);
    const outcomes = texts.map((text) => compareWithScanner(text));
    expect(outcomes.filter((o) => o === 'same').length).toBeGreaterThan(50);
  });

  it("agrees with PostgreSQL's scanner on random SQL-like text", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = [
      'SELECT',
      ' ',
      '\n',
      '\t',
      ';',
      "'",
      "''",
      '"',
      '""',
      '$',
      '$$',
      '$a$',
      '$1',
      'E',
      'e',
      'U&',
      'u&',
      'N',
      'B',
      'X',
      '\\',
      '--',
      '-',
      '/*',
      '*/',
      '*',
      '/',
      '+',
      '::',
      '(',
      ')',
      ',',
      '.',
      '1',
      '1.5e-3',
      '0x1F',
      'abc',
      'a$b',
      'é',
      '🙂',
      'x'.repeat(64),
      '\r',
    ];
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const loose = (length: number) => Array.from({ length }, () => pick(pieces)).join('');
    // pieces that cannot open anything
    const quiet = pieces.filter((p) => !/['"$]|^(\/\*|--|E|e|U&|u&|N|B|X|\\)$/.test(p));
    // (a form feed or vertical tab inside a token breaks the WebAssembly scanner's JSON: only between tokens)
    const gap = () => pick([' ', '\n', '\t', '\f', '\v', '\r\n']);
    const safe = (length: number) =>
      `${gap()}${Array.from({ length }, () => pick(quiet)).join(gap())}${gap()}`;
    // well-formed strings, identifiers and comments with random (often tricky) insides
    const whole = (depth: number): string => {
      const inside = depth > 2 ? loose(3) : `${loose(2)}${whole(depth + 1)}${loose(2)}`;
      switch (Math.floor(random() * 8)) {
        case 0:
          return `'${inside.replace(/'/g, "''")}'`;
        case 1:
          return `E'${inside.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
        case 2:
          return `$q$${inside.replace(/\$q\$/g, '')}$q$`;
        case 3:
          return `$$${inside.replace(/\$\$/g, '')}$$`;
        case 4:
          return `"${inside.replace(/"/g, '""')}x"`;
        case 5:
          return `/*${inside.replace(/\/\*|\*\//g, '')}${depth < 2 ? whole(3).replace(/.*/s, (c) => `/*${c.replace(/\/\*|\*\//g, '')}*/`) : ''}*/`;
        case 6:
          return `--${inside.replace(/[\n\r]/g, '')}\n`;
        default:
          return safe(2);
      }
    };
    const outcomes = { same: 0, fallback: 0, 'scanner-error': 0 };
    for (let i = 0; i < 4000; i++) {
      const length = 1 + Math.floor(random() * 12);
      let text = '';
      for (let j = 0; j < length; j++)
        text += random() < 0.8 ? whole(0) : random() < 0.8 ? safe(3) : loose(1);
      outcomes[compareWithScanner(text)]++;
    }
    expect(outcomes.same).toBeGreaterThan(1000);
  });
});
