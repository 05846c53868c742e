import rule from '../../../src/rules/security/tenant-table-without-rls.js';
import { defineCases } from '../../helpers/rule-tester.js';

const invoices = 'CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL)';

export default defineCases(rule, {
  valid: [
    {
      name: 'enabled, forced and a policy on the tenant column; a table without the column',
      security: `${invoices};
        CREATE POLICY tenant_isolation ON invoices USING (tenant_id = current_setting('app.tenant_id')::uuid);
        ALTER TABLE invoices ENABLE ROW LEVEL SECURITY; ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
        CREATE TABLE countries (code text PRIMARY KEY)`,
    },
  ],
  invalid: [
    {
      name: 'no row level security at all',
      security: invoices,
      findings: [
        {
          object: 'public.invoices',
          message:
            "public.invoices holds rows of tenants (tenant_id) but has no policy; row level security is neither enabled nor forced: nothing in the database keeps one tenant from reading another's rows",
          fix: /CREATE POLICY tenant_isolation ON public.invoices\n {2}USING \(tenant_id = current_setting\('app.tenant_id'\)::uuid\);/,
        },
      ],
    },
    {
      name: 'enabled with a policy, not forced; another setting name',
      options: { setting: 'app.org' },
      security: `${invoices}; CREATE POLICY p ON invoices USING (tenant_id = current_setting('app.org')::uuid);
        ALTER TABLE invoices ENABLE ROW LEVEL SECURITY`,
      findings: [
        {
          object: 'public.invoices',
          message: /row level security is not forced: the table's owner bypasses/,
        },
      ],
    },
  ],
});
