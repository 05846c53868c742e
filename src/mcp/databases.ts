import * as lib from '../index.js';

export interface DatabasesOptions {
  /** `--db URL`; else the config's URL variable (DATABASE_URL), else the embedded server. */
  readonly db?: string;
  readonly config: lib.LoadedConfig;
  readonly allowWrites: boolean;
  readonly log: (message: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** Every session on a URL made with this runs its transactions READ ONLY unless they ask otherwise. */
export function readOnlyUrl(url: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  parsed.searchParams.set(
    'options',
    `${options ? `${options} ` : ''}-c default_transaction_read_only=on`.trimStart(),
  );
  return parsed.toString();
}

const READ_ONLY_OPTION = /(?:[?&]options=|\+)-c\+default_transaction_read_only%3Don/g;

/** URLs as the user gave them: without the read-only option this server adds (the server says it is read-only). */
export function hideReadOnlyOption(text: string): string {
  return text.replace(READ_ONLY_OPTION, '');
}

/**
 * The databases the MCP server works with, for the whole session:
 * - "the database": `--db` (or DATABASE_URL), else the project's database on the embedded server (the one
 *   `pgwarden migrate` uses). Its sessions are READ ONLY by default (`default_transaction_read_only`), on top
 *   of the library's read-only transactions; only with `--allow-writes` may a session write.
 * - the embedded server, started once on first need and kept until the server exits, for shadow databases
 *   (schemas built from files or migrations), which are scratch databases pgwarden creates and drops.
 */
export class Databases {
  readonly #options: DatabasesOptions;
  readonly #source: ReturnType<typeof lib.resolveTargetSource>;
  #embedded: Promise<lib.DatabaseTarget> | undefined;

  constructor(options: DatabasesOptions) {
    this.#options = options;
    this.#source = lib.resolveTargetSource({
      db: options.db,
      env: options.env,
      config: options.config.config,
    });
    // a malformed URL is a usage error at start-up, not at the first tool call
    if (this.#source.kind === 'url') lib.parseDatabaseUrl(this.#source.url, this.#source.from);
  }

  /** A live database was named (`--db` or the URL variable); else the embedded server is used. */
  get live(): boolean {
    return this.#source.kind === 'url';
  }

  /** Where the database comes from, for people (never a password). */
  get described(): string {
    return this.#source.kind === 'url'
      ? `${lib.redactUrl(this.#source.url)} (from ${this.#source.from})`
      : `the project's database on the embedded PostgreSQL (${lib.projectDatabaseName(this.#options.config.dir)})`;
  }

  #embeddedTarget(): Promise<lib.DatabaseTarget> {
    this.#embedded ??= lib
      .openTarget({
        env: {},
        config: this.#options.config.config,
        embedded: { log: this.#options.log },
        // the project's database, as `pgwarden migrate` names it, when it is "the database"
        ...(this.live ? {} : { embeddedDatabase: lib.projectDatabaseName(this.#options.config.dir) }),
      })
      .catch((error: unknown) => {
        this.#embedded = undefined;
        throw error;
      });
    return this.#embedded;
  }

  #guard(url: string, write: boolean): string {
    return write && this.#options.allowWrites ? url : readOnlyUrl(url);
  }

  /** The database's URL for the library's `db` option: read-only sessions unless `write` and --allow-writes. */
  async url(write = false): Promise<string> {
    if (this.#source.kind === 'url') return this.#guard(this.#source.url, write);
    return this.#guard((await this.#embeddedTarget()).url, write);
  }

  /** The embedded server's superuser URL: shadow databases (scratch, dropped afterwards) are built there. */
  async shadowServerUrl(): Promise<string> {
    const target = await this.#embeddedTarget();
    return target.server!.url;
  }

  /**
   * The database as a target for the migration runner (kind `embedded` for the embedded server: no guard
   * backup there, as in the CLI). Its sessions are read-only unless `write` and --allow-writes. Closing it is
   * a no-op: the server's databases live as long as the MCP server.
   */
  async target(write = false): Promise<lib.DatabaseTarget> {
    if (this.#source.kind === 'url') {
      const opened = await lib.openTarget({ db: this.#guard(this.#source.url, write) });
      return opened;
    }
    const embedded = await this.#embeddedTarget();
    const url = this.#guard(embedded.url, write);
    return {
      kind: 'embedded',
      url,
      display: embedded.display,
      server: embedded.server,
      connect: (database) => lib.Connection.open(database ? lib.withDatabase(url, database) : url),
      close: async () => {},
    };
  }

  /** Stops the embedded server, if it was started. */
  async close(): Promise<void> {
    const embedded = this.#embedded;
    this.#embedded = undefined;
    if (embedded) await (await embedded.catch(() => undefined))?.close();
  }
}
