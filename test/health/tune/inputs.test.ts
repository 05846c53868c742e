import { describe, expect, it } from 'vitest';
import { isLocalHost } from '../../../src/health/tune/host.js';
import { parseCpus, parseRam, parseWorkload } from '../../../src/health/tune/inputs.js';
import { needsRestart } from '../../../src/health/tune/restart.js';

describe('tune inputs', () => {
  it('reads RAM with its unit, in kB', () => {
    expect(parseRam('16GB')).toBe(16 * 1024 * 1024);
    expect(parseRam('512mb')).toBe(512 * 1024);
    expect(parseRam('1.5 GB')).toBe(1.5 * 1024 * 1024);
    expect(parseRam('1TB')).toBe(1024 ** 3);
  });

  it.each(['0', '0GB', '16', '-1GB', 'lots', '512kB'])(
    'refuses --ram %s as a usage error with a hint',
    (text) => {
      expect(() => parseRam(text)).toThrow(
        expect.objectContaining({ code: 'usage', hint: expect.any(String) }),
      );
    },
  );

  it('refuses CPUs and workloads it does not know', () => {
    expect(parseCpus('8')).toBe(8);
    expect(() => parseCpus('x')).toThrow(/--cpus x: not a whole number/);
    expect(() => parseCpus('0')).toThrow(/--cpus 0/);
    expect(parseWorkload('OLTP')).toBe('oltp');
    expect(() => parseWorkload('batch')).toThrow(/not one of web, oltp, dw, desktop, mixed/);
  });

  it('takes a Unix socket or a loopback address as this machine, anything else as another', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '/var/run/postgresql'])
      expect(isLocalHost(host)).toBe(true);
    for (const host of ['db.example.com', '10.0.0.5', '::2']) expect(isLocalHost(host)).toBe(false);
  });

  it('knows which settings need a restart when no server says', () => {
    expect(needsRestart('shared_buffers', 16)).toBe(true);
    expect(needsRestart('work_mem', 16)).toBe(false);
    expect(needsRestart('autovacuum_max_workers', 17)).toBe(true);
    expect(needsRestart('autovacuum_max_workers', 18)).toBe(false);
  });
});
