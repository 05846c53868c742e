import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('pgwarden health: bad input', () => {
  it.each([
    [['--sample', 'abc'], /^pgwarden: error: --sample "abc": not a duration from 1ms to 1h\n {2}hint: /],
    [['--sample', '2h'], /^pgwarden: error: --sample "2h": not a duration/],
    [['--format', 'yaml'], /^pgwarden: error: option '--format <format>' argument 'yaml' is invalid/],
  ])('health %j: one clear error and exit 2, before connecting', async (args, message) => {
    const result = await runCli(['health', '--db', 'postgres://nobody@127.0.0.1:1/none', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('--nagios on a server that cannot be reached: UNKNOWN, exit 3, one line, no password', async () => {
    const result = await runCli(['health', '--db', 'postgres://app:s3cret@127.0.0.1:1/shop', '--nagios']);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^PGWARDEN_HEALTH UNKNOWN: cannot connect to .*connection refused\n$/);
    expect(result.stdout + result.stderr).not.toContain('s3cret');
  });
});
