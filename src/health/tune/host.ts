import { readFileSync } from 'node:fs';
import { availableParallelism, platform, totalmem } from 'node:os';
import type { OsKind } from './pgtune.js';

export interface HostHardware {
  readonly ramKb: number;
  readonly cpus: number;
  readonly os: OsKind;
}

function readNumber(path: string): number | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/** The CPUs a cgroup v2 quota allows (`quota period` in cpu.max), or null without one. */
function cgroupCpus(): number | null {
  try {
    const [quota, period] = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/);
    if (!quota || quota === 'max' || !period) return null;
    return Math.max(1, Math.ceil(Number(quota) / Number(period)));
  } catch {
    return null;
  }
}

const GB = 1024 ** 3;

/** The kernel keeps part of the RAM for itself: a 24 GB machine reports 23.5 GB. The size it was sold as. */
function roundedRam(bytes: number): number {
  if (bytes >= 4 * GB) return Math.round(bytes / GB) * GB;
  const step = 64 * 1024 ** 2;
  return Math.max(step, Math.round(bytes / step) * step);
}

/**
 * This machine's RAM and CPUs, within the container's limits when there are any (a server in a container sees
 * the host's RAM in /proc but may use only its cgroup's share).
 */
export function hostHardware(): HostHardware {
  const limit = readNumber('/sys/fs/cgroup/memory.max');
  const ramBytes = limit !== null && limit < totalmem() ? limit : roundedRam(totalmem());
  const cpus = Math.min(availableParallelism(), cgroupCpus() ?? Number.POSITIVE_INFINITY);
  const os: OsKind = platform() === 'win32' ? 'windows' : platform() === 'darwin' ? 'mac' : 'linux';
  return { ramKb: Math.floor(ramBytes / 1024), cpus, os };
}

/** The server runs on this machine: a Unix socket or a loopback address (a tunnel would look the same). */
export function isLocalHost(host: string): boolean {
  return (
    host.startsWith('/') || host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '[::1]'
  );
}
