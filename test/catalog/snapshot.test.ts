import { describe, expect, it } from 'vitest';
import type { CatalogSnapshot, TableInfo } from '../../src/catalog/model.js';
import { findTable, loadSnapshot } from '../../src/catalog/snapshot.js';
import { Connection } from '../../src/db/connection.js';
import { createTestDatabase, pg15ServiceUrl, pg18Url, useEmbeddedServer } from '../helpers/db.js';
import { FAILING_STATEMENT, fixtureStatements } from './fixture.js';

async function buildFixture(serverUrl: string) {
  const db = await createTestDatabase(serverUrl);
  const role = `catalog_reader_${db.name}`;
  const connection = await db.connect();
  for (const statement of fixtureStatements(role)) {
    try {
      await connection.query(statement);
    } catch (error) {
      if (statement !== FAILING_STATEMENT) throw error;
    }
  }
  return {
    db,
    role,
    connection,
    async cleanup() {
      await db.drop();
      const admin = await Connection.open(serverUrl);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.close();
    },
  };
}

function table(snapshot: CatalogSnapshot, name: string): TableInfo {
  const found = findTable(snapshot, name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

// Every supported major: 18 shared by the run, 15 from the machine's service, the others embedded for this file.
const embedded = [13, 14, 16, 17].map((major) => ({ major, server: useEmbeddedServer(major) }));
const pg15 = pg15ServiceUrl();
const servers: { name: string; major: number; url: () => string }[] = [
  { name: 'PostgreSQL 18 (embedded)', major: 18, url: pg18Url },
  ...embedded.map(({ major, server }) => ({
    name: `PostgreSQL ${major} (embedded)`,
    major,
    url: () => server().url,
  })),
  ...(pg15 ? [{ name: 'PostgreSQL 15 (service)', major: 15, url: () => pg15 }] : []),
];

describe.each(servers)('catalog snapshot on $name', ({ major, url }) => {
  it('reads tables, columns, constraints, indexes, policies, triggers and the rest', async () => {
    const fixture = await buildFixture(url());
    try {
      const snapshot = await loadSnapshot(fixture.connection);
      expect(snapshot.server.major).toBe(major);
      expect(snapshot.server.database).toBe(fixture.db.name);
      expect(snapshot.schemas.map((s) => s.name).sort()).toEqual(['app', 'public']);

      // relations and their kinds
      const kinds = Object.fromEntries(
        snapshot.tables.filter((t) => t.schema === 'app').map((t) => [t.name, t.kind]),
      );
      expect(kinds).toEqual({
        big_orders: 'view',
        cache: 'table',
        customers: 'table',
        events: 'partitioned table',
        events_2026: 'table',
        events_default: 'table',
        order_keys: 'table',
        order_lines: 'table',
        order_totals: 'materialized view',
        orders: 'table',
      });
      expect(table(snapshot, 'app.cache').persistence).toBe('unlogged');
      expect(table(snapshot, 'app.events').partitioning).toEqual({ key: 'RANGE (at)' });
      expect(table(snapshot, 'app.events_2026').partitionOf).toEqual({
        parent: 'app.events',
        bound: expect.stringMatching(/^FOR VALUES FROM \('2026-01-01.*\) TO \('2027-01-01.*\)$/),
      });
      expect(table(snapshot, 'app.events_default').partitionOf).toEqual({
        parent: 'app.events',
        bound: 'DEFAULT',
      });
      expect(table(snapshot, 'app.big_orders').definition).toMatch(/total > (100|\(100\))/);
      expect(table(snapshot, 'app.customers').comment).toBe('people who buy');

      // row estimates: known after ANALYZE, unknown before
      expect(table(snapshot, 'app.customers').rowEstimate).toBe(500);
      expect(table(snapshot, 'app.order_keys').rowEstimate).toBeNull();

      // sizes: bytes for tables with storage, summed for partitioned tables, none for views
      const customers = table(snapshot, 'app.customers');
      expect(customers.sizes.table).toBeGreaterThan(8192);
      expect(customers.sizes.total).toBe(customers.sizes.table! + customers.sizes.indexes!);
      const events = table(snapshot, 'app.events');
      expect(events.sizes.total).toBe(
        table(snapshot, 'app.events_2026').sizes.total! + table(snapshot, 'app.events_default').sizes.total!,
      );
      expect(table(snapshot, 'app.big_orders').sizes).toEqual({ table: null, indexes: null, total: null });

      // columns
      const column = (t: string, c: string) => table(snapshot, t).columns.find((col) => col.name === c)!;
      expect(customers.columns.map((c) => c.name)).toEqual([
        'id',
        'email',
        'name',
        'tags',
        'created_at',
        'name_upper',
      ]);
      expect(column('app.customers', 'id')).toMatchObject({
        type: 'bigint',
        typeName: 'int8',
        notNull: true,
        identity: 'by default',
        default: null,
      });
      expect(column('app.customers', 'email')).toMatchObject({
        type: 'app.email',
        typeName: 'email',
        typeSchema: 'app',
        comment: 'login',
      });
      expect(column('app.customers', 'name')).toMatchObject({ collation: 'C', notNull: false });
      expect(column('app.customers', 'tags')).toMatchObject({
        type: 'text[]',
        typeName: 'text',
        isArray: true,
      });
      expect(column('app.customers', 'created_at')).toMatchObject({
        typeName: 'timestamptz',
        default: 'now()',
      });
      expect(column('app.customers', 'name_upper')).toMatchObject({
        generated: 'stored',
        generationExpression: 'upper(name)',
        default: null,
      });
      expect(column('app.orders', 'id').default).toBe(`nextval('app.orders_id_seq'::regclass)`);
      expect(column('app.orders', 'status')).toMatchObject({
        typeName: 'status',
        default: `'new'::app.status`,
      });
      expect(column('app.orders', 'total').type).toBe('numeric(12,2)');

      // constraints
      const constraint = (t: string, n: string) => table(snapshot, t).constraints.find((c) => c.name === n)!;
      expect(constraint('app.orders', 'fk_orders_customer')).toMatchObject({
        type: 'foreign key',
        columns: ['customer_id'],
        validated: true,
        deferrable: true,
        initiallyDeferred: true,
        foreignKey: {
          referencedTable: 'app.customers',
          referencedColumns: ['id'],
          onDelete: 'cascade',
          onUpdate: 'restrict',
          match: 'simple',
        },
      });
      expect(constraint('app.orders', 'chk_orders_total')).toMatchObject({
        type: 'check',
        columns: ['total'],
        validated: false,
      });
      expect(constraint('app.orders', 'orders_no_overlap')).toMatchObject({
        type: 'exclusion',
        index: 'orders_no_overlap',
      });
      expect(constraint('app.order_lines', 'fk_lines_keys')).toMatchObject({
        columns: ['region', 'order_id'],
        foreignKey: {
          referencedTable: 'app.order_keys',
          referencedColumns: ['region', 'id'],
          match: 'full',
          onDelete: 'no action',
        },
      });
      expect(constraint('app.order_lines', 'order_lines_pkey')).toMatchObject({
        type: 'primary key',
        columns: ['order_id', 'line_no'],
        index: 'order_lines_pkey',
      });

      // indexes
      const index = (t: string, n: string) => table(snapshot, t).indexes.find((i) => i.name === n)!;
      expect(index('app.customers', 'unq_customers_email')).toMatchObject({
        unique: true,
        primary: false,
        columns: [null],
        expressions: 'lower((email)::text)',
        method: 'btree',
        valid: true,
      });
      expect(index('app.orders', 'idx_orders_region_status')).toMatchObject({
        columns: ['region', 'status'],
        include: ['total'],
        predicate: `(status <> 'shipped'::app.status)`,
        unique: false,
      });
      expect(index('app.orders', 'orders_no_overlap')).toMatchObject({
        method: 'gist',
        exclusion: true,
        constraint: 'orders_no_overlap',
      });
      expect(index('app.customers', 'customers_pkey')).toMatchObject({
        primary: true,
        unique: true,
        constraint: 'customers_pkey',
        columns: ['id'],
      });
      expect(index('app.cache', 'idx_cache_v')).toMatchObject({ valid: false, unique: true });
      expect(index('app.order_totals', 'idx_order_totals_customer').columns).toEqual(['customer_id']);
      expect(index('app.customers', 'customers_pkey').size).toBeGreaterThan(0);
      expect(index('app.customers', 'customers_pkey').scans).toEqual(expect.any(Number));
      expect(index('app.customers', 'customers_pkey').definition).toBe(
        'CREATE UNIQUE INDEX customers_pkey ON app.customers USING btree (id)',
      );

      // row level security
      const orders = table(snapshot, 'app.orders');
      expect(orders.rowSecurity).toEqual({ enabled: true, forced: true });
      expect(customers.rowSecurity).toEqual({ enabled: false, forced: false });
      expect(orders.policies).toEqual([
        {
          name: 'orders_by_region',
          command: 'select',
          permissive: false,
          roles: [fixture.role],
          using: `(region = current_setting('app.region'::text))`,
          withCheck: null,
        },
        {
          name: 'orders_insert',
          command: 'insert',
          permissive: true,
          roles: ['public'],
          using: null,
          withCheck: '(total >= (0)::numeric)',
        },
      ]);

      // triggers
      expect(customers.triggers).toEqual([
        expect.objectContaining({
          name: 'trg_customers_touch',
          function: 'app.touch',
          timing: 'before',
          events: ['insert', 'update'],
          level: 'row',
          enabled: false,
        }),
      ]);

      // statistics
      expect(customers.stats).toMatchObject({ seqScans: expect.any(Number), liveRows: expect.any(Number) });

      // sequences
      const sequence = (n: string) => snapshot.sequences.find((s) => s.qualifiedName === n)!;
      expect(sequence('app.orders_id_seq')).toMatchObject({
        dataType: 'integer',
        ownedBy: 'app.orders.id',
        lastValue: '1',
        max: '2147483647',
      });
      expect(sequence('app.customers_id_seq')).toMatchObject({
        dataType: 'bigint',
        ownedBy: 'app.customers.id',
        max: '9223372036854775807',
      });

      // functions, types, extensions, roles
      const fn = (n: string) => snapshot.functions.find((f) => `${f.schema}.${f.name}` === n)!;
      expect(fn('app.touch')).toMatchObject({
        language: 'plpgsql',
        volatility: 'volatile',
        returns: 'trigger',
        kind: 'function',
        extension: null,
      });
      expect(fn('app.order_count')).toMatchObject({
        language: 'sql',
        volatility: 'stable',
        securityDefiner: true,
        arguments: 'c bigint',
        returns: 'bigint',
      });
      expect(fn('app.noop')).toMatchObject({ kind: 'procedure', returns: null });
      expect(snapshot.functions.find((f) => f.name === 'similarity')?.extension).toBe('pg_trgm');
      expect(snapshot.types.find((t) => t.name === 'status')).toMatchObject({
        kind: 'enum',
        labels: ['new', 'paid', 'shipped'],
        schema: 'app',
      });
      expect(snapshot.types.find((t) => t.name === 'email')).toMatchObject({
        kind: 'domain',
        baseType: 'text',
      });
      expect(snapshot.extensions.map((e) => e.name)).toEqual(expect.arrayContaining(['pg_trgm', 'plpgsql']));
      expect(snapshot.roles.find((r) => r.name === fixture.role)).toMatchObject({
        canLogin: false,
        superuser: false,
      });
      expect(snapshot.roles.find((r) => r.name === 'postgres')).toMatchObject({
        superuser: true,
        canLogin: true,
      });
      expect(snapshot.roles.some((r) => r.name.startsWith('pg_'))).toBe(false);
    } finally {
      await fixture.cleanup();
    }
  });

  it('is immutable', async () => {
    const db = await createTestDatabase(url());
    try {
      const connection = await db.connect();
      await connection.query('CREATE TABLE t (id int PRIMARY KEY)');
      const snapshot = await loadSnapshot(connection);
      const t = table(snapshot, 't');
      expect(Object.isFrozen(snapshot)).toBe(true);
      expect(Object.isFrozen(t.columns[0])).toBe(true);
      expect(() => {
        (t.columns as unknown as unknown[]).push({});
      }).toThrow(TypeError);
    } finally {
      await db.drop();
    }
  });

  it('works for a role that may only connect, in a database that refuses writes', async () => {
    const fixture = await buildFixture(url());
    const reader = `reader_${fixture.db.name}`;
    try {
      await fixture.connection.query(`CREATE ROLE ${reader} LOGIN PASSWORD 'reader-pass'`);
      await fixture.connection.query(`GRANT USAGE ON SCHEMA app TO ${reader}`);
      await fixture.connection.query(
        `ALTER DATABASE ${fixture.db.name} SET default_transaction_read_only = on`,
      );
      const readerUrl = new URL(fixture.db.url);
      readerUrl.username = reader;
      readerUrl.password = 'reader-pass';
      const connection = await Connection.open(readerUrl.toString());
      try {
        const snapshot = await loadSnapshot(connection);
        expect(snapshot.server.currentUser).toBe(reader);
        expect(table(snapshot, 'app.orders').constraints.length).toBeGreaterThan(0);
        // sequence values are the owner's business
        expect(snapshot.sequences.find((s) => s.name === 'orders_id_seq')?.lastValue).toBeNull();
      } finally {
        await connection.close();
      }
    } finally {
      const admin = await Connection.open(url());
      await fixture.cleanup();
      await admin.query(`DROP ROLE IF EXISTS ${reader}`);
      await admin.close();
    }
  });
});

describe('catalog snapshot at scale', () => {
  it('reads sizes of more relations than one batch holds', async () => {
    const db = await createTestDatabase(pg18Url());
    try {
      const connection = await db.connect();
      await connection.query(
        `DO $$ BEGIN FOR i IN 1..700 LOOP EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY)', i); END LOOP; END $$`,
      );
      const snapshot = await loadSnapshot(connection);
      expect(snapshot.tables).toHaveLength(700);
      expect(snapshot.tables.every((t) => t.sizes.table !== null && t.indexes[0]!.size !== null)).toBe(true);
      const withoutSizes = await loadSnapshot(connection, { sizes: false });
      expect(withoutSizes.tables.every((t) => t.sizes.table === null)).toBe(true);
    } finally {
      await db.drop();
    }
  });
});
