import type pg from 'pg';
import { cancellation, cancelledError } from './cancel.js';
import { connectionError, queryError } from './errors.js';
import { pgDriver } from './pg-driver.js';
import { onShutdown } from './shutdown.js';
import { libpqSslSemantics, parseDatabaseUrl } from './url.js';

export interface ReadOnlyOptions {
  /** Per-statement limit inside the transaction (ms). Default 30 s. */
  readonly statementTimeoutMs?: number;
  /** How long to wait for any lock (ms). Default 2 s: a check must never queue behind DDL. */
  readonly lockTimeoutMs?: number;
  /** REPEATABLE READ gives every query of a multi-query read the same snapshot. Default true. */
  readonly consistentSnapshot?: boolean;
}

export interface TransactionOptions {
  readonly statementTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
  /** Roll back instead of committing, whatever happens (EXPLAIN ANALYZE of a write, dry runs). */
  readonly rollback?: boolean;
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

const DEFAULT_LOCK_TIMEOUT_MS = 2_000;

/** One session on one database. */
export class Connection {
  readonly client: pg.Client;
  /** The URL with its password masked. */
  readonly display: string;
  #inTransaction = false;
  #closed = false;
  /** Queries sent and not yet answered: what an interruption must cancel on the server. */
  #running = 0;
  readonly #connectionString: string;
  readonly #forgetShutdown: () => void;
  /** The cancellable work this session belongs to (src/db/cancel.ts): aborted, it cancels and closes. */
  readonly #signal: AbortSignal | undefined;
  readonly #forgetSignal: () => void;

  private constructor(client: pg.Client, display: string, connectionString: string) {
    this.client = client;
    this.display = display;
    this.#connectionString = connectionString;
    // A client that dies does not stop its query: the server runs it until it next writes to the socket (an
    // EXPLAIN ANALYZE of a heavy query, a long migration statement). On Ctrl-C or SIGTERM, cancel it.
    this.#forgetShutdown = onShutdown(() => this.#cancelRunning());
    this.#signal = cancellation();
    const signal = this.#signal;
    if (signal) {
      const abort = () => {
        void this.#cancelRunning().then(() => this.close());
      };
      signal.addEventListener('abort', abort, { once: true });
      this.#forgetSignal = () => signal.removeEventListener('abort', abort);
    } else this.#forgetSignal = () => {};
  }

  /** Refuses new work once the work this session belongs to was cancelled. */
  #checkCancelled(): void {
    if (this.#signal?.aborted) throw cancelledError();
  }

  async #cancelRunning(): Promise<void> {
    if (this.#running === 0 || this.#closed) return;
    const { Client } = await pgDriver();
    const canceller = new Client({
      connectionString: this.#connectionString,
      connectionTimeoutMillis: 3_000,
    });
    canceller.on('error', () => {});
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [
        (this.client as pg.Client & { processID: number | null }).processID,
      ]);
    } catch {
      // best effort: the statement_timeout still bounds what runs on
    } finally {
      await canceller.end().catch(() => {});
    }
  }

  static async open(
    url: string,
    options: { applicationName?: string; connectTimeoutMs?: number } = {},
  ): Promise<Connection> {
    if (cancellation()?.aborted) throw cancelledError();
    const parsed = parseDatabaseUrl(url);
    const connectionString = libpqSslSemantics(parsed.url);
    const { Client } = await pgDriver();
    const client = new Client({
      connectionString,
      application_name: options.applicationName ?? 'pgwarden',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    });
    // A server that goes away later must not crash the process with an unhandled 'error' event.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw connectionError(error, parsed.display);
    }
    const connection = new Connection(client, parsed.display, connectionString);
    // cancelled while connecting: released at once
    if (cancellation()?.aborted) {
      await connection.close();
      throw cancelledError();
    }
    return connection;
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<pg.QueryResult<R>> {
    this.#checkCancelled();
    this.#running++;
    try {
      return await this.client.query<R>(sql, params as unknown[] | undefined);
    } finally {
      this.#running--;
    }
  }

  /**
   * One statement over the extended protocol (parse, bind, execute): the server itself refuses a text holding a
   * second statement, whatever a parser on this side made of it.
   */
  async queryOneStatement<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
  ): Promise<pg.QueryResult<R>> {
    this.#checkCancelled();
    this.#running++;
    try {
      // queryMode is node-postgres's switch to the extended protocol without parameters (not in its types)
      return await this.client.query<R>({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
    } finally {
      this.#running--;
    }
  }

  /** Rows of a query, with failures turned into clear errors naming `what` was being read. */
  async rows<R extends pg.QueryResultRow = Record<string, unknown>>(
    what: string,
    sql: string,
    params?: readonly unknown[],
  ): Promise<R[]> {
    try {
      return (await this.query<R>(sql, params)).rows;
    } catch (error) {
      throw queryError(error, what);
    }
  }

  /**
   * Sends `sql` (any number of statements) as one simple query, one round trip, counting the statements the server
   * completed. The server runs them in order and skips what follows a failure, so on failure `completed` says which
   * statement failed (the one after the last completed). Nothing else may run on this connection meanwhile.
   */
  async simpleQueryCountingCompletions(
    sql: string,
  ): Promise<
    { readonly completed: number } & (
      | { readonly ok: true; readonly lastRows: readonly Record<string, unknown>[] }
      | { readonly ok: false; readonly error: unknown }
    )
  > {
    let completed = 0;
    const count = () => {
      completed++;
    };
    const protocol = this.client.connection;
    protocol.on('commandComplete', count);
    this.#running++;
    try {
      const result: pg.QueryResult | pg.QueryResult[] = await this.client.query(sql);
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return { ok: true, completed, lastRows: last?.rows ?? [] };
    } catch (error) {
      return { ok: false, error, completed };
    } finally {
      this.#running--;
      protocol.off('commandComplete', count);
    }
  }

  /** `value` as an SQL string literal, for the rare text that cannot take parameters (a multi-statement query). */
  literal(value: string): string {
    return this.client.escapeLiteral(value);
  }

  /**
   * Runs `work` in a READ ONLY transaction with a statement and lock timeout, then rolls back. Every check in
   * pgwarden reads through here, so a check can neither change data nor block production traffic for long.
   */
  async readOnly<T>(work: (connection: Connection) => Promise<T>, options: ReadOnlyOptions = {}): Promise<T> {
    const isolation = options.consistentSnapshot === false ? 'READ COMMITTED' : 'REPEATABLE READ';
    return this.#inTx(`BEGIN ISOLATION LEVEL ${isolation} READ ONLY`, work, {
      statementTimeoutMs: options.statementTimeoutMs,
      lockTimeoutMs: options.lockTimeoutMs,
      rollback: true,
    });
  }

  /** Runs `work` in a read-write transaction: committed on success, rolled back on error (or always, with `rollback`). */
  async transaction<T>(
    work: (connection: Connection) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    return this.#inTx('BEGIN', work, options);
  }

  async #inTx<T>(
    begin: string,
    work: (connection: Connection) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    if (this.#inTransaction) throw new Error('pgwarden: nested transaction on one connection');
    this.#inTransaction = true;
    try {
      await this.query(begin);
      const statementTimeout = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
      const lockTimeout = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
      await this.query(
        `SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)`,
        [`${statementTimeout}ms`, `${lockTimeout}ms`],
      );
      let result: T;
      try {
        result = await work(this);
      } catch (error) {
        await this.query('ROLLBACK').catch(() => {});
        throw error;
      }
      await this.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
      return result;
    } finally {
      this.#inTransaction = false;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#forgetShutdown();
    this.#forgetSignal();
    await this.client.end().catch(() => {});
  }
}
