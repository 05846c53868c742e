import rule from '../../../src/rules/health/prepared-transaction.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'no prepared transaction', model: healthFacts() },
    {
      name: 'one prepared a second ago',
      model: healthFacts({
        prepared: [{ gid: 'a', database: 'shop', owner: 'app', ageSeconds: 1, xidAge: 2 }],
      }),
    },
  ],
  invalid: [
    {
      name: 'one left for an hour',
      model: healthFacts({
        prepared: [{ gid: "it's", database: 'shop', owner: 'app', ageSeconds: 3600, xidAge: 5000 }],
      }),
      findings: [
        { object: "prepared transaction it's", severity: 'error', fix: "ROLLBACK PREPARED 'it''s';" },
      ],
    },
  ],
});
