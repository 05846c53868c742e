import rule from '../../../src/rules/log/frequent-checkpoints.js';
import { logLine, logModel } from '../../helpers/log-model.js';
import { defineCases } from '../../helpers/rule-tester.js';

const checkpoints = (reason: string, gap: number, count: number, distanceKb: number) =>
  Array.from({ length: count }, (_, i) => [
    logLine(i * gap, 7, 'LOG', `checkpoint starting: ${reason}`),
    logLine(
      i * gap + gap / 2,
      7,
      'LOG',
      `checkpoint complete: wrote 4000 buffers (24.4%); 0 WAL file(s) added, 0 removed, 2 recycled; write=9.900 s, sync=0.010 s, total=9.950 s; sync files=40, longest=0.005 s, average=0.001 s; distance=${distanceKb} kB, estimate=${distanceKb} kB`,
    ),
  ]).flat();

export default defineCases(rule, {
  valid: [
    {
      name: 'every checkpoint by time, 5 minutes apart',
      model: logModel(checkpoints('time', 300, 4, 400_000)),
    },
    {
      name: 'two WAL checkpoints: under minWalCheckpoints (3)',
      model: logModel(checkpoints('wal', 60, 2, 500_000)),
    },
  ],
  invalid: [
    {
      name: 'WAL starts a checkpoint every minute',
      model: logModel(checkpoints('wal', 60, 4, 500_000)),
      findings: [
        {
          object: 'max_wal_size',
          message:
            /^4 checkpoints started because WAL reached max_wal_size \(0 by time\), a median 60 s apart; up to 488\.3 MB of WAL between checkpoints: raise max_wal_size to 8GB$/,
          fix: "ALTER SYSTEM SET max_wal_size = '8GB';\nSELECT pg_reload_conf();",
        },
      ],
    },
  ],
});
