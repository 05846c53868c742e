import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CatalogSnapshot } from '../catalog/model.js';
import { loadSnapshot } from '../catalog/snapshot.js';
import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet, type SkippedRule } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { createReport, type Report } from '../core/report.js';
import { applySuppressions, type Suppression } from '../core/suppression.js';
import { VERSION } from '../core/version.js';
import type { Connection } from '../db/connection.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { applySql, withScratchDatabase } from '../db/scratch.js';
import { openTarget } from '../db/target.js';
import { migrationsFolder, readMigrations } from '../migrate/files.js';
import { allRules } from '../rules/index.js';
import { buildSchemaModel, reviewedSchemas } from '../schema/build.js';
import { columnsFromCatalog } from '../schema/columns.js';
import { type AcceptedFinding, applySchemaExceptions } from '../schema/ignores.js';
import type { SchemaModel } from '../schema/model.js';
import { loadColumnStats, loadKeywords } from '../schema/stats.js';
import { tenancyOf } from '../schema/tenancy.js';
import { collectSqlFiles, readSqlSources, type SqlSource } from '../sql/files.js';
import { loadParser, parseSqlSync } from '../sql/parser.js';

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
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
  readonly log?: (message: string) => void;
}

export interface ReviewData extends Record<string, unknown> {
  /** What was reviewed, for people: never a password. */
  readonly source: string;
  readonly kind: 'live' | 'shadow';
  readonly schemas: readonly string[];
  readonly tables: number;
  /** Tables whose rows belong to a tenant (config `schema.tenancy`). */
  readonly tenantTables: number;
  /** Findings the project accepted (config `schema.ignore`, COMMENT or inline ignores), with the reason. */
  readonly accepted: readonly { readonly rule: string; readonly object: string; readonly reason: string }[];
}

/** The rules a schema review runs: the catalog rules, and the type rules shared with the migration linter. */
export function reviewRules(
  model: SchemaModel,
  ruleSet: RuleSet,
): { findings: Finding[]; skipped: SkippedRule[] } {
  const context = { pgVersion: model.snapshot.server.major };
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Loads the snapshot and what the model needs besides it, on a connection to the database under review. */
async function modelOf(
  connection: Connection,
  source: 'live' | 'shadow',
  config: LoadedConfig,
): Promise<SchemaModel> {
  const snapshot: CatalogSnapshot = await loadSnapshot(connection);
  const schemas = reviewedSchemas(snapshot, config.config, config.config.migrations.schema);
  const rowEstimates = new Map(snapshot.tables.map((t) => [t.qualifiedName, t.rowEstimate]));
  const stats = source === 'live' ? await loadColumnStats(connection, schemas, rowEstimates) : undefined;
  const keywords = await loadKeywords(connection);
  return buildSchemaModel({ snapshot, source, config: config.config, schemas, stats, keywords });
}

/**
 * `pgwarden schema`: reviews a schema the way a DBA would before approving it. A live database is read
 * read-only; SQL files or a migrations folder are first applied to a shadow database (a scratch database on the
 * embedded server, or on the `db` server), which is dropped afterwards.
 */
export async function reviewSchema(options: ReviewOptions): Promise<Report<ReviewData>> {
  const { config } = options;
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, config.config);
  let sources: SqlSource[] | null = null;
  let described = '';
  if (options.files && options.files.length > 0) {
    const files = await collectSqlFiles(options.files);
    if (files.length === 0) throw new PgwardenError('input', `no .sql files in ${options.files.join(', ')}`);
    sources = await readSqlSources(files);
    described = files.length === 1 ? files[0]! : `${files.length} SQL files`;
  } else {
    const fromConfig = migrationsFolder(config);
    const dir = options.migrations ? resolve(options.migrations) : null;
    const useMigrations =
      dir !== null ||
      (options.db === undefined &&
        !(options.env ?? process.env)[config.config.databaseUrlEnv]?.trim() &&
        (await exists(fromConfig)));
    if (useMigrations) {
      const folder = dir ?? fromConfig;
      const migrations = await readMigrations(folder);
      if (migrations.length === 0)
        throw new PgwardenError('input', `no migrations in ${folder}`, {
          hint: 'pass --migrations DIR, SQL files, or --db URL to review a live database',
        });
      sources = migrations.map((m) => ({ file: m.up.file, text: m.up.text }));
      described = `the ${migrations.length} migration(s) in ${folder}`;
    } else if (
      options.db === undefined &&
      !(options.env ?? process.env)[config.config.databaseUrlEnv]?.trim()
    ) {
      throw new PgwardenError('usage', 'nothing to review', {
        hint: `pass --db URL (a live database), --migrations DIR, or SQL files (no ${config.config.migrations.dir}/ folder here)`,
      });
    }
  }

  await loadParser();
  const target = await openTarget({
    db: options.db,
    env: options.env,
    config: config.config,
    embedded: options.embedded,
  });
  let model: SchemaModel;
  let source: string;
  const suppressions: Suppression[] = [];
  try {
    if (sources) {
      for (const s of sources) suppressions.push(...parseSqlSync(s.text, { file: s.file }).suppressions);
      options.log?.(`building the schema of ${described} on a shadow database`);
      model = await withScratchDatabase(target, async (scratch) => {
        const connection = await scratch.connect();
        await applySql(connection, sources);
        return modelOf(connection, 'shadow', config);
      });
      source = `schema built from ${described} on ${target.display}`;
    } else {
      const connection = await target.connect();
      try {
        model = await modelOf(connection, 'live', config);
      } finally {
        await connection.close();
      }
      source = `${target.display}${target.kind === 'embedded' ? ` database ${model.snapshot.server.database}` : ''}`;
    }
  } finally {
    await target.close();
  }

  const { findings, skipped } = reviewRules(model, ruleSet);
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
      accepted: [...accepted, ...inlineAccepted].map((a) => ({
        rule: a.finding.rule,
        object: 'object' in a.finding.location ? a.finding.location.object : a.finding.location.file,
        reason: a.reason,
      })),
    },
  });
}
