import rule from '../../../src/rules/schema/invalid-index.js';
import { defineCases } from '../../helpers/rule-tester.js';

// A failed CREATE INDEX CONCURRENTLY cannot run in a case's setup (one multi-statement query: a transaction
// block), so the cases leave an index as it leaves it: in the catalog, indisvalid = false.
const invalidate = (index: string) =>
  `UPDATE pg_index SET indisvalid = false WHERE indexrelid = '${index}'::regclass;`;

export default defineCases(rule, {
  valid: [
    {
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
        CREATE INDEX idx_orders_customer_id ON orders (customer_id);`,
    },
    {
      name: 'a partitioned table whose index every partition has',
      setup: `CREATE TABLE events (id bigint, at date, kind text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE INDEX idx_events_kind ON events (kind);`,
    },
  ],
  invalid: [
    {
      name: 'a failed concurrent build: dropped and built again, concurrently',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note text);
        INSERT INTO orders SELECT g, g % 50, 'n' FROM generate_series(1, 1000) g;
        CREATE INDEX idx_orders_customer_id ON orders (customer_id) WHERE note IS NOT NULL;
        ${invalidate('idx_orders_customer_id')}`,
      findings: [
        {
          object: 'public.idx_orders_customer_id',
          severity: 'warning',
          message:
            /is INVALID \(a failed CREATE INDEX CONCURRENTLY\), never used by queries, yet maintained by every write/,
          fix: 'DROP INDEX CONCURRENTLY public.idx_orders_customer_id;\nCREATE INDEX CONCURRENTLY idx_orders_customer_id ON public.orders USING btree (customer_id) WHERE (note IS NOT NULL);',
        },
      ],
    },
    {
      name: 'a unique one is an error: the uniqueness was never checked',
      setup: `CREATE TABLE "User" (id bigint PRIMARY KEY, "Email" text);
        CREATE UNIQUE INDEX "unq_User_Email" ON "User" ("Email");
        ${invalidate('"unq_User_Email"')}`,
      findings: [
        {
          object: 'public.unq_User_Email',
          severity: 'error',
          fix: /^DROP INDEX CONCURRENTLY public\."unq_User_Email";\n-- a unique build fails again while duplicates remain.*\nCREATE UNIQUE INDEX CONCURRENTLY "unq_User_Email" ON public\."User" USING btree \("Email"\);$/,
        },
      ],
    },
    {
      name: 'the _ccnew copy of a failed REINDEX CONCURRENTLY: only dropped',
      setup: `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
        CREATE INDEX idx_orders_customer_id ON orders (customer_id);
        CREATE INDEX idx_orders_customer_id_ccnew ON orders (customer_id);
        ${invalidate('idx_orders_customer_id_ccnew')}`,
      findings: [
        {
          message: /the valid public\.idx_orders_customer_id has the same definition/,
          fix: 'DROP INDEX CONCURRENTLY public.idx_orders_customer_id_ccnew;',
        },
      ],
    },
    {
      name: 'a failed build on one partition',
      setup: `CREATE TABLE events (id bigint, at date, kind text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE INDEX events_2025_kind_idx ON events_2025 (kind);
        ${invalidate('events_2025_kind_idx')}`,
      findings: [
        {
          object: 'public.events_2025_kind_idx',
          fix: /^DROP INDEX CONCURRENTLY public\.events_2025_kind_idx;\nCREATE INDEX CONCURRENTLY/,
        },
      ],
    },
    {
      name: 'a partitioned table’s index that a partition lacks: built there and attached',
      setup: `CREATE TABLE events (id bigint, at date, kind text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        INSERT INTO events SELECT g, date '2024-06-01' + g % 400, 'k' || g % 7 FROM generate_series(1, 1000) g;
        CREATE INDEX idx_events_kind ON ONLY events (kind);
        CREATE INDEX events_2024_kind ON events_2024 (kind);
        ALTER INDEX idx_events_kind ATTACH PARTITION events_2024_kind;`,
      findings: [
        {
          object: 'public.idx_events_kind',
          message:
            /on partitioned table public\.events is INVALID: not every partition has an index attached/,
          fix: [
            'ALTER INDEX public.idx_events_kind ATTACH PARTITION public.events_2024_kind;',
            'CREATE INDEX CONCURRENTLY events_2025_idx_events_kind ON public.events_2025 (kind);',
            'ALTER INDEX public.idx_events_kind ATTACH PARTITION public.events_2025_idx_events_kind;',
          ].join('\n'),
        },
      ],
    },
  ],
});
