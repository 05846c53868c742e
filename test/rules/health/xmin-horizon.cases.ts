import rule from '../../../src/rules/health/xmin-horizon.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'nothing holds the horizon', model: healthFacts() },
    {
      name: 'a young transaction and an active slot',
      model: healthFacts({
        horizon: [
          {
            kind: 'session',
            name: 'pid 5',
            pid: 5,
            database: 'shop',
            xminAge: 20,
            seconds: 3,
            detail: 'client backend',
            release: 'SELECT pg_terminate_backend(5);',
          },
          {
            kind: 'replication slot',
            name: 'replica1',
            pid: null,
            database: null,
            xminAge: 15,
            seconds: null,
            detail: 'active physical slot',
            release: null,
          },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'an idle transaction open 20 minutes is the oldest of three holders',
      model: healthFacts({
        horizon: [
          {
            kind: 'session',
            name: 'pid 77',
            pid: 77,
            database: 'shop',
            xminAge: 90_000,
            seconds: 1200,
            detail: 'client backend of app, idle in transaction',
            release: 'SELECT pg_terminate_backend(77);',
          },
          {
            kind: 'prepared transaction',
            name: 'tx1',
            pid: null,
            database: 'shop',
            xminAge: 50_000,
            seconds: 900,
            detail: 'prepared',
            release: "ROLLBACK PREPARED 'tx1';",
          },
          {
            kind: 'replication slot',
            name: 'cdc',
            pid: null,
            database: 'shop',
            xminAge: 40_000,
            seconds: null,
            detail: 'inactive logical slot',
            release: "SELECT pg_drop_replication_slot('cdc');",
          },
        ],
      }),
      findings: [
        {
          object: 'shop',
          severity: 'warning',
          fix: 'SELECT pg_terminate_backend(77);',
          message:
            /held back 90,000 transactions by the session pid 77 for 20 min.*also held by prepared transaction tx1.*replication slot cdc/,
        },
      ],
    },
    {
      name: 'a slot 200 million transactions old',
      model: healthFacts({
        horizon: [
          {
            kind: 'replication slot',
            name: 'old',
            pid: null,
            database: null,
            xminAge: 200_000_000,
            seconds: null,
            detail: 'active physical slot',
            release: null,
          },
        ],
      }),
      findings: [{ severity: 'error', fix: null }],
    },
  ],
});
