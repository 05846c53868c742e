import rule from '../../../src/rules/health/connections.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [{ name: 'a healthy server: 6 of 100', model: healthFacts() }],
  invalid: [
    {
      name: '80 of 100 connections, most idle',
      model: healthFacts({
        connections: { max: 100, reservedForSuperuser: 3, total: 80, byState: { idle: 70, active: 10 } },
      }),
      findings: [
        { object: 'shop', severity: 'warning', message: /80 of max_connections 100 .*70 idle, 10 active/ },
      ],
    },
    {
      name: '95 of 100: an error',
      model: healthFacts({
        connections: { max: 100, reservedForSuperuser: 3, total: 95, byState: { active: 95 } },
      }),
      findings: [{ severity: 'error' }],
    },
  ],
});
