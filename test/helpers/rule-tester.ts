import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createRuleSet, type RuleSettings, resolveRuleSettings, runRules } from '../../src/core/engine.js';
import type { Finding } from '../../src/core/finding.js';
import type { AnyRule } from '../../src/core/rule.js';
import type { Connection } from '../../src/db/connection.js';
import { openTarget } from '../../src/db/target.js';
import type { HistoryModel } from '../../src/lint/history-model.js';
import { gooseCuts } from '../../src/migrate/files.js';
import { migrateStatus, migrateUp } from '../../src/migrate/runner.js';
import { checkSql } from '../../src/ops/check-sql.js';
import { explainReport, type PlanReading, readExplainOn } from '../../src/ops/explain.js';
import { checkQueries } from '../../src/ops/query-check.js';
import { traceMigrations } from '../../src/ops/trace.js';
import { verifyMigrations } from '../../src/ops/verify.js';
import { type QuerySchema, querySchemaFromReading, readQuerySchema } from '../../src/query/schema.js';
import { isCodeFile } from '../../src/query/sources.js';
import { allRules } from '../../src/rules/index.js';
import { columnsFromCatalog } from '../../src/schema/columns.js';
import { applySchemaExceptions } from '../../src/schema/ignores.js';
import { readSchema, type SchemaReading, schemaModelFromReading } from '../../src/schema/load.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import { createTestDatabase, pg18Url } from './db.js';
import {
  keepRecording,
  RECORDING,
  type Recorded,
  recorded,
  recordingKey,
  saveRecordings,
} from './recorded-models.js';
import { evaluateSecurityCase, type SecurityCase } from './security-cases.js';

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
  /** The script is the up section of a goose migration (its layout, and where goose ends statements). */
  readonly goose?: boolean;
}

/**
 * A catalog rule case: DDL (and data) run on a fresh database of a real PostgreSQL, analyzed, then reviewed as
 * `pgwarden schema` reviews it: as a live database (with statistics), or as a shadow one built from files.
 */
export interface CatalogCase extends BaseCase {
  readonly setup: string;
  /** Server to run on (default: the run's embedded PostgreSQL 18); undefined where the machine has none: skipped. */
  readonly serverUrl?: () => string | undefined;
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
  /** Server to run on (default: the run's embedded PostgreSQL 18); undefined where the machine has none: skipped. */
  readonly serverUrl?: () => string | undefined;
}

/**
 * A history rule case (`migrate status`): a migrations folder applied with `migrate up` on a fresh database of the
 * run's PostgreSQL 18 (a failing migration stops it, as it would), then the folder edited (`afterwards`: a file's new
 * text, or null to delete it) and `byHand` run on the database, before the status is read.
 */
export interface HistoryCase extends BaseCase {
  readonly applied: Readonly<Record<string, string>>;
  readonly afterwards?: Readonly<Record<string, string | null>>;
  readonly byHand?: string;
}

/**
 * A case on a model given as data (health facts, read from a real server by the model's own tests): the rule runs
 * on it as is, without a server.
 */
export interface ModelCase extends BaseCase {
  readonly name: string;
  readonly model: unknown;
}

export type RuleCase =
  | SqlCase
  | CatalogCase
  | MigrationsCase
  | QueryCase
  | PlanCase
  | HistoryCase
  | ModelCase
  | SecurityCase;

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

/**
 * What the server is given for a case whose reading a recording can replace (test/fixtures/models/): the key of
 * its recording. Null for a case that needs no server, or that only a server can run (another server, a
 * migrations folder, a trace).
 */
export function recordingKeyOf(testCase: RuleCase): string | null {
  if ('serverUrl' in testCase && testCase.serverUrl) return null;
  if ('explain' in testCase) {
    const { setup, explain, settings, vacuum, noAnalyze } = testCase;
    return recordingKey({ kind: 'plan', setup, explain, settings, vacuum, noAnalyze });
  }
  if ('query' in testCase) {
    if (testCase.schema === undefined) return null;
    return recordingKey({ kind: 'query', schema: testCase.schema, source: testCase.schemaSource ?? 'live' });
  }
  if ('migrations' in testCase || 'sql' in testCase || 'applied' in testCase || 'model' in testCase)
    return null;
  if ('security' in testCase) return null;
  const { setup, source, schemaConfig } = testCase;
  return recordingKey({ kind: 'catalog', setup, source: source ?? 'live', schemaConfig });
}

/** The case's recording, when one matches it. */
export function recordingOf(rule: AnyRule, testCase: RuleCase): Recorded | undefined {
  const key = recordingKeyOf(testCase);
  return key === null ? undefined : recorded(rule.id, key);
}

/** The case runs on a server (or on a recording of one); false for SQL and schema-less query cases. */
export function needsServer(rule: AnyRule, testCase: RuleCase): boolean {
  if ('model' in testCase) return false;
  if ('query' in testCase) return testCase.schema !== undefined;
  if ('sql' in testCase) return rule.model === 'trace';
  return true;
}

/** Where a case's server reading goes, when one is made: kept for the recordings (PGWARDEN_RECORD_MODELS=1). */
type Recorder = ((recording: Recorded) => void) | undefined;

function recorderFor(rule: AnyRule, testCase: RuleCase): Recorder {
  const key = recordingKeyOf(testCase);
  if (!RECORDING || key === null) return undefined;
  return (recording) => keepRecording(rule.id, key, label(testCase), recording);
}

/** The findings of `rule` for one case, produced the way pgwarden produces them for users, on a server. */
export async function evaluateCase(rule: AnyRule, testCase: RuleCase): Promise<Finding[]> {
  return evaluate(rule, testCase, undefined, recorderFor(rule, testCase));
}

/** The findings of `rule` for one case, from the case's recording (no server). */
export async function evaluateRecordedCase(rule: AnyRule, testCase: RuleCase): Promise<Finding[]> {
  const recording = recordingOf(rule, testCase);
  if (!recording)
    throw new Error(`no recording for this case of ${rule.id}: record it (test/helpers/recorded-models.ts)`);
  return evaluate(rule, testCase, recording, undefined);
}

function caseSettings(
  rule: AnyRule,
  testCase: RuleCase,
): { registry: readonly AnyRule[]; settings: RuleSettings } {
  const registry = allRules.some((r) => r.id === rule.id) ? allRules : [...allRules, rule];
  const settings = resolveRuleSettings(
    // options without a level, as a config that sets only options: findings keep their own severity
    testCase.options ? { [rule.id]: { options: testCase.options } } : {},
    registry,
  );
  return { registry, settings };
}

async function evaluate(
  rule: AnyRule,
  testCase: RuleCase,
  recording: Recorded | undefined,
  record: Recorder,
): Promise<Finding[]> {
  const pgVersion = testCase.pgVersion ?? 18;
  const { registry, settings } = caseSettings(rule, testCase);
  if ('explain' in testCase)
    return evaluatePlanCase(
      rule,
      testCase,
      recording?.kind === 'plan' ? recording.reading : undefined,
      record,
    );
  if ('query' in testCase) {
    const found = await evaluateQueryCase(
      testCase,
      { pgVersion, settings, rules: registry },
      recording?.kind === 'schema' ? recording.reading : undefined,
      record,
    );
    return found.filter((f) => f.rule === rule.id);
  }
  if ('applied' in testCase) return evaluateHistoryCase(rule, testCase, pgVersion, settings);
  if ('security' in testCase) return evaluateSecurityCase(rule, testCase, settings);
  if ('model' in testCase)
    return runRules({ rules: [rule], kind: rule.model, model: testCase.model, pgVersion, settings }).findings;
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
      {
        file: 'case.sql',
        text: testCase.sql,
        transaction: !testCase.noTransaction,
        ...(testCase.goose
          ? {
              runnerCuts: gooseCuts(testCase.sql),
              migration: { dir: '.', version: '1', name: 'case', layout: 'goose' as const },
            }
          : {}),
      },
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
  if (recording?.kind === 'schema') {
    await loadParser();
    return catalogFindings(rule, testCase, recording.reading, pgVersion, settings);
  }
  return evaluateCatalogCase(rule, testCase, pgVersion, settings, false, record);
}

/**
 * Runs a query case the way `pgwarden query` checks a file; returns every finding (of every rule). The schema is
 * built on a fresh database, or from `reading` (a recording of that).
 */
export async function evaluateQueryCase(
  testCase: QueryCase,
  options: { pgVersion: number; settings?: RuleSettings; rules?: readonly AnyRule[] },
  reading?: SchemaReading,
  record?: Recorder,
): Promise<Finding[]> {
  await loadParser();
  let schema: QuerySchema | null = null;
  if (testCase.schema !== undefined) {
    const source = testCase.schemaSource ?? 'live';
    const config = parseConfig({}, 'case');
    if (!reading) {
      const db = await createTestDatabase(pg18Url());
      try {
        const connection = await db.connect();
        await connection.query(testCase.schema);
        await connection.query('ANALYZE');
        reading = await readQuerySchema(connection, source, config);
      } finally {
        await db.drop();
      }
      record?.({ kind: 'schema', reading });
    }
    schema = querySchemaFromReading(reading, source, config);
  }
  const file = testCase.file ?? 'case.sql';
  const source = {
    file,
    kind: isCodeFile(file) ? ('code' as const) : ('sql' as const),
    text: testCase.query,
  };
  return (await checkQueries([source], { schema, ...options })).findings;
}

function catalogConfig(testCase: CatalogCase) {
  return parseConfig(testCase.schemaConfig ? { schema: testCase.schemaConfig } : {}, 'case');
}

/** The rule's findings on the schema model of a reading, as the schema review reports them. */
function catalogFindings(
  rule: AnyRule,
  testCase: CatalogCase,
  reading: SchemaReading,
  pgVersion: number,
  settings: RuleSettings,
): Finding[] {
  const config = catalogConfig(testCase);
  const model = schemaModelFromReading(reading, testCase.source ?? 'live', config);
  if (rule.model === 'columns') {
    const reviewed = new Set(model.tables.map((t) => t.qualifiedName));
    const columns = columnsFromCatalog(model.snapshot, model.keywords).columns.filter((c) =>
      reviewed.has(c.table),
    );
    return runRules({ rules: [rule], kind: 'columns', model: { columns }, pgVersion, settings }).findings;
  }
  const findings = runRules({ rules: [rule], kind: 'catalog', model, pgVersion, settings }).findings;
  return applySchemaExceptions(findings, model.snapshot, config).kept;
}

async function reviewCase(
  rule: AnyRule,
  testCase: CatalogCase,
  connection: Connection,
  pgVersion: number,
  settings: RuleSettings,
  record: Recorder,
): Promise<Finding[]> {
  await connection.query('ANALYZE');
  const reading = await readSchema(connection, testCase.source ?? 'live', catalogConfig(testCase));
  record?.({ kind: 'schema', reading });
  return catalogFindings(rule, testCase, reading, pgVersion, settings);
}

/** Runs a plan case as `pgwarden explain --db` runs it, on a fresh database, or on `reading` (a recording of that). */
async function evaluatePlanCase(
  rule: AnyRule,
  testCase: PlanCase,
  reading: PlanReading | undefined,
  record: Recorder,
): Promise<Finding[]> {
  const config = parseConfig(
    testCase.options ? { rules: { [rule.id]: { options: testCase.options } } } : {},
    'case',
  );
  await loadParser();
  if (!reading) {
    const db = await createTestDatabase(serverOf(testCase));
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
      // a new session, so that it has the settings
      const connection = await db.connect();
      reading = await readExplainOn(connection, testCase.explain, {
        config: { config, path: null, dir: process.cwd() },
        analyze: testCase.noAnalyze !== true,
      });
    } finally {
      await db.drop();
    }
    record?.({ kind: 'plan', reading });
  }
  const report = explainReport(reading, 'case', createRuleSet(allRules, config));
  return report.findings.filter((finding) => finding.rule === rule.id);
}

/** Runs a catalog case; with `checkFixes`, also runs the fixes and returns the findings left after them. */
async function evaluateCatalogCase(
  rule: AnyRule,
  testCase: CatalogCase,
  pgVersion: number,
  settings: RuleSettings,
  checkFixes: boolean,
  record?: Recorder,
): Promise<Finding[]> {
  await loadParser();
  const db = await createTestDatabase(serverOf(testCase));
  try {
    const connection = await db.connect();
    await connection.query(testCase.setup);
    const findings = await reviewCase(rule, testCase, connection, pgVersion, settings, record);
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
    return await reviewCase(rule, testCase, connection, pgVersion, settings, undefined);
  } finally {
    await db.drop();
  }
}

/** The server a case runs on: its own, or the run's embedded PostgreSQL 18. */
function serverOf(testCase: CatalogCase | PlanCase): string {
  const url = (testCase.serverUrl ?? pg18Url)();
  if (url === undefined) throw new Error('this case needs a server the machine does not have');
  return url;
}

/** A case on a server the machine does not have (the global setup said so, once): skipped, not failed. */
function unavailable(testCase: RuleCase): boolean {
  return 'serverUrl' in testCase && testCase.serverUrl !== undefined && testCase.serverUrl() === undefined;
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
            : 'applied' in testCase
              ? Object.keys(testCase.applied).join(' ')
              : 'model' in testCase || 'security' in testCase
                ? testCase.name
                : Object.keys(testCase.migrations).join(' '));
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `${oneLine.length > 90 ? `${oneLine.slice(0, 87)}...` : oneLine}${testCase.pgVersion ? ` [PG ${testCase.pgVersion}]` : ''}`;
}

/**
 * Which cases `runCases` registers:
 * - `all`: every case, as it runs for users (on a server where it needs one);
 * - `server`: the cases that need a server and have no recording, and, for a recorded case, only what a server
 *   alone can prove: that the fixes run and resolve the findings (recordings are replayed by
 *   test/rules/recorded.test.ts);
 * - `recorded`: the cases that need no server, and the recorded ones, replayed on their recording.
 * With PGWARDEN_RECORD_MODELS=1, `server` runs the cases a recording can stand for, on a server, and writes their
 * recordings (without proving the fixes again).
 */
export type CaseSelection = 'all' | 'server' | 'recorded';

interface Planned {
  /** Evaluate the case (on a server, or on its recording), or only prove its fixes on a server; `record`: on a server, to record it. */
  readonly run: 'server' | 'recording' | 'fixes' | 'record';
}

function plan(
  cases: RuleCases,
  testCase: RuleCase,
  firing: boolean,
  selection: CaseSelection,
): Planned | null {
  if (selection === 'all') return { run: 'server' };
  // recording: the cases a recording can stand for, on the server (their fixes are proved by the normal runs)
  if (selection === 'server' && RECORDING)
    return recordingKeyOf(testCase) === null ? null : { run: 'record' };
  const serverless = !needsServer(cases.rule, testCase);
  const recording = recordingOf(cases.rule, testCase);
  if (selection === 'recorded')
    return serverless ? { run: 'server' } : recording ? { run: 'recording' } : null;
  if (serverless) return null;
  if (!recording) return { run: 'server' };
  if (firing && 'setup' in testCase && !('explain' in testCase) && testCase.fixResolves !== false)
    return { run: 'fixes' };
  return null;
}

/** Registers the cases as tests: valid cases must produce no finding, invalid ones at least one (or exactly the expected). */
export function runCases(cases: RuleCases, selection: CaseSelection = 'all'): void {
  const { rule } = cases;
  const findingsOf = (testCase: RuleCase, planned: Planned) =>
    planned.run === 'server' || planned.run === 'record'
      ? evaluateCase(rule, testCase)
      : evaluateRecordedCase(rule, testCase);
  const planned = (list: readonly RuleCase[], firing: boolean) =>
    list.flatMap((testCase) => {
      const how = plan(cases, testCase, firing, selection);
      return how ? [{ testCase, how }] : [];
    });
  const valid = planned(cases.valid, false);
  const invalid = planned(cases.invalid, true);
  // vitest fails a suite without tests
  if (valid.length + invalid.length === 0) return;
  // Each case has a database of its own: the catalog and query cases of a rule run a few at a time (they mostly wait
  // on the server). Plan cases assert timings and the server's workers, and migration cases trace locks with
  // timeouts: those run one at a time.
  describe(rule.id, { concurrent: rule.category === 'schema' || rule.category === 'query' }, () => {
    if (RECORDING) {
      afterAll(() => {
        const keys = [...cases.valid, ...cases.invalid].map(recordingKeyOf).filter((k) => k !== null);
        saveRecordings(rule.id, new Set(keys));
      });
    }
    if (valid.length > 0) {
      describe('must not fire', () => {
        for (const { testCase, how } of valid) {
          it.skipIf(unavailable(testCase))(label(testCase), async ({ expect }) => {
            expect(await findingsOf(testCase, how)).toEqual([]);
          });
        }
      });
    }
    if (invalid.length === 0) return;
    describe('must fire', () => {
      for (const { testCase, how } of invalid) {
        const name = how.run === 'fixes' ? `${label(testCase)} (its fixes, on a server)` : label(testCase);
        it.skipIf(unavailable(testCase))(name, async ({ expect }) => {
          const findings = await findingsOf(testCase, how);
          if (how.run !== 'fixes') {
            expect(findings.length, 'number of findings').toBeGreaterThan(0);
            if (testCase.findings) {
              expect(findings.length, 'number of findings').toBe(testCase.findings.length);
              testCase.findings.forEach((expected, index) => {
                matches(findings[index]!, expected);
              });
            }
          }
          if (
            (how.run === 'server' || how.run === 'fixes') &&
            'setup' in testCase &&
            !('explain' in testCase) &&
            testCase.fixResolves !== false &&
            findings.some((f) => f.fix)
          ) {
            const pgVersion = testCase.pgVersion ?? 18;
            const { settings } = caseSettings(rule, testCase);
            const left = await evaluateCatalogCase(rule, testCase, pgVersion, settings, true);
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

/** Registers the cases that run without a server: those that need none, and the recorded ones (no server, no setup). */
export function replayCases(cases: RuleCases): void {
  runCases(cases, 'recorded');
}

async function evaluateHistoryCase(
  rule: AnyRule,
  testCase: HistoryCase,
  pgVersion: number,
  settings: RuleSettings,
): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-case-'));
  const folder = join(dir, 'migrations');
  mkdirSync(folder);
  for (const [file, text] of Object.entries(testCase.applied)) writeFileSync(join(folder, file), text);
  const database = await createTestDatabase();
  try {
    const config = { config: parseConfig({}, 'case'), path: null, dir };
    const runner = async () => ({
      target: await openTarget({ db: database.url }),
      config,
      noGuardReason: 'a test',
    });
    await migrateUp(await runner()).catch(() => {});
    for (const [file, text] of Object.entries(testCase.afterwards ?? {})) {
      if (text === null) rmSync(join(folder, file));
      else writeFileSync(join(folder, file), text);
    }
    if (testCase.byHand) await database.exec(testCase.byHand);
    const result = await migrateStatus(await runner());
    const model: HistoryModel = {
      table: '"pgwarden"."migrations"',
      entries: result.statuses,
      drift: result.drift,
    };
    return runRules({ rules: [rule], kind: 'history', model, pgVersion, settings }).findings;
  } finally {
    await database.drop();
  }
}
