import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { PgwardenError } from '../core/errors.js';

const run = promisify(execFile);

export type ClientTool = 'pg_dump' | 'pg_restore' | 'pg_dumpall';

/** A client tool's path: PGWARDEN_PG_DUMP (and so on) when set, else the one on PATH. */
export function toolPath(name: ClientTool): string {
  return process.env[`PGWARDEN_${name.toUpperCase()}`] ?? name;
}

export interface ToolVersion {
  readonly major: number;
  /** What `--version` printed, e.g. "pg_dump (PostgreSQL) 15.20". */
  readonly text: string;
}

export async function toolVersion(name: ClientTool): Promise<ToolVersion> {
  try {
    const { stdout } = await run(toolPath(name), ['--version']);
    const found = /(\d+)(?:\.\d+)?/.exec(stdout);
    if (!found) throw new Error(`unexpected output: ${stdout.trim()}`);
    return { major: Number(found[1]), text: stdout.trim() };
  } catch (error) {
    throw new PgwardenError('config', `${name} is not installed (or does not run)`, {
      hint: `install the PostgreSQL client tools (apt-get install postgresql-client) or set PGWARDEN_${name.toUpperCase()} to its path`,
      cause: error,
    });
  }
}

/**
 * Refuses a client tool older than the server: an older pg_dump cannot dump a newer server, and an older
 * pg_restore cannot read what a newer pg_dump wrote.
 */
export async function requireTool(name: ClientTool, serverMajor: number): Promise<ToolVersion> {
  const version = await toolVersion(name);
  if (version.major < serverMajor) {
    throw new PgwardenError(
      'config',
      `${name} ${version.major} is older than the PostgreSQL ${serverMajor} server it must work with`,
      {
        hint: `install postgresql-client-${serverMajor} (apt-get install postgresql-client-${serverMajor}) or set PGWARDEN_${name.toUpperCase()} to a ${name} ${serverMajor} or later`,
      },
    );
  }
  return version;
}

/**
 * How a client tool reaches the database without its password on the command line (where `ps` shows it): the URL
 * without the password (in its user part or a `password` parameter), and PGPASSWORD in the environment.
 */
export function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  let password = parsed.password ? decodeURIComponent(parsed.password) : '';
  parsed.password = '';
  const param = parsed.searchParams.get('password');
  if (param !== null) {
    password ||= param;
    parsed.searchParams.delete('password');
  }
  return {
    dbname: parsed.toString(),
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  };
}

export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  /** The tool's error output (the first 64 kB). */
  readonly stderr: string;
}

/**
 * Runs a client tool to its end, never throwing for its exit status; each stderr line goes to `onLine` as it
 * comes (pg_dump's --verbose progress). stdout is kept (the first 16 MB) unless `discardStdout`.
 */
export function runTool(
  name: ClientTool,
  args: readonly string[],
  options: {
    readonly env?: NodeJS.ProcessEnv;
    readonly onLine?: (line: string) => void;
    readonly discardStdout?: boolean;
  } = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(toolPath(name), args, {
      env: options.env ?? process.env,
      stdio: ['ignore', options.discardStdout ? 'ignore' : 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdout.length < 16 * 1024 * 1024) stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (stderr.length < 64 * 1024) stderr += text;
      if (!options.onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    });
    child.on('error', (error) =>
      reject(
        new PgwardenError('config', `cannot run ${name}: ${error.message}`, {
          hint: `install the PostgreSQL client tools or set PGWARDEN_${name.toUpperCase()} to its path`,
          cause: error,
        }),
      ),
    );
    child.on('close', (code) => {
      if (partial && options.onLine) options.onLine(partial);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A tool's error output reduced to the line that says what went wrong. */
export function firstError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    lines.find((line) => /error|fatal|could not|invalid|unexpected/i.test(line)) ?? lines[0] ?? 'no message'
  );
}
