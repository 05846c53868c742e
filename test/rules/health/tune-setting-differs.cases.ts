import { buildTuneModel } from '../../../src/health/tune/model.js';
import rule from '../../../src/rules/health/tune-setting-differs.js';
import { INPUTS, TUNED_16GB, tuneModel } from '../../health/tune/fixtures.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    { name: 'a 16 GB OLTP server tuned as PGTune has it', model: tuneModel({ settings: TUNED_16GB }) },
    {
      name: 'memory settings within a factor of 2 of the recommendation are left alone',
      model: tuneModel({
        settings: {
          ...TUNED_16GB,
          shared_buffers: String((3 * 1024 * 1024) / 8),
          maintenance_work_mem: '600000',
        },
      }),
    },
    {
      name: 'a smaller work_mem and max_wal_size without the workload asking for more',
      model: tuneModel({ settings: { ...TUNED_16GB, work_mem: '4096', max_wal_size: '1024' } }),
    },
    { name: 'no server: nothing to compare with', model: buildTuneModel(INPUTS, null) },
    {
      name: 'more worker slots than CPUs (the defaults on 4 CPUs)',
      model: tuneModel({
        inputs: { cpus: 4 },
        settings: {
          ...TUNED_16GB,
          max_parallel_workers_per_gather: '2',
          max_parallel_maintenance_workers: '2',
        },
      }),
    },
  ],
  invalid: [
    {
      name: "PostgreSQL's defaults on a 16 GB, 8 CPU OLTP server",
      model: tuneModel(),
      findings: [
        {
          object: 'shared_buffers',
          severity: 'warning',
          message: /^shared_buffers is 128MB; recommended 4GB \(32\.0x more\).*needs a restart/,
          fix: "ALTER SYSTEM SET shared_buffers = '4GB';\n-- shared_buffers takes effect at the next restart of PostgreSQL",
        },
        { object: 'effective_cache_size', severity: 'warning' },
        { object: 'maintenance_work_mem', severity: 'warning' },
        {
          object: 'random_page_cost',
          severity: 'warning',
          fix: "ALTER SYSTEM SET random_page_cost = '1.1';\nSELECT pg_reload_conf();",
        },
        { object: 'effective_io_concurrency', severity: 'info' },
        { object: 'wal_compression', severity: 'info' },
        { object: 'min_wal_size', severity: 'info' },
        { object: 'jit', severity: 'info' },
        { object: 'max_parallel_workers_per_gather', severity: 'info' },
        { object: 'max_parallel_maintenance_workers', severity: 'info' },
      ],
    },
    {
      name: 'work_mem far above what the RAM allows each sort',
      model: tuneModel({ settings: { ...TUNED_16GB, work_mem: String(256 * 1024) } }),
      findings: [
        {
          object: 'work_mem',
          severity: 'warning',
          message: /^work_mem is 256MB; recommended 38836kB \(6\.8x less\)/,
        },
      ],
    },
    {
      name: 'fewer worker slots than 16 CPUs',
      model: tuneModel({ inputs: { cpus: 16 }, settings: TUNED_16GB }),
      findings: [
        {
          object: 'max_worker_processes',
          severity: 'info',
          message: /^max_worker_processes is 8; recommended 16/,
        },
        { object: 'max_parallel_workers', severity: 'info' },
        { object: 'autovacuum_max_workers', severity: 'info' },
      ],
    },
  ],
});
