import { describe, expect, it } from 'vitest';
import { everyMajor } from '../helpers/db.js';
import { lintTracedChanges } from '../helpers/traced-changes.js';

/**
 * Dropping a foreign key drops its triggers on the referenced table, so PostgreSQL locks that table ACCESS
 * EXCLUSIVE too — however the key goes: DROP CONSTRAINT, DROP COLUMN of its column, DROP TABLE of the table that
 * holds it, DROP TABLE … CASCADE of the table it references. Each is traced on every major from 13 to 18, and lint
 * must predict the lock on both tables (before, it predicted none on the referenced one: `trace-mismatch`).
 */
const servers = everyMajor();

const INIT = `CREATE TABLE customers (id bigint PRIMARY KEY, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), note text);
CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint, order_id bigint,
  CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT invoices_order_fk FOREIGN KEY (order_id) REFERENCES orders (id));
CREATE TABLE refunds (id bigint PRIMARY KEY, invoice_id bigint REFERENCES invoices (id));
CREATE TABLE notes (id bigint PRIMARY KEY, parent_id bigint REFERENCES notes (id));
`;

const CHANGES: Record<string, { sql: string; locked: string[] }> = {
  '20240102000000_drop_constraint.sql': {
    sql: 'ALTER TABLE invoices DROP CONSTRAINT invoices_customer_fk;',
    locked: ['public.customers', 'public.invoices'],
  },
  '20240103000000_drop_column.sql': {
    sql: 'ALTER TABLE orders DROP COLUMN customer_id;',
    locked: ['public.customers', 'public.orders'],
  },
  '20240104000000_drop_cascade.sql': {
    sql: 'DROP TABLE invoices CASCADE;',
    // invoices itself is gone: pg_locks can no longer name it; refunds loses its key, orders the key's triggers
    locked: ['public.invoices', 'public.orders', 'public.refunds'],
  },
  '20240105000000_drop_table.sql': { sql: 'DROP TABLE refunds;', locked: ['public.refunds'] },
  '20240106000000_self.sql': {
    sql: 'ALTER TABLE notes DROP CONSTRAINT notes_parent_id_fkey;',
    locked: ['public.notes'],
  },
};

describe.each(servers)('dropping a foreign key on PostgreSQL $major', ({ major, url }) => {
  it('locks the referenced table too, as lint predicts', async () => {
    const { trace } = await lintTracedChanges(INIT, CHANGES, { major, url });
    // DROP TABLE refunds after the CASCADE: refunds no longer references invoices, so only refunds is locked
    const traced = trace.statements.find((s) => s.sql.includes('DROP CONSTRAINT invoices_customer_fk'))!;
    expect(traced.observed.locks).toContainEqual(
      expect.objectContaining({ relation: 'public.customers', mode: 'AccessExclusiveLock' }),
    );
  });
});
