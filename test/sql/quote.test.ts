import { loadModule, scanSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportInput } from '../../src/core/rule.js';
import { Connection } from '../../src/db/connection.js';
import { buildPlanModel, tableSql } from '../../src/explain/model.js';
import { parsePlan } from '../../src/explain/plan.js';
import heapFetches from '../../src/rules/plan/heap-fetches.js';
import { QUOTED_KEYWORDS, qualifiedIdent, quoteIdent, quoteLiteral } from '../../src/sql/quote.js';
import { createTestDatabase, pg15ServiceUrl, pg18Url } from '../helpers/db.js';

const CATEGORY = { R: 'reserved', T: 'type or function name', C: 'column name' } as const;

/** The scanner's keyword kinds (kwlist.h): 1 unreserved, 2 column name, 3 type or function name, 4 reserved. */
const SCANNER_KIND = { 2: 'column name', 3: 'type or function name', 4: 'reserved' } as const;

/** The server's keywords that quote_ident() quotes, with their category. */
async function serverKeywords(url: string): Promise<Map<string, string>> {
  const connection = await Connection.open(url);
  try {
    const { rows } = await connection.query<{ word: string; catcode: string }>(
      `SELECT word, catcode::text AS catcode FROM pg_get_keywords() WHERE catcode <> 'U'`,
    );
    return new Map(rows.map((r) => [r.word, CATEGORY[r.catcode as keyof typeof CATEGORY]]));
  } finally {
    await connection.close();
  }
}

describe('quoteIdent', () => {
  it.each([
    ['orders', 'orders'],
    ['_tmp$1', '_tmp$1'],
    ['order', '"order"'],
    ['user', '"user"'],
    ['Signature', '"Signature"'],
    ['customerId', '"customerId"'],
    ['a"b', '"a""b"'],
    ['two words', '"two words"'],
    ['1st', '"1st"'],
    ['', '""'],
    // a column-name keyword and a type-or-function-name one: quote_ident() quotes both
    ['position', '"position"'],
    ['left', '"left"'],
    // unreserved keywords stay bare, as quote_ident() leaves them
    ['name', 'name'],
    ['action', 'action'],
  ])('%s → %s', (name, sql) => {
    expect(quoteIdent(name)).toBe(sql);
  });

  it('qualifies with the schema when there is one', () => {
    expect(qualifiedIdent('public', 'order')).toBe('public."order"');
    expect(qualifiedIdent('Sales', 'orders')).toBe('"Sales".orders');
    expect(qualifiedIdent(undefined, 'User')).toBe('"User"');
    expect(qualifiedIdent(null, 'orders')).toBe('orders');
  });
});

describe('quoteLiteral', () => {
  it('doubles quotes and writes null as NULL', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral('')).toBe("''");
    expect(quoteLiteral('a\\b')).toBe("'a\\b'");
    expect(quoteLiteral(null)).toBe('NULL');
  });
});

describe('the keyword table', () => {
  beforeAll(() => loadModule());

  it("is the parser's: libpg-query's scanner gives every word the table's category", () => {
    for (const [word, category] of QUOTED_KEYWORDS) {
      const tokens = scanSync(word).tokens;
      expect(tokens, word).toHaveLength(1);
      expect(SCANNER_KIND[tokens[0]!.keywordKind as keyof typeof SCANNER_KIND], word).toBe(category);
    }
  });

  it("is PostgreSQL 18's list of the keywords quote_ident() quotes, word for word", async () => {
    const server = await serverKeywords(pg18Url());
    expect(new Map([...QUOTED_KEYWORDS].sort())).toEqual(new Map([...server].sort()));
  });

  it.skipIf(!pg15ServiceUrl())(
    'holds every keyword that PostgreSQL 15 quotes, in the same category',
    async () => {
      const server = await serverKeywords(pg15ServiceUrl()!);
      for (const [word, category] of server) expect(QUOTED_KEYWORDS.get(word), word).toBe(category);
    },
  );
});

describe('a printed fix on a reserved, mixed-case name', () => {
  it('a plan read without the database quotes a table named order (was left bare)', () => {
    const plan = parsePlan([
      {
        Plan: {
          'Node Type': 'Seq Scan',
          'Relation Name': 'order',
          Schema: 'public',
          Alias: 'order',
          'Startup Cost': 0,
          'Total Cost': 10,
          'Plan Rows': 100,
          'Plan Width': 8,
        },
      },
    ]);
    const model = buildPlanModel({ plan });
    expect(tableSql(model, plan.nodes[0]!)).toBe('public."order"');
    const unqualified = parsePlan([
      { Plan: { ...plan.nodes[0]!.raw, Schema: undefined, 'Relation Name': 'User' } },
    ]);
    expect(tableSql(buildPlanModel({ plan: unqualified }), unqualified.nodes[0]!)).toBe('"User"');
  });

  it.skipIf(!pg15ServiceUrl())(
    'plan/heap-fetches on a table named "order" with a "Signature" column: its fix runs on PostgreSQL 15',
    async () => {
      const db = await createTestDatabase(pg15ServiceUrl()!);
      try {
        await db.exec(`
          CREATE TABLE "order" (id int PRIMARY KEY, "Signature" text) WITH (autovacuum_enabled = false);
          INSERT INTO "order" SELECT g, 'signed ' || g FROM generate_series(1, 10000) g;
          ANALYZE "order";`);
        const connection = await db.connect();
        await connection.query('SET enable_seqscan = off; SET enable_bitmapscan = off');
        const { rows } = await connection.query<{ 'QUERY PLAN': unknown }>(
          'EXPLAIN (ANALYZE, VERBOSE, BUFFERS, FORMAT JSON) SELECT id FROM "order" WHERE id < 5000',
        );
        // read as a plan captured elsewhere: no database facts, so the table's name comes from the plan
        const plan = parsePlan(rows[0]!['QUERY PLAN']);
        const findings: ReportInput[] = [];
        heapFetches.check({
          model: buildPlanModel({ plan, pgVersion: 15 }),
          options: heapFetches.defaultOptions(),
          pgVersion: 15,
          report: (finding) => findings.push(finding),
        });
        expect(findings.map((f) => f.fix)).toEqual(['VACUUM (ANALYZE) public."order";']);
        await connection.query(findings[0]!.fix!);
        const signed = await connection.query<{ n: string }>(
          `SELECT count(${quoteIdent('Signature')}) AS n FROM ${qualifiedIdent('public', 'order')}`,
        );
        expect(signed.rows[0]!.n).toBe('10000');
      } finally {
        await db.drop();
      }
    },
  );
});
