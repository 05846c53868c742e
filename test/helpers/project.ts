import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type LoadedConfig, parseConfig } from '../../src/core/config.js';

/** A project folder with a migrations/ folder and a config, for runner tests. */
export function migrationProject(files: Record<string, string>, config: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-project-'));
  mkdirSync(join(dir, 'migrations'));
  for (const [name, text] of Object.entries(files)) {
    // a name may go into a sub-folder, or next to the folder (`../Cargo.toml`), never outside the project
    const path = join(dir, 'migrations', name);
    if (!path.startsWith(`${dir}/`)) throw new Error(`${name} is outside the project`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  const loaded: LoadedConfig = { config: parseConfig(config, 'test'), path: null, dir };
  return {
    dir,
    config: loaded,
    write(name: string, text: string) {
      writeFileSync(join(dir, 'migrations', name), text);
    },
  };
}

export const migration = (up: string, down?: string) =>
  `-- migrate:up\n${up}\n${down === undefined ? '' : `-- migrate:down\n${down}\n`}`;
