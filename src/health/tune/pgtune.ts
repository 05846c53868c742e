/**
 * PGTune's recommendations, computed from its published formulas (see docs/tuning.md): a pure function of the
 * hardware and workload a user describes. Memory is in kB throughout, as PGTune computes it.
 */

export const WORKLOADS = ['web', 'oltp', 'dw', 'desktop', 'mixed'] as const;
export type Workload = (typeof WORKLOADS)[number];

export const STORAGE_KINDS = ['ssd', 'hdd', 'san', 'nvme'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

export const OS_KINDS = ['linux', 'windows', 'mac'] as const;
export type OsKind = (typeof OS_KINDS)[number];

/** How the data compares with RAM: it fits (`less`), about the same (`mid`, PGTune's default), or exceeds it. */
export const DB_SIZES = ['less', 'mid', 'greater'] as const;
export type DbSize = (typeof DB_SIZES)[number];

/** The PostgreSQL majors PGTune's formulas cover. */
export const TUNE_MIN_PG = 10;
export const TUNE_MAX_PG = 18;

export interface TuneInputs {
  readonly ramKb: number;
  /** Unknown CPUs: PGTune leaves the parallel settings at the server's defaults. */
  readonly cpus: number | null;
  readonly storage: StorageKind;
  readonly workload: Workload;
  /** Unknown: PGTune's default for the workload. */
  readonly connections: number | null;
  readonly pgVersion: number;
  readonly os: OsKind;
  readonly dbSize: DbSize;
}

export interface TunedSetting {
  readonly name: string;
  /** As postgresql.conf and ALTER SYSTEM take it: `4GB`, `1.1`, `off`. */
  readonly value: string;
  /** The figure in kB, for memory settings. */
  readonly kb?: number;
  /** Why this value, in a DBA's words. */
  readonly reason: string;
}

export interface PgTuneResult {
  readonly settings: readonly TunedSetting[];
  /** PGTune's own caveats (RAM outside the range its formulas were made for). */
  readonly warnings: readonly string[];
}

const KB_PER_MB = 1024;
const KB_PER_GB = 1024 * 1024;

const DEFAULT_CONNECTIONS: Readonly<Record<Workload, number>> = {
  web: 200,
  oltp: 300,
  dw: 40,
  desktop: 20,
  mixed: 100,
};

const WAL_SIZES_KB: Readonly<Record<Workload, readonly [min: number, max: number]>> = {
  web: [1 * KB_PER_GB, 4 * KB_PER_GB],
  oltp: [2 * KB_PER_GB, 8 * KB_PER_GB],
  dw: [4 * KB_PER_GB, 16 * KB_PER_GB],
  desktop: [100 * KB_PER_MB, 2 * KB_PER_GB],
  mixed: [1 * KB_PER_GB, 4 * KB_PER_GB],
};

const WORK_MEM_DIVISOR: Readonly<Record<Workload, number>> = { web: 1, oltp: 1, dw: 2, desktop: 6, mixed: 2 };

const IO_CONCURRENCY: Readonly<Record<StorageKind, number>> = { hdd: 2, ssd: 200, san: 300, nvme: 1000 };

/** The server's max_worker_processes when nothing sets it. */
const DEFAULT_WORKER_PROCESSES = 8;

/** A kB figure as PGTune prints it: GB or MB when it divides evenly, else kB. */
export function formatTuneKb(kb: number): string {
  if (kb % KB_PER_GB === 0) return `${kb / KB_PER_GB}GB`;
  if (kb % KB_PER_MB === 0) return `${kb / KB_PER_MB}MB`;
  return `${kb}kB`;
}

function memory(name: string, kb: number, reason: string): TunedSetting {
  return { name, value: formatTuneKb(kb), kb, reason };
}

function plain(name: string, value: string | number, reason: string): TunedSetting {
  return { name, value: String(value), reason };
}

/** The parallel-query settings, which PGTune sets only from 4 CPUs up. */
function parallelSettings(inputs: TuneInputs): TunedSetting[] {
  const cpus = inputs.cpus;
  if (cpus === null || cpus < 4) return [];
  const half = Math.ceil(cpus / 2);
  const perGather = inputs.workload === 'dw' ? half : Math.min(4, half);
  const settings = [
    plain('max_worker_processes', cpus, 'one background worker per CPU'),
    plain(
      'max_parallel_workers_per_gather',
      perGather,
      inputs.workload === 'dw'
        ? 'half the CPUs for one query: a warehouse runs few, large queries'
        : 'half the CPUs, at most 4, for one query: many sessions share the CPUs',
    ),
  ];
  if (inputs.pgVersion >= 10)
    settings.push(plain('max_parallel_workers', cpus, 'every CPU can run a parallel worker'));
  if (inputs.pgVersion >= 11)
    settings.push(
      plain(
        'max_parallel_maintenance_workers',
        Math.min(4, half),
        'index builds use half the CPUs, at most 4',
      ),
    );
  return settings;
}

/** The server's max_worker_processes under this configuration: the CPUs when PGTune sets it, else the default. */
function workerProcesses(inputs: TuneInputs): number {
  return inputs.cpus !== null && inputs.cpus >= 4 ? inputs.cpus : DEFAULT_WORKER_PROCESSES;
}

function windowsCap(inputs: TuneInputs): number | null {
  // PostgreSQL on Windows before 18 cannot use 2 GB or more of these settings
  return inputs.os === 'windows' && inputs.pgVersion <= 17 ? 2 * KB_PER_GB - KB_PER_MB : null;
}

function workMemKb(inputs: TuneInputs, sharedBuffersKb: number, connections: number): number {
  const base = (inputs.ramKb - sharedBuffersKb) / ((connections + workerProcesses(inputs)) * 3);
  let value = Math.floor(base / WORK_MEM_DIVISOR[inputs.workload]);
  if (inputs.dbSize === 'less') value = Math.floor(value * 1.3);
  else if (inputs.dbSize === 'greater') value = Math.floor(value * 0.9);
  value = Math.max(value, 4 * KB_PER_MB);
  const cap = windowsCap(inputs);
  return cap === null ? value : Math.min(value, cap);
}

function walBuffersKb(sharedBuffersKb: number): number {
  let value = Math.min(Math.floor((3 * sharedBuffersKb) / 100), 16 * KB_PER_MB);
  // close to one WAL segment: take the whole segment
  if (value > 14 * KB_PER_MB && value < 16 * KB_PER_MB) value = 16 * KB_PER_MB;
  return Math.max(value, 32);
}

function randomPageCost(inputs: TuneInputs): number {
  if (inputs.dbSize === 'less') return 1.1;
  if (inputs.storage === 'hdd') return 4;
  // a warehouse larger than RAM reads most of it from storage: random reads stay dear
  if (inputs.workload === 'dw') return 4;
  return 1.1;
}

/** PGTune's configuration for these inputs, each setting with its reason. */
export function pgtune(inputs: TuneInputs): PgTuneResult {
  const { ramKb, workload, pgVersion } = inputs;
  const connections = inputs.connections ?? DEFAULT_CONNECTIONS[workload];
  const warnings: string[] = [];
  if (ramKb < 256 * KB_PER_MB)
    warnings.push('less than 256 MB of RAM: these formulas are not made for so little');
  if (ramKb > 100 * KB_PER_GB)
    warnings.push('more than 100 GB of RAM: these formulas are not made for so much');

  const sharedBuffersKb = Math.floor(workload === 'desktop' ? ramKb / 16 : ramKb / 4);
  const effectiveCacheKb = Math.floor(workload === 'desktop' ? ramKb / 4 : (3 * ramKb) / 4);
  let maintenanceKb = Math.min(Math.floor(workload === 'dw' ? ramKb / 8 : ramKb / 16), 8 * KB_PER_GB);
  const cap = windowsCap(inputs);
  if (cap !== null) maintenanceKb = Math.min(maintenanceKb, cap);
  const [minWalKb, maxWalKb] = WAL_SIZES_KB[workload];

  const settings: TunedSetting[] = [
    plain(
      'max_connections',
      connections,
      inputs.connections === null
        ? `PGTune's default for the ${workload} workload`
        : 'the connections you gave',
    ),
    memory(
      'shared_buffers',
      sharedBuffersKb,
      workload === 'desktop'
        ? '1/16 of RAM: a desktop leaves memory to other programs'
        : '1/4 of RAM: PostgreSQL also relies on the OS page cache',
    ),
    memory(
      'effective_cache_size',
      effectiveCacheKb,
      workload === 'desktop'
        ? '1/4 of RAM: what the planner may assume is cached'
        : '3/4 of RAM: shared buffers plus the OS page cache, for the planner',
    ),
    memory(
      'maintenance_work_mem',
      maintenanceKb,
      `${workload === 'dw' ? '1/8' : '1/16'} of RAM, at most 8 GB: faster VACUUM and index builds`,
    ),
    plain('checkpoint_completion_target', '0.9', 'spread checkpoint writes over 90% of the interval'),
    memory(
      'wal_buffers',
      walBuffersKb(sharedBuffersKb),
      '3% of shared_buffers, at most one WAL segment (16 MB)',
    ),
    plain(
      'default_statistics_target',
      workload === 'dw' ? 500 : 100,
      workload === 'dw' ? 'finer statistics for complex analytical queries' : 'the default sample is enough',
    ),
    plain(
      'random_page_cost',
      randomPageCost(inputs) === 4 ? '4' : '1.1',
      randomPageCost(inputs) === 4
        ? 'random reads cost about 4 sequential ones on this storage'
        : 'random reads cost about as much as sequential ones (SSD, or data cached in RAM)',
    ),
  ];
  if (inputs.os === 'linux')
    settings.push(
      plain(
        'effective_io_concurrency',
        IO_CONCURRENCY[inputs.storage],
        `concurrent reads that ${inputs.storage} storage serves well`,
      ),
    );
  settings.push(
    memory(
      'work_mem',
      workMemKb(inputs, sharedBuffersKb, connections),
      'RAM left after shared_buffers, shared by every connection and worker running about 3 sorts or hashes',
    ),
    plain(
      'huge_pages',
      inputs.os !== 'mac' && sharedBuffersKb >= 2 * KB_PER_GB ? 'try' : 'off',
      'huge pages pay from 2 GB of shared_buffers (not on macOS)',
    ),
  );
  if (pgVersion >= 10)
    settings.push(
      plain(
        'wal_compression',
        pgVersion >= 15 ? 'lz4' : 'on',
        'compress full-page images in WAL: less WAL for a little CPU',
      ),
    );
  settings.push(
    memory('min_wal_size', minWalKb, `WAL kept for the ${workload} workload's bursts`),
    memory('max_wal_size', maxWalKb, 'WAL between checkpoints: fewer, calmer checkpoints'),
  );
  if (workload === 'desktop')
    settings.push(
      plain('wal_level', 'minimal', 'a desktop has no replicas or archive: least WAL'),
      plain('max_wal_senders', 0, 'wal_level minimal requires no WAL senders'),
    );
  if (pgVersion >= 12 && (workload === 'web' || workload === 'oltp' || workload === 'mixed'))
    settings.push(plain('jit', 'off', 'JIT compilation costs more than it saves on short queries'));
  settings.push(...parallelSettings(inputs));
  const cpus = inputs.cpus;
  if (cpus !== null && cpus >= 16)
    settings.push(
      plain('autovacuum_max_workers', cpus >= 32 ? 5 : 4, 'more CPUs can vacuum more tables at once'),
    );
  if (maintenanceKb >= 2 * KB_PER_GB)
    settings.push(
      memory('autovacuum_work_mem', 2 * KB_PER_GB, 'each autovacuum worker needs at most about 2 GB'),
    );
  if (pgVersion >= 18) {
    const ioMethod = inputs.os === 'linux' ? 'io_uring' : 'worker';
    settings.push(
      plain(
        'io_method',
        ioMethod,
        ioMethod === 'io_uring'
          ? "Linux's io_uring for asynchronous I/O"
          : 'I/O worker processes for asynchronous I/O',
      ),
    );
    if (ioMethod !== 'io_uring' && cpus !== null) {
      const workers = Math.min(32, Math.max(3, Math.floor(cpus / 4)));
      if (workers > 3) settings.push(plain('io_workers', workers, 'one I/O worker per 4 CPUs'));
    }
  }
  return { settings, warnings };
}
