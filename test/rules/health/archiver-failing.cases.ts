import rule from '../../../src/rules/health/archiver-failing.js';
import { healthFacts } from '../../helpers/health-facts.js';
import { defineCases } from '../../helpers/rule-tester.js';

const archiver = {
  mode: 'on',
  archived: 100,
  failed: 3,
  lastFailedWal: '000000010000000000000042',
  lastFailedSeconds: 30,
  lastArchivedSeconds: 600,
};

export default defineCases(rule, {
  valid: [
    { name: 'archiving off', model: healthFacts() },
    {
      name: 'failed once, archived since',
      model: healthFacts({ archiver: { ...archiver, lastFailedSeconds: 900 } }),
    },
  ],
  invalid: [
    {
      name: 'failing now',
      model: healthFacts({ archiver }),
      findings: [
        { object: 'shop', severity: 'error', message: /failed 30 s ago on 000000010000000000000042/ },
      ],
    },
  ],
});
