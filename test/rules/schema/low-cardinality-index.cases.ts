import rule from '../../../src/rules/schema/low-cardinality-index.js';
import { defineCases } from '../../helpers/rule-tester.js';

const jobs = (
  status: string,
) => `CREATE TABLE jobs (id bigint PRIMARY KEY, status text NOT NULL, created_at timestamptz NOT NULL);
  INSERT INTO jobs SELECT g, ${status}, now() - g * interval '1 minute' FROM generate_series(1, 20000) g;`;

export default defineCases(rule, {
  valid: [
    {
      name: 'partial, unique, multi-column led by a non-boolean, selective columns',
      setup: `${jobs("CASE WHEN g % 50 = 0 THEN 'failed' WHEN g % 7 = 0 THEN 'running' ELSE 'done' END")}
        ALTER TABLE jobs ADD COLUMN processed boolean NOT NULL DEFAULT false;
        CREATE INDEX idx_jobs_processed_false ON jobs (processed) WHERE NOT processed;
        CREATE UNIQUE INDEX unq_jobs_processed_id ON jobs (processed, id);
        CREATE INDEX idx_jobs_status_created_at ON jobs (status, created_at);
        CREATE INDEX idx_jobs_created_at ON jobs (created_at);`,
    },
    {
      name: 'the tenancy column and a foreign key’s column lead their indexes',
      setup: `CREATE TABLE tenants (id bigint PRIMARY KEY);
        INSERT INTO tenants VALUES (1), (2), (3);
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, region_id bigint REFERENCES tenants);
        INSERT INTO invoices SELECT g, 1 + g % 3, 1 + g % 2 FROM generate_series(1, 20000) g;
        CREATE INDEX idx_invoices_tenant_id ON invoices (tenant_id);
        CREATE INDEX idx_invoices_region_id ON invoices (region_id);`,
    },
    {
      name: 'a small table (minRows), and values spread evenly (commonShare)',
      setup: `CREATE TABLE small (id bigint PRIMARY KEY, kind text);
        INSERT INTO small SELECT g, CASE WHEN g % 10 = 0 THEN 'b' ELSE 'a' END FROM generate_series(1, 500) g;
        CREATE INDEX idx_small_kind ON small (kind);
        ${jobs("(ARRAY['a', 'b', 'c', 'd'])[1 + g % 4]")}
        CREATE INDEX idx_jobs_status ON jobs (status);`,
    },
  ],
  invalid: [
    {
      name: 'a boolean index on a shadow schema: a partial one on true, assumed rare',
      source: 'shadow',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, is_admin boolean NOT NULL DEFAULT false);
        CREATE INDEX idx_users_is_admin ON users (is_admin);`,
      findings: [
        {
          object: 'public.idx_users_is_admin',
          severity: 'warning',
          fix: [
            '-- assumes true is the rare value that queries look for: use WHERE NOT … otherwise',
            'CREATE INDEX CONCURRENTLY idx_users_is_admin_true ON public.users (is_admin) WHERE is_admin;',
            'DROP INDEX CONCURRENTLY public.idx_users_is_admin;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'live booleans: the rare value from the statistics, or no index at all when neither is rare',
      setup: `CREATE TABLE messages (id bigint PRIMARY KEY, read boolean NOT NULL, "Flagged" boolean NOT NULL);
        INSERT INTO messages SELECT g, g % 100 <> 0, g % 2 = 0 FROM generate_series(1, 20000) g;
        CREATE INDEX idx_messages_read ON messages (read);
        CREATE INDEX idx_messages_flagged ON messages ("Flagged");`,
      findings: [
        {
          object: 'public.idx_messages_flagged',
          message: /neither value is rare enough/,
          fix: 'DROP INDEX CONCURRENTLY public.idx_messages_flagged;',
        },
        {
          object: 'public.idx_messages_read',
          message: /is on the boolean read \(t 99%, f 1%\)/,
          fix: 'CREATE INDEX CONCURRENTLY idx_messages_read_false ON public.messages (read) WHERE NOT read;\nDROP INDEX CONCURRENTLY public.idx_messages_read;',
        },
      ],
    },
    {
      name: 'a status column where nearly every row is done',
      setup: `${jobs("CASE WHEN g % 50 = 0 THEN 'failed' WHEN g % 7 = 0 THEN 'running' ELSE 'done' END")}
        CREATE INDEX idx_jobs_status ON jobs (status);`,
      findings: [
        {
          object: 'public.idx_jobs_status',
          message: /is on status, which has 3 distinct values \(done \d+%, running \d+%, failed \d+%\)/,
          fix: "CREATE INDEX CONCURRENTLY idx_jobs_status_not_done ON public.jobs (status) WHERE status <> 'done';\nDROP INDEX CONCURRENTLY public.idx_jobs_status;",
        },
      ],
    },
    {
      name: 'a multi-column index led by a boolean: information, no fix',
      source: 'shadow',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, is_active boolean NOT NULL, created_at timestamptz NOT NULL);
        CREATE INDEX idx_users_is_active_created_at ON users (is_active, created_at);`,
      findings: [
        {
          severity: 'info',
          message: /a partial index on \(created_at\) WHERE that value is smaller/,
          fix: null,
        },
      ],
    },
  ],
});
