import { readFileSync } from 'node:fs';
import { buildTuneModel, type TuneModel } from '../../../src/health/tune/model.js';
import type { TuneInputs } from '../../../src/health/tune/pgtune.js';
import type { TuneReading, WorkloadReading } from '../../../src/health/tune/reading.js';

/** What readTune read on a fresh PostgreSQL 15 cluster (initdb defaults), the settings PGTune names. */
export const PG15_DEFAULTS = JSON.parse(
  readFileSync(new URL('../../fixtures/tune/pg15-defaults.json', import.meta.url), 'utf8'),
) as TuneReading;

export const INPUTS: TuneInputs = {
  ramKb: 16 * 1024 * 1024,
  cpus: 8,
  storage: 'ssd',
  workload: 'oltp',
  connections: 100,
  pgVersion: 15,
  os: 'linux',
  dbSize: 'mid',
};

const QUIET: WorkloadReading = {
  tempFiles: 0,
  tempBytes: 0,
  databaseStatsSeconds: 86_400,
  checkpointsTimed: 48,
  checkpointsRequested: 0,
  checkpointStatsSeconds: 86_400,
  connections: { active: 3, idle: 5 },
};

/**
 * The tune model of that server with some settings changed (name → pg_settings.setting, in the setting's unit, or
 * `pending` for a pending restart) and the workload statistics given.
 */
export function tuneModel(
  options: {
    inputs?: Partial<TuneInputs>;
    settings?: Record<string, string>;
    pending?: readonly string[];
    workload?: Partial<WorkloadReading>;
  } = {},
): TuneModel {
  const reading: TuneReading = {
    ...PG15_DEFAULTS,
    settings: PG15_DEFAULTS.settings.map((s) => ({
      ...s,
      ...(options.settings?.[s.name] !== undefined
        ? { setting: options.settings[s.name]!, source: 'configuration file' }
        : {}),
      pendingRestart: options.pending?.includes(s.name) ?? false,
    })),
    workload: { ...QUIET, ...options.workload },
  };
  return buildTuneModel({ ...INPUTS, ...options.inputs }, reading);
}

/** The settings of the 16 GB, 8 CPU, SSD, OLTP server as PGTune would have them, in pg_settings' units. */
export const TUNED_16GB: Record<string, string> = {
  shared_buffers: String((4 * 1024 * 1024) / 8),
  effective_cache_size: String((12 * 1024 * 1024) / 8),
  maintenance_work_mem: String(1024 * 1024),
  wal_buffers: '2048',
  random_page_cost: '1.1',
  effective_io_concurrency: '200',
  work_mem: '5000',
  wal_compression: 'lz4',
  min_wal_size: '2048',
  max_wal_size: '8192',
  jit: 'off',
  max_parallel_workers_per_gather: '4',
  max_parallel_maintenance_workers: '4',
  huge_pages: 'try',
};
