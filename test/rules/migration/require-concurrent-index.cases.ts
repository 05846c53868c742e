import rule from '../../../src/rules/migration/require-concurrent-index.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EXISTING_TABLES } from '../fixtures.js';

export default defineCases(rule, {
  valid: [
    {
      sql: 'CREATE INDEX idx_events_at ON ONLY events (at);',
      name: 'ON ONLY a partitioned table: the recipe’s first step, which builds nothing',
      before: 'CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);',
    },
    {
      sql: 'CREATE SCHEMA archive;\nCREATE TABLE t (a int);\nALTER TABLE t SET SCHEMA archive;\nCREATE INDEX idx_t_a ON archive.t (a);',
      name: 'a table created in the same migration, then moved to another schema',
    },
    {
      sql: 'CREATE TABLE t (a int);\nALTER TABLE t RENAME TO t2;\nCREATE INDEX idx_t2_a ON t2 (a);',
      name: 'a table created in the same migration, then renamed',
    },
    {
      sql: 'CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);',
      noTransaction: true,
      before: EXISTING_TABLES,
    },
    {
      sql: 'CREATE TABLE t (a int);\nCREATE INDEX idx_t_a ON t (a);',
      name: 'a table created in the same migration',
    },
    {
      sql: '-- pgwarden-ignore migration/require-concurrent-index: orders holds 12 rows in every environment\nCREATE INDEX idx_orders_note ON orders (note);',
      name: 'accepted with a reason',
      before: EXISTING_TABLES,
    },
  ],
  invalid: [
    {
      sql: 'CREATE INDEX idx_orders_note ON ONLY orders (note);',
      name: 'ON ONLY a plain table builds the index all the same',
      findings: [{ line: 1 }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'ALTER TABLE orders RENAME TO legacy_orders;\nCREATE INDEX idx_orders_note ON legacy_orders (note);',
      name: 'on a table renamed earlier in the migration',
      findings: [{ line: 2, message: /"legacy_orders"/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'CREATE INDEX idx_orders_note ON orders (note);',
      findings: [
        {
          line: 1,
          column: 1,
          severity: 'error',
          message: 'CREATE INDEX without CONCURRENTLY blocks writes to "orders" while the index builds',
          fix: /^CREATE INDEX CONCURRENTLY idx_orders_note ON orders \(note\);/,
        },
      ],
      before: EXISTING_TABLES,
    },
    {
      sql: 'CREATE UNIQUE INDEX unq_orders_note ON orders (note);',
      findings: [{ fix: /^CREATE UNIQUE INDEX CONCURRENTLY unq_orders_note/ }],
      before: EXISTING_TABLES,
    },
    {
      sql: 'CREATE INDEX idx_events_at ON events (at);',
      name: 'a partitioned table gets the ON ONLY recipe',
      before: 'CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);',
      findings: [{ fix: /CREATE INDEX idx_events_at ON ONLY events \(at\)/ }],
    },
  ],
});
