import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { PgwardenConfig } from '../core/config.js';
import { Connection } from './connection.js';
import { EmbeddedServer, type EmbeddedServerOptions } from './embedded/server.js';
import { parseDatabaseUrl, withDatabase } from './url.js';

/**
 * The database a command works on: `--db URL`, else the URL in DATABASE_URL (or the variable the config names),
 * else a database on the embedded server.
 */
export interface DatabaseTarget {
  readonly kind: 'url' | 'embedded';
  /** Full URL with credentials. Never print it: use `display`. */
  readonly url: string;
  readonly display: string;
  /** Present when pgwarden started the server itself. */
  readonly server: EmbeddedServer | undefined;
  /** A session on the target database, or on another database of the same server. */
  connect(database?: string): Promise<Connection>;
  /** Closes what pgwarden opened (and stops the embedded server it started). */
  close(): Promise<void>;
  /**
   * Scratch databases created on this target are dropped when the queue is flushed rather than when their work
   * is done (see `deferScratchDrops`); absent: at once.
   */
  readonly scratchDrops?: ScratchDropQueue;
}

/** Drops of scratch databases put off until `flush`, which runs them all at once. */
export interface ScratchDropQueue {
  add(drop: () => Promise<void>): void;
  flush(): Promise<void>;
}

/**
 * `target`, with its scratch databases dropped together when the returned queue is flushed. Dropping a database
 * makes PostgreSQL take a checkpoint (it writes and syncs every dirty buffer of the server: seconds after the DDL
 * of a few hundred migrations), and drops issued together share one; an operation that works on several scratch
 * databases at once (check) drops them at its end instead of one after another in the middle of the others'
 * work. The caller flushes, whatever happens; the owner of `target` still closes it.
 */
export function deferScratchDrops(target: DatabaseTarget): {
  target: DatabaseTarget;
  drops: ScratchDropQueue;
} {
  const pending: (() => Promise<void>)[] = [];
  const drops: ScratchDropQueue = {
    add: (drop) => {
      pending.push(drop);
    },
    flush: async () => {
      const settled = await Promise.allSettled(pending.splice(0).map((drop) => drop()));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
  return { target: { ...target, scratchDrops: drops }, drops };
}

export interface TargetOptions {
  readonly db?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly config?: Pick<PgwardenConfig, 'databaseUrlEnv' | 'embedded'>;
  readonly embedded?: EmbeddedServerOptions;
  /**
   * On the embedded server, work in this database (created when missing) rather than in `postgres`: the
   * migration commands keep one per project, a local development database that lives between runs.
   */
  readonly embeddedDatabase?: string;
}

export type TargetSource = { kind: 'url'; url: string; from: string } | { kind: 'embedded' };

/** Decides where the database comes from, without connecting. */
export function resolveTargetSource(options: TargetOptions): TargetSource {
  if (options.db !== undefined) return { kind: 'url', url: options.db, from: '--db' };
  const variable = options.config?.databaseUrlEnv ?? 'DATABASE_URL';
  const fromEnv = (options.env ?? process.env)[variable];
  if (fromEnv?.trim()) return { kind: 'url', url: fromEnv, from: variable };
  return { kind: 'embedded' };
}

export async function openTarget(options: TargetOptions = {}): Promise<DatabaseTarget> {
  const source = resolveTargetSource(options);
  if (source.kind === 'url') {
    const parsed = parseDatabaseUrl(source.url, source.from);
    // Fail fast with a clear message when the server cannot be reached or refuses us.
    const probe = await Connection.open(parsed.url);
    await probe.close();
    return {
      kind: 'url',
      url: parsed.url,
      display: parsed.display,
      server: undefined,
      connect: (database) => Connection.open(database ? withDatabase(parsed.url, database) : parsed.url),
      close: async () => {},
    };
  }
  const server = await EmbeddedServer.start({
    major: options.config?.embedded.version,
    ...options.embedded,
  });
  let url = server.url;
  let display = server.display;
  if (options.embeddedDatabase) {
    try {
      await ensureDatabase(server.url, options.embeddedDatabase);
    } catch (error) {
      await server.stop();
      throw error;
    }
    url = withDatabase(server.url, options.embeddedDatabase);
    display = `${server.display}, database ${options.embeddedDatabase}`;
  }
  return {
    kind: 'embedded',
    url,
    display,
    server,
    connect: (database) => Connection.open(database ? withDatabase(server.url, database) : url),
    close: () => server.stop(),
  };
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = await Connection.open(serverUrl);
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length > 0) return;
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
      // another pgwarden process created it at the same moment
      if (error.code !== '42P04' && error.code !== '23505') throw error;
    });
  } finally {
    await admin.close();
  }
}

/** The embedded database of a project: named after its folder, with a hash of the full path to keep it apart. */
export function projectDatabaseName(projectDir: string): string {
  const base =
    basename(projectDir)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 30) || 'project';
  return `pgwarden_${base}_${createHash('sha256').update(projectDir).digest('hex').slice(0, 8)}`;
}
