import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
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
  /** Progress and notices, on stderr (stdout is the MCP channel). */
  readonly log: (message: string) => void;
}

/** A path given by the agent: relative to the project folder. */
export function projectPath(context: McpContext, path: string): string {
  return resolve(context.projectDir, path);
}

/** The migrations folder: the one given (relative to the project), else the config's. */
export function migrationsDir(context: McpContext, dir?: string): string {
  return lib.migrationsFolder(context.config, dir, context.projectDir);
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
