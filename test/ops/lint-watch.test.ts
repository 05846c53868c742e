import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import type { Report } from '../../src/core/report.js';
import { type LintData, lint } from '../../src/ops/lint.js';
import { LintSession } from '../../src/ops/lint-watch.js';
import { cliPath, projectRoot } from '../helpers/cli.js';

const config = loadConfig({ path: undefined });

/** A history long enough for several stretches: each migration adds a table, then works on earlier ones. */
function history(dir: string, count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `2026010${1 + Math.floor(i / 90)}${String(100000 + i).slice(1)}0_step_${i}.sql`;
    const earlier = i > 0 ? `t${i - 1}` : null;
    const up = [
      `CREATE TABLE t${i} (id bigint PRIMARY KEY, note text);`,
      earlier ? `ALTER TABLE ${earlier} ADD COLUMN c${i} int DEFAULT 0;` : '',
      earlier && i % 3 === 0 ? `CREATE INDEX ON ${earlier} (c${i});` : '',
      earlier && i % 5 === 0 ? `ALTER TABLE ${earlier} ALTER COLUMN note SET NOT NULL;` : '',
    ].join('\n');
    writeFileSync(join(dir, name), `-- migrate:up\n${up}\n\n-- migrate:down\nDROP TABLE t${i};\n`);
    names.push(name);
  }
  return names;
}

/** The report without what differs between two equal runs. */
function comparable(report: Report<LintData>): string {
  return JSON.stringify(report);
}

async function cold(dir: string): Promise<string> {
  return comparable(await lint({ paths: [dir], config, pgVersion: 18, parseWorkers: 0 }));
}

describe('lint --watch (LintSession)', () => {
  it('gives, after every kind of change, the report a cold lint gives, linting again only from the change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-watch-'));
    try {
      const names = history(dir, 40);
      const session = new LintSession({ paths: [dir], config, pgVersion: 18 });
      const first = await session.run();
      expect(first.relinted).toBe(40);
      expect(first.changed).toHaveLength(40);
      expect(comparable(first.report())).toBe(await cold(dir));

      const again = await session.run();
      expect(again).toMatchObject({ relinted: 0, changed: [] });

      const edit = (name: string, extra: string) =>
        writeFileSync(
          join(dir, name),
          readFileSync(join(dir, name), 'utf8').replace('-- migrate:down', `${extra}\n-- migrate:down`),
        );
      // the last file: only its stretch (the files from 32 on) is linted again
      edit(names[39]!, 'CREATE INDEX ON t1 (note);');
      const last = await session.run();
      expect(last.changed).toEqual([join(dir, names[39]!)]);
      expect(last.relinted).toBe(8);
      expect(comparable(last.report())).toBe(await cold(dir));
      expect(last.report(new Set(last.changed)).findings.map((f) => f.rule)).toContain(
        'migration/require-concurrent-index',
      );

      // a file in the middle drops a table the later ones use: their findings change too
      edit(names[20]!, 'DROP TABLE t25;');
      const middle = await session.run();
      expect(middle.relinted).toBe(24);
      expect(comparable(middle.report())).toBe(await cold(dir));

      // a new file, then a removed one
      writeFileSync(
        join(dir, '20260201000000_added.sql'),
        '-- migrate:up\nALTER TABLE t3 ADD COLUMN z int NOT NULL;\n',
      );
      expect(comparable((await session.run()).report())).toBe(await cold(dir));
      rmSync(join(dir, names[5]!));
      const removed = await session.run();
      expect(removed.files).toBe(40);
      expect(comparable(removed.report())).toBe(await cold(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lint --watch keeps what a cold lint starts from', () => {
  it("the config's session TimeZone survives the saved schemas (timestamp → timestamptz in a later stretch)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-watch-tz-'));
    try {
      const file = join(dir, 'pgwarden.config.json');
      writeFileSync(file, JSON.stringify({ migrations: { sessionTimeZone: 'UTC' } }));
      const utc = loadConfig({ path: file });
      const migrations = join(dir, 'migrations');
      mkdirSync(migrations);
      history(migrations, 20);
      writeFileSync(
        join(migrations, '20260301000000_tz.sql'),
        '-- migrate:up\nALTER TABLE t1 ADD COLUMN at timestamp;\nALTER TABLE t1 ALTER COLUMN at TYPE timestamptz;\n',
      );
      const session = new LintSession({ paths: [migrations], config: utc, pgVersion: 18 });
      await session.run();
      const edited = join(migrations, '20260301000000_tz.sql');
      writeFileSync(edited, `${readFileSync(edited, 'utf8')}-- touched\n`);
      const again = await session.run();
      expect(again.relinted).toBeLessThan(21);
      const cold = await lint({ paths: [migrations], config: utc, pgVersion: 18, parseWorkers: 0 });
      expect(JSON.stringify(again.report())).toBe(JSON.stringify(cold));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pgwarden lint --watch', () => {
  it('prints a report per change (one JSON line each), and stops on Ctrl-C as interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-watch-cli-'));
    cpSync(join(projectRoot, 'examples/shop/migrations'), dir, { recursive: true });
    const child = spawn(process.execPath, [cliPath, 'lint', dir, '--watch', '--format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => JSON.parse((await lines.next()).value as string);
    try {
      const first = await next();
      expect(first).toMatchObject({ tool: 'pgwarden', command: 'lint' });
      expect(first.files.length).toBe(readdirSync(dir).length);
      while (!stderr.includes('watching')) await new Promise((resolve) => setTimeout(resolve, 50));
      const file = join(dir, readdirSync(dir).sort().at(-1)!);
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          '-- migrate:down',
          'CREATE INDEX ON users (email);\n-- migrate:down',
        ),
      );
      const second = await next();
      expect(second.watch.changed).toEqual([file]);
      expect(second.files).toEqual([file]);
      expect(
        second.findings.some((f: { rule: string }) => f.rule === 'migration/require-concurrent-index'),
      ).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    // ended by the signal itself, re-delivered after the clean-up: the shell reports 130
    const ended = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    expect([130, 'SIGINT']).toContain(ended);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses options that would write or trace at every change', async () => {
    const child = spawn(process.execPath, [cliPath, 'lint', 'examples/shop/migrations', '--watch', '--fix'], {
      cwd: projectRoot,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('--watch does not go with --fix');
  });
});
