import { describe, expect, it } from 'vitest';
import { loadGuardCatalog, reachedRelations } from '../../src/guard/catalog.js';
import { planGuard } from '../../src/guard/plan.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import { pg15ServiceUrl, pg18Url, useTestDatabase } from '../helpers/db.js';
import { lintTracedChanges } from '../helpers/traced-changes.js';

/**
 * ALTER TABLE … DROP COLUMN … CASCADE of a column that other tables' foreign keys reference (by name, or through
 * the primary key they reference without naming it) drops those keys, and PostgreSQL locks each referencing
 * table ACCESS EXCLUSIVE while their keys and triggers go (traced on 15: `drop cascades to constraint … on table
 * …`, with views and a generated column that used the column). Lint must predict those locks, and forget the
 * dropped keys: a later DROP COLUMN of the referencing column then locks that table alone. Before, lint
 * predicted the lock on the dropped column's table only (`trace-mismatch` on the referencing tables) and kept the
 * dropped keys (a lock predicted on a table PostgreSQL no longer touches).
 */
const PG15 = pg15ServiceUrl();
const servers = [{ major: 18, url: pg18Url }, ...(PG15 ? [{ major: 15, url: () => PG15 }] : [])];

const INIT = `CREATE TABLE parents (id bigint PRIMARY KEY, code text NOT NULL UNIQUE, note text);
CREATE TABLE children (id bigint PRIMARY KEY, parent_code text REFERENCES parents (code));
CREATE TABLE ledger (id bigint PRIMARY KEY, parent_id bigint REFERENCES parents);
CREATE TABLE unrelated (id bigint PRIMARY KEY, code text);
CREATE INDEX parents_code_lower ON parents (lower(code));
CREATE VIEW parent_codes AS SELECT id, code FROM parents;
ALTER TABLE parents ADD COLUMN code_upper text GENERATED ALWAYS AS (upper(code)) STORED;
`;

const CHANGES: Record<string, { sql: string; locked: string[] }> = {
  // children's key references the column by name; the unique key, the index, the view and the generated column
  // go with it
  '20240102000000_drop_code.sql': {
    sql: 'ALTER TABLE parents DROP COLUMN code CASCADE;',
    locked: ['public.children', 'public.parents'],
  },
  // ledger's key names no column: it references the primary key
  '20240103000000_drop_id.sql': {
    sql: 'ALTER TABLE parents DROP COLUMN id CASCADE;',
    locked: ['public.ledger', 'public.parents'],
  },
  // children no longer references parents: only children is locked
  '20240104000000_drop_parent_code.sql': {
    sql: 'ALTER TABLE children DROP COLUMN parent_code;',
    locked: ['public.children'],
  },
};

describe.each(servers)('DROP COLUMN … CASCADE on PostgreSQL $major', ({ major, url }) => {
  it('locks the tables whose foreign keys it drops, as lint predicts', async () => {
    const { trace } = await lintTracedChanges(INIT, CHANGES, { major, url });
    for (const { sql, locked } of Object.values(CHANGES)) {
      const traced = trace.statements.find((s) => s.sql.startsWith(sql.replace(/;$/, '')))!;
      expect(
        traced.observed.locks
          .filter((l) => l.kind === 'table')
          .map((l) => `${l.relation} ${l.mode}`)
          .sort(),
        sql,
      ).toEqual(locked.map((relation) => `${relation} AccessExclusiveLock`));
    }
  });
});

describe.skipIf(!PG15)('DROP COLUMN … CASCADE and the guard, on PostgreSQL 15', () => {
  const db = useTestDatabase(() => PG15!);

  it('backs up what the cascade reaches: the referencing table and the views on the column', async () => {
    await loadParser();
    const connection = await db().connect();
    await connection.query(INIT);
    const statements = parseSqlSync(Object.values(CHANGES)[0]!.sql, { file: 'drop_code.sql' }).statements;
    const plan = planGuard(statements, await loadGuardCatalog(connection, statements), {
      transactional: true,
    });
    expect(plan.items.map((i) => i.action)).toEqual(['DROP COLUMN public.parents.code']);
    const reached = await reachedRelations(connection, plan.items);
    expect(reached.relations.map((r) => `${r.name} ${r.kind}`)).toEqual([
      'public.children r',
      'public.parent_codes v',
      'public.parents r',
    ]);
  });
});
