import type { LoadedConfig } from '../core/config.js';
import { PgwardenError } from '../core/errors.js';
import { createReport, type Report } from '../core/report.js';
import { closest } from '../core/suggest.js';
import { VERSION } from '../core/version.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { withShadowDatabase } from '../db/scratch.js';
import { openTarget } from '../db/target.js';
import { collectSqlFiles, readSqlSources } from '../sql/files.js';
import type { CatalogSnapshot, TableInfo } from './model.js';
import { findTable, loadSnapshot } from './snapshot.js';

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
  const target = await openTarget({
    db: options.db,
    env: options.env,
    config: options.config.config,
    embedded: options.embedded,
  });
  let snapshot: CatalogSnapshot;
  let source: string;
  try {
    if (options.files && options.files.length > 0) {
      const files = await collectSqlFiles(options.files);
      if (files.length === 0)
        throw new PgwardenError('input', `no .sql files in ${options.files.join(', ')}`);
      const sources = await readSqlSources(files);
      snapshot = await withShadowDatabase(target, sources, (_scratch, connection) =>
        loadSnapshot(connection),
      );
      source = `schema built from ${files.length === 1 ? files[0] : `${files.length} files`} on ${target.display}`;
    } else {
      const connection = await target.connect();
      try {
        snapshot = await loadSnapshot(connection);
      } finally {
        await connection.close();
      }
      source = `${target.display}${target.kind === 'embedded' ? ` database ${snapshot.server.database}` : ''}`;
    }
  } finally {
    await target.close();
  }

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
