import { execFile } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { LoadedConfig } from '../core/config.js';
import { changedSince } from '../lint/changed.js';
import { adoptForeignHistory } from '../migrate/adopt.js';
import { readMigrations } from '../migrate/files.js';
import { readHistory } from '../migrate/history.js';
import type { ScriptSource } from './check-sql.js';

const run = promisify(execFile);

/**
 * The migrations `lint --fix` must not edit because they are already applied, each with how that is known: the
 * --db database's history (pgwarden's, or the one another runner kept: Prisma, diesel, golang-migrate, dbmate,
 * Flyway, node-pg-migrate), or git (unchanged since --changed-since; else committed on the default branch).
 */
export async function appliedMigrations(
  sources: readonly ScriptSource[],
  options: { readonly db?: string; readonly config: LoadedConfig; readonly changedSince?: string },
): Promise<Map<string, string>> {
  const applied = new Map<string, string>();
  const migrationSources = sources.filter((s) => s.migration !== undefined);
  if (migrationSources.length === 0) return applied;
  if (options.db !== undefined) {
    for (const [file, how] of await fromHistory(migrationSources, options.db, options.config))
      applied.set(file, how);
  }
  for (const [file, how] of await fromGit(migrationSources, options.changedSince))
    if (!applied.has(file)) applied.set(file, how);
  return applied;
}

async function fromHistory(
  sources: readonly ScriptSource[],
  db: string,
  config: LoadedConfig,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  // loaded here: a lint without --fix never opens a database
  const { openTarget } = await import('../db/target.js');
  const target = await openTarget({ db });
  try {
    const connection = await target.connect();
    try {
      const history = { schema: config.config.migrations.schema, table: config.config.migrations.table };
      const own = new Set((await readHistory(connection, history, { objects: false })).map((r) => r.version));
      for (const source of sources)
        if (own.has(source.migration!.version))
          found.set(source.file, `recorded in ${history.schema}.${history.table}`);
      for (const dir of new Set(sources.map((s) => s.migration!.dir))) {
        // another runner's history: what it recorded is applied, even if it left a later one unsettled
        const adopted = await adoptForeignHistory(connection, await readMigrations(dir)).catch(() => null);
        if (!adopted) continue;
        const versions = new Set(adopted.rows.map((r) => r.version));
        for (const source of sources)
          if (
            source.migration!.dir === dir &&
            versions.has(source.migration!.version) &&
            !found.has(source.file)
          )
            found.set(source.file, `recorded in ${adopted.table}, ${adopted.runner}'s history`);
      }
    } finally {
      await connection.close();
    }
  } finally {
    await target.close();
  }
  return found;
}

async function git(args: readonly string[], cwd: string): Promise<string | undefined> {
  try {
    return (await run('git', [...args], { cwd })).stdout.trim();
  } catch {
    return undefined;
  }
}

async function fromGit(
  sources: readonly ScriptSource[],
  since: string | undefined,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const cwd = resolve(sources[0]!.migration!.dir);
  const root = await git(['rev-parse', '--show-toplevel'], cwd);
  if (root === undefined) return found;
  if (since !== undefined) {
    const changed = await changedSince(since, cwd);
    for (const source of sources)
      if (!changed.has(resolve(source.file))) found.set(source.file, `unchanged since ${since}`);
    return found;
  }
  const remote = await git(['symbolic-ref', '--short', 'refs/remotes/origin/HEAD'], root);
  let branch = remote;
  for (const local of ['main', 'master']) {
    if (branch !== undefined) break;
    if ((await git(['rev-parse', '--verify', '--quiet', `refs/heads/${local}`], root)) !== undefined)
      branch = local;
  }
  if (branch === undefined) return found;
  const paths = sources.map((s) => relative(root, resolve(s.file)));
  const listed = await git(['ls-tree', '-r', '--name-only', branch, '--', ...new Set(paths)], root);
  const committed = new Set((listed ?? '').split('\n').filter(Boolean));
  sources.forEach((source, i) => {
    if (committed.has(paths[i]!)) found.set(source.file, `committed on ${branch}`);
  });
  return found;
}
