import type { LoadedConfig } from '../core/config.js';
import { resolveSchemaSource, type SchemaSource, type SchemaSourceOptions } from '../db/schema-source.js';
import { migrationsFolder, readMigrations } from '../migrate/files.js';

/** The up sections of a migrations folder, as the SQL a shadow database is built from. */
export async function migrationUps(folder: string): Promise<{ file: string; text: string }[]> {
  return (await readMigrations(folder)).map((m) => ({ file: m.up.file, text: m.up.text }));
}

/**
 * The schema source of an operation on a project (db/schema-source.ts), able to read migration folders; with
 * `configMigrations`, the config's migrations folder is the default when it exists and no database URL is given.
 */
export function projectSchemaSource(
  options: Omit<SchemaSourceOptions, 'config' | 'readMigrations' | 'defaultMigrations'> & {
    readonly config: LoadedConfig;
    readonly configMigrations?: boolean;
  },
): Promise<SchemaSource | null> {
  const { config, configMigrations, ...rest } = options;
  return resolveSchemaSource({
    ...rest,
    config: config.config,
    readMigrations: migrationUps,
    ...(configMigrations ? { defaultMigrations: migrationsFolder(config) } : {}),
  });
}
