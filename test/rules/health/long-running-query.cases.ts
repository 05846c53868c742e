import rule from '../../../src/rules/health/long-running-query.js';
import { healthFacts, session } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'short queries; a long autovacuum worker',
      model: healthFacts({
        sessions: [
          session({ querySeconds: 2 }),
          session({ pid: 7, backendType: 'autovacuum worker', querySeconds: 7200 }),
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'a query running for 5 minutes',
      model: healthFacts({
        sessions: [session({ pid: 321, querySeconds: 300, query: 'SELECT count(*) FROM events' })],
      }),
      findings: [
        {
          object: 'pid 321',
          severity: 'warning',
          fix: 'SELECT pg_cancel_backend(321);',
          message: /5 min: SELECT count\(\*\) FROM events/,
        },
      ],
    },
    {
      name: 'running for two hours',
      model: healthFacts({ sessions: [session({ querySeconds: 7200 })] }),
      findings: [{ severity: 'error' }],
    },
  ],
});
