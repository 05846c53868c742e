import rule from '../../../src/rules/health/idle-in-transaction.js';
import { healthFacts, session } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'idle sessions, and one idle in a transaction for 10 s',
      model: healthFacts({
        sessions: [
          session({ state: 'idle in transaction', stateSeconds: 10 }),
          session({ pid: 101, state: 'idle', stateSeconds: 9000 }),
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'idle in a transaction for 20 minutes',
      model: healthFacts({
        sessions: [
          session({
            pid: 4242,
            state: 'idle in transaction',
            stateSeconds: 1200,
            xactSeconds: 1260,
            query: 'UPDATE orders SET paid = true WHERE id = 7',
          }),
        ],
      }),
      findings: [
        {
          object: 'pid 4242',
          severity: 'error',
          fix: 'SELECT pg_terminate_backend(4242);',
          message: /idle in transaction for 20 min .*UPDATE orders/,
        },
      ],
    },
    {
      name: 'an aborted transaction left idle 6 minutes',
      model: healthFacts({
        sessions: [session({ state: 'idle in transaction (aborted)', stateSeconds: 360 })],
      }),
      findings: [{ severity: 'warning' }],
    },
  ],
});
