import rule from '../../../src/rules/plan/function-on-indexed-column.js';
import { defineCases } from '../../helpers/rule-tester.js';

const SERIAL = { max_parallel_workers_per_gather: '0' };

/** 100,000 users with mixed-case emails, a varchar code, a sign-up time; each column indexed (`email` optionally). */
function users({ emailIndex = true } = {}): string {
  return `
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  code varchar(20) NOT NULL,
  signed_up_at timestamptz NOT NULL
);
INSERT INTO users
SELECT g, 'User' || g || '@Example.com', 'C' || g, timestamptz '2024-01-01' + g * interval '5 minutes'
FROM generate_series(1, 100000) g;
${emailIndex ? 'CREATE INDEX users_email_idx ON users (email);' : ''}
CREATE INDEX users_code_idx ON users (code);
CREATE INDEX users_signed_up_at_idx ON users (signed_up_at);
`;
}

export default defineCases(rule, {
  valid: [
    {
      name: 'an expression index on lower(email) serves the condition',
      setup: `${users()}\nCREATE INDEX users_lower_email_idx ON users ((lower(email)));`,
      settings: SERIAL,
      explain: "SELECT * FROM users WHERE lower(email) = 'user42@example.com'",
    },
    {
      name: 'lower(email) with no index on email: a missing index, not this rule',
      setup: users({ emailIndex: false }),
      settings: SERIAL,
      explain: "SELECT * FROM users WHERE lower(email) = 'user42@example.com'",
    },
    {
      // the Seq Scan (index scans turned off) shows ((users.code)::text = 'C42'::text): the index on code serves it
      name: 'the cast PostgreSQL adds to compare a varchar column with text',
      setup: users(),
      settings: { ...SERIAL, enable_indexscan: 'off', enable_bitmapscan: 'off' },
      explain: "SELECT * FROM users WHERE code = 'C42'",
    },
    {
      name: 'the column compared bare uses its index',
      setup: users(),
      settings: SERIAL,
      explain:
        "SELECT * FROM users WHERE signed_up_at >= DATE '2024-02-01' AND signed_up_at < DATE '2024-02-01' + 1",
    },
  ],
  invalid: [
    {
      name: 'lower(email) with an index on email: an expression index',
      setup: users(),
      settings: SERIAL,
      explain: "SELECT * FROM users WHERE lower(email) = 'user42@example.com'",
      findings: [
        {
          message:
            /^Seq Scan on public\.users \(node 1\): its filter applies lower\(\) to email \(lower\(users\.email\) = 'user42@example\.com'::text\), so the index users_email_idx on email cannot serve it; the filter removes [\d.]+% of the rows read/,
          fix: 'CREATE INDEX CONCURRENTLY idx_users_lower_email ON public.users ((lower(email)));',
        },
      ],
    },
    {
      name: 'a timestamptz column cast to date: a range of timestamps instead',
      setup: users(),
      settings: SERIAL,
      explain: "SELECT * FROM users WHERE signed_up_at::date = '2024-02-01'",
      findings: [
        {
          message:
            /^Seq Scan on public\.users \(node 1\): its filter applies a cast to date to signed_up_at \(\(users\.signed_up_at\)::date = '2024-02-01'::date\), so the index users_signed_up_at_idx on signed_up_at cannot serve it/,
          fix: "-- instead of (users.signed_up_at)::date = '2024-02-01'::date:\nWHERE signed_up_at >= DATE '2024-02-01' AND signed_up_at < DATE '2024-02-01' + 1",
        },
      ],
    },
    {
      name: 'a bigint key cast to text: compare the column with the literal',
      setup: users(),
      settings: SERIAL,
      explain: "SELECT * FROM users WHERE id::text = '42'",
      findings: [
        {
          message:
            /^Seq Scan on public\.users \(node 1\): its filter applies a cast to text to id \(\(users\.id\)::text = '42'::text\), so the index users_pkey on id cannot serve it/,
          fix: "-- instead of (users.id)::text = '42'::text (PostgreSQL reads the literal as a bigint):\nWHERE id = '42'",
        },
      ],
    },
  ],
});
