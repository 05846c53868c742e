import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/catalog/snapshot.js';
import { parseConfig } from '../../src/core/config.js';
import { type RuleSettings, resolveRuleSettings, runRules } from '../../src/core/engine.js';
import type { Finding } from '../../src/core/finding.js';
import type { AnyRule } from '../../src/core/rule.js';
import type { Connection } from '../../src/db/connection.js';
import { openTarget } from '../../src/db/target.js';
import { checkSql } from '../../src/ops/check-sql.js';
import { explainQuery } from '../../src/ops/explain.js';
import { checkQueries } from '../../src/ops/query-check.js';
import { traceMigrations } from '../../src/ops/trace.js';
import { verifyMigrations } from '../../src/ops/verify.js';
import { loadQuerySchema, type QuerySchema } from '../../src/query/schema.js';
import { isCodeFile } from '../../src/query/sources.js';
import { allRules } from '../../src/rules/index.js';
import { buildSchemaModel, reviewedSchemas } from '../../src/schema/build.js';
import { columnsFromCatalog } from '../../src/schema/columns.js';
import { applySchemaExceptions } from '../../src/schema/ignores.js';
import { loadColumnStats, loadKeywords } from '../../src/schema/stats.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import { createTestDatabase, pg18Url } from './db.js';

/** What a firing case expects of each finding (all fields optional). */
export interface ExpectedFinding {
  readonly line?: number;
  readonly column?: number;
  readonly object?: string;
  readonly message?: string | RegExp;
  readonly severity?: Finding['severity'];
  readonly fix?: string | RegExp | null;
}

interface BaseCase {
  /** Shown as the test name; defaults to the input. */
  readonly name?: string;
  readonly pgVersion?: number;
  readonly options?: Record<string, unknown>;
  /** For firing cases: the findings, in order (their count must match). */
  readonly findings?: readonly ExpectedFinding[];
}

/** A SQL rule case: the text of one SQL file (a migration script). */
export interface SqlCase extends BaseCase {
  readonly sql: string;
  /** An earlier migration, linted first so its tables exist (only `sql`'s findings count). */
  readonly before?: string;
  /** The script runs without the runner's transaction. */
  readonly noTransaction?: boolean;
}

/**
 * A catalog rule case: DDL (and data) run on a fresh database of a real PostgreSQL, analyzed, then reviewed as
 * `pgwarden schema` reviews it: as a live database (with statistics), or as a shadow one built from files.
 */
export interface CatalogCase extends BaseCase {
  readonly setup: string;
  /** Server to run on (default: the run's embedded PostgreSQL 18). */
  readonly serverUrl?: () => string;
  /** `live` (default): statistics are read; `shadow`: as if built from DDL files (no data, no statistics). */
  readonly source?: 'live' | 'shadow';
  /** The config's `schema` section (conventions, exclusions). */
  readonly schemaConfig?: Record<string, unknown>;
  /**
   * For firing cases: the findings' fix SQL is run on the database and the review repeated; the findings must be
   * gone (default). `false` for advice that is not meant to be run as is.
   */
  readonly fixResolves?: boolean;
}

/** A reversibility case: a migrations folder (file name → content), verified on a real PostgreSQL. */
export interface MigrationsCase extends BaseCase {
  readonly migrations: Readonly<Record<string, string>>;
}

/**
 * A query rule case: application SQL (a SQL file, or a code file when `file` ends in .ts, .js…), checked without a
 * schema, or against the one `schema` builds on a fresh database (analyzed: `live` has its data's row estimates).
 */
export interface QueryCase extends BaseCase {
  readonly query: string;
  /** The file name it is read as (default `case.sql`). */
  readonly file?: string;
  /** DDL (and data) run on a fresh database of the run's PostgreSQL 18. */
  readonly schema?: string;
  readonly schemaSource?: 'live' | 'shadow';
}

/**
 * A plan rule case: `setup` (DDL and data) runs on a fresh database of a real PostgreSQL, which is analyzed (and
 * vacuumed unless `vacuum: false`); `settings` are set on that database (ALTER DATABASE … SET, so the session that
 * explains has them); then `explain` is explained as `pgwarden explain --db` explains it (EXPLAIN ANALYZE by
 * default) and the rule's findings are kept.
 */
export interface PlanCase extends BaseCase {
  readonly setup: string;
  readonly explain: string;
  readonly settings?: Readonly<Record<string, string>>;
  /** Run VACUUM ANALYZE after the setup (default); `false`: ANALYZE only (heap fetches need an unvacuumed table). */
  readonly vacuum?: boolean;
  /** EXPLAIN without ANALYZE. */
  readonly noAnalyze?: boolean;
  /** Server to run on (default: the run's embedded PostgreSQL 18). */
  readonly serverUrl?: () => string;
}

export type RuleCase = SqlCase | CatalogCase | MigrationsCase | QueryCase | PlanCase;

export interface RuleCases {
  readonly rule: AnyRule;
  readonly valid: readonly RuleCase[];
  readonly invalid: readonly RuleCase[];
}

export function defineCases(
  rule: AnyRule,
  cases: { valid: readonly RuleCase[]; invalid: readonly RuleCase[] },
): RuleCases {
  return { rule, ...cases };
}

/** The findings of `rule` for one case, produced the way pgwarden produces them for users. */
export async function evaluateCase(rule: AnyRule, testCase: RuleCase): Promise<Finding[]> {
  const pgVersion = testCase.pgVersion ?? 18;
  const registry = allRules.some((r) => r.id === rule.id) ? allRules : [...allRules, rule];
  const settings = resolveRuleSettings(
    // options without a level, as a config that sets only options: findings keep their own severity
    testCase.options ? { [rule.id]: { options: testCase.options } } : {},
    registry,
  );
  if ('explain' in testCase) return evaluatePlanCase(rule, testCase);
  if ('query' in testCase) {
    const found = await evaluateQueryCase(testCase, { pgVersion, settings, rules: registry });
    return found.filter((f) => f.rule === rule.id);
  }
  if ('migrations' in testCase) {
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-case-'));
    for (const [file, text] of Object.entries(testCase.migrations)) writeFileSync(join(dir, file), text);
    const target = await openTarget({ db: pg18Url() });
    const config = { config: parseConfig({}, 'case'), path: null, dir };
    const result = await verifyMigrations(target, config, { dir });
    return runRules({ rules: [rule], kind: 'reversibility', model: result, pgVersion, settings }).findings;
  }
  if ('sql' in testCase) {
    const sources = [
      ...(testCase.before !== undefined ? [{ file: 'before.sql', text: testCase.before }] : []),
      { file: 'case.sql', text: testCase.sql, transaction: !testCase.noTransaction },
    ];
    const result = await checkSql(sources, { pgVersion, settings, rules: registry });
    if (rule.model === 'trace') {
      const target = await openTarget({ db: pg18Url() });
      const trace = await traceMigrations(target, result.migrations);
      return runRules({ rules: [rule], kind: 'trace', model: trace, pgVersion, settings }).findings;
    }
    return result.findings.filter(
      (f) => f.rule === rule.id && 'file' in f.location && f.location.file === 'case.sql',
    );
  }
  return evaluateCatalogCase(rule, testCase, pgVersion, settings, false);
}

/** Runs a query case the way `pgwarden query` checks a file; returns every finding (of every rule). */
export async function evaluateQueryCase(
  testCase: QueryCase,
  options: { pgVersion: number; settings?: RuleSettings; rules?: readonly AnyRule[] },
): Promise<Finding[]> {
  await loadParser();
  let schema: QuerySchema | null = null;
  if (testCase.schema !== undefined) {
    const db = await createTestDatabase(pg18Url());
    try {
      const connection = await db.connect();
      await connection.query(testCase.schema);
      await connection.query('ANALYZE');
      schema = await loadQuerySchema(connection, testCase.schemaSource ?? 'live', parseConfig({}, 'case'));
    } finally {
      await db.drop();
    }
  }
  const file = testCase.file ?? 'case.sql';
  const source = {
    file,
    kind: isCodeFile(file) ? ('code' as const) : ('sql' as const),
    text: testCase.query,
  };
  return (await checkQueries([source], { schema, ...options })).findings;
}

async function reviewCase(
  rule: AnyRule,
  testCase: CatalogCase,
  connection: Connection,
  pgVersion: number,
  settings: RuleSettings,
): Promise<Finding[]> {
  await connection.query('ANALYZE');
  const source = testCase.source ?? 'live';
  const config = parseConfig(testCase.schemaConfig ? { schema: testCase.schemaConfig } : {}, 'case');
  const snapshot = await loadSnapshot(connection);
  const schemas = reviewedSchemas(snapshot, config);
  const stats =
    source === 'live'
      ? await loadColumnStats(
          connection,
          schemas,
          new Map(snapshot.tables.map((t) => [t.qualifiedName, t.rowEstimate])),
        )
      : undefined;
  const model = buildSchemaModel({
    snapshot,
    source,
    config,
    schemas,
    stats,
    keywords: await loadKeywords(connection),
  });
  if (rule.model === 'columns') {
    const reviewed = new Set(model.tables.map((t) => t.qualifiedName));
    const columns = columnsFromCatalog(snapshot, model.keywords).columns.filter((c) => reviewed.has(c.table));
    return runRules({ rules: [rule], kind: 'columns', model: { columns }, pgVersion, settings }).findings;
  }
  const findings = runRules({ rules: [rule], kind: 'catalog', model, pgVersion, settings }).findings;
  return applySchemaExceptions(findings, snapshot, config).kept;
}

async function evaluatePlanCase(rule: AnyRule, testCase: PlanCase): Promise<Finding[]> {
  const db = await createTestDatabase((testCase.serverUrl ?? pg18Url)());
  try {
    // the embedded server commits asynchronously: VACUUM marks pages all-visible only once the load's commit is
    // on disk, so the setup commits synchronously
    await db.exec('SET synchronous_commit = on');
    await db.exec(testCase.setup);
    // the setup's row counts reach the statistics on the session's next flush: before ANALYZE, so that the plan
    // rules never see its rows as "changed since the last ANALYZE" (PostgreSQL 15+)
    await db.exec('SELECT pg_stat_force_next_flush()');
    await db.exec(testCase.vacuum === false ? 'ANALYZE' : 'VACUUM ANALYZE');
    for (const [name, value] of Object.entries(testCase.settings ?? {})) {
      await db.exec(`ALTER DATABASE ${db.name} SET ${name} = '${value.replace(/'/g, "''")}'`);
    }
    const config = parseConfig(
      testCase.options ? { rules: { [rule.id]: { options: testCase.options } } } : {},
      'case',
    );
    const report = await explainQuery({
      config: { config, path: null, dir: process.cwd() },
      sql: testCase.explain,
      db: db.url,
      analyze: testCase.noAnalyze !== true,
      env: {},
    });
    return report.findings.filter((finding) => finding.rule === rule.id);
  } finally {
    await db.drop();
  }
}

/** Runs a catalog case; with `checkFixes`, also runs the fixes and returns the findings left after them. */
async function evaluateCatalogCase(
  rule: AnyRule,
  testCase: CatalogCase,
  pgVersion: number,
  settings: RuleSettings,
  checkFixes: boolean,
): Promise<Finding[]> {
  await loadParser();
  const db = await createTestDatabase((testCase.serverUrl ?? pg18Url)());
  try {
    const connection = await db.connect();
    await connection.query(testCase.setup);
    const findings = await reviewCase(rule, testCase, connection, pgVersion, settings);
    if (!checkFixes) return findings;
    for (const finding of findings) {
      if (!finding.fix) continue;
      // statement by statement, outside a transaction block (fixes may build indexes CONCURRENTLY)
      for (const statement of parseSqlSync(finding.fix, { file: 'fix.sql' }).statements) {
        try {
          await connection.query(statement.text);
        } catch (error) {
          throw new Error(
            `the fix of "${finding.message}" failed: ${statement.text}: ${(error as Error).message}`,
          );
        }
      }
    }
    return await reviewCase(rule, testCase, connection, pgVersion, settings);
  } finally {
    await db.drop();
  }
}

function matches(finding: Finding, expected: ExpectedFinding): void {
  const location = finding.location as Partial<{ line: number; column: number; object: string }>;
  if (expected.line !== undefined) expect(location.line, 'line').toBe(expected.line);
  if (expected.column !== undefined) expect(location.column, 'column').toBe(expected.column);
  if (expected.object !== undefined) expect(location.object, 'object').toBe(expected.object);
  if (expected.severity !== undefined) expect(finding.severity, 'severity').toBe(expected.severity);
  if (typeof expected.message === 'string') expect(finding.message).toBe(expected.message);
  if (expected.message instanceof RegExp) expect(finding.message).toMatch(expected.message);
  if (expected.fix === null) expect(finding.fix).toBeNull();
  else if (typeof expected.fix === 'string') expect(finding.fix).toBe(expected.fix);
  else if (expected.fix instanceof RegExp) expect(finding.fix).toMatch(expected.fix);
}

function label(testCase: RuleCase): string {
  const text =
    testCase.name ??
    ('explain' in testCase
      ? testCase.explain
      : 'query' in testCase
        ? testCase.query
        : 'sql' in testCase
          ? testCase.sql
          : 'setup' in testCase
            ? testCase.setup
            : Object.keys(testCase.migrations).join(' '));
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `${oneLine.length > 90 ? `${oneLine.slice(0, 87)}...` : oneLine}${testCase.pgVersion ? ` [PG ${testCase.pgVersion}]` : ''}`;
}

/** Registers the cases as tests: valid cases must produce no finding, invalid ones at least one (or exactly the expected). */
export function runCases(cases: RuleCases): void {
  describe(cases.rule.id, () => {
    describe('must not fire', () => {
      for (const testCase of cases.valid) {
        it(label(testCase), async () => {
          expect(await evaluateCase(cases.rule, testCase)).toEqual([]);
        });
      }
    });
    describe('must fire', () => {
      for (const testCase of cases.invalid) {
        it(label(testCase), async () => {
          const findings = await evaluateCase(cases.rule, testCase);
          expect(findings.length, 'number of findings').toBeGreaterThan(0);
          if (testCase.findings) {
            expect(findings.length, 'number of findings').toBe(testCase.findings.length);
            testCase.findings.forEach((expected, index) => {
              matches(findings[index]!, expected);
            });
          }
          if (
            'setup' in testCase &&
            !('explain' in testCase) &&
            testCase.fixResolves !== false &&
            findings.some((f) => f.fix)
          ) {
            const pgVersion = testCase.pgVersion ?? 18;
            const settings = resolveRuleSettings(
              testCase.options ? { [cases.rule.id]: { options: testCase.options } } : {},
              allRules.some((r) => r.id === cases.rule.id) ? allRules : [...allRules, cases.rule],
            );
            const left = await evaluateCatalogCase(cases.rule, testCase, pgVersion, settings, true);
            expect(
              left.map((f) => f.message),
              'findings left after running the fixes',
            ).toEqual(findings.filter((f) => !f.fix).map((f) => f.message));
          }
        });
      }
    });
  });
}
