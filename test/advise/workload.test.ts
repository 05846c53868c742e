import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/sql/parser.js';
import { workloadFromSql } from '../../src/workload/file.js';
import type { IndexCandidate } from '../../src/workload/model.js';
import { extendsIndex } from '../../src/workload/select.js';
import { parseSize } from '../../src/workload/size.js';
import { breaksHot, writeCost } from '../../src/workload/writes.js';

beforeAll(loadParser);

describe('a workload file', () => {
  it('weighs each query by the -- weight comment just before it (default 1), counts $n and skips DDL', () => {
    const workload = workloadFromSql(
      `-- weight: 40
SELECT * FROM orders WHERE id = $1;
-- a comment that is no weight
SELECT 1 FROM orders WHERE customer_id = $2 AND status = $1;
CREATE INDEX ON orders (status);
-- weight: 2.5
UPDATE orders SET status = 'x' WHERE id = 3;
-- weight: 0
DELETE FROM orders;
`,
      'w.sql',
    );
    expect(workload.queries.map((q) => [q.id, q.kind, q.weight, q.parameters, q.origin])).toEqual([
      ['q1', 'select', 40, 1, 'w.sql:2'],
      ['q2', 'select', 1, 2, 'w.sql:4'],
      ['q3', 'update', 2.5, 0, 'w.sql:7'],
    ]);
    expect(workload.skipped.map((s) => s.reason)).toEqual(['IndexStmt is not a query', 'weight 0']);
  });

  it('refuses SQL that does not parse, and a file with no query, with the place and a hint', () => {
    expect(() => workloadFromSql('SELECT FROM WHERE;', 'bad.sql')).toThrow(/^bad\.sql:1:/);
    expect(() => workloadFromSql('CREATE TABLE t (a int);', 'ddl.sql')).toThrow(/no SELECT, UPDATE/);
  });
});

describe('sizes', () => {
  it('reads PostgreSQL-style sizes and refuses the rest', () => {
    expect(parseSize('500MB')).toBe(500 * 1024 ** 2);
    expect(parseSize('1.5 GB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('800kB')).toBe(800 * 1024);
    expect(parseSize('4096')).toBe(4096);
    expect(() => parseSize('lots')).toThrow(/not a size/);
    expect(() => parseSize('5 parsecs')).toThrow(/not a size/);
  });
});

const candidate = (over: Partial<IndexCandidate>): IndexCandidate => ({
  key: '',
  table: 'public.orders',
  tableSql: 'public.orders',
  elements: ['customer_id'],
  targets: ['customer_id'],
  include: [],
  where: null,
  whereTargets: [],
  method: 'btree',
  costable: true,
  reasons: ['equality'],
  queries: ['q1'],
  extension: null,
  ...over,
  ...(over.key === undefined ? { key: JSON.stringify(over) } : {}),
});

describe('selection helpers', () => {
  it('a wider index extends a narrower one only with the same leading keys and predicate', () => {
    const narrow = candidate({});
    expect(extendsIndex(candidate({ elements: ['customer_id', 'created_at DESC'] }), narrow)).toBe(true);
    expect(extendsIndex(candidate({ include: ['total'] }), narrow)).toBe(true);
    expect(extendsIndex(candidate({ elements: ['created_at', 'customer_id'] }), narrow)).toBe(false);
    expect(extendsIndex(candidate({ elements: ['customer_id', 'x'], where: 'a' }), narrow)).toBe(false);
  });

  it('write cost: entries per insert and non-HOT update, and the HOT updates an index on an updated column loses', () => {
    const writes = {
      table: 'public.orders',
      inserts: 100,
      updates: 1000,
      deletes: 0,
      hotShare: 0.9,
      updatedColumns: ['status'],
      indexes: 2,
      from: 'statistics' as const,
    };
    const onKey = candidate({});
    const onStatus = candidate({ elements: ['status'], targets: ['status'] });
    expect(breaksHot(onKey, writes)).toBe(false);
    expect(breaksHot(onStatus, writes)).toBe(true);
    expect(writeCost(onKey, writes, 4)).toBeCloseTo((100 + 100) * 4);
    // 900 HOT updates become ordinary ones, each maintaining the 2 indexes there and this one
    expect(writeCost(onStatus, writes, 4)).toBeCloseTo((100 + 100 + 900 * 3) * 4);
    expect(writeCost(onKey, undefined, 4)).toBe(0);
  });
});
