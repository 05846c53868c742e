import rule from '../../../src/rules/health/disabled-trigger.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'no disabled trigger', model: healthFacts() }],
  invalid: [
    {
      name: 'an audit trigger disabled',
      model: healthFacts({
        disabledTriggers: [
          { name: 'orders_audit', table: 'public.orders', internal: false, constraint: null },
        ],
      }),
      findings: [
        {
          object: 'public.orders',
          severity: 'warning',
          fix: 'ALTER TABLE public.orders ENABLE TRIGGER orders_audit;',
        },
      ],
    },
    {
      name: "a foreign key's trigger disabled (DISABLE TRIGGER ALL)",
      model: healthFacts({
        disabledTriggers: [
          {
            name: '"RI_ConstraintTrigger_c_16500"',
            table: 'public.orders',
            internal: true,
            constraint: 'orders_customer_fk',
          },
        ],
      }),
      findings: [
        {
          severity: 'error',
          fix: 'ALTER TABLE public.orders ENABLE TRIGGER ALL;',
          message: /foreign key is not checked/,
        },
      ],
    },
  ],
});
