import { describe, expect, it } from 'vitest';
import { formatTuneKb, pgtune, type TuneInputs } from '../../../src/health/tune/pgtune.js';

const GB = 1024 * 1024;
const MB = 1024;

const base: TuneInputs = {
  ramKb: 16 * GB,
  cpus: 8,
  storage: 'ssd',
  workload: 'oltp',
  connections: null,
  pgVersion: 18,
  os: 'linux',
  dbSize: 'mid',
};

/**
 * Each expected configuration is worked out by hand from PGTune's published formulas (the research note's §8),
 * the arithmetic written beside the values that are not plain fractions of RAM. W is the max_worker_processes the
 * configuration ends up with: the CPUs from 4 up (PGTune sets it), else the server's default 8.
 */
const cases: {
  name: string;
  inputs: Partial<TuneInputs>;
  expected: Record<string, string>;
  warnings?: number;
}[] = [
  {
    name: '16 GB, 8 CPUs, SSD, OLTP, PostgreSQL 18 on Linux',
    inputs: {},
    expected: {
      max_connections: '300',
      shared_buffers: '4GB',
      effective_cache_size: '12GB',
      maintenance_work_mem: '1GB',
      checkpoint_completion_target: '0.9',
      wal_buffers: '16MB', // 3% of 4 GB = 125829 kB, capped at 16 MB
      default_statistics_target: '100',
      random_page_cost: '1.1',
      effective_io_concurrency: '200',
      work_mem: '13617kB', // (16777216 - 4194304) / ((300 + 8) * 3) = 13617.9
      huge_pages: 'try',
      wal_compression: 'lz4',
      min_wal_size: '2GB',
      max_wal_size: '8GB',
      jit: 'off',
      max_worker_processes: '8',
      max_parallel_workers_per_gather: '4',
      max_parallel_workers: '8',
      max_parallel_maintenance_workers: '4',
      io_method: 'io_uring',
    },
  },
  {
    name: '2 GB, 2 CPUs, HDD, web, 100 connections, PostgreSQL 13',
    inputs: { ramKb: 2 * GB, cpus: 2, storage: 'hdd', workload: 'web', connections: 100, pgVersion: 13 },
    expected: {
      max_connections: '100',
      shared_buffers: '512MB',
      effective_cache_size: '1536MB',
      maintenance_work_mem: '128MB',
      checkpoint_completion_target: '0.9',
      wal_buffers: '16MB', // 3% of 512 MB = 15728 kB: between 14 and 16 MB, so 16 MB
      default_statistics_target: '100',
      random_page_cost: '4',
      effective_io_concurrency: '2',
      work_mem: '4854kB', // 2 CPUs: W = 8; 1572864 / ((100 + 8) * 3) = 4854.5
      huge_pages: 'off',
      wal_compression: 'on',
      min_wal_size: '1GB',
      max_wal_size: '4GB',
      jit: 'off',
    },
  },
  {
    name: '64 GB, 16 CPUs, SAN, data warehouse larger than RAM, PostgreSQL 16',
    inputs: { ramKb: 64 * GB, cpus: 16, storage: 'san', workload: 'dw', pgVersion: 16, dbSize: 'greater' },
    expected: {
      max_connections: '40',
      shared_buffers: '16GB',
      effective_cache_size: '48GB',
      maintenance_work_mem: '8GB', // 1/8 of RAM, at the 8 GB cap
      checkpoint_completion_target: '0.9',
      wal_buffers: '16MB',
      default_statistics_target: '500',
      random_page_cost: '4',
      effective_io_concurrency: '300',
      work_mem: '134816kB', // 50331648 / ((40 + 16) * 3) = 299593.1; / 2 = 149796; * 0.9 = 134816.4
      huge_pages: 'try',
      wal_compression: 'lz4',
      min_wal_size: '4GB',
      max_wal_size: '16GB',
      max_worker_processes: '16',
      max_parallel_workers_per_gather: '8', // dw: half the CPUs, no cap of 4
      max_parallel_workers: '16',
      max_parallel_maintenance_workers: '4',
      autovacuum_max_workers: '4',
      autovacuum_work_mem: '2GB',
    },
  },
  {
    name: '4 GB desktop on Windows, data smaller than RAM, CPUs unknown, PostgreSQL 17',
    inputs: { ramKb: 4 * GB, cpus: null, workload: 'desktop', os: 'windows', pgVersion: 17, dbSize: 'less' },
    expected: {
      max_connections: '20',
      shared_buffers: '256MB',
      effective_cache_size: '1GB',
      maintenance_work_mem: '256MB',
      checkpoint_completion_target: '0.9',
      wal_buffers: '7864kB', // 3% of 262144 kB = 7864.3
      default_statistics_target: '100',
      random_page_cost: '1.1',
      work_mem: '10141kB', // 3932160 / ((20 + 8) * 3) = 46811.4; / 6 = 7801; * 1.3 = 10141.3
      huge_pages: 'off',
      wal_compression: 'lz4',
      min_wal_size: '100MB',
      max_wal_size: '2GB',
      wal_level: 'minimal',
      max_wal_senders: '0',
    },
  },
  {
    name: '128 GB, 32 CPUs, NVMe, mixed, 500 connections, PostgreSQL 18 on macOS',
    inputs: { ramKb: 128 * GB, cpus: 32, storage: 'nvme', workload: 'mixed', connections: 500, os: 'mac' },
    warnings: 1,
    expected: {
      max_connections: '500',
      shared_buffers: '32GB',
      effective_cache_size: '96GB',
      maintenance_work_mem: '8GB',
      checkpoint_completion_target: '0.9',
      wal_buffers: '16MB',
      default_statistics_target: '100',
      random_page_cost: '1.1',
      work_mem: '31536kB', // 100663296 / ((500 + 32) * 3) = 63072.2; / 2 = 31536.1
      huge_pages: 'off', // never on macOS
      wal_compression: 'lz4',
      min_wal_size: '1GB',
      max_wal_size: '4GB',
      jit: 'off',
      max_worker_processes: '32',
      max_parallel_workers_per_gather: '4',
      max_parallel_workers: '32',
      max_parallel_maintenance_workers: '4',
      autovacuum_max_workers: '5',
      autovacuum_work_mem: '2GB',
      io_method: 'worker',
      io_workers: '8', // min(32, max(3, floor(32 / 4)))
    },
  },
  {
    name: '512 MB, 4 CPUs, HDD, OLTP on Windows, data smaller than RAM, PostgreSQL 10',
    inputs: { ramKb: 512 * MB, cpus: 4, storage: 'hdd', os: 'windows', pgVersion: 10, dbSize: 'less' },
    expected: {
      max_connections: '300',
      shared_buffers: '128MB',
      effective_cache_size: '384MB',
      maintenance_work_mem: '32MB',
      checkpoint_completion_target: '0.9',
      wal_buffers: '3932kB',
      default_statistics_target: '100',
      random_page_cost: '1.1', // the data fits in RAM, whatever the disk
      work_mem: '4MB', // 393216 / ((300 + 4) * 3) = 431; * 1.3 = 560: below the 4 MB floor
      huge_pages: 'off',
      wal_compression: 'on',
      min_wal_size: '2GB',
      max_wal_size: '8GB',
      max_worker_processes: '4',
      max_parallel_workers_per_gather: '2',
      max_parallel_workers: '4',
    },
  },
  {
    name: '64 GB OLTP on Windows, PostgreSQL 17: the 2 GB - 1 MB cap',
    inputs: { ramKb: 64 * GB, cpus: null, os: 'windows', pgVersion: 17 },
    expected: {
      max_connections: '300',
      shared_buffers: '16GB',
      effective_cache_size: '48GB',
      maintenance_work_mem: '2047MB',
      checkpoint_completion_target: '0.9',
      wal_buffers: '16MB',
      default_statistics_target: '100',
      random_page_cost: '1.1',
      work_mem: '54471kB', // 50331648 / ((300 + 8) * 3) = 54471.5
      huge_pages: 'try',
      wal_compression: 'lz4',
      min_wal_size: '2GB',
      max_wal_size: '8GB',
      jit: 'off',
    },
  },
  {
    name: '64 GB OLTP on Windows, PostgreSQL 18: no cap, I/O workers',
    inputs: { ramKb: 64 * GB, cpus: 24, os: 'windows', pgVersion: 18 },
    expected: {
      max_connections: '300',
      shared_buffers: '16GB',
      effective_cache_size: '48GB',
      maintenance_work_mem: '4GB',
      checkpoint_completion_target: '0.9',
      wal_buffers: '16MB',
      default_statistics_target: '100',
      random_page_cost: '1.1',
      work_mem: '51781kB', // 50331648 / ((300 + 24) * 3) = 51781.5
      huge_pages: 'try',
      wal_compression: 'lz4',
      min_wal_size: '2GB',
      max_wal_size: '8GB',
      jit: 'off',
      max_worker_processes: '24',
      max_parallel_workers_per_gather: '4',
      max_parallel_workers: '24',
      max_parallel_maintenance_workers: '4',
      autovacuum_max_workers: '4',
      autovacuum_work_mem: '2GB',
      io_method: 'worker',
      io_workers: '6', // min(32, max(3, floor(24 / 4)))
    },
  },
  {
    name: '1 MB web: the floors (wal_buffers 32 kB, work_mem 4 MB) and the small-RAM warning',
    inputs: { ramKb: 1 * MB, cpus: null, workload: 'web', pgVersion: 11 },
    warnings: 1,
    expected: {
      max_connections: '200',
      shared_buffers: '256kB',
      effective_cache_size: '768kB',
      maintenance_work_mem: '64kB',
      checkpoint_completion_target: '0.9',
      wal_buffers: '32kB', // 3% of 256 kB = 7
      default_statistics_target: '100',
      random_page_cost: '1.1',
      effective_io_concurrency: '200',
      work_mem: '4MB',
      huge_pages: 'off',
      wal_compression: 'on',
      min_wal_size: '1GB',
      max_wal_size: '4GB',
    },
  },
];

describe('PGTune formulas', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = pgtune({ ...base, ...c.inputs });
      expect(Object.fromEntries(result.settings.map((s) => [s.name, s.value]))).toEqual(c.expected);
      expect(result.warnings).toHaveLength(c.warnings ?? 0);
      for (const setting of result.settings) expect(setting.reason.length).toBeGreaterThan(5);
    });
  }

  it('prints kB figures as GB or MB only when they divide evenly', () => {
    expect(formatTuneKb(4 * GB)).toBe('4GB');
    expect(formatTuneKb(1536 * MB)).toBe('1536MB');
    expect(formatTuneKb(13617)).toBe('13617kB');
  });

  it('leaves the parallel settings alone below 4 CPUs and when the CPUs are unknown', () => {
    for (const cpus of [null, 1, 3]) {
      const names = pgtune({ ...base, cpus }).settings.map((s) => s.name);
      expect(names).not.toContain('max_worker_processes');
      expect(names).not.toContain('max_parallel_workers_per_gather');
    }
  });
});
