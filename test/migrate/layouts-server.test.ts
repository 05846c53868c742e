import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { openTarget } from '../../src/db/target.js';
import { migrateStatus, migrateUp } from '../../src/migrate/runner.js';
import { pg15ServiceUrl, useTestDatabase } from '../helpers/db.js';

/**
 * Each layout's fixture folder (test/fixtures/layouts/, written to reproduce what real projects of each ecosystem
 * ship) applied by `migrate up` on the PostgreSQL 15 service: in the runner's order (each fixture has a migration
 * that fails when run before the one its runner puts first) and with its runner's transaction semantics
 * (CONCURRENTLY alone in a file, a Prisma enum swap with its own BEGIN/COMMIT, Flyway non-transactional scripts).
 */
const PG15 = pg15ServiceUrl();
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'layouts');

describe.skipIf(!PG15)('every layout applies with migrate up, in its runner order and semantics', () => {
  const db = useTestDatabase(() => PG15!);

  async function up(folder: string) {
    const dir = join(FIXTURES, folder);
    const context = {
      target: await openTarget({ db: db().url }),
      config: { config: parseConfig({}, 'test'), path: null, dir: FIXTURES },
      dir,
      noGuardReason: 'layout fixtures: nothing to protect',
    };
    const result = await migrateUp(context);
    const status = await migrateStatus(context);
    return { result, status };
  }

  async function query<T>(sql: string): Promise<T[]> {
    const connection = await db().connect();
    try {
      return (await connection.query(sql)).rows as T[];
    } finally {
      await connection.close();
    }
  }

  /** The valid indexes of orders, by name: what the migrations built, CONCURRENTLY or not. */
  async function validOrderIndexes(): Promise<string[]> {
    const rows = await query<{ name: string }>(
      `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = 'orders'::regclass AND indisvalid ORDER BY 1`,
    );
    return rows.map((row) => row.name);
  }

  it('diesel: 20170101000000_a before 2017-02-01-000000_b, hex suffixes, metadata.toml without a transaction', async () => {
    const { result, status } = await up('diesel/migrations');
    expect(result.runs.map((r) => r.name)).toEqual([
      'diesel_initial_setup',
      'create_shops',
      'create_items',
      'items_sku',
      'index_items_sku',
      'comment_sku_index',
    ]);
    expect(status.statuses.every((m) => m.state === 'applied')).toBe(true);
    const [index] = await query<{ valid: boolean; comment: string }>(
      `SELECT i.indisvalid AS valid, obj_description('items_sku_idx'::regclass) AS comment FROM pg_index i WHERE i.indexrelid = 'items_sku_idx'::regclass`,
    );
    expect(index).toEqual({ valid: true, comment: 'lookup by SKU' });
  });

  it('golang-migrate: by number, a renamed down, an own BEGIN/COMMIT block, CONCURRENTLY alone in its file', async () => {
    const { result } = await up('golang-migrate/migrations');
    expect(result.runs.map((r) => r.version)).toEqual([
      '000001',
      '000002',
      '000003',
      '9',
      '000010',
      '000011',
    ]);
    const [column] = await query<{ type: string }>(
      `SELECT atttypid::regtype::text AS type FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'status'`,
    );
    expect(column!.type).toBe('account_status');
  });

  it("Prisma: whole folder names, Prisma's enum swap with its own BEGIN/COMMIT, CONCURRENTLY alone", async () => {
    const { result } = await up('prisma/migrations');
    expect(result.runs.map((r) => r.version)).toEqual([
      '0_init',
      '20240101000000_add_post',
      '20240101000000_Add_post_title',
      '20240102000000_remove_guest_role',
      '20240103000000_post_title_index',
    ]);
    const [role] = await query<{ labels: string }>(
      `SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) AS labels FROM pg_enum WHERE enumtypid = '"Role"'::regtype`,
    );
    expect(role!.labels).toBe('USER,ADMIN');
  });

  it('Flyway: 1.2.10 before 1.10, non-transactional scripts, the repeatable last; U and lower-case v never run', async () => {
    const { result } = await up('flyway/db/migration');
    expect(result.runs.map((r) => r.version)).toEqual([
      '1',
      '1.2.9',
      '1.2.10',
      '1.9',
      '1.10',
      '2',
      '3',
      '4',
      'R__order_summary',
    ]);
    expect(await validOrderIndexes()).toEqual([
      'orders_currency_idx',
      'orders_pkey',
      'orders_placed_at_idx',
      'orders_total_idx',
    ]);
  });

  it('Flyway sub-folders: scanned recursively, ordered by version across folders, hidden folders and U skipped', async () => {
    const { result, status } = await up('flyway-folders/db/migration');
    // release_1/V1.10 runs after release_2/V1.2: it comments on the column V1.2 adds
    expect(result.runs.map((r) => r.version)).toEqual(['1', '1.1', '1.2', '1.10', '2', 'R__account_emails']);
    expect(status.statuses.map((m) => `${m.version} ${m.state}`)).toEqual([
      '1 applied',
      '1.1 applied',
      '1.2 applied',
      '1.10 applied',
      '2 applied',
      'R__account_emails applied',
    ]);
    const [index] = await query<{ valid: boolean }>(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'accounts_email_normalized_idx'::regclass`,
    );
    expect(index).toEqual({ valid: true });
    // the undo script never ran: the column is there
    const columns = await query<{ name: string }>(
      `SELECT attname AS name FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    expect(columns.map((c) => c.name)).toEqual(['id', 'name', 'email', 'email_normalized']);
  });

  it('dbmate: whole file names in byte order (9_x last), transaction:false sections', async () => {
    const { result } = await up('dbmate/db/migrations');
    expect(result.runs.map((r) => r.version)).toEqual([
      '20240101000000',
      '20240101000001',
      '20240101000002',
      '9',
    ]);
  });

  it('dbmate: several up/down blocks in one file, each with its own transaction:false', async () => {
    const { result, status } = await up('dbmate-sections/db/migrations');
    expect(result.runs.map((r) => r.version)).toEqual(['20240201000000', '20240202000000']);
    expect(status.statuses.every((m) => m.state === 'applied')).toBe(true);
    // the CONCURRENTLY blocks ran outside any transaction, the others inside theirs
    expect(await validOrderIndexes()).toEqual(['orders_customer_idx', 'orders_pkey', 'orders_placed_at_idx']);
    const [note] = await query<{ comment: string }>(
      `SELECT col_description('orders'::regclass, 4) AS comment`,
    );
    expect(note).toEqual({ comment: 'free text from the customer' });
  });

  it('node-pg-migrate: a 17-digit UTC prefix before a later epoch-ms one; a Down Migration before the Up', async () => {
    const { result } = await up('node-pg-migrate/migrations');
    expect(result.runs.map((r) => r.version)).toEqual([
      '0001',
      '20200513070724505',
      '1589353645000',
      '20200601000000000',
    ]);
    // the Down Migration written first did not run with the Up
    const [source] = await query<{ type: string }>(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'source'`,
    );
    expect(source).toEqual({ type: 'text' });
  });

  it("pgwarden's own layout: 2 before 10, a no-transaction migration", async () => {
    const { result } = await up('pgwarden/migrations');
    expect(result.runs.map((r) => r.version)).toEqual(['1', '2', '10']);
  });
});
