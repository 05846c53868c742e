import type { CatalogSnapshot, TableInfo } from '../catalog/model.js';
import { findTable, loadSnapshot } from '../catalog/snapshot.js';
import type { LoadedConfig } from '../core/config.js';
import { PgwardenError } from '../core/errors.js';
import { createReport, type Report } from '../core/report.js';
import { closest } from '../core/suggest.js';
import { VERSION } from '../core/version.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { isDirectory, readMigrations } from '../migrate/files.js';
import { projectSchemaSource } from './schema-source.js';

export interface InspectOptions {
  readonly config: LoadedConfig;
  readonly db?: string;
  /** SQL files (or folders) to build a shadow database from, instead of reading the target database. */
  readonly files?: readonly string[];
  /** Show one table (`name` or `schema.name`). */
  readonly table?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
}

export interface InspectData extends Record<string, unknown> {
  /** What was inspected, for people: never a password. */
  readonly source: string;
  readonly snapshot?: CatalogSnapshot;
  readonly server?: CatalogSnapshot['server'];
  readonly table?: TableInfo;
}

/** `pgwarden inspect`: the catalog snapshot of a database, or of the schema that SQL files build. */
export async function inspect(options: InspectOptions): Promise<Report<InspectData>> {
  // a migrations folder builds what its up sections build, in its runner's order (its downs would undo them)
  const migrations = await asMigrationsFolder(options.files);
  const schemaSource = (await projectSchemaSource({
    config: options.config,
    db: options.db,
    ...(migrations ? { migrations } : { files: options.files }),
    env: options.env,
    embedded: options.embedded,
  }))!;
  const snapshot = await schemaSource.withConnection((connection) => loadSnapshot(connection));
  const source = schemaSource.describe();

  if (options.table !== undefined) {
    const table = findTable(snapshot, options.table);
    if (!table) {
      const suggestion = closest(
        options.table,
        snapshot.tables.flatMap((t) => [t.name, t.qualifiedName]),
      );
      throw new PgwardenError('input', `no table "${options.table}" in ${source}`, {
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : 'pgwarden inspect without --table lists every table',
      });
    }
    return createReport({
      version: VERSION,
      command: 'inspect',
      findings: [],
      data: { source, server: snapshot.server, table },
    });
  }
  return createReport({ version: VERSION, command: 'inspect', findings: [], data: { source, snapshot } });
}

/** The one folder given, when it reads as a migrations folder (its files named as one of the layouts name them). */
async function asMigrationsFolder(files: readonly string[] | undefined): Promise<string | undefined> {
  if (files?.length !== 1 || !(await isDirectory(files[0]!))) return undefined;
  try {
    return (await readMigrations(files[0]!)).length > 0 ? files[0] : undefined;
  } catch {
    return undefined; // plain DDL files: built as they are
  }
}
