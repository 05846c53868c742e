import rule from '../../../src/rules/security/policies-without-rls.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'policies with row level security enabled; a table with neither',
      security: `CREATE TABLE t (id int); CREATE POLICY p ON t USING (id > 0); ALTER TABLE t ENABLE ROW LEVEL SECURITY;
        CREATE TABLE plain (id int)`,
    },
  ],
  invalid: [
    {
      name: 'a policy on a table without row level security',
      security: 'CREATE TABLE t (id int); CREATE POLICY p ON t USING (id > 0)',
      findings: [{ object: 'public.t', fix: 'ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;' }],
    },
  ],
});
