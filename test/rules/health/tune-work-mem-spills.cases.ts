import rule from '../../../src/rules/health/tune-work-mem-spills.js';
import { TUNED_16GB, tuneModel } from '../../health/tune/fixtures.js';
import { defineCases } from '../../helpers/rule-tester.js';

const MB = 1024 * 1024;

export default defineCases(rule, {
  valid: [
    { name: 'no temporary files', model: tuneModel() },
    {
      name: 'fewer temporary files than minTempFiles',
      model: tuneModel({ workload: { tempFiles: 50, tempBytes: 50 * 20 * MB } }),
    },
  ],
  invalid: [
    {
      name: 'spills that fit in the memory each sort can have: raise work_mem',
      model: tuneModel({ settings: TUNED_16GB, workload: { tempFiles: 500, tempBytes: 500 * 20 * MB } }),
      findings: [
        {
          object: 'work_mem',
          message:
            /^queries wrote 500 temporary files \(10000 MB, 20 MB on average\) in 1\.0 days with work_mem 5000kB: raise it to 32MB/,
          fix: "ALTER SYSTEM SET work_mem = '32MB';\nSELECT pg_reload_conf();",
        },
      ],
    },
    {
      name: 'spills larger than any connection can have: find the queries',
      model: tuneModel({ workload: { tempFiles: 200, tempBytes: 200 * 1024 * MB } }),
      findings: [
        {
          object: 'work_mem',
          message: /find the queries \(log_temp_files = 1GB\)/,
          fix: "ALTER SYSTEM SET log_temp_files = '1GB';\nSELECT pg_reload_conf();",
        },
      ],
    },
  ],
});
