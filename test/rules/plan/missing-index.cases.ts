import rule from '../../../src/rules/plan/missing-index.js';
import { defineCases } from '../../helpers/rule-tester.js';
import { EVENTS } from './data.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };
const WITH_ACCOUNT_INDEX = `${EVENTS}\nCREATE INDEX events_account_id_idx ON events (account_id);`;

export default defineCases(rule, {
  valid: [
    {
      name: 'the index exists and the planner uses it',
      setup: WITH_ACCOUNT_INDEX,
      settings: SERIAL,
      explain: 'SELECT * FROM events WHERE account_id = 42',
    },
    {
      // the Seq Scan is forced: an index leading with account_id exists, so there is nothing to create
      name: 'an index already leads with the filtered column, but the planner passed it over',
      setup: WITH_ACCOUNT_INDEX,
      settings: { ...SERIAL, enable_indexscan: 'off', enable_bitmapscan: 'off' },
      explain: 'SELECT * FROM events WHERE account_id = 42',
    },
    {
      name: 'a filter that removes one row in seven',
      setup: EVENTS,
      settings: SERIAL,
      explain: "SELECT * FROM events WHERE kind <> 'kind 3'",
    },
    {
      name: 'a small table (5,000 rows): a Seq Scan is fine',
      setup: `CREATE TABLE tags (id int PRIMARY KEY, label text NOT NULL);
INSERT INTO tags SELECT g, 'tag ' || g FROM generate_series(1, 5000) g;`,
      settings: SERIAL,
      explain: "SELECT * FROM tags WHERE label = 'tag 42'",
    },
  ],
  invalid: [
    {
      name: 'an equality on an unindexed column of 200,000 rows',
      setup: EVENTS,
      settings: SERIAL,
      explain: 'SELECT * FROM events WHERE account_id = 42',
      findings: [
        {
          message:
            /^Seq Scan on public\.events \(node 1\) reads 200,000 rows to keep 200: its Filter \(events\.account_id = 42\) removes [\d.]+%; an index on \(account_id\) would read only the rows kept/,
          fix: 'CREATE INDEX CONCURRENTLY idx_events_account_id ON public.events (account_id);',
        },
      ],
    },
    {
      name: 'two equalities: the column with more distinct values first',
      setup: EVENTS,
      settings: SERIAL,
      explain: "SELECT * FROM events WHERE kind = 'kind 3' AND account_id = 42",
      findings: [
        {
          message:
            /^Seq Scan on public\.events \(node 1\) reads 200,000 rows to keep 28: .*an index on \(account_id, kind\)/,
          fix: 'CREATE INDEX CONCURRENTLY idx_events_account_id_kind ON public.events (account_id, kind);',
        },
      ],
    },
    {
      name: 'an equality and a range: the equality column first, then the range',
      setup: EVENTS,
      settings: SERIAL,
      explain:
        "SELECT count(*) FROM events WHERE kind = 'kind 3' AND created_at >= '2025-01-02' AND created_at < '2025-01-03'",
      findings: [
        {
          message:
            /^Seq Scan on public\.events \(node 2\) reads 200,000 rows to keep 12,343: .*an index on \(kind, created_at\)/,
          fix: 'CREATE INDEX CONCURRENTLY idx_events_kind_created_at ON public.events (kind, created_at);',
        },
      ],
    },
    {
      name: 'lower(email) with no index on email: an expression index',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
INSERT INTO users SELECT g, 'User' || g || '@Example.com' FROM generate_series(1, 100000) g;`,
      settings: SERIAL,
      explain: "SELECT * FROM users WHERE lower(email) = 'user42@example.com'",
      findings: [
        {
          message:
            /^Seq Scan on public\.users \(node 1\) reads 100,000 rows to keep 1: .*an index on \(\(lower\(email\)\)\)/,
          fix: 'CREATE INDEX CONCURRENTLY idx_users_lower_email ON public.users ((lower(email)));',
        },
      ],
    },
  ],
});
