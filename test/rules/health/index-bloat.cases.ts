import rule from '../../../src/rules/health/index-bloat.js';
import { bloatEstimate, healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const MB = 1024 ** 2;
const index = (overrides: Parameters<typeof bloatEstimate>[0]) =>
  bloatEstimate({
    name: 'public.orders_pkey',
    kind: 'index',
    table: 'public.orders',
    fillfactor: 90,
    sizeBytes: 100 * MB,
    ...overrides,
  });
const indexes = (...estimates: ReturnType<typeof bloatEstimate>[]) =>
  healthFacts({ bloat: { tables: [], indexes: estimates } });

export default defineCases(rule, {
  valid: [
    {
      name: 'leaves about 70% full from random inserts: 25%, under the 40% threshold',
      model: indexes(index({ share: 0.25, bloatBytes: 25 * MB })),
    },
  ],
  invalid: [
    {
      name: 'two thirds of a 100 MB index is empty space',
      model: indexes(index({ share: 0.66, bloatBytes: 66 * MB })),
      findings: [
        {
          object: 'public.orders_pkey',
          severity: 'warning',
          message:
            'index public.orders_pkey has about 66 MB of bloat in 100 MB (estimated 66%, fillfactor 90)',
          fix: 'REINDEX INDEX CONCURRENTLY public.orders_pkey;',
        },
      ],
    },
    {
      name: 'mostly duplicate keys: unreliable, information',
      model: indexes(
        index({
          share: 0.5,
          bloatBytes: 50 * MB,
          unreliable:
            'many duplicate keys: B-tree deduplication packs them, so the estimate understates the bloat',
        }),
      ),
      findings: [{ severity: 'info' }],
    },
  ],
});
