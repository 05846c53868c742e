import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createColors } from 'picocolors';
import { z } from 'zod';
import * as lib from '../index.js';
import { exists, type McpContext, migrationsDir, projectPath } from './context.js';
import { guarded, reportJson, reportText, success } from './results.js';

const SOURCES = ['database', 'migrations', 'files'] as const;
type Source = (typeof SOURCES)[number];

/** Bounds on what an agent sends, so one call cannot hold the server (characters). */
export const MAX_SQL = 5_000_000;
export const MAX_PATH = 4096;
export const MAX_PATHS = 1000;
/** A table name: schema.name, each at most 63 bytes, quoted, with room to spare. */
export const MAX_IDENTIFIER = 512;
/** The largest timeout the schema admits; the operator's limit (default 10 minutes) is checked per call. */
export const MAX_TIMEOUT_SCHEMA_MS = 24 * 3_600_000;

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, openWorldHint: false } as const;

type MajorRange = { readonly min: number; readonly max: number };

/**
 * `pg_version`, where the CLI command has `--pg-version`: the majors it takes are checked in the handler
 * (targetMajorOf), so that a value out of range is one usage error in the CLI's words, not the schema validator's
 * dump; digits as text are taken as the CLI takes them.
 */
export function pgVersionInput(range: MajorRange, what: string) {
  return z
    .union([z.number(), z.string().max(16)])
    .optional()
    .describe(`the target PostgreSQL major, ${range.min} to ${range.max}: ${what}`);
}

/** The `pg_version` given, checked against the command's range (undefined: not given). */
export function targetMajorOf(value: number | string | undefined, range: MajorRange): number | undefined {
  return value === undefined ? undefined : lib.parsePgMajor(value, 'pg_version', range);
}

/**
 * A log for one call that also keeps, for the agent, the warning that pg_version is not the server's major (the
 * CLI prints it on stderr, which an agent does not see).
 */
export function targetLog(context: McpContext): {
  readonly log: (message: string) => void;
  readonly warnings: string[];
} {
  const warnings: string[] = [];
  return {
    warnings,
    log: (message) => {
      if (message.startsWith('warning: --pg-version ')) {
        const said = message.replace('--pg-version', 'pg_version');
        if (!warnings.includes(said)) warnings.push(said);
      }
      context.log(message);
    },
  };
}

/** A result with the call's target warnings first in its text and as `targetWarnings`. */
export function successWithWarnings(
  warnings: readonly string[],
  structured: Record<string, unknown>,
  text: string,
) {
  return warnings.length === 0
    ? success(structured, text)
    : success({ ...structured, targetWarnings: warnings }, `${warnings.join('\n')}\n\n${text}`);
}

const TARGET_DEFAULT = "default: the database's major, else the config's pgVersion, else 18";

const findingSchema = z.looseObject({
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  location: z.union([
    z.looseObject({ file: z.string(), line: z.number(), column: z.number() }),
    z.looseObject({ object: z.string(), kind: z.string() }),
  ]),
  fix: z.string().nullable(),
  docs: z.string(),
});

/** The envelope every report has (`--format json`); each tool adds its own data beside it. */
export const reportShape = {
  tool: z.literal('pgwarden'),
  version: z.string(),
  command: z.string(),
  findings: z.array(findingSchema),
  summary: z.looseObject({ error: z.number(), warning: z.number(), info: z.number(), total: z.number() }),
  skipped: z.array(z.unknown()),
};

const sourceInput = {
  source: z
    .enum(SOURCES)
    .optional()
    .describe(
      'what to work on: "database" (the --db / DATABASE_URL database, read-only; else the project\'s database on the embedded server), "migrations" (the schema the migrations folder builds, on a shadow database) or "files" (the schema DDL files build). Default: "database" when the server has a database URL, else "migrations" when the project has a migrations folder, else "database".',
    ),
  files: z
    .array(z.string().min(1).max(MAX_PATH))
    .min(1)
    .max(MAX_PATHS)
    .optional()
    .describe('DDL files or folders, relative to the project (for source "files"; implies it)'),
  migrations_dir: z
    .string()
    .min(1)
    .max(MAX_PATH)
    .optional()
    .describe("the migrations folder, relative to the project (default: the config's, else migrations/)"),
};

async function chooseSource(
  context: McpContext,
  input: { source?: Source; files?: string[]; migrations_dir?: string },
): Promise<Source> {
  if (input.files && input.files.length > 0) {
    if (input.source !== undefined && input.source !== 'files')
      throw new lib.PgwardenError('usage', `"files" goes with source "files", not "${input.source}"`);
    return 'files';
  }
  if (input.source === 'files')
    throw new lib.PgwardenError('usage', 'source "files" needs "files": the DDL files or folders to build');
  if (input.source) return input.source;
  if (input.migrations_dir !== undefined) return 'migrations';
  if (context.databases.live) return 'database';
  return (await exists(migrationsDir(context))) ? 'migrations' : 'database';
}

function registerLint(server: McpServer, context: McpContext): void {
  server.registerTool(
    'lint_migration',
    {
      title: 'Lint a migration',
      description:
        "Checks migration SQL before it reaches production, statement by statement: the lock each statement takes on which table (and whether it blocks reads or writes), table rewrites and full scans, destructive statements, missing timeouts, and the safe recipe for the target PostgreSQL version. Give `sql` (the migration text) or `paths` (files or folders); with neither, the project's migrations folder. Earlier migrations in a folder inform later ones.",
      inputSchema: {
        sql: z
          .string()
          .min(1)
          .max(MAX_SQL)
          .optional()
          .describe(
            'the migration SQL to lint. It may have `-- migrate:up` / `-- migrate:down` sections (only up is linted) and `-- pgwarden:no-transaction` when it does not run in one transaction',
          ),
        paths: z
          .array(z.string().min(1).max(MAX_PATH))
          .min(1)
          .max(MAX_PATHS)
          .optional()
          .describe(
            'migration files or folders, relative to the project (any layout: pgwarden/dbmate, golang-migrate, node-pg-migrate, diesel, Prisma, Flyway, goose, sqlx, plain .sql)',
          ),
        pg_version: pgVersionInput(
          lib.LINT_PG_MAJORS,
          `the major the migration will run on: its locks, rewrites and safe recipes (${TARGET_DEFAULT})`,
        ),
        use_database: z
          .boolean()
          .optional()
          .describe(
            'read table sizes, constraints, casts and function volatility from the database (read-only) so severity follows reality. Default: true when the server has a database URL',
          ),
        after_migrations: z
          .boolean()
          .optional()
          .describe(
            "with `sql`: read the project's migrations first, so the linter knows the tables and column types they create (findings are reported on the SQL only). Default: true when the project has a migrations folder and the database is not used",
          ),
      },
      outputSchema: z.looseObject({
        ...reportShape,
        pgVersion: z.number(),
        files: z.array(z.string()),
        statements: z.array(
          z.looseObject({
            file: z.string(),
            line: z.number(),
            sql: z.string(),
            locks: z.array(
              z.looseObject({
                relation: z.string(),
                mode: z.string(),
                blocksReads: z.boolean(),
                blocksWrites: z.boolean(),
              }),
            ),
            rewrites: z.array(z.string()),
            scans: z.array(z.string()),
          }),
        ),
      }),
      annotations: READ_ONLY,
    },
    (input) =>
      guarded(async () => {
        const pgVersion = targetMajorOf(input.pg_version, lib.LINT_PG_MAJORS);
        const { log, warnings } = targetLog(context);
        if (input.sql !== undefined && input.paths !== undefined)
          throw new lib.PgwardenError('usage', 'give `sql` or `paths`, not both');
        const useDb = input.use_database ?? context.databases.live;
        const db = useDb ? await context.databases.url() : undefined;
        let scripts: { paths?: string[]; sources?: lib.ScriptSource[]; before?: string[] };
        if (input.sql !== undefined) {
          // the agent gave text: it reads "input.sql" in the findings
          const folder = migrationsDir(context);
          const after = input.after_migrations ?? (!useDb && (await exists(folder)));
          scripts = {
            sources: [{ file: 'input.sql', text: input.sql }],
            ...(after ? { before: [folder] } : {}),
          };
        } else {
          if (input.after_migrations !== undefined)
            throw new lib.PgwardenError('usage', '`after_migrations` goes with `sql`');
          scripts = { paths: input.paths?.map((p) => projectPath(context, p)) ?? [migrationsDir(context)] };
        }
        const report = await lib.lint({
          ...scripts,
          config: context.config,
          db,
          pgVersion,
          log,
          parseWorkers: 0,
        });
        const text = reportText(report, context.projectDir, (colors) =>
          lib.renderLintData(report, colors, { cwd: context.projectDir }),
        );
        return successWithWarnings(warnings, reportJson(report), text);
      }, context.debug),
  );
}

/** One dimension of the detected naming convention (null: the names hold no clear majority). */
const namingChoice = z.object({
  convention: z.string().nullable(),
  source: z.enum(['config', 'detected', 'default']),
  votes: z.record(z.string(), z.number()),
});

function registerReview(server: McpServer, context: McpContext): void {
  server.registerTool(
    'review_schema',
    {
      title: 'Review the schema',
      description:
        "Reviews a schema as a DBA would before approving it: naming (consistency with the project's own convention — snake_case, or camelCase/PascalCase as Prisma generates — detected from the schema and returned as `naming`), keys and constraints (primary keys, foreign keys and their indexes, NOT NULL, checks), types (timestamptz, identity, bigint keys, no float or money for amounts), indexes (missing, duplicate, unused), columns named like a reference with no foreign key, normalization and growth. Reads the live database read-only, or builds the project's migrations (or DDL files) on a shadow database first.",
      inputSchema: {
        ...sourceInput,
        pg_version: pgVersionInput(
          lib.SERVER_PG_MAJORS,
          `the findings and fixes are for it, e.g. the major the schema goes to production on (${TARGET_DEFAULT})`,
        ),
      },
      outputSchema: z.looseObject({
        ...reportShape,
        source: z.string(),
        kind: z.enum(['live', 'shadow']),
        schemas: z.array(z.string()),
        tables: z.number(),
        naming: z
          .looseObject({
            tables: namingChoice,
            columns: namingChoice,
            tableNumber: namingChoice,
            majority: z.number(),
          })
          .describe(
            "the project's naming convention the naming rules checked consistency with: detected from the schema or set in the config (schema.naming)",
          ),
        accepted: z.array(z.unknown()),
      }),
      annotations: READ_ONLY,
    },
    (input) =>
      guarded(async () => {
        const pgVersion = targetMajorOf(input.pg_version, lib.SERVER_PG_MAJORS);
        const { log, warnings } = targetLog(context);
        const source = await chooseSource(context, input);
        const common = { config: context.config, pgVersion, embedded: { log: context.log }, log };
        const report =
          source === 'database'
            ? await lib.reviewSchema({ ...common, db: await context.databases.url() })
            : source === 'files'
              ? await lib.reviewSchema({
                  ...common,
                  files: input.files!.map((f) => projectPath(context, f)),
                  db: await context.databases.shadowServerUrl(),
                })
              : await lib.reviewSchema({
                  ...common,
                  migrations: migrationsDir(context, input.migrations_dir),
                  db: await context.databases.shadowServerUrl(),
                });
        const text = reportText(report, context.projectDir, (colors) => lib.renderReviewData(report, colors));
        return successWithWarnings(warnings, reportJson(report), text);
      }, context.debug),
  );
}

function registerExplain(server: McpServer, context: McpContext): void {
  server.registerTool(
    'explain_query',
    {
      title: 'Explain a query',
      description:
        'Runs one query under EXPLAIN (ANALYZE, BUFFERS) safely — a read in a READ ONLY transaction; a write (INSERT/UPDATE/DELETE/MERGE) only when the server was started with --allow-writes, and then rolled back — or reads a plan captured elsewhere, and reports the problems (sequential scans on large tables, misestimates, sorts and hashes spilling to disk, missing indexes …) ranked by the time their fix would save, with the index to create. Give `sql` or `plan`.',
      inputSchema: {
        sql: z
          .string()
          .min(1)
          .max(MAX_SQL)
          .optional()
          .describe('the statement to explain (one statement, without EXPLAIN)'),
        plan: z
          .unknown()
          .optional()
          .describe('a plan captured elsewhere: the output of EXPLAIN (FORMAT JSON), as JSON or as text'),
        params: z
          .array(z.union([z.string().max(MAX_SQL), z.number(), z.boolean(), z.null()]))
          .max(65_535)
          .optional()
          .describe('values for $1, $2 … (without them, PostgreSQL 16+ gives a generic plan)'),
        analyze: z
          .boolean()
          .optional()
          .describe('run the statement (EXPLAIN ANALYZE); false: the plan only. Default true'),
        timeout_ms: z
          .number()
          .int()
          .min(1)
          .max(MAX_TIMEOUT_SCHEMA_MS)
          .optional()
          .describe(
            "statement_timeout for the query, set on the server (default 60000; at most the operator's limit, 600000 unless PGWARDEN_MCP_MAX_TIMEOUT_MS says otherwise)",
          ),
        lock_timeout_ms: z
          .number()
          .int()
          .min(1)
          .max(MAX_TIMEOUT_SCHEMA_MS)
          .optional()
          .describe(
            "lock_timeout for the query, set on the server (default 2000; at most the operator's limit)",
          ),
        hypothetical: z
          .boolean()
          .optional()
          .describe('cost the suggested indexes with hypopg when the database has it (default true)'),
        seed: z
          .string()
          .min(1)
          .max(MAX_PATH)
          .optional()
          .describe(
            'a SQL data script, relative to the project, loaded on the shadow database (source "migrations" or "files")',
          ),
        ...sourceInput,
        pg_version: pgVersionInput(
          lib.SERVER_PG_MAJORS,
          `the plan's findings and fixes are for it (${TARGET_DEFAULT})`,
        ),
      },
      outputSchema: z.looseObject({
        ...reportShape,
        source: z.string(),
        statement: z.string().nullable(),
        rolledBack: z.boolean(),
        planSummary: z.looseObject({}),
        hotPath: z.looseObject({}),
        plan: z.unknown(),
      }),
      annotations: READ_ONLY,
    },
    (input) =>
      guarded(async () => {
        const pgVersion = targetMajorOf(input.pg_version, lib.SERVER_PG_MAJORS);
        const source = await chooseSource(context, input);
        const params = input.params?.map((v) => (v === null ? null : String(v)));
        // what the connected role could do beyond reading is told to the agent too, not only to the log
        const warnings: string[] = [];
        const target = targetLog(context);
        const log = (message: string) => {
          if (message.startsWith('the role ') && !warnings.includes(message)) warnings.push(message);
          target.log(message);
        };
        const common = {
          config: context.config,
          ...(input.sql !== undefined ? { sql: input.sql } : {}),
          ...(input.plan !== undefined ? { plan: input.plan } : {}),
          analyze: input.analyze,
          params,
          timeoutMs: input.timeout_ms,
          lockTimeoutMs: input.lock_timeout_ms,
          maxTimeoutMs: context.maxTimeoutMs,
          // without --allow-writes, DML on the database is refused (not run and rolled back); on a shadow
          // database pgwarden created it runs and is rolled back. Side effects beyond DML are refused everywhere.
          readOnly: !context.allowWrites && source === 'database',
          hypothetical: input.hypothetical,
          pgVersion,
          seed: input.seed === undefined ? undefined : projectPath(context, input.seed),
          env: {},
          embedded: { log: context.log },
          log,
        };
        let report: Awaited<ReturnType<typeof lib.explainQuery>>;
        try {
          report =
            source === 'database'
              ? await lib.explainQuery({ ...common, db: await context.databases.url(true) })
              : source === 'files'
                ? await lib.explainQuery({
                    ...common,
                    schema: input.files!.map((f) => projectPath(context, f)),
                    db: await context.databases.shadowServerUrl(),
                  })
                : await lib.explainQuery({
                    ...common,
                    migrations: migrationsDir(context, input.migrations_dir),
                    db: await context.databases.shadowServerUrl(),
                  });
        } catch (error) {
          if (
            lib.isPgwardenError(error) &&
            /read-only transaction|session is read-only/i.test(error.message)
          ) {
            throw new lib.PgwardenError(
              error.code,
              `${error.message} (this MCP server is read-only: EXPLAIN ANALYZE would run the write)`,
              {
                hint: 'pass analyze: false for the plan without running the statement, explain it on a shadow database (source "migrations" or "files"), or start the server with --allow-writes (the write then runs and is rolled back)',
                cause: error,
              },
            );
          }
          throw error;
        }
        const text = reportText(report, context.projectDir, (colors) =>
          lib.renderExplainData(report, colors, { width: 110 }),
        );
        const notes = warnings.map((w) => `warning: ${w}`).join('\n');
        return successWithWarnings(
          target.warnings,
          { ...reportJson(report), ...(warnings.length > 0 ? { roleWarnings: warnings } : {}) },
          notes ? `${notes}\n\n${text}` : text,
        );
      }, context.debug),
  );
}

function registerInspect(server: McpServer, context: McpContext): void {
  server.registerTool(
    'inspect_table',
    {
      title: 'Inspect a table',
      description:
        'One table as the catalog describes it: columns (type, nullability, default, identity, generated), constraints (primary key, foreign keys with ON DELETE/UPDATE, unique, check, validated or NOT VALID), indexes (columns, predicate, method, valid, size, scans), row estimate and sizes, partitioning, row level security and policies, triggers. Without `table`, lists the tables. Reads the database read-only, or the schema DDL files build (source "files").',
      inputSchema: {
        table: z.string().min(1).max(MAX_IDENTIFIER).optional().describe('the table: name or schema.name'),
        source: z
          .enum(['database', 'files'])
          .optional()
          .describe('"database" (default) or "files": the schema the DDL files build on a shadow database'),
        files: sourceInput.files,
      },
      outputSchema: z.looseObject({
        ...reportShape,
        source: z.string(),
        table: z.looseObject({}).optional(),
        tables: z
          .array(
            z.looseObject({
              name: z.string(),
              kind: z.string(),
              rowEstimate: z.number().nullable(),
              totalBytes: z.number().nullable(),
            }),
          )
          .optional(),
      }),
      annotations: READ_ONLY,
    },
    (input) =>
      guarded(async () => {
        // the database unless DDL files are given (inspect has no migrations source)
        const source = await chooseSource(context, {
          ...input,
          source: input.source ?? (input.files ? 'files' : 'database'),
        });
        const common = { config: context.config, table: input.table, embedded: { log: context.log } };
        const report =
          source === 'files'
            ? await lib.inspect({
                ...common,
                files: input.files!.map((f) => projectPath(context, f)),
                db: await context.databases.shadowServerUrl(),
              })
            : await lib.inspect({ ...common, db: await context.databases.url() });
        const data = report.data!;
        if (data.table) {
          const text = reportText(report, context.projectDir, (colors) =>
            [data.source, '', lib.renderTable(data.table!, colors)].join('\n'),
          );
          const { snapshot: _snapshot, ...rest } = reportJson(report);
          return success(rest, text);
        }
        // the whole snapshot is large: the list of tables, to pick one from
        const tables = data.snapshot!.tables.map((t) => ({
          name: t.qualifiedName,
          kind: t.kind,
          rowEstimate: t.rowEstimate,
          totalBytes: t.sizes.total,
          columns: t.columns.length,
          indexes: t.indexes.length,
        }));
        const { snapshot: _snapshot, ...rest } = reportJson(report);
        const text = reportText(report, context.projectDir, () =>
          [
            `${tables.length} table(s) in ${data.source}:`,
            ...tables.map(
              (t) =>
                `  ${t.name} (${t.kind}) ~${t.rowEstimate ?? '?'} rows, ${t.totalBytes === null ? '?' : lib.formatBytes(t.totalBytes)}, ${t.columns} columns, ${t.indexes} indexes`,
            ),
            '',
            'Call inspect_table with `table` for one table.',
          ].join('\n'),
        );
        return success({ ...rest, tables }, text);
      }, context.debug),
  );
}

/** A migration result's statuses, for people. */
/** The migration result as the CLI prints it, without colours. */
export function statusText(result: lib.MigrateResult): string {
  return lib.renderMigrateResult(result, createColors(false));
}

function registerStatus(server: McpServer, context: McpContext): void {
  server.registerTool(
    'migration_status',
    {
      title: 'Migration status',
      description:
        'Which migrations of the project are applied, pending, changed since applied, missing or failed part-way on the database, and whether the schema drifted from what the last migration left. Read-only.',
      inputSchema: {
        dir: z
          .string()
          .min(1)
          .max(MAX_PATH)
          .optional()
          .describe(
            "the migrations folder, relative to the project (default: the config's, else migrations/)",
          ),
      },
      outputSchema: z.looseObject({
        ...reportShape,
        database: z.string(),
        statuses: z.array(
          z.looseObject({
            version: z.string(),
            name: z.string(),
            state: z.enum(['applied', 'pending', 'changed', 'missing', 'failed']),
          }),
        ),
        drift: z.unknown(),
      }),
      annotations: READ_ONLY,
    },
    (input) =>
      guarded(async () => {
        const target = await context.databases.target(false);
        let result: lib.MigrateResult;
        try {
          result = await lib.migrateStatus({
            target,
            config: context.config,
            dir: migrationsDir(context, input.dir),
            log: context.log,
          });
        } finally {
          await target.close();
        }
        const report = lib.migrateReport('status', result, { config: context.config.config });
        return success(reportJson(report), lib.renderMigrateData(report, createColors(false)));
      }, context.debug),
  );
}

/** The read-only tools. The plan → apply tools are in plans.ts; check_project is registered last. */
export function registerReadTools(server: McpServer, context: McpContext): string[] {
  registerLint(server, context);
  registerReview(server, context);
  registerExplain(server, context);
  registerInspect(server, context);
  registerStatus(server, context);
  return ['lint_migration', 'review_schema', 'explain_query', 'inspect_table', 'migration_status'];
}
