import rule from '../../../src/rules/health/duplicate-index.js';
import { healthFacts, index } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'two indexes on different columns',
      model: healthFacts({
        indexes: [index({}), index({ name: 'public.other', signature: '16400 btree 3 3124 0  WHERE ' })],
      }),
    },
    {
      name: 'an invalid copy (health/invalid-index reports it)',
      model: healthFacts({ indexes: [index({}), index({ name: 'public.copy', valid: false })] }),
    },
  ],
  invalid: [
    {
      name: 'a copy of a unique index: the unique one stays',
      model: healthFacts({
        indexes: [
          index({ name: 'public.a_copy', scans: 5000 }),
          index({ name: 'public.orders_customer_key', unique: true, backsConstraint: true, scans: 0 }),
        ],
      }),
      findings: [
        {
          object: 'public.a_copy',
          fix: 'DROP INDEX CONCURRENTLY public.a_copy;',
          message: /identical to public.orders_customer_key/,
        },
      ],
    },
  ],
});
