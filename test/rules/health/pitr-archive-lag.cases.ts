import rule from '../../../src/rules/health/pitr-archive-lag.js';
import { archivingServer, pitrModel } from '../../helpers/pitr-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'only the segment being written is not archived', model: pitrModel() },
    {
      name: 'eight segments behind (the threshold)',
      model: pitrModel({ server: archivingServer({ currentWal: '00000001000000000000000C' }) }),
    },
    {
      name: 'a standby (no current WAL of its own)',
      model: pitrModel({ server: archivingServer({ currentWal: null, inRecovery: true }) }),
    },
    {
      name: 'the last archived file is of another timeline',
      model: pitrModel({ server: archivingServer({ currentWal: '000000020000000000000020' }) }),
    },
  ],
  invalid: [
    {
      name: 'nine segments behind',
      model: pitrModel({ server: archivingServer({ currentWal: '00000001000000000000000D' }) }),
      findings: [
        {
          object: 'demo',
          severity: 'warning',
          message:
            /^9 completed WAL segments \(144 MB\) are not archived yet: the server writes 00000001000000000000000D/,
        },
      ],
    },
    {
      name: 'across a log file boundary, with 1 MB segments and a lower threshold',
      options: { maxPendingSegments: 2 },
      model: pitrModel({
        server: archivingServer({
          walSegmentBytes: 1024 * 1024,
          currentWal: '000000010000000100000002',
          archiver: { ...archivingServer().archiver, lastArchivedWal: '000000010000000000000FFE' },
        }),
      }),
      findings: [{ message: /^3 completed WAL segments \(3 MB\)/ }],
    },
  ],
});
