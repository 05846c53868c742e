/**
 * The settings a plan ran under, as the plan rules need them: from the plan's SETTINGS (what differed from the
 * built-in defaults), else the server's values for the session, else PostgreSQL's defaults.
 */

/** Settings the plan rules read. Memory in kB. */
export interface PlanSettings {
  readonly workMemKb: number;
  readonly hashMemMultiplier: number;
  readonly jit: boolean;
  readonly jitAboveCost: number;
  readonly maxParallelWorkers: number | null;
  readonly maxWorkerProcesses: number | null;
  readonly maxParallelWorkersPerGather: number;
  readonly sharedBuffersKb: number | null;
  readonly blockSize: number;
  /** Where each value came from: `plan` (its SETTINGS), `server`, or `default`. */
  readonly sources: Readonly<Record<string, 'plan' | 'server' | 'default'>>;
}

/** Server settings read for plan rules (names as in pg_settings). */
export const PLAN_SETTING_NAMES = [
  'work_mem',
  'hash_mem_multiplier',
  'jit',
  'jit_above_cost',
  'max_parallel_workers',
  'max_worker_processes',
  'max_parallel_workers_per_gather',
  'shared_buffers',
  'block_size',
] as const;

const UNITS: Readonly<Record<string, number>> = { kb: 1, mb: 1024, gb: 1024 ** 2, tb: 1024 ** 3 };

/** `64kB`, `4MB`, `1GB` (or a bare number of kB, as pg_settings stores work_mem) → kB; null when unreadable. */
export function parseMemoryKb(value: string | undefined, bareUnitKb = 1): number | null {
  if (value === undefined) return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT][bB])?\s*$/.exec(value);
  if (!match) return null;
  const n = Number(match[1]);
  return match[2] ? n * UNITS[match[2].toLowerCase()]! : n * bareUnitKb;
}

/** A memory size as a setting value PostgreSQL accepts, rounded up: `64kB`, `12MB`, `2GB`. */
export function formatMemoryKb(kb: number): string {
  const value = Math.ceil(kb);
  if (value < 1024) return `${value}kB`;
  const mb = Math.ceil(value / 1024);
  if (mb < 1024 * 4 || mb % 1024 !== 0) return `${mb}MB`;
  return `${mb / 1024}GB`;
}

/** A work_mem worth suggesting: at least `neededKb`, at least twice the current value, rounded up to a round size. */
export function raisedMemoryKb(neededKb: number, currentKb: number): number {
  const target = Math.max(neededKb, currentKb * 2);
  if (target <= 1024) return Math.ceil(target / 64) * 64;
  const mb = Math.ceil(target / 1024);
  // round MB sizes to 1, 2, 4, 8, … below 64 MB, then to multiples of 16 MB
  if (mb <= 64) return 2 ** Math.ceil(Math.log2(mb)) * 1024;
  return Math.ceil(mb / 16) * 16 * 1024;
}

function numberOf(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function boolOf(value: string | undefined): boolean | null {
  if (value === undefined) return null;
  if (/^(on|true|yes|1)$/i.test(value)) return true;
  if (/^(off|false|no|0)$/i.test(value)) return false;
  return null;
}

/**
 * Resolves the settings. `server` holds values as `SHOW` prints them (`4MB`); `major` picks the defaults that
 * changed (hash_mem_multiplier: 1.0 before 15, 2.0 from 15).
 */
export function resolvePlanSettings(
  planSettings: Readonly<Record<string, string>>,
  server: Readonly<Record<string, string>> | null,
  major: number,
): PlanSettings {
  const sources: Record<string, 'plan' | 'server' | 'default'> = {};
  const pick = <T>(name: string, read: (value: string | undefined) => T | null, fallback: T): T => {
    const fromPlan = read(planSettings[name]);
    if (fromPlan !== null) {
      sources[name] = 'plan';
      return fromPlan;
    }
    const fromServer = server ? read(server[name]) : null;
    if (fromServer !== null) {
      sources[name] = 'server';
      return fromServer;
    }
    sources[name] = 'default';
    return fallback;
  };
  return {
    workMemKb: pick('work_mem', (v) => parseMemoryKb(v), 4096),
    hashMemMultiplier: pick('hash_mem_multiplier', numberOf, major >= 15 ? 2 : 1),
    jit: pick('jit', boolOf, true),
    jitAboveCost: pick('jit_above_cost', numberOf, 100_000),
    maxParallelWorkers: pick('max_parallel_workers', numberOf, null as number | null),
    maxWorkerProcesses: pick('max_worker_processes', numberOf, null as number | null),
    maxParallelWorkersPerGather: pick('max_parallel_workers_per_gather', numberOf, 2),
    sharedBuffersKb: pick('shared_buffers', (v) => parseMemoryKb(v, 8), null as number | null),
    blockSize: pick('block_size', numberOf, 8192),
    sources,
  };
}
