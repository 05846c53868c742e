import rule from '../../../src/rules/schema/tenant-rls.js';
import { defineCases } from '../../helpers/rule-tester.js';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid());';
const invoices = `${tenants}
  CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE);`;

export default defineCases(rule, {
  valid: [
    {
      name: 'enabled, forced, a policy on the tenant column',
      setup: `${invoices}
        CREATE POLICY tenant_isolation ON invoices USING (tenant_id = current_setting('app.tenant_id')::uuid);
        ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
        ALTER TABLE invoices FORCE ROW LEVEL SECURITY;`,
    },
    {
      name: 'a WITH CHECK policy counts; the tenants table and tables without the column are not checked',
      setup: `${invoices}
        CREATE POLICY p_insert ON invoices FOR INSERT WITH CHECK (tenant_id = current_setting('app.tenant')::uuid);
        ALTER TABLE invoices ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
        CREATE TABLE countries (code text PRIMARY KEY);`,
    },
    {
      name: 'tenancy off',
      schemaConfig: { tenancy: { mode: 'off' } },
      setup: invoices,
    },
    {
      name: 'a global table',
      schemaConfig: { tenancy: { globalTables: ['invoices'] } },
      setup: invoices,
    },
    {
      name: 'a partitioned table secured on the parent and every partition',
      setup: `${tenants}
        CREATE TABLE events (id bigint, at date, tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
          PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE POLICY tenant_isolation ON events USING (tenant_id = current_setting('app.tenant_id')::uuid);
        CREATE POLICY tenant_isolation ON events_2025 USING (tenant_id = current_setting('app.tenant_id')::uuid);
        ALTER TABLE events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
        ALTER TABLE events_2025 ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;`,
    },
  ],
  invalid: [
    {
      name: 'a partitioned table secured on the parent only: its partitions too',
      setup: `${tenants}
        CREATE TABLE events (id bigint, at date, tenant_id uuid NOT NULL REFERENCES tenants ON DELETE CASCADE,
          PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE POLICY tenant_isolation ON events USING (tenant_id = current_setting('app.tenant_id')::uuid);
        ALTER TABLE events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;`,
      findings: [
        {
          object: 'public.events',
          message:
            "public.events holds rows of tenants (tenant_id) but its partitions public.events_2025 can be queried directly without it (a partition applies its own row level security): nothing in the database keeps one tenant from reading another's rows",
          fix: [
            'CREATE POLICY tenant_isolation ON public.events_2025',
            "  USING (tenant_id = current_setting('app.tenant_id')::uuid);",
            'ALTER TABLE public.events_2025 ENABLE ROW LEVEL SECURITY;',
            '-- from here the owner sees only the tenant of app.tenant_id too: migrations and jobs must set it, or run with BYPASSRLS',
            'ALTER TABLE public.events_2025 FORCE ROW LEVEL SECURITY;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'nothing: policy first, then enable, then force',
      setup: `${invoices}
        INSERT INTO tenants DEFAULT VALUES;
        INSERT INTO invoices SELECT g, (SELECT id FROM tenants) FROM generate_series(1, 10) g;`,
      findings: [
        {
          object: 'public.invoices',
          severity: 'warning',
          message:
            "public.invoices holds rows of tenants (tenant_id) but has no policy; row level security is neither enabled nor forced: nothing in the database keeps one tenant from reading another's rows",
          fix: [
            'CREATE POLICY tenant_isolation ON public.invoices',
            "  USING (tenant_id = current_setting('app.tenant_id')::uuid);",
            'ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;',
            '-- from here the owner sees only the tenant of app.tenant_id too: migrations and jobs must set it, or run with BYPASSRLS',
            'ALTER TABLE public.invoices FORCE ROW LEVEL SECURITY;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'enabled with a policy, not forced',
      setup: `${invoices}
        CREATE POLICY tenant_isolation ON invoices USING (tenant_id = current_setting('app.tenant_id')::uuid);
        ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;`,
      findings: [
        {
          message:
            "public.invoices holds rows of tenants (tenant_id) but row level security is not forced: the table's owner (often the application's role) bypasses the policy",
          fix: /^-- from here the owner[^\n]*\nALTER TABLE public.invoices FORCE ROW LEVEL SECURITY;$/,
        },
      ],
    },
    {
      name: 'a policy that does not test the tenant column; the setting and policy name are options',
      options: { setting: 'myapp.current_tenant', policyName: 'by_tenant' },
      setup: `${tenants}
        CREATE TABLE "Invoice" (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);
        CREATE POLICY by_tenant ON "Invoice" USING (true);
        ALTER TABLE "Invoice" ENABLE ROW LEVEL SECURITY;
        ALTER TABLE "Invoice" FORCE ROW LEVEL SECURITY;`,
      findings: [
        {
          object: 'public.Invoice',
          message: /but has no policy on tenant_id \(by_tenant do not mention it\): nothing in the database/,
          fix: 'CREATE POLICY by_tenant_2 ON public."Invoice"\n  USING (tenant_id = current_setting(\'myapp.current_tenant\')::bigint);',
        },
      ],
    },
    {
      name: 'another tenant column by config',
      schemaConfig: { tenancy: { column: 'org_id' } },
      setup:
        'CREATE TABLE orgs (id bigint PRIMARY KEY); CREATE TABLE docs (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES orgs);',
      findings: [
        { object: 'public.docs', fix: /USING \(org_id = current_setting\('app.tenant_id'\)::bigint\);/ },
      ],
    },
  ],
});
