import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet, type SkippedRule } from '../core/engine.js';
import type { Finding } from '../core/finding.js';
import { targetMajor } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { applySuppressions, type Suppression } from '../core/suppression.js';
import { VERSION } from '../core/version.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import type { SchemaSource } from '../db/schema-source.js';
import { allRules } from '../rules/index.js';
import { columnsFromCatalog } from '../schema/columns.js';
import type { NamingConvention } from '../schema/conventions.js';
import { type AcceptedFinding, applySchemaExceptions } from '../schema/ignores.js';
import { schemaModelOf } from '../schema/load.js';
import type { SchemaModel } from '../schema/model.js';
import { tenancyOf } from '../schema/tenancy.js';
import { loadParser, parseSqlSync } from '../sql/parser.js';
import { projectSchemaSource } from './schema-source.js';

export interface ReviewOptions {
  readonly config: LoadedConfig;
  /** The rules to run; default: every rule, with the config's settings. */
  readonly ruleSet?: RuleSet;
  /** A live database to review (read-only); with `files` or `migrations`, the server to build the shadow on. */
  readonly db?: string;
  /** DDL files or folders: the schema they build is reviewed. */
  readonly files?: readonly string[];
  /** A migrations folder: the schema its up sections build is reviewed. */
  readonly migrations?: string;
  /** A schema source already resolved (a shadow the caller built): used instead of `db`, `files` and `migrations`. */
  readonly source?: SchemaSource;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
  readonly log?: (message: string) => void;
  /** The target major (`--pg-version`); default: the reviewed server's. */
  readonly pgVersion?: number;
}

export interface ReviewData extends Record<string, unknown> {
  /** What was reviewed, for people: never a password. */
  readonly source: string;
  readonly kind: 'live' | 'shadow';
  readonly schemas: readonly string[];
  readonly tables: number;
  /** Tables whose rows belong to a tenant (config `schema.tenancy`). */
  readonly tenantTables: number;
  /**
   * The naming convention the review checked consistency with: each dimension's convention (null: no clear
   * majority), where it came from (`detected`, `config`, `default`) and the names' votes.
   */
  readonly naming: NamingConvention;
  /** Findings the project accepted (config `schema.ignore`, COMMENT or inline ignores), with the reason. */
  readonly accepted: readonly { readonly rule: string; readonly object: string; readonly reason: string }[];
}

/** The rules a schema review runs: the catalog rules, and the type rules shared with the migration linter. */
export function reviewRules(
  model: SchemaModel,
  ruleSet: RuleSet,
  pgVersion: number = model.snapshot.server.major,
): { findings: Finding[]; skipped: SkippedRule[] } {
  const context = { pgVersion };
  const catalog = ruleSet.run('catalog', model, context);
  const reviewed = new Set(model.tables.map((t) => t.qualifiedName));
  const columns = columnsFromCatalog(model.snapshot, model.keywords);
  const types = ruleSet.run(
    'columns',
    { columns: columns.columns.filter((c) => reviewed.has(c.table)) },
    context,
  );
  return {
    findings: [...catalog.findings, ...types.findings],
    skipped: [...catalog.skipped, ...types.skipped],
  };
}

/**
 * `pgwarden schema`: reviews a schema the way a DBA would before approving it. A live database is read
 * read-only; SQL files or a migrations folder are first applied to a shadow database (a scratch database on the
 * embedded server, or on the `db` server), which is dropped afterwards.
 */
export async function reviewSchema(options: ReviewOptions): Promise<Report<ReviewData>> {
  const { config } = options;
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, config.config);
  const schemaSource =
    options.source ??
    (await projectSchemaSource({
      config,
      db: options.db,
      files: options.files,
      migrations: options.migrations,
      env: options.env,
      embedded: options.embedded,
      configMigrations: true,
      otherwise: {
        error: `pass --db URL (a live database), --migrations DIR, or SQL files (no ${config.config.migrations.dir}/ folder here)`,
      },
      log: options.log,
    }))!;

  await loadParser();
  const suppressions: Suppression[] = schemaSource.sql.flatMap(
    (s) => parseSqlSync(s.text, { file: s.file }).suppressions,
  );
  const model = await schemaSource.withConnection((connection) =>
    schemaModelOf(connection, schemaSource.kind, config.config),
  );
  const source = schemaSource.describe();

  const target = targetMajor({ given: options.pgVersion, server: model.snapshot.server.major });
  if (target.warning) options.log?.(target.warning);
  const { findings, skipped } = reviewRules(model, ruleSet, target.major);
  const inline = applySuppressions(findings, suppressions);
  const { kept, accepted } = applySchemaExceptions(inline.kept, model.snapshot, config.config);
  const inlineAccepted: AcceptedFinding[] = inline.suppressed.map((finding) => ({
    finding,
    reason:
      suppressions.find((s) => s.rules.includes(finding.rule) && s.reason !== null)?.reason ??
      'inline ignore',
    by: 'comment',
  }));
  if (model.source === 'live' && !model.hasStatistics && model.tables.length > 0) {
    skipped.push({
      rule: 'statistics',
      reason:
        'no column statistics (tables never analyzed, or no SELECT on them): checks that read the data were left out',
    });
  }
  return createReport({
    version: VERSION,
    command: 'schema',
    findings: kept,
    skipped,
    data: {
      source,
      kind: model.source,
      schemas: [...new Set(model.tables.map((t) => t.schema))],
      tables: model.tables.length,
      tenantTables: tenancyOf(model).tenantTables.length,
      naming: model.conventions.naming,
      accepted: [...accepted, ...inlineAccepted].map((a) => ({
        rule: a.finding.rule,
        object: 'object' in a.finding.location ? a.finding.location.object : a.finding.location.file,
        reason: a.reason,
      })),
    },
  });
}
