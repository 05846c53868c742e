import rule from '../../../src/rules/health/inactive-replication-slot.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const slot = {
  name: 'replica1',
  type: 'physical',
  database: null,
  plugin: null,
  active: false,
  temporary: false,
  xminAge: null,
  catalogXminAge: null,
  retainedBytes: 64 * 1024 ** 2,
  walStatus: 'reserved',
};

export default defineCases(rule, {
  valid: [{ name: 'an active slot', model: healthFacts({ slots: [{ ...slot, active: true }] }) }],
  invalid: [
    {
      name: 'an inactive physical slot',
      model: healthFacts({ slots: [slot] }),
      findings: [
        {
          object: 'replication slot replica1',
          severity: 'warning',
          fix: "SELECT pg_drop_replication_slot('replica1');",
          message: /retains 64 MB of WAL/,
        },
      ],
    },
    {
      name: 'an inactive slot retaining 5 GB',
      model: healthFacts({ slots: [{ ...slot, retainedBytes: 5 * 1024 ** 3 }] }),
      findings: [{ severity: 'error' }],
    },
  ],
});
