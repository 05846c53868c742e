import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { PgwardenError } from './errors.js';
import { FAIL_ON_LEVELS, RULE_LEVELS } from './finding.js';
import { DEFAULT_PG_MAJOR } from './pg-major.js';
import { closest } from './suggest.js';

const ruleLevel = z.enum(RULE_LEVELS);

/** A rule's setting: a level, or `[level, options]`, or `{ level, options }`. */
const ruleSetting = z.union([
  ruleLevel,
  z.tuple([ruleLevel, z.record(z.string(), z.unknown())]),
  z.object({ level: ruleLevel.optional(), options: z.record(z.string(), z.unknown()).optional() }).strict(),
]);
export type RuleSetting = z.infer<typeof ruleSetting>;

const majorVersion = z.number().int().min(13).max(18);

/**
 * The table sizes (rows) that make a table small or large, for every rule: the config's `thresholds`, and the
 * default of every rule option of the same name (see `resolveRuleSettings`).
 */
export const DEFAULT_THRESHOLDS = { smallTableRows: 10_000, largeTableRows: 1_000_000 } as const;

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    /** The environment variable that holds the database URL when `--db` is not given. */
    databaseUrlEnv: z.string().min(1).default('DATABASE_URL'),
    /**
     * The PostgreSQL major the project targets, for every command: what lint, review, explain, trace and check
     * reason for when `--pg-version` is not given and no `--db` server tells it, and the major the embedded server
     * starts (the bundled one is 18; others are fetched on first use).
     */
    pgVersion: majorVersion.optional(),
    failOn: z.enum(FAIL_ON_LEVELS).default('error'),
    embedded: z
      .object({
        /**
         * Deprecated: `pgVersion` names the embedded server's major. Still read when `pgVersion` is absent; after
         * loading it always equals `pgVersion ?? 18`.
         */
        version: majorVersion.default(18),
      })
      .strict()
      .default({ version: 18 }),
    migrations: z
      .object({
        /** The migrations folder, relative to the project (the config file's folder). */
        dir: z.string().min(1).default('migrations'),
        /** Where the history table lives: `<schema>.<table>`. */
        schema: z.string().min(1).default('pgwarden'),
        table: z.string().min(1).default('migrations'),
        /** Set for every migration (pgwarden's runner); a SET in the file still wins. */
        lockTimeout: z.string().min(1).default('5s'),
        statementTimeout: z.string().min(1).default('30min'),
        /** Attempts after a lock timeout, with backoff (1 s, 2 s, 4 s …). */
        lockRetries: z.number().int().min(0).max(20).default(3),
        /** How long a second runner waits for the first one, in seconds. */
        lockWaitSeconds: z.number().min(0).default(30),
        /**
         * The TimeZone the migrations' sessions run with, when lint has no --db to read it from: `UTC` tells it
         * that timestamp ↔ timestamptz changes keep the table's files (PostgreSQL 12+).
         */
        sessionTimeZone: z.string().min(1).optional(),
      })
      .strict()
      .default({
        dir: 'migrations',
        schema: 'pgwarden',
        table: 'migrations',
        lockTimeout: '5s',
        statementTimeout: '30min',
        lockRetries: 3,
        lockWaitSeconds: 30,
      }),
    backups: z
      .object({
        /** Where the guard and `pgwarden backup` keep backups, relative to the project. */
        dir: z.string().min(1).default('.pgwarden/backups'),
        /**
         * The largest whole-database backup (MB) the guard takes for code it cannot see into (dynamic SQL, functions
         * that write); above it, the migration is refused with the way to proceed.
         */
        wholeDatabaseMaxMb: z.number().min(0).default(1024),
        /** What `pgwarden backup prune` keeps: the newest backup of each of the newest N days, weeks, months. */
        keepDaily: z.number().int().min(0).default(7),
        keepWeekly: z.number().int().min(0).default(4),
        keepMonthly: z.number().int().min(0).default(6),
      })
      .strict()
      .default({
        dir: '.pgwarden/backups',
        wholeDatabaseMaxMb: 1024,
        keepDaily: 7,
        keepWeekly: 4,
        keepMonthly: 6,
      }),
    /** `pgwarden pitr`: the pgBackRest stanza, so that backup, status, restore and MCP's backup_status find it. */
    pitr: z
      .object({
        /** The stanza config `pgwarden pitr setup` wrote (`<repo>/pgbackrest.conf`), relative to the project. */
        pgbackrestConfig: z.string().min(1).optional(),
        /** The stanza, when the file describes more than one. */
        stanza: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    /** Table sizes that change how serious a blocking migration is (with --db). */
    thresholds: z
      .object({
        /** Below this many rows (and 100 MB), a lock or rewrite is over in moments: info. */
        smallTableRows: z.number().int().min(0).default(DEFAULT_THRESHOLDS.smallTableRows),
        /** From this many rows (or 1 GB), it is an outage: error. */
        largeTableRows: z.number().int().min(1).default(DEFAULT_THRESHOLDS.largeTableRows),
      })
      .strict()
      .default(DEFAULT_THRESHOLDS),
    /** `pgwarden schema`: what to review, the project's conventions, and accepted exceptions. */
    schema: z
      .object({
        /** Schemas to review (default: every schema that is not PostgreSQL's or an extension's). */
        schemas: z.array(z.string().min(1)).optional(),
        /** Objects not reviewed at all: `schema.table` patterns, `*` matching any characters. */
        exclude: z.array(z.string().min(1)).default([]),
        /** Accepted findings: a rule (or `schema/*` pattern) on an object pattern, with the reason. */
        ignore: z
          .array(
            z
              .object({
                rule: z.string().min(1),
                object: z.string().min(1),
                reason: z.string().trim().min(1, 'say why the finding is accepted'),
              })
              .strict(),
          )
          .default([]),
        /**
         * Multi-tenancy: the column that names the tenant. `auto` checks the tables that have it (NOT NULL, in
         * the keys and indexes, row level security); `all` requires it on every table but `globalTables`.
         */
        tenancy: z
          .object({
            column: z.string().min(1).default('tenant_id'),
            mode: z.enum(['auto', 'all', 'off']).default('auto'),
            globalTables: z.array(z.string().min(1)).default([]),
          })
          .strict()
          .default({ column: 'tenant_id', mode: 'auto', globalTables: [] }),
        /** Soft delete: the column whose non-null value marks a row deleted. */
        softDeleteColumn: z.string().min(1).default('deleted_at'),
        /**
         * The naming convention the naming rules check consistency with: `auto` reads it from the schema (the
         * majority of the names that tell, at least `majority` of them); a case or number forces it.
         */
        naming: z
          .object({
            tables: z.enum(['auto', 'snake_case', 'camelCase', 'PascalCase']).default('auto'),
            columns: z.enum(['auto', 'snake_case', 'camelCase', 'PascalCase']).default('auto'),
            tableNumber: z.enum(['auto', 'plural', 'singular']).default('auto'),
            majority: z.number().min(0.5).max(1).default(0.75),
          })
          .strict()
          .default({ tables: 'auto', columns: 'auto', tableNumber: 'auto', majority: 0.75 }),
      })
      .strict()
      .default({
        exclude: [],
        ignore: [],
        tenancy: { column: 'tenant_id', mode: 'auto', globalTables: [] },
        softDeleteColumn: 'deleted_at',
        naming: { tables: 'auto', columns: 'auto', tableNumber: 'auto', majority: 0.75 },
      }),
    /** `pgwarden metrics`: the Prometheus exporter. */
    metrics: z
      .object({
        /** host:port it listens on. */
        listen: z.string().min(1).default('127.0.0.1:9187'),
        /**
         * The databases it exports, by the name their metrics carry (label `target`): a URL, or `$VARIABLE` for a
         * URL kept in the environment (so no password sits in the file).
         */
        databases: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/), z.string().min(1)).default({}),
        /** A scrape's result is served again for this long (s): scrapes never pile up on the databases. */
        cacheSeconds: z.number().min(0).max(300).default(5),
        /** The longest a scrape waits for a database (s); its queries get the same statement_timeout. */
        scrapeTimeoutSeconds: z.number().min(1).max(300).default(10),
      })
      .strict()
      .default({ listen: '127.0.0.1:9187', databases: {}, cacheSeconds: 5, scrapeTimeoutSeconds: 10 }),
    /** `pgwarden check`: where the project's queries and seed data are. */
    check: z
      .object({
        /**
         * SQL files, code files (.ts, .js …) or folders holding the application's queries, relative to the project.
         * Default: whichever of queries/, sql/ and src/ exist.
         */
        queries: z.array(z.string().min(1)).optional(),
        /** A SQL script that fills the shadow database after the migrations, so query plans are realistic. */
        seed: z.string().min(1).optional(),
        /** EXPLAIN ANALYZE each query on the seeded shadow database. */
        explain: z.boolean().default(true),
      })
      .strict()
      .default({ explain: true }),
    rules: z.record(z.string(), ruleSetting).default({}),
  })
  .strict();

export type PgwardenConfig = z.infer<typeof configSchema>;

export interface LoadedConfig {
  readonly config: PgwardenConfig;
  /** The file it came from, or null for the built-in defaults. */
  readonly path: string | null;
  /** The project folder: where the config file lives, else the starting folder. */
  readonly dir: string;
  /** Deprecation warnings about the file (a deprecated key still read), for the faces to print. */
  readonly notes?: readonly string[];
}

export const CONFIG_FILE = 'pgwarden.config.json';

export function defaultConfig(): PgwardenConfig {
  return configSchema.parse({});
}

/**
 * Finds `pgwarden.config.json`, or a `pgwarden` key in package.json, from `cwd` upward; the nearest wins.
 * An explicit path must exist.
 */
export function loadConfig(options: { cwd?: string; path?: string } = {}): LoadedConfig {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (options.path) {
    const file = resolve(cwd, options.path);
    if (!existsSync(file)) {
      throw new PgwardenError('config', `config file not found: ${options.path}`, {
        hint: `pass the path of a ${CONFIG_FILE}, or omit --config to search upward from the current folder`,
      });
    }
    const json = readJson(file);
    return {
      config: parseConfig(json, file),
      path: file,
      dir: dirname(file),
      notes: configNotes(json, file),
    };
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    const file = join(dir, CONFIG_FILE);
    if (existsSync(file)) {
      const json = readJson(file);
      return { config: parseConfig(json, file), path: file, dir, notes: configNotes(json, file) };
    }
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = readJson(pkg);
      if (json && typeof json === 'object' && 'pgwarden' in json) {
        const source = `${pkg} (key "pgwarden")`;
        const section = (json as Record<string, unknown>).pgwarden;
        return { config: parseConfig(section, source), path: pkg, dir, notes: configNotes(section, source) };
      }
    }
    if (dirname(dir) === dir) break;
  }
  return { config: defaultConfig(), path: null, dir: cwd };
}

export function parseConfig(input: unknown, source: string): PgwardenConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PgwardenError(
      'config',
      `${source}: the configuration must be a JSON object, not ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
      {
        hint: 'write {} for the defaults, or see the Configuration section of the README for the accepted keys',
      },
    );
  }
  const result = configSchema.safeParse(input);
  if (result.success) return unifyTarget(result.data, input as Record<string, unknown>);
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  let message = issue.message;
  let hint = 'see the Configuration section of the README for the accepted keys and values';
  if (issue.code === 'unrecognized_keys') {
    message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const known = keysAt(configSchema, issue.path);
    const suggestion = issue.keys.length === 1 ? closest(issue.keys[0]!, known) : null;
    if (suggestion) hint = `did you mean "${suggestion}"? ${hint}`;
    else if (known.length > 0) hint = `the keys accepted here are ${known.map((k) => `"${k}"`).join(', ')}`;
  }
  throw new PgwardenError('config', `${source}: ${where}: ${message}`, { hint });
}

/** The embedded server's major as given with the deprecated `embedded.version`, if it was. */
function oldEmbeddedVersion(input: Record<string, unknown>): number | undefined {
  const embedded = input.embedded as { version?: number } | undefined;
  return embedded?.version;
}

/** One target major: `pgVersion`, else the deprecated `embedded.version`; the embedded server starts it. */
function unifyTarget(config: PgwardenConfig, input: Record<string, unknown>): PgwardenConfig {
  const pgVersion = config.pgVersion ?? oldEmbeddedVersion(input);
  return {
    ...config,
    ...(pgVersion !== undefined ? { pgVersion } : {}),
    embedded: { ...config.embedded, version: pgVersion ?? DEFAULT_PG_MAJOR },
  };
}

/** The deprecation notes of a config as written (a warning each, for the faces to print). */
export function configNotes(input: unknown, source: string): string[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return [];
  const old = oldEmbeddedVersion(input as Record<string, unknown>);
  if (old === undefined) return [];
  const pgVersion = (input as { pgVersion?: unknown }).pgVersion;
  if (pgVersion === undefined) {
    return [
      `${source}: "embedded.version" is deprecated: write "pgVersion": ${old} (one target major for every command, which the embedded server starts)`,
    ];
  }
  return [
    `${source}: "embedded.version" is deprecated and ignored${pgVersion === old ? '' : ` (${old})`}: "pgVersion" (${String(pgVersion)}) is the target major of every command and the embedded server's; remove "embedded.version"`,
  ];
}

/** The keys an object schema accepts at a path of the config (empty where the path is not an object). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType = schema;
  for (const step of [...path, null]) {
    while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
      current = current.unwrap() as z.ZodType;
    }
    if (step === null) break;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(step)]!;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return [];
    if (!current) return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PgwardenError('config', `cannot read ${file}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PgwardenError('config', `${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
