import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot, runCli } from '../helpers/cli.js';

const MIGRATION = 'CREATE INDEX orders_total ON orders (total);\n';

describe('the bundled CLI keeps V8 code caches', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  function setUp(): {
    cacheDir: string;
    file: string;
    lint: (env?: NodeJS.ProcessEnv) => ReturnType<typeof runCli>;
  } {
    const root = mkdtempSync(join(tmpdir(), 'pgwarden-code-cache-'));
    folders.push(root);
    const file = join(root, 'change.sql');
    writeFileSync(file, MIGRATION);
    const cacheDir = join(root, 'cache');
    const lint = (env: NodeJS.ProcessEnv = {}) =>
      runCli(['lint', file, '--format', 'json', '--pg-version', '18'], {
        env: { PGWARDEN_CACHE_DIR: cacheDir, ...env },
      });
    return { cacheDir, file, lint };
  }

  function caches(cacheDir: string): string[] {
    const root = join(cacheDir, 'code');
    return readdirSync(root).flatMap((build) =>
      readdirSync(join(root, build)).map((f) => join(root, build, f)),
    );
  }

  it('writes one per command on its first run, reuses it after, and changes no output', async () => {
    const { cacheDir, lint } = setUp();
    const first = await lint();
    const [cache, ...others] = caches(cacheDir);
    expect(others).toEqual([]);
    expect(cache).toMatch(/node[\d.]+[/\\]lint\.bin$/);
    const written = statSync(cache!);
    expect(written.size).toBeGreaterThan(100_000);

    const second = await lint();
    // accepted: a rejected cache is written again
    expect(statSync(cache!).mtimeMs).toBe(written.mtimeMs);
    const without = await lint({ PGWARDEN_CODE_CACHE: '0' });
    for (const run of [first, second, without]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
    }
    expect(second.stdout).toBe(first.stdout);
    expect(without.stdout).toBe(first.stdout);
    expect(JSON.parse(first.stdout).findings.length).toBeGreaterThan(0);
  });

  it('replaces a cache V8 rejects, and runs when the cache folder cannot be written', async () => {
    const { cacheDir, lint } = setUp();
    const reference = await lint({ PGWARDEN_CODE_CACHE: '0' });
    await lint();
    const [cache] = caches(cacheDir);
    writeFileSync(cache!, Buffer.alloc(4096, 7));
    const damaged = await lint();
    expect(damaged.stdout).toBe(reference.stdout);
    expect(statSync(cache!).size).toBeGreaterThan(100_000);

    // a cache others could have written is not run: it is replaced by one of this user's
    chmodSync(cache!, 0o666);
    const shared = await lint();
    expect(shared.stdout).toBe(reference.stdout);
    expect(statSync(cache!).mode & 0o022).toBe(0);

    const locked = join(cacheDir, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'code'), 'a file where the folder would go');
    chmodSync(locked, 0o500);
    const unwritable = await lint({ PGWARDEN_CACHE_DIR: locked });
    expect(unwritable.code).toBe(reference.code);
    expect(unwritable.stderr).toBe('');
    expect(unwritable.stdout).toBe(reference.stdout);
  });

  it('compiles the bundle as it is read (ASCII, one function), and --debug names the source of a stack', async () => {
    const bundle = readFileSync(join(projectRoot, 'dist/bin/pgwarden-cli.cjs'));
    // read as Latin-1 by the launcher: one byte above 0x7f would change the code
    expect(bundle.findIndex((byte) => byte > 0x7f)).toBe(-1);
    expect(bundle.subarray(0, 80).toString()).toMatch(
      /^\(function \(exports, require, module, __filename, __dirname\) \{/,
    );

    const { file } = setUp();
    const missing = `${file}.gone`;
    const debug = await runCli(['lint', missing, '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toContain(`no such file or folder: ${missing}`);
    // the bundle's names are minified: --debug runs the CLI unbundled, whose stack names its files
    expect(debug.stderr).toMatch(/dist[/\\]ops[/\\]lint\.js/);
  });

  it('runs lint from a bundle of its own, and another command named after a --config file from the whole one', async () => {
    const lintBundle = statSync(join(projectRoot, 'dist/bin/pgwarden-lint.cjs')).size;
    expect(lintBundle).toBeLessThan(statSync(join(projectRoot, 'dist/bin/pgwarden-cli.cjs')).size / 2);
    const { cacheDir, lint } = setUp();
    await lint();
    expect(caches(cacheDir).map((file) => file.split(/[/\\]/).at(-1))).toEqual(['lint.bin']);

    // the file given to --config is called lint: the command is still `rules`, which the lint bundle has not
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-config-named-lint-'));
    folders.push(dir);
    writeFileSync(join(dir, 'lint'), '{}\n');
    const rules = await runCli(['--config', 'lint', 'rules'], {
      cwd: dir,
      env: { PGWARDEN_CACHE_DIR: cacheDir },
    });
    expect(rules.stderr).toBe('');
    expect(rules.code).toBe(0);
    expect(rules.stdout).toContain('migration/require-concurrent-index');
  });

  it('answers --help and --version from a bundle of the program alone, as the unbundled CLI does', async () => {
    const helpBundle = statSync(join(projectRoot, 'dist/bin/pgwarden-help.cjs')).size;
    expect(helpBundle).toBeLessThan(statSync(join(projectRoot, 'dist/bin/pgwarden-cli.cjs')).size / 4);
    const unbundled = join(projectRoot, 'dist/cli/main.js');
    for (const args of [['--help'], ['--version'], ['--no-such-option']]) {
      const bundled = await runCli(args);
      const plain = await runCli(args, { cli: unbundled });
      expect(bundled).toEqual(plain);
    }
  });
});
