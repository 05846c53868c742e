import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PgwardenError } from '../../core/errors.js';

/** The OS account pgBackRest runs as: the owner of the server's files when pgwarden runs as root. */
export interface OsAccount {
  readonly uid: number;
  readonly gid: number;
}

export interface PgBackRest {
  /** Absolute path of the executable. */
  readonly binary: string;
  readonly configPath: string;
  readonly stanza: string;
  /** null: as the current user. */
  readonly account: OsAccount | null;
  readonly env: NodeJS.ProcessEnv;
}

export interface PgBackRestResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

const INSTALL_HINT =
  'install pgBackRest (Debian/Ubuntu: apt-get install pgbackrest; RHEL: dnf install pgbackrest from the PGDG repository) and run the command again';

/** The pgbackrest executable on PATH, or a clear refusal. */
export function findPgBackRest(env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'pgbackrest');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  throw new PgwardenError('config', 'pgBackRest is not installed: no pgbackrest executable on PATH', {
    hint: INSTALL_HINT,
  });
}

/** pgwarden under root runs pgBackRest as the owner of `path` (the data directory, or the stanza's config). */
export function accountFor(path: string): OsAccount | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const { uid, gid } = statSync(path);
  return uid === 0 ? null : { uid, gid };
}

/** pgBackRest's own error line (`ERROR: [055]: unable to load info file…`), or the last line it printed. */
export function pgBackRestError(output: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  const error = lines.find((line) => /^ERROR: \[\d+\]:/.test(line));
  if (error) return error.replace(/^ERROR: /, '');
  return lines.filter(Boolean).at(-1) ?? 'no output';
}

/** Runs one pgBackRest command for the stanza; a failure becomes a PgwardenError that quotes pgBackRest. */
export function runPgBackRest(
  tool: PgBackRest,
  command: string,
  args: readonly string[] = [],
): Promise<PgBackRestResult> {
  const argv = [`--config=${tool.configPath}`, `--stanza=${tool.stanza}`, ...args, command];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tool.binary, argv, {
      // a cwd the account can enter: pgBackRest resolves nothing relative to it
      cwd: tmpdir(),
      env: tool.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(tool.account ? { uid: tool.account.uid, gid: tool.account.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) =>
      reject(
        new PgwardenError('config', `could not run ${tool.binary}: ${error.message}`, { hint: INSTALL_HINT }),
      ),
    );
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code === 0) {
        resolve({ stdout, stderr, ms });
        return;
      }
      reject(
        new PgwardenError(
          'server',
          `pgbackrest ${command} failed (exit ${code}): ${pgBackRestError(`${stderr}\n${stdout}`)}`,
          {
            hint: `run it by hand to see more: ${tool.binary} --config=${tool.configPath} --stanza=${tool.stanza} ${[...args, command].join(' ')}`,
          },
        ),
      );
    });
  });
}

/** `info --output=json`, parsed. */
export async function readInfo(tool: PgBackRest): Promise<unknown> {
  const { stdout } = await runPgBackRest(tool, 'info', ['--output=json']);
  try {
    return JSON.parse(stdout);
  } catch {
    throw new PgwardenError('server', 'pgbackrest info did not print JSON', {
      hint: `run ${tool.binary} --config=${tool.configPath} --stanza=${tool.stanza} info --output=json`,
    });
  }
}

/** The login name of a uid (from /etc/passwd), for the commands pgwarden prints. */
export function accountName(uid: number): string | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === uid) return name;
    }
  } catch {
    // no /etc/passwd
  }
  return null;
}
