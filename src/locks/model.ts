import type { LockMode } from './modes.js';

/**
 * The lock model: for each kind of statement, the lock it takes on each relation it touches, whether it
 * rewrites the table, whether it reads the whole table while holding those locks, and whether it may run in a
 * transaction block — per PostgreSQL major version, with the documentation it comes from.
 *
 * Entries list the behaviour from the version it starts (`since`); a statement that does not exist before a
 * version has no behaviour there. The test suite traces every entry with `trace` on real servers (13 to 18) and
 * fails when this table and PostgreSQL disagree. Versions 10 to 12 come from the documentation and release notes.
 */

/** The part a relation plays in a statement. */
export type TargetRole = 'table' | 'referenced table' | 'index' | 'partition' | 'default partition';

export interface Behaviour {
  readonly locks: readonly { readonly role: TargetRole; readonly mode: LockMode }[];
  /** The table's (or, for index statements, the index's) files are rewritten: time and disk grow with its size. */
  readonly rewrite: boolean;
  /** Relations read whole while the locks are held (validation, index build, rewrite): time grows with their size. */
  readonly scans: readonly TargetRole[];
  /** May run inside a transaction block. */
  readonly transactionBlock: boolean;
  readonly note?: string;
}

export interface TraceExample {
  /** Run first, committed (tables get rows). */
  readonly setup: string;
  readonly statement: string;
  /** Which relation plays which role, to compare the observed locks with `locks`. */
  readonly roles: Partial<Record<TargetRole, string>>;
  /**
   * False when the statement holds no lock while it waits for other transactions, so its locks cannot be seen
   * from outside (DETACH … CONCURRENTLY between its two transactions); the trace then checks what matters to
   * the application: that reads and writes go on while it runs.
   */
  readonly locksVisible?: false;
  /** False when the example table is too small to tell a sample from a full read (ANALYZE reads every page of a small table). */
  readonly scansComparable?: false;
}

export interface LockModelEntry {
  readonly id: string;
  /** The statement form, as the docs print it. */
  readonly title: string;
  /** Where the behaviour is documented. */
  readonly docs: string;
  readonly versions: readonly { readonly since: number; readonly behaviour: Behaviour }[];
  readonly trace?: TraceExample;
}

const DOCS = 'https://www.postgresql.org/docs/current';
const ALTER_TABLE = `${DOCS}/sql-altertable.html`;
export const MIN_LINT_VERSION = 10;
export const MAX_LINT_VERSION = 18;

const AE: LockMode = 'AccessExclusiveLock';
const SUE: LockMode = 'ShareUpdateExclusiveLock';
const SRE: LockMode = 'ShareRowExclusiveLock';

const BASE = `
  CREATE TABLE t (id int PRIMARY KEY, a int, b text, c varchar(10), d numeric(10, 2));
  INSERT INTO t SELECT g, g, 'row ' || g, 'v', g FROM generate_series(1, 1000) AS g;
  CREATE INDEX t_a_idx ON t (a);
  CREATE TABLE u (id int PRIMARY KEY, t_id int);
  INSERT INTO u SELECT g, g FROM generate_series(1, 1000) AS g;
  ANALYZE t, u;`;

const PARTITIONED = `
  CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);
  CREATE TABLE m_2026 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
  INSERT INTO m SELECT g, date '2026-01-01' + (g % 300) FROM generate_series(1, 1000) AS g;`;

type Options = Partial<Omit<Behaviour, 'locks' | 'scans'>> & {
  scan?: boolean;
  scans?: readonly TargetRole[];
};

/** `scan: true` means the table is read whole; a rewrite reads it too. */
const simple = (locks: Behaviour['locks'], { scan, scans, ...more }: Options = {}): Behaviour => ({
  locks,
  rewrite: false,
  transactionBlock: true,
  ...more,
  scans: scans ?? (scan || more.rewrite ? ['table'] : []),
});

const onTable = (mode: LockMode, more: Options = {}) => simple([{ role: 'table', mode }], more);

/** The entries, declared `as const` so that their ids form a type (LockEntryId). */
const ENTRIES = [
  {
    id: 'add-column',
    title: 'ALTER TABLE … ADD COLUMN (no default, or a non-volatile default)',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: onTable(AE, {
          rewrite: true,
          note: 'before PostgreSQL 11 a non-null default rewrites the table (a column without default does not)',
        }),
      },
      {
        since: 11,
        behaviour: onTable(AE, {
          note: 'a non-volatile default is stored once in the catalog (fast default)',
        }),
      },
    ],
    trace: { setup: BASE, statement: `ALTER TABLE t ADD COLUMN e int DEFAULT 7`, roles: { table: 't' } },
  },
  {
    id: 'add-column-rewrite',
    title: 'ALTER TABLE … ADD COLUMN with a volatile default, identity, serial or stored generated column',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE, { rewrite: true }) }],
    trace: {
      setup: BASE,
      statement: `ALTER TABLE t ADD COLUMN e timestamptz DEFAULT clock_timestamp()`,
      roles: { table: 't' },
    },
  },
  {
    id: 'add-column-virtual',
    title: 'ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (…) VIRTUAL',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 18,
        behaviour: onTable(AE, { note: 'virtual generated columns are computed on read: no rewrite' }),
      },
    ],
  },
  {
    id: 'drop-column',
    title: 'ALTER TABLE … DROP COLUMN',
    docs: ALTER_TABLE,
    versions: [
      { since: 10, behaviour: onTable(AE, { note: 'the space is reclaimed only by later rewrites' }) },
    ],
    trace: { setup: BASE, statement: 'ALTER TABLE t DROP COLUMN b', roles: { table: 't' } },
  },
  {
    id: 'alter-column-type',
    title: 'ALTER TABLE … ALTER COLUMN … TYPE (not binary coercible)',
    docs: ALTER_TABLE,
    versions: [
      { since: 10, behaviour: onTable(AE, { rewrite: true, note: 'indexes on the column are rebuilt too' }) },
    ],
    trace: { setup: BASE, statement: 'ALTER TABLE t ALTER COLUMN a TYPE bigint', roles: { table: 't' } },
  },
  {
    id: 'alter-column-type-utc',
    title:
      'ALTER TABLE … ALTER COLUMN … TYPE timestamptz from timestamp, or the reverse, with the session TimeZone UTC',
    docs: ALTER_TABLE,
    versions: [
      { since: 10, behaviour: onTable(AE, { rewrite: true, note: 'rewrites whatever the time zone' }) },
      {
        since: 12,
        behaviour: onTable(AE, {
          note: 'no rewrite when the session TimeZone has a fixed zero offset (UTC, GMT…); indexes on the column are rebuilt',
        }),
      },
    ],
    trace: {
      setup: `${BASE} ALTER TABLE t ADD COLUMN at timestamp DEFAULT '2026-01-01'; SET TimeZone = 'UTC';`,
      statement: 'ALTER TABLE t ALTER COLUMN at TYPE timestamptz',
      roles: { table: 't' },
    },
  },
  {
    id: 'alter-column-type-coercible',
    title:
      'ALTER TABLE … ALTER COLUMN … TYPE (binary coercible: varchar → text, a longer varchar, more numeric precision)',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: { setup: BASE, statement: 'ALTER TABLE t ALTER COLUMN c TYPE varchar(20)', roles: { table: 't' } },
  },
  {
    id: 'set-default',
    title: 'ALTER TABLE … ALTER COLUMN … SET DEFAULT / DROP DEFAULT',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: { setup: BASE, statement: 'ALTER TABLE t ALTER COLUMN a SET DEFAULT 0', roles: { table: 't' } },
  },
  {
    id: 'set-not-null',
    title: 'ALTER TABLE … ALTER COLUMN … SET NOT NULL',
    docs: ALTER_TABLE,
    versions: [
      { since: 10, behaviour: onTable(AE, { scan: true }) },
      {
        since: 12,
        behaviour: onTable(AE, {
          scan: true,
          note: 'no scan when a valid CHECK (column IS NOT NULL) constraint proves it',
        }),
      },
      {
        since: 18,
        behaviour: onTable(AE, {
          scan: true,
          note: 'no scan when a valid CHECK proves it; a NOT NULL … NOT VALID constraint can be validated separately',
        }),
      },
    ],
    trace: { setup: BASE, statement: 'ALTER TABLE t ALTER COLUMN a SET NOT NULL', roles: { table: 't' } },
  },
  {
    id: 'drop-not-null',
    title: 'ALTER TABLE … ALTER COLUMN … DROP NOT NULL',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: {
      setup: `${BASE} ALTER TABLE t ALTER COLUMN a SET NOT NULL;`,
      statement: 'ALTER TABLE t ALTER COLUMN a DROP NOT NULL',
      roles: { table: 't' },
    },
  },
  {
    id: 'add-check',
    title: 'ALTER TABLE … ADD CONSTRAINT … CHECK (…)',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE, { scan: true }) }],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0)',
      roles: { table: 't' },
    },
  },
  {
    id: 'add-check-not-valid',
    title: 'ALTER TABLE … ADD CONSTRAINT … CHECK (…) NOT VALID',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0) NOT VALID',
      roles: { table: 't' },
    },
  },
  {
    id: 'add-not-null-constraint-not-valid',
    title: 'ALTER TABLE … ADD CONSTRAINT … NOT NULL column NOT VALID',
    docs: ALTER_TABLE,
    versions: [{ since: 18, behaviour: onTable(AE) }],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE t ADD CONSTRAINT t_a_not_null NOT NULL a NOT VALID',
      roles: { table: 't' },
    },
  },
  {
    id: 'add-foreign-key',
    title: 'ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … REFERENCES …',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: simple(
          [
            { role: 'table', mode: SRE },
            { role: 'referenced table', mode: SRE },
          ],
          { scan: true },
        ),
      },
    ],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE u ADD CONSTRAINT u_t_fk FOREIGN KEY (t_id) REFERENCES t (id)',
      roles: { table: 'u', 'referenced table': 't' },
    },
  },
  {
    id: 'add-foreign-key-not-valid',
    title: 'ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY … NOT VALID',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: simple([
          { role: 'table', mode: SRE },
          { role: 'referenced table', mode: SRE },
        ]),
      },
    ],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE u ADD CONSTRAINT u_t_fk FOREIGN KEY (t_id) REFERENCES t (id) NOT VALID',
      roles: { table: 'u', 'referenced table': 't' },
    },
  },
  {
    id: 'add-foreign-key-new-column',
    title:
      'ALTER TABLE … ADD COLUMN … REFERENCES … (no DEFAULT: every existing row is NULL, the foreign key is not checked)',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: simple(
          [
            { role: 'table', mode: AE },
            { role: 'referenced table', mode: SRE },
          ],
          {
            note: 'a DEFAULT (even DEFAULT NULL), serial or generated column makes PostgreSQL check the rows (a full read); before 13, a DEFAULT on any column the statement adds does',
          },
        ),
      },
    ],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE u ADD COLUMN t2_id int REFERENCES t (id)',
      roles: { table: 'u', 'referenced table': 't' },
    },
  },
  {
    id: 'validate-constraint',
    title: 'ALTER TABLE … VALIDATE CONSTRAINT (check)',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(SUE, { scan: true }) }],
    trace: {
      setup: `${BASE} ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0) NOT VALID;`,
      statement: 'ALTER TABLE t VALIDATE CONSTRAINT t_a_positive',
      roles: { table: 't' },
    },
  },
  {
    id: 'validate-foreign-key',
    title: 'ALTER TABLE … VALIDATE CONSTRAINT (foreign key)',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: simple(
          [
            { role: 'table', mode: SUE },
            { role: 'referenced table', mode: 'RowShareLock' },
          ],
          { scan: true },
        ),
      },
    ],
    trace: {
      setup: `${BASE} ALTER TABLE u ADD CONSTRAINT u_t_fk FOREIGN KEY (t_id) REFERENCES t (id) NOT VALID;`,
      statement: 'ALTER TABLE u VALIDATE CONSTRAINT u_t_fk',
      roles: { table: 'u', 'referenced table': 't' },
    },
  },
  {
    id: 'add-unique',
    title: 'ALTER TABLE … ADD CONSTRAINT … UNIQUE / PRIMARY KEY (builds an index)',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE, { scan: true }) }],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE (b)',
      roles: { table: 't' },
    },
  },
  {
    id: 'add-unique-using-index',
    title: 'ALTER TABLE … ADD CONSTRAINT … UNIQUE / PRIMARY KEY USING INDEX',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: onTable(AE, { note: 'a primary key on nullable columns also sets NOT NULL, with a scan' }),
      },
    ],
    trace: {
      setup: `${BASE} CREATE UNIQUE INDEX t_b_uidx ON t (b);`,
      statement: 'ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE USING INDEX t_b_uidx',
      roles: { table: 't' },
    },
  },
  {
    id: 'add-exclusion',
    title: 'ALTER TABLE … ADD CONSTRAINT … EXCLUDE',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE, { scan: true, note: 'cannot be added NOT VALID' }) }],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE t ADD CONSTRAINT t_a_excl EXCLUDE USING btree (a WITH =)',
      roles: { table: 't' },
    },
  },
  {
    id: 'drop-constraint',
    title: 'ALTER TABLE … DROP CONSTRAINT',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: {
      setup: `${BASE} ALTER TABLE t ADD CONSTRAINT t_a_positive CHECK (a > 0);`,
      statement: 'ALTER TABLE t DROP CONSTRAINT t_a_positive',
      roles: { table: 't' },
    },
  },
  {
    id: 'drop-foreign-key',
    title:
      'Dropping a foreign key: ALTER TABLE … DROP CONSTRAINT, or DROP COLUMN / DROP TABLE (CASCADE) that takes one with it',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: simple(
          [
            { role: 'table', mode: AE },
            { role: 'referenced table', mode: AE },
          ],
          { note: 'its triggers on the referenced table are dropped too: that table is locked as strongly' },
        ),
      },
    ],
    trace: {
      setup: `${BASE} ALTER TABLE u ADD CONSTRAINT u_t_fk FOREIGN KEY (t_id) REFERENCES t (id);`,
      statement: 'ALTER TABLE u DROP CONSTRAINT u_t_fk',
      roles: { table: 'u', 'referenced table': 't' },
    },
  },
  {
    id: 'rename',
    title: 'ALTER TABLE … RENAME (table, column or constraint) / SET SCHEMA',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: { setup: BASE, statement: 'ALTER TABLE t RENAME COLUMN b TO b2', roles: { table: 't' } },
  },
  {
    id: 'rename-index',
    title: 'ALTER INDEX … RENAME',
    docs: `${DOCS}/sql-alterindex.html`,
    versions: [
      { since: 10, behaviour: simple([{ role: 'index', mode: AE }]) },
      { since: 12, behaviour: simple([{ role: 'index', mode: SUE }]) },
    ],
    trace: { setup: BASE, statement: 'ALTER INDEX t_a_idx RENAME TO t_a_idx2', roles: { index: 't_a_idx' } },
  },
  {
    id: 'enable-trigger',
    title: 'ALTER TABLE … ENABLE / DISABLE TRIGGER',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(SRE) }],
    trace: {
      setup: `${BASE} CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER t_noop BEFORE UPDATE ON t FOR EACH ROW EXECUTE PROCEDURE noop();`,
      statement: 'ALTER TABLE t DISABLE TRIGGER t_noop',
      roles: { table: 't' },
    },
  },
  {
    id: 'set-statistics',
    title: 'ALTER TABLE … ALTER COLUMN … SET STATISTICS / SET (attribute options)',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(SUE) }],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE t ALTER COLUMN a SET STATISTICS 500',
      roles: { table: 't' },
    },
  },
  {
    id: 'set-storage-parameters',
    title: 'ALTER TABLE … SET (fillfactor, autovacuum_*, toast.*, parallel_workers)',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(SUE) }],
    trace: { setup: BASE, statement: 'ALTER TABLE t SET (fillfactor = 90)', roles: { table: 't' } },
  },
  {
    id: 'set-logged',
    title: 'ALTER TABLE … SET LOGGED / SET UNLOGGED',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE, { rewrite: true }) }],
    trace: { setup: BASE, statement: 'ALTER TABLE u SET UNLOGGED', roles: { table: 'u' } },
  },
  {
    id: 'set-access-method',
    title: 'ALTER TABLE … SET ACCESS METHOD',
    docs: ALTER_TABLE,
    versions: [{ since: 15, behaviour: onTable(AE, { rewrite: true }) }],
  },
  {
    id: 'set-tablespace',
    title: 'ALTER TABLE … SET TABLESPACE',
    docs: ALTER_TABLE,
    versions: [
      { since: 10, behaviour: onTable(AE, { rewrite: true, note: 'copies every file of the table' }) },
    ],
  },
  {
    id: 'owner',
    title: 'ALTER TABLE … OWNER TO',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: { setup: BASE, statement: 'ALTER TABLE t OWNER TO CURRENT_USER', roles: { table: 't' } },
  },
  {
    id: 'row-level-security',
    title: 'ALTER TABLE … ENABLE / DISABLE / FORCE ROW LEVEL SECURITY',
    docs: ALTER_TABLE,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: { setup: BASE, statement: 'ALTER TABLE t ENABLE ROW LEVEL SECURITY', roles: { table: 't' } },
  },
  {
    id: 'attach-partition',
    title: 'ALTER TABLE … ATTACH PARTITION',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: simple(
          [
            { role: 'table', mode: AE },
            { role: 'partition', mode: AE },
          ],
          { scans: ['partition'] },
        ),
      },
      {
        since: 12,
        behaviour: simple(
          [
            { role: 'table', mode: SUE },
            { role: 'partition', mode: AE },
          ],
          {
            scans: ['partition'],
            note: 'the partition is not scanned when a valid CHECK constraint implies the bound',
          },
        ),
      },
    ],
    trace: {
      setup: `${PARTITIONED} CREATE TABLE m_2027 (id int, at date NOT NULL);
        INSERT INTO m_2027 SELECT g, date '2027-01-01' + (g % 300) FROM generate_series(1, 1000) AS g;`,
      statement: `ALTER TABLE m ATTACH PARTITION m_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')`,
      roles: { table: 'm', partition: 'm_2027' },
    },
  },
  {
    id: 'detach-partition',
    title: 'ALTER TABLE … DETACH PARTITION',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: simple([
          { role: 'table', mode: AE },
          { role: 'partition', mode: SUE },
        ]),
      },
      {
        // observed by trace: 13 takes SHARE UPDATE EXCLUSIVE on the partition, 14 (with DETACH CONCURRENTLY) ACCESS EXCLUSIVE
        since: 14,
        behaviour: simple([
          { role: 'table', mode: AE },
          { role: 'partition', mode: AE },
        ]),
      },
    ],
    trace: {
      setup: PARTITIONED,
      statement: 'ALTER TABLE m DETACH PARTITION m_2026',
      roles: { table: 'm', partition: 'm_2026' },
    },
  },
  {
    id: 'detach-partition-concurrently',
    title: 'ALTER TABLE … DETACH PARTITION … CONCURRENTLY',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 14,
        behaviour: simple(
          [
            { role: 'table', mode: SUE },
            { role: 'partition', mode: SUE },
          ],
          { transactionBlock: false, note: 'runs as two transactions; not with a default partition' },
        ),
      },
    ],
    trace: {
      setup: PARTITIONED,
      statement: 'ALTER TABLE m DETACH PARTITION m_2026 CONCURRENTLY',
      roles: { table: 'm', partition: 'm_2026' },
      locksVisible: false,
    },
  },
  {
    id: 'create-index',
    title: 'CREATE INDEX',
    docs: `${DOCS}/sql-createindex.html`,
    versions: [{ since: 10, behaviour: onTable('ShareLock', { scan: true }) }],
    trace: { setup: BASE, statement: 'CREATE INDEX t_b_idx ON t (b)', roles: { table: 't' } },
  },
  {
    id: 'create-index-concurrently',
    title: 'CREATE INDEX CONCURRENTLY',
    docs: `${DOCS}/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY`,
    versions: [
      {
        since: 10,
        behaviour: onTable(SUE, {
          scan: true,
          transactionBlock: false,
          note: 'two table scans, waiting for older transactions; a failure leaves an INVALID index; not on a partitioned table',
        }),
      },
    ],
    trace: { setup: BASE, statement: 'CREATE INDEX CONCURRENTLY t_b_idx ON t (b)', roles: { table: 't' } },
  },
  {
    id: 'drop-index',
    title: 'DROP INDEX',
    docs: `${DOCS}/sql-dropindex.html`,
    versions: [
      {
        since: 10,
        behaviour: simple([
          { role: 'table', mode: AE },
          { role: 'index', mode: AE },
        ]),
      },
    ],
    trace: { setup: BASE, statement: 'DROP INDEX t_a_idx', roles: { table: 't', index: 't_a_idx' } },
  },
  {
    id: 'drop-index-concurrently',
    title: 'DROP INDEX CONCURRENTLY',
    docs: `${DOCS}/sql-dropindex.html`,
    versions: [
      {
        since: 10,
        behaviour: onTable(SUE, { transactionBlock: false, note: 'one index at a time, no CASCADE' }),
      },
    ],
    trace: { setup: BASE, statement: 'DROP INDEX CONCURRENTLY t_a_idx', roles: { table: 't' } },
  },
  {
    id: 'reindex',
    title: 'REINDEX',
    docs: `${DOCS}/sql-reindex.html`,
    versions: [
      {
        since: 10,
        behaviour: simple(
          [
            { role: 'table', mode: 'ShareLock' },
            { role: 'index', mode: AE },
          ],
          { rewrite: true, scan: true },
        ),
      },
    ],
    trace: { setup: BASE, statement: 'REINDEX INDEX t_a_idx', roles: { table: 't', index: 't_a_idx' } },
  },
  {
    id: 'reindex-concurrently',
    title: 'REINDEX … CONCURRENTLY',
    docs: `${DOCS}/sql-reindex.html`,
    versions: [
      { since: 12, behaviour: onTable(SUE, { rewrite: true, scan: true, transactionBlock: false }) },
    ],
    trace: { setup: BASE, statement: 'REINDEX INDEX CONCURRENTLY t_a_idx', roles: { table: 't' } },
  },
  {
    id: 'vacuum-full',
    title: 'VACUUM FULL / CLUSTER',
    docs: `${DOCS}/sql-vacuum.html`,
    versions: [{ since: 10, behaviour: onTable(AE, { rewrite: true, scan: true, transactionBlock: true }) }],
    trace: { setup: BASE, statement: 'CLUSTER t USING t_pkey', roles: { table: 't' } },
  },
  {
    id: 'vacuum',
    title: 'VACUUM',
    docs: `${DOCS}/sql-vacuum.html`,
    versions: [{ since: 10, behaviour: onTable(SUE, { scan: true, transactionBlock: false }) }],
  },
  {
    id: 'analyze',
    title: 'ANALYZE',
    docs: `${DOCS}/sql-analyze.html`,
    versions: [
      { since: 10, behaviour: onTable(SUE, { note: 'reads a sample of the table, not all of it' }) },
    ],
    trace: { setup: BASE, statement: 'ANALYZE t', roles: { table: 't' }, scansComparable: false },
  },
  {
    id: 'truncate',
    title: 'TRUNCATE',
    docs: `${DOCS}/sql-truncate.html`,
    versions: [
      {
        since: 10,
        behaviour: onTable(AE, { rewrite: true, scans: [], note: 'the data is gone: new, empty files' }),
      },
    ],
    trace: { setup: BASE, statement: 'TRUNCATE u', roles: { table: 'u' } },
  },
  {
    id: 'drop-table',
    title: 'DROP TABLE',
    docs: `${DOCS}/sql-droptable.html`,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: { setup: BASE, statement: 'DROP TABLE u', roles: { table: 'u' } },
  },
  {
    id: 'create-trigger',
    title: 'CREATE TRIGGER',
    docs: `${DOCS}/sql-createtrigger.html`,
    versions: [{ since: 10, behaviour: onTable(SRE) }],
    trace: {
      setup: `${BASE} CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;`,
      statement: 'CREATE TRIGGER t_noop BEFORE UPDATE ON t FOR EACH ROW EXECUTE PROCEDURE noop()',
      roles: { table: 't' },
    },
  },
  {
    id: 'drop-trigger',
    title: 'DROP TRIGGER',
    docs: `${DOCS}/sql-droptrigger.html`,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: {
      setup: `${BASE} CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER t_noop BEFORE UPDATE ON t FOR EACH ROW EXECUTE PROCEDURE noop();`,
      statement: 'DROP TRIGGER t_noop ON t',
      roles: { table: 't' },
    },
  },
  {
    id: 'create-policy',
    title: 'CREATE / ALTER / DROP POLICY',
    docs: `${DOCS}/sql-createpolicy.html`,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: { setup: BASE, statement: 'CREATE POLICY t_all ON t USING (true)', roles: { table: 't' } },
  },
  {
    id: 'refresh-materialized-view',
    title: 'REFRESH MATERIALIZED VIEW',
    docs: `${DOCS}/sql-refreshmaterializedview.html`,
    versions: [{ since: 10, behaviour: onTable(AE, { rewrite: true }) }],
    trace: {
      setup: `${BASE} CREATE MATERIALIZED VIEW mv AS SELECT id, a FROM t; CREATE UNIQUE INDEX mv_id ON mv (id);`,
      statement: 'REFRESH MATERIALIZED VIEW mv',
      roles: { table: 'mv' },
    },
  },
  {
    id: 'refresh-materialized-view-concurrently',
    title: 'REFRESH MATERIALIZED VIEW CONCURRENTLY',
    docs: `${DOCS}/sql-refreshmaterializedview.html`,
    versions: [
      {
        since: 10,
        behaviour: onTable('ExclusiveLock', {
          scan: true,
          note: 'needs a unique index; reads stay possible',
        }),
      },
    ],
    trace: {
      setup: `${BASE} CREATE MATERIALIZED VIEW mv AS SELECT id, a FROM t; CREATE UNIQUE INDEX mv_id ON mv (id);`,
      statement: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mv',
      roles: { table: 'mv' },
    },
  },
  {
    id: 'comment',
    title: 'COMMENT ON TABLE / COLUMN',
    docs: `${DOCS}/sql-comment.html`,
    versions: [{ since: 10, behaviour: onTable(SUE) }],
    trace: { setup: BASE, statement: `COMMENT ON TABLE t IS 'rows'`, roles: { table: 't' } },
  },
  {
    id: 'create-statistics',
    title: 'CREATE STATISTICS',
    docs: `${DOCS}/sql-createstatistics.html`,
    versions: [{ since: 10, behaviour: onTable(SUE) }],
    trace: { setup: BASE, statement: 'CREATE STATISTICS t_stats ON a, b FROM t', roles: { table: 't' } },
  },
  {
    id: 'create-table-references',
    title: 'CREATE TABLE … REFERENCES (on the referenced table)',
    docs: `${DOCS}/sql-createtable.html`,
    versions: [{ since: 10, behaviour: simple([{ role: 'referenced table', mode: SRE }]) }],
    trace: {
      setup: BASE,
      statement: 'CREATE TABLE v (id int PRIMARY KEY, t_id int REFERENCES t (id))',
      roles: { 'referenced table': 't' },
    },
  },
  {
    id: 'create-partition',
    title: 'CREATE TABLE … PARTITION OF (on the partitioned table)',
    docs: `${DOCS}/sql-createtable.html`,
    versions: [{ since: 10, behaviour: onTable(AE) }],
    trace: {
      setup: PARTITIONED,
      statement: `CREATE TABLE m_2027 PARTITION OF m FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')`,
      roles: { table: 'm' },
    },
  },
  {
    id: 'alter-table',
    title: 'ALTER TABLE (other forms: SET STORAGE, identity, INHERIT, …)',
    docs: ALTER_TABLE,
    versions: [
      {
        since: 10,
        behaviour: onTable(AE, { note: 'ACCESS EXCLUSIVE unless the documentation says otherwise' }),
      },
    ],
    trace: {
      setup: BASE,
      statement: 'ALTER TABLE t ALTER COLUMN b SET STORAGE EXTERNAL',
      roles: { table: 't' },
    },
  },
  {
    id: 'enum-add-value',
    title: 'ALTER TYPE … ADD VALUE',
    docs: `${DOCS}/sql-altertype.html`,
    versions: [
      { since: 10, behaviour: simple([], { transactionBlock: false }) },
      {
        since: 12,
        behaviour: simple([], { note: 'in a transaction block, the new value cannot be used before COMMIT' }),
      },
    ],
  },
  {
    id: 'lock-table',
    title: 'LOCK TABLE',
    docs: `${DOCS}/sql-lock.html`,
    versions: [
      {
        since: 10,
        behaviour: onTable(AE, { note: 'takes the mode it names (ACCESS EXCLUSIVE by default)' }),
      },
    ],
    trace: { setup: BASE, statement: 'LOCK TABLE t', roles: { table: 't' } },
  },
  {
    id: 'write',
    title: 'INSERT / UPDATE / DELETE / MERGE',
    docs: `${DOCS}/explicit-locking.html`,
    versions: [
      { since: 10, behaviour: onTable('RowExclusiveLock', { note: 'row locks on every row it changes' }) },
    ],
    trace: { setup: BASE, statement: 'UPDATE t SET a = a + 1 WHERE id = 7', roles: { table: 't' } },
  },
  {
    id: 'merge',
    title: 'MERGE',
    docs: `${DOCS}/sql-merge.html`,
    versions: [
      { since: 15, behaviour: onTable('RowExclusiveLock', { note: 'row locks on every row it changes' }) },
    ],
    trace: {
      setup: BASE,
      statement:
        'MERGE INTO t USING (SELECT 7 AS id) AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = t.a + 1',
      roles: { table: 't' },
    },
  },
  {
    id: 'create-procedure',
    title: 'CREATE PROCEDURE',
    docs: `${DOCS}/sql-createprocedure.html`,
    versions: [{ since: 11, behaviour: simple([], { note: 'locks no table' }) }],
  },
] as const satisfies readonly LockModelEntry[];

/** The id of a lock model entry: `add-column`, `create-index`… A misspelt id does not compile. */
export type LockEntryId = (typeof ENTRIES)[number]['id'];

/** Every statement kind the linter models. */
export const LOCK_MODEL: readonly (LockModelEntry & { readonly id: LockEntryId })[] = ENTRIES;

const byId = new Map<string, LockModelEntry>(LOCK_MODEL.map((entry) => [entry.id, entry]));

/** Whether `id` names a lock model entry (for ids read from outside the code: a trace example, a test). */
export function isLockEntryId(id: string): id is LockEntryId {
  return byId.has(id);
}

export function lockModelEntry(id: LockEntryId): LockModelEntry {
  const entry = byId.get(id);
  if (!entry) throw new Error(`no lock model entry "${id}"`);
  return entry;
}

/** The behaviour of a statement kind on a PostgreSQL major, or undefined when the statement does not exist there. */
export function behaviourAt(id: LockEntryId, major: number): Behaviour | undefined {
  let found: Behaviour | undefined;
  for (const version of lockModelEntry(id).versions) if (version.since <= major) found = version.behaviour;
  return found;
}

/** The first major where a statement kind exists. */
export function sinceVersion(id: LockEntryId): number {
  return lockModelEntry(id).versions[0]!.since;
}
