import rule from '../../../src/rules/health/pitr-backup-stale.js';
import { PITR_CONFIG, pgBackRestInfo, pitrModel } from '../../helpers/pitr-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'a backup an hour old', model: pitrModel() },
    {
      name: 'a backup 30 hours old, with a weekly allowance',
      options: { maxAgeHours: 168 },
      model: pitrModel({ now: '2026-12-07T15:40:37.000Z' }),
    },
  ],
  invalid: [
    {
      name: 'no backup at all',
      model: pitrModel({ info: pgBackRestInfo([]) }),
      findings: [
        {
          object: 'demo',
          severity: 'error',
          message: 'stanza demo has no backup: there is nothing to restore from (no valid backups)',
          fix: `pgwarden pitr backup --stanza demo --pgbackrest-config ${PITR_CONFIG} --type full`,
        },
      ],
    },
    {
      name: 'the newest backup ended 30 hours ago',
      model: pitrModel({ now: '2026-12-07T15:40:37.000Z' }),
      findings: [
        {
          message:
            /^the newest backup of stanza demo \(20261206-094034F, full\) ended 30\.0 hours ago, more than 26$/,
        },
      ],
    },
  ],
});
