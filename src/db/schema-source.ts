/**
 * Where a schema comes from, decided once for every operation that reads one (inspect, schema review, query
 * review, explain): DDL files or a migrations folder, built on a shadow database (a scratch database on the
 * embedded server, or on the `--db` server, dropped afterwards); or a live database, read as it is.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PgwardenConfig } from '../core/config.js';
import { PgwardenError } from '../core/errors.js';
import { collectSqlFiles, readSqlSources, type SqlSource } from '../sql/files.js';
import type { Connection } from './connection.js';
import type { EmbeddedServerOptions } from './embedded/server.js';
import { type ScratchDatabase, withShadowDatabase } from './scratch.js';
import { type DatabaseTarget, openTarget, resolveTargetSource } from './target.js';

/**
 * Reads the up sections of a migrations folder, in order (migrate/files.ts knows the layouts; it sits above this
 * layer, so operations hand it in).
 */
export type MigrationsReader = (folder: string) => Promise<readonly SqlSource[]>;

export interface SchemaSourceOptions {
  readonly config: Pick<PgwardenConfig, 'databaseUrlEnv' | 'embedded'>;
  /** A live database; with `files` or `migrations`, the server the shadow database is built on. */
  readonly db?: string;
  /** DDL files or folders: the schema they build. */
  readonly files?: readonly string[];
  /** A migrations folder: the schema its up sections build. */
  readonly migrations?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
  /** Read the database URL from the environment (the config's `databaseUrlEnv`) when `db` is not given. Default true. */
  readonly urlFromEnv?: boolean;
  /** Without files, migrations or a URL: build this migrations folder (the config's) when it exists. */
  readonly defaultMigrations?: string;
  /** Needed with `migrations` or `defaultMigrations`. */
  readonly readMigrations?: MigrationsReader;
  /**
   * Without any source: `embedded`, the live database of the embedded server (default); `none`, no source
   * (`resolveSchemaSource` returns null); `error`, a usage error with this hint.
   */
  readonly otherwise?: 'embedded' | 'none' | { readonly error: string };
  readonly log?: (message: string) => void;
}

export interface SchemaSource {
  /** `shadow`: built from SQL (no data, no statistics); `live`: a database as it is. */
  readonly kind: 'live' | 'shadow';
  /** Where the database is: a URL (`--db` or the environment) or the embedded server (started on use). */
  readonly server: 'url' | 'embedded';
  /** The SQL a shadow database is built from (empty for a live database). */
  readonly sql: readonly SqlSource[];
  /** What the shadow is built from, for people (`2 SQL files`, `the 3 migration(s) in /app/migrations`); null when live. */
  readonly input: string | null;
  /**
   * What was read, for people, never a password: `schema built from … on <server>`, or the live database. Known
   * once `withConnection` has opened the server.
   */
  describe(): string;
  /**
   * Opens the server, builds the shadow database when there is one, runs `work` on a connection to the database,
   * then closes and drops what it opened, whatever happens. `before` runs on the shadow after its schema (a seed).
   */
  withConnection<T>(
    work: (connection: Connection, target: DatabaseTarget) => Promise<T>,
    options?: { readonly before?: (connection: Connection) => Promise<void> },
  ): Promise<T>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The shadow's SQL from DDL files (or folders). */
async function fromFiles(paths: readonly string[]): Promise<{ sql: readonly SqlSource[]; input: string }> {
  const files = await collectSqlFiles(paths);
  if (files.length === 0) throw new PgwardenError('input', `no .sql files in ${paths.join(', ')}`);
  return {
    sql: await readSqlSources(files),
    input: files.length === 1 ? files[0]! : `${files.length} SQL files`,
  };
}

/** The shadow's SQL from the up sections of a migrations folder. */
async function fromMigrations(
  folder: string,
  read: MigrationsReader | undefined,
): Promise<{ sql: readonly SqlSource[]; input: string }> {
  if (!read) throw new Error('resolveSchemaSource: a migrations folder needs readMigrations');
  const migrations = await read(folder);
  if (migrations.length === 0) {
    throw new PgwardenError('input', `no migrations in ${folder}`, {
      hint: 'pass the folder that holds the migration files, SQL files, or a live database (--db URL)',
    });
  }
  return {
    sql: migrations,
    input: `the ${migrations.length} migration(s) in ${folder}`,
  };
}

/**
 * Decides where the schema comes from and reads its SQL (files, migrations), without opening any server: files,
 * else a migrations folder, else a URL (a live database), else the config's migrations folder (when asked), else
 * `otherwise`.
 */
export async function resolveSchemaSource(options: SchemaSourceOptions): Promise<SchemaSource | null> {
  const { config } = options;
  const env = options.urlFromEnv === false ? {} : (options.env ?? process.env);
  const server = resolveTargetSource({ db: options.db, env, config }).kind;
  let shadow: { sql: readonly SqlSource[]; input: string } | null = null;
  if (options.files && options.files.length > 0) shadow = await fromFiles(options.files);
  else if (options.migrations)
    shadow = await fromMigrations(resolve(options.migrations), options.readMigrations);
  else if (server === 'embedded' && options.defaultMigrations && (await exists(options.defaultMigrations)))
    shadow = await fromMigrations(options.defaultMigrations, options.readMigrations);
  else if (server === 'embedded') {
    const otherwise = options.otherwise ?? 'embedded';
    if (otherwise === 'none') return null;
    if (otherwise !== 'embedded')
      throw new PgwardenError('usage', 'nothing to review', { hint: otherwise.error });
  }

  let described: string | null = null;
  const withConnection = async <T>(
    work: (connection: Connection, target: DatabaseTarget) => Promise<T>,
    run: { readonly before?: (connection: Connection) => Promise<void> } = {},
  ): Promise<T> => {
    const target = await openTarget({ db: options.db, env, config, embedded: options.embedded });
    try {
      if (shadow) {
        described = `schema built from ${shadow.input} on ${target.display}`;
        options.log?.(`building the schema of ${shadow.input} on a shadow database`);
        return await withShadowDatabase(target, shadow.sql, async (_scratch, connection) => {
          await run.before?.(connection);
          return work(connection, target);
        });
      }
      described =
        target.kind === 'embedded' ? `${target.display} database ${databaseOf(target.url)}` : target.display;
      const connection = await target.connect();
      try {
        return await work(connection, target);
      } finally {
        await connection.close();
      }
    } finally {
      await target.close();
    }
  };
  return {
    kind: shadow ? 'shadow' : 'live',
    server,
    sql: shadow?.sql ?? [],
    input: shadow?.input ?? null,
    describe() {
      if (described === null) throw new Error('SchemaSource.describe() before withConnection()');
      return described;
    },
    withConnection,
  };
}

/**
 * A shadow database already built from `sql` (by the caller, who keeps and drops it) as a schema source: what
 * `resolveSchemaSource` gives for the same SQL, without building a second copy (`check` reviews the schema of the
 * shadow it then seeds for the queries). `withConnection` opens a session on it and closes that session after.
 */
export function builtShadowSource(
  target: DatabaseTarget,
  scratch: ScratchDatabase,
  shadow: { readonly sql: readonly SqlSource[]; readonly input: string },
): SchemaSource {
  const described = `schema built from ${shadow.input} on ${target.display}`;
  return {
    kind: 'shadow',
    server: 'url',
    sql: shadow.sql,
    input: shadow.input,
    describe: () => described,
    withConnection: async (work, run = {}) => {
      const connection = await scratch.connect();
      try {
        await run.before?.(connection);
        return await work(connection, target);
      } finally {
        await connection.close();
      }
    },
  };
}

/** The database name of a URL (what current_database() says on a session opened with it). */
function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}
