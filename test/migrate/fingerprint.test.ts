import { describe, expect, it } from 'vitest';
import {
  diffFingerprints,
  fingerprintSchema,
  type SchemaFingerprint,
} from '../../src/catalog/fingerprint.js';
import { loadSnapshot } from '../../src/catalog/snapshot.js';
import { Connection } from '../../src/db/connection.js';
import {
  checkDrift,
  recordServerFingerprint,
  serverFingerprint,
} from '../../src/migrate/server-fingerprint.js';
import { FAILING_STATEMENT, fixtureStatements } from '../catalog/fixture.js';
import { createTestDatabase, pg15ServiceUrl, pg18Url, useEmbeddedServer } from '../helpers/db.js';

/**
 * The server-side fingerprint against the JavaScript one it replaces (`fingerprintSchema` over a full catalog
 * snapshot): the same objects under the same keys, and for every change the same objects named as added, removed
 * or changed — so it sees what that one saw and ignores what it ignored (sizes, statistics, sequence positions,
 * comments) — on every supported major.
 */

// [what, SQL run in a transaction that is rolled back, whether the schema changes]
const CHANGES: readonly (readonly [string, string, boolean])[] = [
  ['a column default', `ALTER TABLE app.orders ALTER COLUMN status SET DEFAULT 'paid'`, true],
  ['a column dropped', 'ALTER TABLE app.order_lines DROP COLUMN sku', true],
  ['a column added', 'ALTER TABLE app.order_lines ADD COLUMN note text', true],
  ['a column type', 'ALTER TABLE app.order_lines ALTER COLUMN line_no TYPE bigint', true],
  ['NOT NULL', 'ALTER TABLE app.orders ALTER COLUMN region DROP NOT NULL', true],
  ['a collation', 'ALTER TABLE app.order_lines ALTER COLUMN sku TYPE text COLLATE "POSIX"', true],
  ['identity', 'ALTER TABLE app.customers ALTER COLUMN id SET GENERATED ALWAYS', true],
  ['a renamed column', 'ALTER TABLE app.order_lines RENAME COLUMN sku TO article', true],
  [
    'a column put back last',
    'ALTER TABLE app.order_lines DROP COLUMN region CASCADE; ALTER TABLE app.order_lines ADD COLUMN region text',
    true,
  ],
  ['a constraint validated', 'ALTER TABLE app.orders VALIDATE CONSTRAINT chk_orders_total', true],
  ['a constraint dropped', 'ALTER TABLE app.orders DROP CONSTRAINT chk_orders_total', true],
  [
    'a foreign key made immediate',
    'ALTER TABLE app.orders ALTER CONSTRAINT fk_orders_customer NOT DEFERRABLE',
    true,
  ],
  [
    'an index redefined',
    'DROP INDEX app.idx_orders_region_status; CREATE INDEX idx_orders_region_status ON app.orders (region)',
    true,
  ],
  ['an index renamed', 'ALTER INDEX app.idx_order_totals_customer RENAME TO idx_totals', true],
  [
    'an index made valid',
    `UPDATE pg_index SET indisvalid = true WHERE indexrelid = 'app.idx_cache_v'::regclass`,
    true,
  ],
  [
    'a view redefined',
    'CREATE OR REPLACE VIEW app.big_orders AS SELECT id, total FROM app.orders WHERE total > 200',
    true,
  ],
  ['a table renamed', 'ALTER TABLE app.cache RENAME TO kv', true],
  ['a table made unlogged', 'ALTER TABLE app.order_lines SET UNLOGGED', true],
  ['a partition detached', 'ALTER TABLE app.events DETACH PARTITION app.events_2026', true],
  ['row level security', 'ALTER TABLE app.orders NO FORCE ROW LEVEL SECURITY', true],
  ['a policy', 'ALTER POLICY orders_insert ON app.orders WITH CHECK (total > 0)', true],
  ['a trigger enabled', 'ALTER TABLE app.customers ENABLE TRIGGER trg_customers_touch', true],
  ['a sequence increment', 'ALTER SEQUENCE app.orders_id_seq INCREMENT BY 5', true],
  [
    'a function body',
    `CREATE OR REPLACE FUNCTION app.order_count(c bigint) RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER AS 'SELECT 0::bigint'`,
    true,
  ],
  ['a function volatility', 'ALTER FUNCTION app.order_count(bigint) VOLATILE', true],
  ['a procedure dropped', 'DROP PROCEDURE app.noop()', true],
  ['an enum label', `ALTER TYPE app.status ADD VALUE 'returned'`, true],
  ['a domain base type', 'DROP DOMAIN app.email CASCADE; CREATE DOMAIN app.email AS varchar(200)', true],
  ['an extension dropped', 'DROP EXTENSION pg_trgm', true],
  ['a schema', 'CREATE SCHEMA extra', true],
  // what the fingerprint ignores
  ['rows', `INSERT INTO app.cache VALUES ('c', 'other')`, false],
  ['statistics', 'ANALYZE app.orders', false],
  ['a sequence position', `SELECT setval('app.orders_id_seq', 1000)`, false],
  ['a comment', `COMMENT ON TABLE app.orders IS 'what was bought'`, false],
  ['a temporary table', 'CREATE TEMPORARY TABLE scratch (id int)', false],
];

function keys(diff: ReturnType<typeof diffFingerprints>) {
  return {
    added: [...diff.added].sort(),
    removed: [...diff.removed].sort(),
    changed: [...diff.changed].sort(),
  };
}

async function both(connection: Connection): Promise<{ js: SchemaFingerprint; server: SchemaFingerprint }> {
  const js = fingerprintSchema(await loadSnapshot(connection, { sizes: false, withinTransaction: true }), []);
  const server = await serverFingerprint(connection, [], { withObjects: true });
  return { js, server };
}

const embedded = [13, 14, 16, 17].map((major) => ({ major, server: useEmbeddedServer(major) }));
const pg15 = pg15ServiceUrl();
const servers: { name: string; url: () => string }[] = [
  { name: 'PostgreSQL 18 (embedded)', url: pg18Url },
  ...embedded.map(({ major, server }) => ({
    name: `PostgreSQL ${major} (embedded)`,
    url: () => server().url,
  })),
  ...(pg15 ? [{ name: 'PostgreSQL 15 (service)', url: () => pg15 }] : []),
];

describe.each(servers)('the server-side schema fingerprint on $name', ({ url }) => {
  it('covers the objects the JavaScript fingerprint covers, and sees the same changes', async () => {
    const db = await createTestDatabase(url());
    const role = `fp_reader_${db.name}`;
    const connection = await db.connect();
    try {
      for (const statement of fixtureStatements(role)) {
        try {
          await connection.query(statement);
        } catch (error) {
          if (statement !== FAILING_STATEMENT) throw error;
        }
      }
      const base = await both(connection);
      expect(Object.keys(base.server.objects).sort()).toEqual(Object.keys(base.js.objects).sort());
      expect(base.server.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.values(base.server.objects).every((h) => /^[0-9a-f]{32}$/.test(h))).toBe(true);
      // the total alone is the same as with the objects
      expect((await serverFingerprint(connection, [])).hash).toBe(base.server.hash);

      const seen: string[] = [];
      for (const [what, sql, changes] of CHANGES) {
        await connection.query('BEGIN');
        try {
          await connection.query(sql);
          const after = await both(connection);
          const server = keys(diffFingerprints(base.server, after.server));
          expect({ what, ...server }).toEqual({ what, ...keys(diffFingerprints(base.js, after.js)) });
          expect({ what, changed: after.server.hash !== base.server.hash }).toEqual({
            what,
            changed: changes,
          });
          if (changes) seen.push(what);
        } finally {
          await connection.query('ROLLBACK');
        }
      }
      expect(seen).toHaveLength(CHANGES.filter(([, , changes]) => changes).length);
    } finally {
      await db.drop();
      const admin = await Connection.open(url());
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.close();
    }
  });
});

describe('drift against a stored fingerprint', () => {
  it('compares totals, names the objects that differ on the server, and records the fingerprint on one row', async () => {
    const db = await createTestDatabase();
    const connection = await db.connect();
    try {
      await connection.query(`CREATE SCHEMA pgwarden;
        CREATE TABLE pgwarden.migrations (version text PRIMARY KEY, schema_fingerprint text, schema_objects jsonb);
        INSERT INTO pgwarden.migrations (version) VALUES ('1'), ('2');
        CREATE TABLE orders (id int PRIMARY KEY, note text, total int);
        CREATE INDEX orders_note ON orders (note)`);
      const history = { table: '"pgwarden"."migrations"', version: '1' };
      await recordServerFingerprint(connection, ['pgwarden'], history);
      await recordServerFingerprint(connection, ['pgwarden'], { ...history, version: '2' });
      const rows = (
        await connection.query<{
          version: string;
          schema_fingerprint: string | null;
          objects: number | null;
        }>(
          `SELECT version, schema_fingerprint,
                  CASE WHEN schema_objects IS NOT NULL THEN (SELECT count(*) FROM jsonb_object_keys(schema_objects))::int END AS objects
             FROM pgwarden.migrations ORDER BY version`,
        )
      ).rows;
      const now = await serverFingerprint(connection, ['pgwarden'], { withObjects: true });
      expect(rows).toEqual([
        { version: '1', schema_fingerprint: null, objects: null },
        { version: '2', schema_fingerprint: now.hash, objects: Object.keys(now.objects).length },
      ]);
      expect(Object.keys(now.objects).some((key) => key.startsWith('table:pgwarden'))).toBe(false);

      const at = { ...history, version: '2' };
      expect(await checkDrift(connection, ['pgwarden'], at)).toEqual({ kind: 'same' });
      await connection.query(`DROP INDEX orders_note;
        CREATE INDEX orders_total ON orders (total);
        ALTER TABLE orders ALTER COLUMN note SET NOT NULL`);
      expect(await checkDrift(connection, ['pgwarden'], at)).toEqual({
        kind: 'differs',
        diff: {
          added: ['index:public.orders_total'],
          removed: ['index:public.orders_note'],
          changed: ['column:public.orders.note'],
          orderOnly: false,
        },
      });
      // back as it was, but the column re-added last
      await connection.query(`DROP INDEX orders_total;
        ALTER TABLE orders DROP COLUMN note;
        ALTER TABLE orders ADD COLUMN note text;
        CREATE INDEX orders_note ON orders (note)`);
      expect(await checkDrift(connection, ['pgwarden'], at)).toEqual({
        kind: 'differs',
        diff: { added: [], removed: [], changed: ['column order:public.orders'], orderOnly: true },
      });

      // a map of the JavaScript fingerprint (sha256 per object), as older versions stored it
      const legacy = fingerprintSchema(await loadSnapshot(connection, { sizes: false }), ['pgwarden']);
      await connection.query(
        `UPDATE pgwarden.migrations SET schema_fingerprint = $1, schema_objects = $2 WHERE version = '2'`,
        [legacy.hash, JSON.stringify(legacy.objects)],
      );
      expect(await checkDrift(connection, ['pgwarden'], at)).toEqual({ kind: 'legacy' });
    } finally {
      await db.drop();
    }
  });
});
