import rule from '../../../src/rules/health/invalid-index.js';
import { healthFacts, index } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'valid indexes', model: healthFacts({ indexes: [index({})] }) },
    {
      name: 'an index being built concurrently right now',
      model: healthFacts({ indexes: [index({ valid: false, building: true })] }),
    },
  ],
  invalid: [
    {
      name: 'a failed CREATE UNIQUE INDEX CONCURRENTLY',
      model: healthFacts({
        indexes: [index({ name: 'public.orders_number_key', valid: false, unique: true })],
      }),
      findings: [
        {
          object: 'public.orders_number_key',
          severity: 'error',
          fix: 'REINDEX INDEX CONCURRENTLY public.orders_number_key;',
          message: /enforces no uniqueness/,
        },
      ],
    },
  ],
});
