import rule from '../../../src/rules/health/tune-checkpoints-requested.js';
import { tuneModel } from '../../health/tune/fixtures.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'every checkpoint timed', model: tuneModel() },
    {
      name: 'a few requested checkpoints, fewer than minCheckpoints in all',
      model: tuneModel({ workload: { checkpointsTimed: 1, checkpointsRequested: 5 } }),
    },
    {
      name: 'one requested checkpoint in ten',
      model: tuneModel({ workload: { checkpointsTimed: 90, checkpointsRequested: 10 } }),
    },
  ],
  invalid: [
    {
      name: 'three in four checkpoints requested with max_wal_size 1GB',
      model: tuneModel({ workload: { checkpointsTimed: 10, checkpointsRequested: 30 } }),
      findings: [
        {
          object: 'max_wal_size',
          message: /^30 of 40 checkpoints were requested .*max_wal_size 1GB.*raise max_wal_size to 8GB$/,
          fix: "ALTER SYSTEM SET max_wal_size = '8GB';\nSELECT pg_reload_conf();",
        },
      ],
    },
  ],
});
