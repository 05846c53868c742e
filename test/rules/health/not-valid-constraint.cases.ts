import rule from '../../../src/rules/health/not-valid-constraint.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'every constraint validated', model: healthFacts() }],
  invalid: [
    {
      name: 'a foreign key added NOT VALID',
      model: healthFacts({
        notValidConstraints: [
          {
            name: 'orders_customer_fk',
            table: 'public.orders',
            type: 'foreign key',
            definition: 'FOREIGN KEY (customer_id) REFERENCES customers(id) NOT VALID',
          },
        ],
      }),
      findings: [
        {
          object: 'public.orders.orders_customer_fk',
          fix: 'ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_fk;',
        },
      ],
    },
  ],
});
