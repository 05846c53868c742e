import rule from '../../../src/rules/security/no-pgaudit.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'pgaudit preloaded', security: 'SELECT 1' }],
  invalid: [
    {
      name: 'another library preloaded, not pgaudit',
      security: 'SELECT 1',
      system: { shared_preload_libraries: "'pg_stat_statements'" },
      findings: [
        {
          object: 'shared_preload_libraries',
          fix: /ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', 'pgaudit';/,
        },
      ],
    },
  ],
});
