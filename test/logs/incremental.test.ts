/**
 * `pgwarden logs --incremental STATE`: a run reads what was appended since the last and adds it to the saved
 * aggregates; the report must be the one a single run over the whole log gives. The logs are the real ones of the
 * syslog fixture's cluster (stderr and jsonlog of the same events).
 */
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LogModel } from '../../src/logs/model.js';
import { readLogs } from '../../src/logs/read.js';
import { runCli } from '../helpers/cli.js';
import { sharedTempDir } from '../helpers/tmp.js';

const FIXTURES = new URL('../fixtures/logs/syslog/', import.meta.url).pathname;
const PREFIX = readFileSync(join(FIXTURES, 'prefix.txt'), 'utf8').replace(/\n$/, '');
const text = (name: string) => gunzipSync(readFileSync(join(FIXTURES, name)));

/** The model without the list of files read (each run reads other bytes of them). */
function totals(model: LogModel): Omit<LogModel, 'files'> {
  const { files: _files, ...rest } = model;
  return rest;
}

/** A byte offset a few bytes into a line that starts a message, near `fraction` of the log: a line being written. */
function cutInside(log: Buffer, fraction: number): number {
  let at = log.indexOf(10, Math.floor(log.length * fraction)) + 1;
  while (log[at] === 9 || log[log.indexOf(10, at) + 1] === 9) at = log.indexOf(10, at) + 1;
  return at + 7;
}

describe('logs --incremental', () => {
  it('stderr and jsonlog: run, append, run again: the totals of one run over the whole log', async () => {
    for (const [name, prefix] of [
      ['pg.log.gz', PREFIX],
      ['pg.json.gz', undefined],
    ] as const) {
      const dir = sharedTempDir('pgwarden-incremental');
      const log = text(name);
      const whole = join(dir, 'whole.log');
      writeFileSync(whole, log);
      const once = await readLogs({ paths: [whole], prefix });

      const file = join(dir, 'postgresql.log');
      const state = join(dir, 'state.json');
      const first = cutInside(log, 0.3);
      const second = cutInside(log, 0.7);
      writeFileSync(file, log.subarray(0, first));
      const run1 = await readLogs({ paths: [file], prefix, incremental: state });
      expect(run1.queries).toBeLessThan(once.queries);
      expect(run1.files[0]).toMatchObject({ resumed: 'new', startOffset: 0 });
      // the line being written is left for the next run
      expect(run1.files[0]!.bytes).toBeLessThan(first);
      appendFileSync(file, log.subarray(first, second));
      const run2 = await readLogs({ paths: [file], prefix, incremental: state });
      expect(run2.files[0]!.resumed).toBe('resumed');
      expect(run2.files[0]!.startOffset).toBe(run1.files[0]!.bytes);
      appendFileSync(file, log.subarray(second));
      const run3 = await readLogs({ paths: [file], prefix, incremental: state });
      expect(totals(run3), name).toEqual(totals(once));
      // nothing appended: nothing read, the same report
      const run4 = await readLogs({ paths: [file], prefix, incremental: state });
      expect(run4.files[0]).toMatchObject({ resumed: 'unchanged', bytes: 0 });
      expect(totals(run4), name).toEqual(totals(once));
    }
  });

  it('a rotated file is known under its new name, a truncated one is read again from its start', async () => {
    const log = text('pg.json.gz');
    const dir = sharedTempDir('pgwarden-incremental-rotate');
    const state = join(dir, 'state.json');
    const half = cutInside(log, 0.5) - 7;
    const all = join(dir, 'all');
    writeFileSync(join(dir, 'whole.json'), log);
    const once = await readLogs({ paths: [join(dir, 'whole.json')] });
    const logDir = join(dir, 'log');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(logDir);
    writeFileSync(join(logDir, 'postgresql.json'), log.subarray(0, half));
    await readLogs({ paths: [logDir], incremental: state });
    // logrotate: the file moves to .1, the server writes a new one
    renameSync(join(logDir, 'postgresql.json'), join(logDir, 'postgresql.1.json'));
    writeFileSync(join(logDir, 'postgresql.json'), log.subarray(half));
    const rotated = await readLogs({ paths: [logDir], incremental: state });
    expect(rotated.files.map((f) => [f.path.slice(logDir.length + 1), f.resumed, f.bytes])).toEqual([
      ['postgresql.1.json', 'unchanged', 0],
      ['postgresql.json', 'new', log.length - half],
    ]);
    expect(totals(rotated)).toEqual(totals(once));

    // copytruncate: the same file emptied and written again is read from its start
    writeFileSync(all, log.subarray(0, half));
    const state2 = join(dir, 'state2.json');
    await readLogs({ paths: [all], incremental: state2 });
    writeFileSync(all, log.subarray(0, 1000 + (log.indexOf(10, 1000) - 1000) + 1));
    const truncated = await readLogs({ paths: [all], incremental: state2 });
    expect(truncated.files[0]).toMatchObject({ resumed: 'truncated', startOffset: 0 });
  });

  it('CLI: a state file that is not one, and standard input, are refused with exit 2', async () => {
    const dir = sharedTempDir('pgwarden-incremental-cli');
    const log = join(dir, 'pg.json');
    writeFileSync(log, text('pg.json.gz'));
    const state = join(dir, 'state');
    const ok = await runCli(['logs', log, '--incremental', state, '--format', 'json', '--fail-on', 'none']);
    expect(ok.code).toBe(0);
    const again = await runCli([
      'logs',
      log,
      '--incremental',
      state,
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(JSON.parse(again.stdout).queries).toBe(JSON.parse(ok.stdout).queries);
    expect(JSON.parse(again.stdout).files[0]).toMatchObject({ resumed: 'unchanged', bytes: 0 });
    writeFileSync(join(dir, 'bad'), '{"hello": 1}');
    const bad = await runCli(['logs', log, '--incremental', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /bad: not a state file of pgwarden logs --incremental \(not one\)\n {2}hint: /,
    );
    const stdin = await runCli(['logs', '-', '--incremental', state]);
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toMatch(/standard input cannot be resumed/);
  }, 300_000);
});
