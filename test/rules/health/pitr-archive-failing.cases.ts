import rule from '../../../src/rules/health/pitr-archive-failing.js';
import { archivingServer, pitrModel } from '../../helpers/pitr-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

const archiver = archivingServer().archiver;

export default defineCases(rule, {
  valid: [
    { name: 'archiving in step', model: pitrModel() },
    {
      name: 'failed once, archived since',
      model: pitrModel({
        server: archivingServer({
          archiver: {
            ...archiver,
            failedCount: 2,
            lastFailedWal: '000000010000000000000002',
            lastFailedAt: '2026-12-06T09:30:00.000Z',
          },
        }),
      }),
    },
    { name: 'no server read', model: pitrModel({ server: null }) },
    {
      name: 'archive_mode turned off after failures: health/pitr-archiving-off says so, not this rule too',
      model: pitrModel({
        server: archivingServer({
          archiveMode: 'off',
          archiver: {
            ...archiver,
            failedCount: 4,
            lastFailedWal: '000000010000000000000004',
            lastFailedAt: '2026-12-06T09:50:00.000Z',
          },
        }),
      }),
    },
  ],
  invalid: [
    {
      name: 'failing since the last success',
      model: pitrModel({
        server: archivingServer({
          archiver: {
            ...archiver,
            failedCount: 4,
            lastFailedWal: '000000010000000000000004',
            lastFailedAt: '2026-12-06T09:50:00.000Z',
          },
        }),
      }),
      findings: [
        {
          object: 'demo',
          severity: 'error',
          message:
            /^WAL archiving is failing: 4 failed attempt\(s\), the last for 000000010000000000000004 .*nothing archived since 2026-12-06T09:40:43.532Z/,
          fix: null,
        },
      ],
    },
    {
      name: 'never archived anything',
      model: pitrModel({
        server: archivingServer({
          archiver: {
            ...archiver,
            archivedCount: 0,
            lastArchivedWal: null,
            lastArchivedAt: null,
            failedCount: 1,
            lastFailedWal: '000000010000000000000001',
            lastFailedAt: '2026-12-06T09:50:00.000Z',
          },
        }),
      }),
      findings: [{ message: /nothing was ever archived/ }],
    },
  ],
});
