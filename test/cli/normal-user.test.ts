import { spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRoot } from '../../src/db/embedded/service-user.js';
import { projectRoot, runCli } from '../helpers/cli.js';
import { sharedTempDir } from '../helpers/tmp.js';

const NOBODY = { uid: 65534, gid: 65534 };

function canRead(path: string): boolean {
  if (!isRoot()) return true;
  const result = spawnSync(
    '/bin/sh',
    ['-c', 'test -r "$1/package.json" && test -x "$1/dist"', 'check', path],
    {
      ...NOBODY,
      stdio: 'ignore',
    },
  );
  return result.status === 0;
}

/** The project where an unprivileged user can read it: in place, or a copy when the checkout is closed (under /root). */
function readableProject(): string {
  if (canRead(projectRoot)) return projectRoot;
  const copy = sharedTempDir('pgwarden-project');
  for (const part of ['package.json', 'dist', 'examples', 'node_modules']) {
    cpSync(join(projectRoot, part), join(copy, part), { recursive: true, verbatimSymlinks: true });
  }
  return copy;
}

describe('as a normal user', () => {
  it('runs the quick start (inspect on the embedded server) with the default cache folder under $HOME', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pgwarden-home-'));
    if (isRoot()) chownSync(home, NOBODY.uid, NOBODY.gid);
    const project = readableProject();
    const env = { HOME: home, XDG_CACHE_HOME: '', PGWARDEN_CACHE_DIR: '', USER: 'nobody' };
    const run = () =>
      runCli(['inspect', 'examples/inventory/schema.sql', '--table', 'products'], {
        cwd: project,
        cli: join(project, 'dist', 'cli', 'main.js'),
        env,
        ...(isRoot() ? NOBODY : {}),
      });
    const first = await run();
    expect(first.stderr).toMatch(/initialising an embedded PostgreSQL 18/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^public\.products {2}table/);
    expect(
      existsSync(join(home, '.cache', 'pgwarden', 'embedded', 'pg18', 'slot-0', 'data', 'PG_VERSION')),
    ).toBe(true);
    const second = await run();
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/initialising/);
  });
});
