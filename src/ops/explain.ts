/**
 * `pgwarden explain`: runs a query under EXPLAIN on a database (safely: see run.ts), or reads a plan captured
 * elsewhere, reads what the plan rules need about the tables it touches, costs the suggested indexes with hypopg
 * when the database has it, and reports the problems ranked by the time their fix would save.
 */
import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import { DEFAULT_PG_MAJOR, targetMajor } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { Connection } from '../db/connection.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { applySql } from '../db/scratch.js';
import { serverVersion } from '../db/server-info.js';
import type { DatabaseTarget } from '../db/target.js';
import { indexCandidates } from '../explain/diagnose.js';
import { type DatabaseFacts, readDatabaseFacts } from '../explain/facts.js';
import { costHypotheticalIndexes } from '../explain/hypothetical.js';
import {
  buildPlanModel,
  type HypopgStatus,
  type HypotheticalIndex,
  majorOf,
  nodeNumber,
  type PlanModel,
} from '../explain/model.js';
import { describeNode, type Plan, parsePlan, planForJson } from '../explain/plan.js';
import { classifyStatement, type ExplainRun, runExplain, type StatementClass } from '../explain/run.js';
import type { PlanSettings } from '../explain/settings.js';
import { allRules } from '../rules/index.js';
import { readSqlSources, readTextFile } from '../sql/files.js';
import { loadParser } from '../sql/parser.js';
import { projectSchemaSource } from './schema-source.js';

export interface ExplainOptions {
  readonly config: LoadedConfig;
  /** The rules to run; default: every rule, with the config's settings. */
  readonly ruleSet?: RuleSet;
  /** The statement to explain (exactly one of sql, file, planFile, plan). */
  readonly sql?: string;
  /** A file holding the statement. */
  readonly file?: string;
  /** A file holding a plan captured elsewhere (EXPLAIN … FORMAT JSON, with or without ANALYZE). */
  readonly planFile?: string;
  /** A plan given as JSON text or the parsed value (library use). */
  readonly plan?: unknown;
  /** The database (else DATABASE_URL, else the embedded server). With a plan: read its facts from here. */
  readonly db?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
  /** Run the statement (EXPLAIN ANALYZE). Default true. */
  readonly analyze?: boolean;
  /** Values for $1, $2 … */
  readonly params?: readonly (string | null)[];
  /** statement_timeout for the explained statement (ms). Default 60 s. */
  readonly timeoutMs?: number;
  /** lock_timeout for the explained statement (ms). Default 2 s. */
  readonly lockTimeoutMs?: number;
  /** The operator's limit on the timeouts (ms). Default PostgreSQL's largest. */
  readonly maxTimeoutMs?: number;
  /** A read-only session (the MCP server): DML is refused rather than run and rolled back. */
  readonly readOnly?: boolean;
  /** DDL files or folders: build them on a shadow database and explain there. */
  readonly schema?: readonly string[];
  /** A migrations folder: build its up sections on a shadow database and explain there. */
  readonly migrations?: string;
  /** A SQL data script run on the shadow database after the schema (then ANALYZE), so plans are realistic. */
  readonly seed?: string;
  /** Cost the suggested indexes with hypopg when the database has it. Default true. */
  readonly hypothetical?: boolean;
  readonly log?: (message: string) => void;
  /** The target major (`--pg-version`); default: the server's, else the plan's, else the config's. */
  readonly pgVersion?: number;
}

export interface ExplainData extends Record<string, unknown> {
  /** What was explained and where, for people: never a password. */
  readonly source: string;
  /** The statement, when pgwarden ran it. */
  readonly statement: string | null;
  readonly explain: {
    /** The EXPLAIN options used (null for a plan read from a file). */
    readonly options: string | null;
    readonly analyzed: boolean;
    readonly generic: boolean;
    readonly statementClass: StatementClass | null;
    readonly serverVersion: string | null;
  };
  /** A write ran under EXPLAIN ANALYZE and was rolled back: row changes undone, sequences left advanced. */
  readonly rolledBack: boolean;
  readonly planSummary: {
    readonly nodes: number;
    readonly planningMs: number | null;
    readonly executionMs: number | null;
    readonly totalMs: number | null;
    readonly totalCost: number | null;
    readonly actualRows: number | null;
    readonly timing: boolean;
  };
  /** The hot path: node numbers (from 1, as in the findings) from the root to the slowest node. */
  readonly hotPath: {
    readonly by: 'time' | 'cost' | null;
    readonly nodes: readonly number[];
    readonly slowest: string | null;
  };
  readonly settings: PlanSettings;
  readonly hypopg: HypopgStatus;
  readonly hypothetical: readonly HypotheticalIndex[];
  /** The whole plan with pgwarden's derived figures (plan.ts): nodes in pre-order, `nodes[0]` the root. */
  readonly plan: ReturnType<typeof planForJson>;
}

function functionNames(model: PlanModel): string[] {
  const names = new Set<string>();
  for (const conditions of model.conditions) {
    for (const condition of Object.values(conditions)) {
      for (const conjunct of condition?.conjuncts ?? []) for (const f of conjunct.functions) names.add(f);
    }
  }
  return [...names];
}

/**
 * What explain read for one plan: the plan model is built from this alone (`planModelFromReading`). Plain JSON, so
 * a test can record it on a server and replay it without one.
 */
export interface PlanReading {
  /** The plan as given, or as EXPLAIN … FORMAT JSON printed it. */
  readonly input: unknown;
  /** The server's version when pgwarden ran the statement (EXPLAIN does not print it). */
  readonly serverVersion: string | null;
  readonly pgVersion: number;
  /** What the plan rules know of the tables the plan scans; null without a database. */
  readonly database: DatabaseFacts | null;
  readonly hypothetical: readonly HypotheticalIndex[];
  readonly hypopg: HypopgStatus;
  readonly query: string | null;
  /** How pgwarden ran the statement (its JSON is `input`); null for a plan given as input. */
  readonly run: Omit<ExplainRun, 'json'> | null;
}

/** Builds the plan model from what was read (pure; the SQL parser must be loaded). */
export function planModelFromReading(reading: PlanReading): PlanModel {
  return buildPlanModel({
    plan: parsePlan(
      reading.input,
      reading.serverVersion === null ? {} : { serverVersion: reading.serverVersion },
    ),
    pgVersion: reading.pgVersion,
    database: reading.database,
    hypothetical: reading.hypothetical,
    hypopg: reading.hypopg,
    query: reading.query,
  });
}

/** Reads the facts and costs the suggested indexes (on a connection, when there is one). */
async function readAnalysis(
  input: unknown,
  plan: Plan,
  options: ExplainOptions,
  connection: Connection | null,
  sql: string | null,
  run: ExplainRun | null,
): Promise<PlanReading> {
  let ran: Omit<ExplainRun, 'json'> | null = null;
  if (run) {
    const { json: _json, ...rest } = run;
    ran = rest;
  }
  const read = { input, serverVersion: run?.serverVersion ?? null, query: sql, run: ran };
  const configured = options.config.config.pgVersion;
  if (!connection) {
    return {
      ...read,
      pgVersion: options.pgVersion ?? majorOf(plan.serverVersion) ?? configured ?? DEFAULT_PG_MAJOR,
      database: null,
      hypothetical: [],
      hypopg: 'no-database',
    };
  }
  const target = targetMajor({ given: options.pgVersion, server: (await serverVersion(connection)).major });
  if (target.warning) options.log?.(target.warning);
  const pgVersion = target.major;
  const bare = buildPlanModel({ plan, pgVersion, query: sql });
  const database: DatabaseFacts = await readDatabaseFacts(connection, plan, functionNames(bare));
  const first = buildPlanModel({ plan, pgVersion, database, query: sql });
  let hypopg: HypopgStatus;
  let hypothetical: HypotheticalIndex[] = [];
  const candidates = indexCandidates(first);
  if (options.hypothetical === false || candidates.length === 0) hypopg = 'no-candidates';
  else if (!database.hypopg.installed) hypopg = database.hypopg.available ? 'not-installed' : 'not-available';
  else if (sql === null) hypopg = 'no-query';
  else {
    try {
      hypothetical = await costHypotheticalIndexes(
        connection,
        { sql, params: options.params ?? [], generic: run?.generic ?? false, timeoutMs: options.timeoutMs },
        candidates.map((c) => c.statement),
      );
      hypopg = 'used';
    } catch (error) {
      options.log?.(`hypopg could not cost the suggested indexes: ${(error as Error).message}`);
      hypopg = 'failed';
    }
  }
  return { ...read, pgVersion, database, hypothetical, hypopg };
}

/** Runs the statement under EXPLAIN on `connection`, then reads what its plan model is built from there. */
export async function readExplainOn(
  connection: Connection,
  sql: string,
  options: ExplainOptions,
): Promise<PlanReading> {
  const run = await runExplain(connection, {
    sql,
    analyze: options.analyze,
    params: options.params,
    timeoutMs: options.timeoutMs,
    lockTimeoutMs: options.lockTimeoutMs,
    maxTimeoutMs: options.maxTimeoutMs,
    readOnly: options.readOnly,
    // the role's powers beyond reading matter where the session promises to be read-only (the MCP server)
    warn: options.readOnly ? options.log : undefined,
  });
  const plan = parsePlan(run.json, { serverVersion: run.serverVersion });
  return readAnalysis(run.json, plan, options, connection, sql, run);
}

/** The explain report of a reading: its model, checked by the rule set. `source` says where it was read. */
export function explainReport(reading: PlanReading, source: string, ruleSet: RuleSet): Report<ExplainData> {
  const run = reading.run && { ...reading.run, json: reading.input };
  return report(planModelFromReading(reading), run, source, ruleSet);
}

function readPlan(input: unknown, where: string): Plan {
  try {
    return parsePlan(input);
  } catch (error) {
    if (error instanceof PgwardenError)
      throw new PgwardenError(error.code, `${where}: ${error.message}`, { hint: error.hint });
    throw error;
  }
}

export async function explainQuery(options: ExplainOptions): Promise<Report<ExplainData>> {
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config.config);
  const given = [options.sql, options.file, options.planFile, options.plan].filter((v) => v !== undefined);
  if (given.length !== 1) {
    throw new PgwardenError(
      'usage',
      given.length === 0 ? 'nothing to explain' : 'give one of: the query, -f FILE, or --plan FILE',
      { hint: 'pgwarden explain "SELECT …" | -f query.sql | --plan plan.json' },
    );
  }
  const fromPlan = options.planFile !== undefined || options.plan !== undefined;
  if (fromPlan && options.params && options.params.length > 0)
    throw new PgwardenError('usage', '--params applies to a query, not to a plan file');
  if (options.seed && !options.schema?.length && !options.migrations)
    throw new PgwardenError(
      'usage',
      '--seed runs on a shadow database: give --schema FILES or --migrations DIR too',
      {
        hint: 'pgwarden never writes seed data into a database it did not create',
      },
    );

  await loadParser();
  const env = options.env ?? process.env;
  let sql: string | null = null;
  let input: unknown = null;
  let plan: Plan | null = null;
  if (options.planFile !== undefined) {
    input = readTextFile(options.planFile, 'JSON');
    plan = readPlan(input, options.planFile);
  } else if (options.plan !== undefined) {
    input = options.plan;
    plan = readPlan(input, 'the plan');
  } else {
    sql = options.sql ?? readTextFile(options.file!, 'SQL');
    // a syntax error, several statements or one EXPLAIN cannot take: said before any database starts
    await classifyStatement(sql, { readOnly: options.readOnly === true && options.analyze !== false });
  }

  const source = (await projectSchemaSource({
    config: options.config,
    db: options.db,
    files: options.schema,
    migrations: options.migrations,
    env,
    embedded: options.embedded,
    configMigrations: true,
    log: options.log,
  }))!;
  // a plan file alone is analyzed offline; a database is opened only when one is named or a schema given
  if (plan && source.kind === 'live' && source.server === 'embedded') {
    const reading = await readAnalysis(input, plan, options, null, null, null);
    return explainReport(
      reading,
      `the plan in ${options.planFile ?? 'the input'} (no database: the plan alone)`,
      ruleSet,
    );
  }

  const work = (connection: Connection): Promise<PlanReading> =>
    plan
      ? readAnalysis(input, plan, options, connection, null, null)
      : readExplainOn(connection, sql!, options);
  let where = '';
  const seed = options.seed;
  const reading = await source.withConnection(
    async (connection, target) => {
      if (source.kind === 'live') {
        where = target.display;
        return withHint(work(connection), target);
      }
      where = `a shadow database built from ${source.input}${seed ? ` and ${seed}` : ''} on ${target.display}`;
      await connection.query('ANALYZE');
      return work(connection);
    },
    {
      before: seed
        ? async (connection) => {
            options.log?.(`loading ${seed}`);
            await applySql(connection, await readSqlSources([seed]));
          }
        : undefined,
    },
  );
  return explainReport(reading, where, ruleSet);
}

/** On the embedded server without a schema, a missing table means the user forgot --schema: say so. */
async function withHint<T>(work: Promise<T>, target: DatabaseTarget): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (
      target.kind === 'embedded' &&
      error instanceof PgwardenError &&
      /does not exist/.test(error.message)
    ) {
      throw new PgwardenError(error.code, error.message, {
        hint: 'the embedded server starts empty: pass --schema FILES or --migrations DIR (and --seed FILE for data), or --db URL',
        cause: error,
      });
    }
    throw error;
  }
}

function report(
  model: PlanModel,
  run: ExplainRun | null,
  source: string,
  ruleSet: RuleSet,
): Report<ExplainData> {
  const { findings, skipped } = ruleSet.run('plan', model, { pgVersion: model.pgVersion });
  const { plan } = model;
  const slowest = plan.hotPath.at(-1);
  return createReport({
    version: VERSION,
    command: 'explain',
    findings,
    skipped,
    order: 'impact',
    data: {
      source,
      statement: model.query,
      explain: {
        options: run?.options ?? null,
        analyzed: plan.analyzed,
        generic: run?.generic ?? false,
        statementClass: run?.statementClass ?? null,
        serverVersion: run?.serverVersion ?? plan.serverVersion,
      },
      rolledBack: run?.rolledBack ?? false,
      planSummary: {
        nodes: plan.nodes.length,
        planningMs: plan.planningMs,
        executionMs: plan.executionMs,
        totalMs: plan.totalMs,
        totalCost: plan.root.estimate?.totalCost ?? null,
        actualRows: plan.root.actualRows,
        timing: plan.timing,
      },
      hotPath: {
        by: plan.hotPathBy,
        nodes: plan.hotPath.map((id) => id + 1),
        slowest:
          slowest === undefined
            ? null
            : `${describeNode(plan.nodes[slowest]!)} (node ${nodeNumber(plan.nodes[slowest]!)})`,
      },
      settings: model.settings,
      hypopg: model.hypopg,
      hypothetical: model.hypothetical,
      plan: planForJson(plan),
    },
  });
}
