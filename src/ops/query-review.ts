import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import { targetMajor } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { loadQuerySchema, type QuerySchema } from '../query/schema.js';
import { collectQueryFiles, INLINE_SQL_FILE, type QuerySource, readQuerySources } from '../query/sources.js';
import { allRules } from '../rules/index.js';
import { fingerprint, loadParser } from '../sql/parser.js';
import { checkQueries } from './query-check.js';
import { projectSchemaSource } from './schema-source.js';

export interface QueryReviewOptions {
  readonly config: LoadedConfig;
  /** The rules to run; default: every rule, with the config's settings. */
  readonly ruleSet?: RuleSet;
  /** SQL files, code files (.ts, .tsx, .js, .mjs, .cjs…) and folders of them. */
  readonly paths?: readonly string[];
  /** SQL given as text (the command line's `--sql`). */
  readonly sql?: string;
  /** The database the queries run against, read-only; with `schema` or `migrations`, the server to build the shadow on. */
  readonly db?: string;
  /** DDL files or folders: the queries are checked against the schema they build (on a shadow database). */
  readonly schema?: readonly string[];
  /** A migrations folder: the queries are checked against the schema its up sections build. */
  readonly migrations?: string;
  readonly embedded?: EmbeddedServerOptions;
  readonly log?: (message: string) => void;
  /** The target major (`--pg-version`); default: the schema's server's. */
  readonly pgVersion?: number;
}

/** One statement that was checked, for `--format json`. */
export interface ReviewedStatement {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly origin: 'sql-file' | 'code' | 'command-line';
  /** For code: how the SQL is written (`string`, `template`, `tagged-template`, `concatenation`) and the tag. */
  readonly literal?: string;
  readonly tag?: string | null;
  readonly kind: string;
  readonly sql: string;
  /** libpg_query's fingerprint: the same for the same query whatever its constants (as pg_stat_statements groups them). */
  readonly fingerprint: string;
}

export interface QueryReviewData extends Record<string, unknown> {
  readonly files: readonly string[];
  readonly statements: readonly ReviewedStatement[];
  /** What the queries were checked against; `none` when no schema was given (schema-aware checks left out). */
  readonly schema: {
    readonly kind: 'live' | 'shadow' | 'none';
    readonly source: string | null;
    readonly tables: number;
  };
}

/**
 * `pgwarden query`: application SQL — SQL files, the queries inside JavaScript and TypeScript files, SQL given as
 * text — checked statically on PostgreSQL's parser, against the schema when one is given: a live database
 * (read-only), or a shadow database built from DDL files or migrations.
 */
export async function queryReview(options: QueryReviewOptions): Promise<Report<QueryReviewData>> {
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config.config);
  const paths = options.paths ?? [];
  if (paths.length === 0 && options.sql === undefined) {
    throw new PgwardenError('usage', 'nothing to check', {
      hint: 'pass SQL or code files (or folders), or a query with --sql',
    });
  }
  const files = await collectQueryFiles(paths);
  const sources: QuerySource[] = readQuerySources(files);
  if (options.sql !== undefined) sources.push({ file: INLINE_SQL_FILE, kind: 'sql', text: options.sql });
  if (sources.length === 0) {
    throw new PgwardenError('input', `no .sql or code files in ${paths.join(', ')}`, {
      hint: 'pass .sql, .ts, .tsx, .js, .mjs or .cjs files, or folders that contain them',
    });
  }
  await loadParser();
  const schema = await loadSchema(options);
  const server = schema?.schema?.model.snapshot.server.major;
  const target = targetMajor({
    given: options.pgVersion,
    server,
    configured: options.config.config.pgVersion,
  });
  if (target.warning) options.log?.(target.warning);
  const result = await checkQueries(sources, {
    schema: schema?.schema ?? null,
    ruleSet,
    pgVersion: target.major,
  });
  const statements = result.models.flatMap((model) =>
    model.statements.map((s): ReviewedStatement => {
      const origin = s.origin;
      return {
        file: s.file,
        line: s.location.line,
        column: s.location.column,
        origin: origin.kind,
        ...(origin.kind === 'code' ? { literal: origin.literal, tag: origin.tag } : {}),
        kind: s.kind,
        sql: s.sql.text.replace(/\s+/g, ' ').slice(0, 200),
        fingerprint: safeFingerprint(s.sql.text),
      };
    }),
  );
  const skipped = [...result.skipped];
  if (!schema) {
    skipped.push({
      rule: 'schema',
      reason:
        'no schema (--db, --schema or --migrations): checks that need the tables, columns and indexes were left out or say less',
    });
  }
  return createReport({
    version: VERSION,
    command: 'query',
    findings: result.findings,
    skipped,
    data: {
      files: [...files, ...(options.sql !== undefined ? [INLINE_SQL_FILE] : [])],
      statements,
      schema: schema
        ? { kind: schema.schema.source, source: schema.source, tables: schema.schema.model.tables.length }
        : { kind: 'none', source: null, tables: 0 },
    },
  });
}

function safeFingerprint(sql: string): string {
  try {
    return fingerprint(sql);
  } catch {
    return '';
  }
}

/** The schema from --db (live), or from --schema / --migrations (a shadow database); null without any. */
async function loadSchema(
  options: QueryReviewOptions,
): Promise<{ schema: QuerySchema; source: string } | null> {
  const config = options.config;
  // only the flags decide: DATABASE_URL is not read, so a query check never reaches a database unasked
  const source = await projectSchemaSource({
    config,
    db: options.db,
    files: options.schema,
    migrations: options.migrations,
    embedded: options.embedded,
    urlFromEnv: false,
    otherwise: 'none',
    log: options.log,
  });
  if (!source) return null;
  const schema = await source.withConnection((connection) =>
    loadQuerySchema(connection, source.kind, config.config),
  );
  return { schema, source: source.describe() };
}
