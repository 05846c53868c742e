import { spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import type { Report } from '../../src/core/report.js';
import { type LintData, lint } from '../../src/ops/lint.js';
import { type LintRun, LintSession } from '../../src/ops/lint-watch.js';
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

/** The report of some files is the whole report's findings, files and statements of those files. */
function expectPart(run: LintRun, files: ReadonlySet<string>): void {
  const part = run.report(files);
  const whole = run.report();
  const of = (file: string | undefined) => file !== undefined && files.has(file);
  expect(part.findings).toEqual(whole.findings.filter((f) => of((f.location as { file?: string }).file)));
  expect(part.data!.files).toEqual(whole.data!.files.filter(of));
  expect(part.data!.statements).toEqual(whole.data!.statements.filter((s) => of(s.file)));
}

/** The report without what differs between two equal runs. */
function comparable(report: Report<LintData>): string {
  return JSON.stringify(report);
}

/** Adds SQL at the end of a migration's up section. */
function edit(file: string, extra: string): void {
  writeFileSync(file, readFileSync(file, 'utf8').replace('-- migrate:down', `${extra}\n-- migrate:down`));
}

/** Runs `body` in a new temporary folder, removed after. */
async function inTemp(prefix: string, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A session on a history of `count` migrations written in `dir`, after its first run. */
async function watched(dir: string, count: number): Promise<{ names: string[]; session: LintSession }> {
  const names = history(dir, count);
  const session = new LintSession({ paths: [dir], config, pgVersion: 18 });
  await session.run();
  return { names, session };
}

/** A run of the session, its report checked against a cold lint of the same paths. */
async function checked(
  session: LintSession,
  paths: readonly string[],
  hint?: { readonly changed: readonly string[] },
): Promise<LintRun> {
  const run = await session.run(hint);
  const cold = await lint({ paths: [...paths], config, pgVersion: 18, parseWorkers: 0 });
  expect(comparable(run.report())).toBe(comparable(cold));
  return run;
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

      // the last file: the newest files are a stretch each, so it alone is linted again
      edit(join(dir, names[39]!), 'CREATE INDEX ON t1 (note);');
      const last = await session.run();
      expect(last.changed).toEqual([join(dir, names[39]!)]);
      expect(last.relinted).toBe(1);
      expect(comparable(last.report())).toBe(await cold(dir));
      expect(last.report(new Set(last.changed)).findings.map((f) => f.rule)).toContain(
        'migration/require-concurrent-index',
      );

      // a file in the middle drops a table the later ones use: their findings change too
      edit(join(dir, names[20]!), 'DROP TABLE t25;');
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

describe('lint --watch: the newest files are a stretch each', () => {
  it('an edit of one of the newest files re-lints it and the ones after it alone, and files added join the end', async () => {
    await inTemp('pgwarden-watch-tail-', async (dir) => {
      const { names, session } = await watched(dir, 40);
      // the fifth newest: it and the four after it
      edit(join(dir, names[35]!), 'DROP TABLE t37;');
      const fifth = await checked(session, [dir]);
      expect(fifth).toMatchObject({ relinted: 5, changed: [join(dir, names[35]!)] });
      // just before the newest eight: the stretch of 16 it is in
      edit(join(dir, names[31]!), 'CREATE INDEX ON t2 (note);');
      const older = await checked(session, [dir]);
      expect(older.relinted).toBe(24);
      // two files added at the end: linted from the schema the last run ended with, then each alone when edited
      writeFileSync(
        join(dir, '20260201000000_added.sql'),
        '-- migrate:up\nALTER TABLE t39 ADD COLUMN z int;\n',
      );
      writeFileSync(
        join(dir, '20260201000001_more.sql'),
        '-- migrate:up\nALTER TABLE t38 DROP COLUMN note;\n',
      );
      const added = await checked(session, [dir]);
      expect(added.relinted).toBe(2);
      writeFileSync(
        join(dir, '20260201000000_added.sql'),
        '-- migrate:up\nALTER TABLE t39 ADD COLUMN z int;\nDROP TABLE t1;\n',
      );
      const newest = await checked(session, [dir]);
      expect(newest.relinted).toBe(2);
      // the newest removed: nothing to lint, the schema before it is where the history ends now
      rmSync(join(dir, '20260201000001_more.sql'));
      const removed = await checked(session, [dir]);
      expect(removed.relinted).toBe(0);
      edit(
        join(dir, names[39]!),
        'ALTER TABLE t30 ALTER COLUMN note TYPE varchar(10);\nALTER TABLE t20 ADD COLUMN w int NOT NULL;',
      );
      const after = await checked(session, [dir]);
      expect(after.relinted).toBe(2);
    });
  });
});

describe('lint --watch with the watcher’s hint (the files whose contents changed)', () => {
  it('reads only the hinted files, and gives what a cold lint gives (paths given relative)', async () => {
    await inTemp('pgwarden-watch-hint-', async (dir) => {
      const names = history(dir, 40);
      const given = relative(process.cwd(), dir);
      const path = (name: string) => join(dir, name);
      const session = new LintSession({ paths: [given], config, pgVersion: 18 });
      await session.run();
      // the newest file, twice (the schema saved before it stays as it was)
      edit(path(names[39]!), 'ALTER TABLE t30 ALTER COLUMN note TYPE varchar(10);\nDROP TABLE t30;');
      const last = await checked(session, [given], { changed: [path(names[39]!)] });
      expect(last).toMatchObject({ readAll: false, relinted: 1, changed: [join(given, names[39]!)] });
      edit(path(names[39]!), 'CREATE INDEX ON t1 (note);');
      const again = await checked(session, [given], { changed: [path(names[39]!)] });
      expect(again).toMatchObject({ readAll: false, relinted: 1 });
      expect(again.report(new Set(again.changed)).findings.map((f) => f.rule)).toContain(
        'migration/require-concurrent-index',
      );
      expectPart(again, new Set(again.changed));
      // a file that no longer parses: no statement, a finding all the same
      writeFileSync(path(names[37]!), '-- migrate:up\nCREATE TABLE (;\n');
      const broken = await checked(session, [given], { changed: [path(names[37]!)] });
      expect(broken).toMatchObject({ readAll: false, relinted: 3 });
      expect(broken.report(new Set(broken.changed)).findings).not.toEqual([]);
      expectPart(broken, new Set(broken.changed));
      expectPart(broken, new Set([join(given, names[2]!), join(given, names[39]!)]));
      // a file in the middle: every file after it is linted again
      edit(path(names[20]!), 'DROP TABLE t25;');
      const middle = await checked(session, [given], { changed: [path(names[20]!)] });
      expect(middle).toMatchObject({ readAll: false, relinted: 24 });
      // two at once, one of them saved without a change
      edit(path(names[10]!), 'ALTER TABLE t3 ADD COLUMN y int NOT NULL;');
      const two = await checked(session, [given], { changed: [path(names[10]!), path(names[30]!)] });
      expect(two).toMatchObject({ readAll: false, changed: [join(given, names[10]!)] });
      // saved as editors do it safely (a new file renamed over the old): the folder's names are the same
      const text = readFileSync(path(names[38]!), 'utf8').replace(
        '-- migrate:down',
        'DROP TABLE t2;\n-- migrate:down',
      );
      writeFileSync(join(dir, '.tmp-save'), text);
      renameSync(join(dir, '.tmp-save'), path(names[38]!));
      const atomic = await checked(session, [given], { changed: [path(names[38]!)] });
      expect(atomic).toMatchObject({ readAll: false, relinted: 2 });
    });
  });

  it('reads everything when it cannot vouch for the hint: an unknown name, a name added or removed', async () => {
    await inTemp('pgwarden-watch-doubt-', async (dir) => {
      const { names, session } = await watched(dir, 20);
      // a name it does not read (and one it never saw): everything is read, the edit is seen
      edit(join(dir, names[19]!), 'DROP TABLE t3;');
      writeFileSync(join(dir, 'README.md'), 'notes');
      const unknown = await checked(session, [dir], {
        changed: [join(dir, 'README.md'), join(dir, 'nope.sql')],
      });
      expect(unknown).toMatchObject({ readAll: true, changed: [join(dir, names[19]!)] });
      // a file outside every path given
      expect((await session.run({ changed: [join(tmpdir(), 'elsewhere.sql')] })).readAll).toBe(true);
      // a file added that the hint does not name (its event missed): the folder's names changed, it is seen
      writeFileSync(
        join(dir, '20260301000000_new.sql'),
        '-- migrate:up\nALTER TABLE t4 ADD COLUMN q int NOT NULL;\n',
      );
      edit(join(dir, names[18]!), 'DROP TABLE t5;');
      const added = await checked(session, [dir], { changed: [join(dir, names[18]!)] });
      expect(added.readAll).toBe(true);
      expect(added.files).toBe(21);
      // and one removed
      rmSync(join(dir, names[3]!));
      const removed = await checked(session, [dir], { changed: [join(dir, names[18]!)] });
      expect(removed).toMatchObject({ readAll: true, files: 20 });
    });
  });

  it('after a run that failed, reads everything whatever the hint says', async () => {
    await inTemp('pgwarden-watch-error-', async (root) => {
      const dir = join(root, 'migrations');
      mkdirSync(dir);
      const names = history(dir, 20);
      const extra = join(root, 'extra.sql');
      writeFileSync(extra, 'ALTER TABLE t1 ADD COLUMN e int;\n');
      const session = new LintSession({ paths: [dir, extra], config, pgVersion: 18 });
      await session.run();
      // a migration edited and the file made unreadable: the run reads the folder, then fails on the file
      edit(join(dir, names[12]!), 'DROP TABLE t4;');
      writeFileSync(extra, Buffer.from([0x2d, 0x2d, 0x00, 0x01]));
      await expect(session.run({ changed: [extra] })).rejects.toThrow(/binary/);
      // the file mended: the hint names it alone, but the migration's edit is seen too
      writeFileSync(extra, 'ALTER TABLE t2 ADD COLUMN e int NOT NULL;\n');
      const mended = await checked(session, [dir, extra], { changed: [extra] });
      expect(mended.readAll).toBe(true);
      expect(mended.changed).toEqual([join(dir, names[12]!), extra]);
      // the run after a good one trusts its hint again (a file given on its own included)
      writeFileSync(extra, 'ALTER TABLE t3 ADD COLUMN e int NOT NULL;\n');
      const trusted = await checked(session, [dir, extra], { changed: [extra] });
      expect(trusted).toMatchObject({ readAll: false, changed: [extra], relinted: 1 });
    });
  });

  it('a goose migration given on its own stays read as goose reads it, edit after edit', async () => {
    await inTemp('pgwarden-watch-goose-', async (dir) => {
      const file = join(dir, '00002_index.sql');
      writeFileSync(join(dir, '00001_init.sql'), '-- +goose Up\nCREATE TABLE t (a int);\n');
      writeFileSync(
        file,
        '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- +goose Down\nDROP TABLE t;\n',
      );
      const session = new LintSession({ paths: [file], config, pgVersion: 18 });
      await checked(session, [file]);
      for (const extra of ['-- first edit', '-- second edit']) {
        writeFileSync(file, `${readFileSync(file, 'utf8')}${extra}\n`);
        const run = await checked(session, [file], { changed: [file] });
        // the down's DROP TABLE is not linted as up, and NO TRANSACTION holds
        expect(run.report().findings.map((f) => f.rule)).toEqual(['migration/prefer-robust-statements']);
      }
    });
  });

  it("reads everything when a runner's settings file changed (Flyway's script .conf)", async () => {
    await inTemp('pgwarden-watch-flyway-', async (dir) => {
      writeFileSync(
        join(dir, 'V1__orders.sql'),
        'CREATE TABLE orders (id bigint PRIMARY KEY, at timestamptz);\n',
      );
      writeFileSync(
        join(dir, 'V2__index.sql'),
        'CREATE TABLE notes (id bigint);\nCREATE INDEX CONCURRENTLY orders_at ON orders (at);\n',
      );
      const conf = join(dir, 'V2__index.sql.conf');
      writeFileSync(conf, 'executeInTransaction=true\n');
      const session = new LintSession({ paths: [dir], config, pgVersion: 18 });
      const first = await checked(session, [dir]);
      // the script saved too (a comment): the hint names both
      const script = join(dir, 'V2__index.sql');
      writeFileSync(script, `-- orders by time\n${readFileSync(script, 'utf8')}`);
      writeFileSync(conf, 'executeInTransaction=false\n');
      const run = await checked(session, [dir], { changed: [script, conf] });
      expect(run.readAll).toBe(true);
      expect(comparable(run.report())).not.toBe(comparable(first.report()));
    });
  });

  it('reads everything when a hinted text changes the layout, or whether dbmate takes the file', async () => {
    await inTemp('pgwarden-watch-layout-', async (root) => {
      // dbmate's folder: whole names in byte order (10_ before 9_); pgwarden's: by version (9 before 10)
      const dir = join(root, 'db', 'migrations');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, '9_orders.sql'),
        '-- migrate:up\nCREATE TABLE orders (id bigint, note text);\n',
      );
      writeFileSync(
        join(dir, '10_note.sql'),
        '-- migrate:up\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n',
      );
      writeFileSync(join(dir, '11_more.sql'), '-- migrate:up\nALTER TABLE orders ADD COLUMN more int;\n');
      const session = new LintSession({ paths: [dir], config, pgVersion: 18 });
      const first = await checked(session, [dir]);
      expect(first.report().data!.files).toEqual(
        ['10_note.sql', '11_more.sql', '9_orders.sql'].map((name) => join(dir, name)),
      );
      // without its -- migrate:up, dbmate ignores 11_more.sql (the folder stays dbmate's)
      writeFileSync(join(dir, '11_more.sql'), 'ALTER TABLE orders ADD COLUMN more int;\n');
      const ignored = await checked(session, [dir], { changed: [join(dir, '11_more.sql')] });
      expect(ignored).toMatchObject({ readAll: true, files: 2 });
      // a pgwarden directive: the folder is pgwarden's own layout, in another order
      writeFileSync(
        join(dir, '10_note.sql'),
        '-- migrate:up\n-- pgwarden:no-transaction\nALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n',
      );
      const flipped = await checked(session, [dir], { changed: [join(dir, '10_note.sql')] });
      expect(flipped.readAll).toBe(true);
      expect(flipped.report().data!.files).toEqual([
        join(dir, '9_orders.sql'),
        join(dir, '10_note.sql'),
        join(dir, '11_more.sql'),
      ]);
      // a text that keeps both: the hint is trusted
      writeFileSync(join(dir, '11_more.sql'), 'ALTER TABLE orders ADD COLUMN more int NOT NULL;\n');
      const trusted = await checked(session, [dir], { changed: [join(dir, '11_more.sql')] });
      expect(trusted.readAll).toBe(false);
    });
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
      edit(file, 'CREATE INDEX ON users (email);');
      const second = await next();
      expect(second.watch.changed).toEqual([file]);
      expect(second.files).toEqual([file]);
      expect(
        second.findings.some((f: { rule: string }) => f.rule === 'migration/require-concurrent-index'),
      ).toBe(true);
      // the first change after the start is read whole (the watchers began after the first run read the files);
      // from then on the session reads only the files the watcher names
      expect(second.watch.readAll).toBe(true);
      edit(file, 'ALTER TABLE users ADD COLUMN nickname text NOT NULL;');
      const third = await next();
      expect(third.watch).toMatchObject({ changed: [file], readAll: false, relinted: 1 });
      expect(third.files).toEqual([file]);
      expect(third.findings.map((f: { rule: string }) => f.rule)).toEqual(
        expect.arrayContaining(['migration/require-concurrent-index', 'migration/add-column-required']),
      );
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
