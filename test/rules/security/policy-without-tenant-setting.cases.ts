import rule from '../../../src/rules/security/policy-without-tenant-setting.js';
import { defineCases } from '../../helpers/rule-tester.js';

const notes = `CREATE TABLE notes (id int, tenant_id uuid NOT NULL, public boolean);
  ALTER TABLE notes ENABLE ROW LEVEL SECURITY; ALTER TABLE notes FORCE ROW LEVEL SECURITY`;

export default defineCases(rule, {
  valid: [
    {
      name: 'policies that compare the tenant (with and without missing_ok); a restrictive one; a non-tenant table',
      security: `${notes};
        CREATE POLICY t ON notes USING (tenant_id = current_setting('app.tenant_id')::uuid);
        CREATE POLICY w ON notes FOR INSERT WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
        CREATE POLICY r ON notes AS RESTRICTIVE USING (public IS NOT NULL);
        CREATE TABLE other (id int); CREATE POLICY o ON other USING (id > 0)`,
    },
  ],
  invalid: [
    {
      name: 'a policy on another column, and one on the tenant column without the setting',
      security: `${notes};
        CREATE POLICY published ON notes FOR SELECT USING (public);
        CREATE POLICY any_tenant ON notes USING (tenant_id IS NOT NULL)`,
      findings: [
        {
          object: 'public.notes.any_tenant',
          fix: "ALTER POLICY any_tenant ON public.notes USING (tenant_id = current_setting('app.tenant_id', true)::uuid) WITH CHECK (tenant_id = current_setting('app.tenant_id', true)::uuid);",
        },
        {
          object: 'public.notes.published',
          fix: "ALTER POLICY published ON public.notes USING (tenant_id = current_setting('app.tenant_id', true)::uuid);",
        },
      ],
    },
  ],
});
