import rule from '../../../src/rules/security/permissive-true-policy.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'real conditions; a restrictive true policy',
      security: `CREATE TABLE t (id int, tenant_id uuid);
        CREATE POLICY p ON t USING (tenant_id = current_setting('app.tenant_id')::uuid);
        CREATE POLICY r ON t AS RESTRICTIVE USING (true)`,
    },
  ],
  invalid: [
    {
      name: 'USING (true) for everyone; WITH CHECK (true) for a named role',
      security: `CREATE ROLE c_admin NOLOGIN; CREATE TABLE t (id int);
        CREATE POLICY everyone ON t USING (true);
        CREATE POLICY admin_writes ON t FOR INSERT TO c_admin WITH CHECK (true)`,
      findings: [
        { object: 'public.t.admin_writes', severity: 'info', fix: 'DROP POLICY admin_writes ON public.t;' },
        { object: 'public.t.everyone', severity: 'warning', fix: 'DROP POLICY everyone ON public.t;' },
      ],
    },
  ],
});
