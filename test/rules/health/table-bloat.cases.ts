import rule from '../../../src/rules/health/table-bloat.js';
import { bloatEstimate, healthFacts, table } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const MB = 1024 ** 2;
const tables = (...estimates: ReturnType<typeof bloatEstimate>[]) =>
  healthFacts({ bloat: { tables: estimates, indexes: [] } });

export default defineCases(rule, {
  valid: [
    {
      name: 'a freshly loaded table: 2% over what its rows need',
      model: tables(bloatEstimate({ share: 0.02, bloatBytes: 8 * MB, expectedBytes: 392 * MB })),
    },
    {
      name: 'half bloat, but only 4 MB of it',
      model: tables(bloatEstimate({ sizeBytes: 8 * MB, bloatBytes: 4 * MB, share: 0.5 })),
    },
    {
      name: 'estimated 60%, measured 10% with --exact: the measure decides',
      model: tables(
        bloatEstimate({
          share: 0.6,
          bloatBytes: 240 * MB,
          measured: { share: 0.1, bloatBytes: 40 * MB, by: 'pgstattuple_approx' },
        }),
      ),
    },
  ],
  invalid: [
    {
      name: 'update churn: three quarters of 400 MB is bloat, part of it dead rows',
      model: healthFacts({
        tables: [table({ name: 'public.orders', deadTuples: 300_000 })],
        bloat: { tables: [bloatEstimate({})], indexes: [] },
      }),
      findings: [
        {
          object: 'public.orders',
          severity: 'error',
          message:
            'table public.orders has about 300 MB of bloat in 400 MB (estimated 75%, fillfactor 100); 300,000 dead rows of it a plain VACUUM makes reusable; VACUUM FULL locks the table (ACCESS EXCLUSIVE) while it rewrites it',
          fix: "SET lock_timeout = '5s';\nVACUUM (FULL, ANALYZE) public.orders;",
        },
      ],
    },
    {
      name: 'a variable-width column without statistics: information only',
      model: tables(
        bloatEstimate({
          share: 0.4,
          bloatBytes: 160 * MB,
          unreliable: 'no statistics for the variable-width column(s) note: run ANALYZE',
        }),
      ),
      findings: [
        {
          severity: 'info',
          message: /the estimate is unreliable: no statistics for the variable-width column\(s\) note/,
        },
      ],
    },
    {
      name: 'measured by pgstattuple_approx: a warning from the measured figure',
      model: tables(
        bloatEstimate({
          share: 0.2,
          bloatBytes: 80 * MB,
          measured: { share: 0.45, bloatBytes: 180 * MB, by: 'pgstattuple_approx' },
        }),
      ),
      findings: [
        {
          severity: 'warning',
          message: /about 180 MB of bloat in 400 MB \(measured by pgstattuple_approx: 45% \(estimated 20%\)/,
        },
      ],
    },
  ],
});
