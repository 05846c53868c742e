import { PgwardenError } from '../core/errors.js';
import type { SqlSource } from '../sql/files.js';
import { parseSql } from '../sql/parser.js';
import { Connection } from './connection.js';
import { queryError } from './errors.js';
import { scratchName } from './scratch-name.js';
import { onShutdown } from './shutdown.js';
import type { DatabaseTarget } from './target.js';
import { withDatabase } from './url.js';

/** A throw-away database on a server: created for one job, dropped afterwards whatever happens. */
export interface ScratchDatabase {
  readonly name: string;
  /** URL with credentials; never print it. */
  readonly url: string;
  connect(): Promise<Connection>;
  /** Closes the sessions opened with connect() (a database with sessions cannot serve as a template). */
  closeConnections(): Promise<void>;
  drop(): Promise<void>;
}

export async function createScratchDatabase(
  target: DatabaseTarget,
  options: { template?: string } = {},
): Promise<ScratchDatabase> {
  const name = scratchName();
  const admin = await target.connect();
  try {
    const template = options.template ? ` TEMPLATE ${admin.client.escapeIdentifier(options.template)}` : '';
    await admin.query(`CREATE DATABASE ${admin.client.escapeIdentifier(name)}${template}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new PgwardenError(
      code === '42501' ? 'permission' : 'server',
      `cannot create a scratch database on ${target.display}: ${(error as Error).message}`,
      {
        hint:
          code === '42501'
            ? 'the role needs CREATEDB; or leave out --db to use the embedded server'
            : 'scratch databases are created with CREATE DATABASE on the same server',
        cause: error,
      },
    );
  } finally {
    await admin.close();
  }
  let dropped: Promise<void> | undefined;
  let released: Promise<void> | undefined;
  const opened: Connection[] = [];
  const dropNow = (): Promise<void> => {
    dropped ??= (async () => {
      unregister();
      await Promise.all(opened.map((connection) => connection.close()));
      const admin = await target.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${admin.client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await admin.close();
      }
    })();
    return dropped;
  };
  // on a target that defers drops (deferScratchDrops), the sessions close now and the DROP waits for the flush
  const drop = (): Promise<void> => {
    const queue = target.scratchDrops;
    if (!queue) return dropNow();
    released ??= (async () => {
      await Promise.all(opened.map((connection) => connection.close()));
      queue.add(dropNow);
    })();
    return released;
  };
  const unregister = onShutdown(dropNow);
  const url = withDatabase(target.url, name);
  return {
    name,
    url,
    connect: async () => {
      const connection = await Connection.open(url);
      opened.push(connection);
      return connection;
    },
    closeConnections: async () => {
      await Promise.all(opened.splice(0).map((connection) => connection.close()));
    },
    drop,
  };
}

/** Runs `work` on a new scratch database and drops it afterwards, even when `work` fails. */
export async function withScratchDatabase<T>(
  target: DatabaseTarget,
  work: (scratch: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const scratch = await createScratchDatabase(target);
  try {
    return await work(scratch);
  } finally {
    await scratch.drop();
  }
}

/**
 * Runs SQL files statement by statement, in autocommit like psql (so CREATE INDEX CONCURRENTLY and explicit
 * BEGIN/COMMIT in the files behave as they would for the user). Stops at the first failure with file:line:column.
 */
export async function applySql(connection: Connection, sources: readonly SqlSource[]): Promise<number> {
  let count = 0;
  for (const source of sources) {
    const parsed = await parseSql(source.text, { file: source.file });
    const [syntaxError] = parsed.syntaxErrors;
    if (syntaxError) {
      throw new PgwardenError(
        'input',
        `${source.file}:${syntaxError.position.line}:${syntaxError.position.column}: ${syntaxError.message}`,
        { hint: 'fix the SQL; pgwarden applies nothing from a file PostgreSQL cannot parse' },
      );
    }
    for (const statement of parsed.statements) {
      try {
        await connection.query(statement.text);
        count++;
      } catch (error) {
        const position = Number((error as { position?: string }).position);
        const at =
          Number.isInteger(position) && position > 0
            ? parsed.source.positionAt(statement.start.offset + position - 1)
            : statement.start;
        const failure = queryError(error, `${source.file}:${at.line}:${at.column}`);
        throw new PgwardenError('input', failure.message, { hint: failure.hint, cause: error });
      }
    }
  }
  return count;
}

/** A scratch database built from SQL files (migrations or DDL): the "shadow" schema other commands review. */
export async function withShadowDatabase<T>(
  target: DatabaseTarget,
  sources: readonly SqlSource[],
  work: (scratch: ScratchDatabase, connection: Connection) => Promise<T>,
): Promise<T> {
  return withScratchDatabase(target, async (scratch) => {
    const connection = await scratch.connect();
    await applySql(connection, sources);
    return work(scratch, connection);
  });
}
