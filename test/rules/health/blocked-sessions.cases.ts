import rule from '../../../src/rules/health/blocked-sessions.js';
import { healthFacts, session } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const chain = [
  session({
    pid: 10,
    state: 'idle in transaction',
    xactSeconds: 120,
    stateSeconds: 100,
    query: 'LOCK TABLE orders',
  }),
  session({
    pid: 11,
    querySeconds: 90,
    waitEventType: 'Lock',
    waitEvent: 'relation',
    blockedBy: [10],
    query: 'UPDATE orders SET a = 1',
  }),
  session({
    pid: 12,
    querySeconds: 80,
    waitEventType: 'Lock',
    waitEvent: 'relation',
    blockedBy: [11],
    query: 'SELECT * FROM orders',
  }),
];

export default defineCases(rule, {
  valid: [
    {
      name: 'nobody waits on a lock',
      model: healthFacts({ sessions: [session({}), session({ pid: 101 })] }),
    },
    {
      name: 'a wait of one second',
      model: healthFacts({
        sessions: [session({ pid: 10 }), session({ pid: 11, querySeconds: 1, blockedBy: [10] })],
      }),
    },
  ],
  invalid: [
    {
      name: 'a chain of three: the root blocker is named once, with its waiters',
      model: healthFacts({ sessions: chain }),
      findings: [
        {
          object: 'pid 10',
          severity: 'error',
          fix: 'SELECT pg_terminate_backend(10);',
          message:
            /^pid 10 .*idle in transaction.* blocks 2 sessions.*pid 11 waits 90 s for pid 10.*pid 12 waits 80 s for pid 11/,
        },
      ],
    },
  ],
});
