import rule from '../../../src/rules/health/collation-version-drift.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'no drift', model: healthFacts() }],
  invalid: [
    {
      name: 'a glibc collation two indexes use, after an OS upgrade',
      model: healthFacts({
        collationDrift: [
          {
            kind: 'collation',
            name: 'public.german',
            provider: 'c',
            recorded: '2.31',
            actual: '2.36',
            indexes: ['public.customers_name_idx', 'public.streets_name_idx'],
          },
        ],
      }),
      findings: [
        {
          object: 'collation public.german',
          severity: 'error',
          fix: 'REINDEX INDEX CONCURRENTLY public.customers_name_idx;\nREINDEX INDEX CONCURRENTLY public.streets_name_idx;\nALTER COLLATION public.german REFRESH VERSION;',
          message:
            /libc collation public.german was recorded at version 2.31, the library now reports 2.36: 2 index/,
        },
      ],
    },
    {
      name: "another database's default collation (15+)",
      model: healthFacts({
        collationDrift: [
          { kind: 'database', name: 'Sales', provider: 'd', recorded: '2.31', actual: '2.36', indexes: null },
        ],
      }),
      findings: [
        {
          object: 'Sales',
          fix: '-- connected to database "Sales":\nREINDEX DATABASE CONCURRENTLY "Sales";\nALTER DATABASE "Sales" REFRESH COLLATION VERSION;',
        },
      ],
    },
  ],
});
