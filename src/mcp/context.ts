import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import * as lib from '../index.js';
import type { Databases } from './databases.js';

/** What every tool gets: the project, its config, the databases, and whether writes are allowed. */
export interface McpContext {
  /** The project folder (`--project`, default the working directory): migrations and config are found there. */
  readonly projectDir: string;
  readonly config: lib.LoadedConfig;
  readonly databases: Databases;
  /** `--allow-writes`: the plan → approve → apply tools may change the database. */
  readonly allowWrites: boolean;
  /** How long a migration plan stays valid (ms). */
  readonly planTtlMs: number;
  readonly debug: boolean;
  /** The operator's limit on the statement and lock timeouts an agent may ask for (ms). */
  readonly maxTimeoutMs?: number;
  /** Progress and notices, on stderr (stdout is the MCP channel). */
  readonly log: (message: string) => void;
}

/** The real path of `path`, or of its nearest existing parent joined with the rest when it does not exist yet. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : resolve(realPath(parent), basename(path));
  }
}

/**
 * A path given by the agent: relative to the project folder, and inside it once symlinks are resolved
 * (`/etc/shadow`, `../../etc/passwd` and a symlink out of the project are refused).
 */
export function projectPath(context: McpContext, path: string): string {
  if (path.length > 4096 || path.includes('\0'))
    throw new lib.PgwardenError('permission', 'refused: not a usable path', {
      hint: 'give a path inside the project folder, relative to it',
    });
  const full = resolve(context.projectDir, path);
  const root = realPath(context.projectDir);
  const real = realPath(full);
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep))
    throw new lib.PgwardenError('permission', `refused: ${path} is outside the project folder`, {
      hint: `the MCP server reads only files inside ${context.projectDir} (after resolving symlinks); give a path relative to it`,
    });
  return full;
}

/** The migrations folder: the one given (relative to the project, and inside it), else the config's. */
export function migrationsDir(context: McpContext, dir?: string): string {
  if (dir !== undefined) projectPath(context, dir);
  return lib.migrationsFolder(context.config, dir, context.projectDir);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
