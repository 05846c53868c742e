/**
 * `pgwarden check`: the Definition of Done of a project's database change. It finds the migrations and the
 * queries, then proves each box of the checklist with the other commands on one server (embedded by default):
 * migration lint with a lock trace, reversibility (up, down, up), review of the schema the migrations build, static
 * review of the queries and EXPLAIN ANALYZE of each on a shadow database filled by the seed script, and whether the
 * guard can back up what the migrations destroy.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type BackupAge, newestVerifiedBackup } from '../backup/status.js';
import { type LoadedConfig, loadConfig } from '../core/config.js';
import { createRuleSet, type RuleSet, type SkippedRule } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import type { FailOn, Finding } from '../core/finding.js';
import { targetMajor } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { builtShadowSource } from '../db/schema-source.js';
import { applySql, createScratchDatabase } from '../db/scratch.js';
import { serverVersion } from '../db/server-info.js';
import { type DatabaseTarget, deferScratchDrops, openTarget } from '../db/target.js';
import { guardReadiness } from '../guard/backup.js';
import { destructions } from '../guard/destructive.js';
import { analyzeMigration } from '../lint/migration-model.js';
import { SchemaState } from '../lint/schema-state.js';
import { type Migration, migrationsFolder, readMigrations } from '../migrate/files.js';
import { explainQuery } from '../ops/explain.js';
import { lint } from '../ops/lint.js';
import { checkQueries } from '../ops/query-check.js';
import { queryReview } from '../ops/query-review.js';
import { reviewSchema } from '../ops/schema-review.js';
import { verifyReport } from '../ops/verify.js';
import { collectQueryFiles, readQuerySources } from '../query/sources.js';
import { allRules } from '../rules/index.js';
import { readSqlSources } from '../sql/files.js';
import { loadParser, parseSqlSync } from '../sql/parser.js';
import { buildChecklist, type CheckScope, type Section } from './checklist.js';

export const CHECK_STEPS = [
  'lint',
  'reversibility',
  'schema',
  'shadow',
  'queries',
  'explain',
  'guard',
] as const;
export type CheckStep = (typeof CHECK_STEPS)[number];

const STEP_TITLES: Record<CheckStep, string> = {
  lint: 'migration lint with lock trace',
  reversibility: 'reversibility: up, down, up',
  schema: 'schema review of what the migrations build',
  shadow: 'shadow database with the seed data',
  queries: 'static review of the queries',
  explain: 'EXPLAIN ANALYZE of the queries',
  guard: 'guard readiness for destructive statements',
};

export function checkStepTitle(step: CheckStep): string {
  return STEP_TITLES[step];
}

export interface CheckProgress {
  readonly step: CheckStep;
  readonly index: number;
  readonly total: number;
  readonly state: 'start' | 'done' | 'skipped';
  readonly ms?: number;
  readonly detail?: string;
}

export interface CheckOptions {
  /** The project folder (default: the current folder). */
  readonly dir?: string;
  /** Default: the project's pgwarden.config.json (found upward from `dir`), else the built-in defaults. */
  readonly config?: LoadedConfig;
  /** The rules every step runs; default: every rule, with the config's settings. */
  readonly ruleSet?: RuleSet;
  /** The server on which scratch and shadow databases are created (default: DATABASE_URL, else embedded). */
  readonly db?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
  /** A box fails on a finding at or above this severity (default: warning). */
  readonly failOn?: FailOn;
  /** EXPLAIN ANALYZE each query (default: the config's `check.explain`, true). */
  readonly explain?: boolean;
  readonly progress?: (event: CheckProgress) => void;
  readonly log?: (message: string) => void;
  /** The PostgreSQL major to lint and back up for (`--pg-version`); default: the server's (see `targetMajor`). */
  readonly pgVersion?: number;
}

export interface StepResult {
  readonly step: CheckStep;
  readonly title: string;
  readonly status: 'done' | 'skipped';
  readonly ms: number;
  readonly findings: number;
  readonly detail: string | null;
}

export interface CheckData extends Record<string, unknown> {
  readonly project: string;
  readonly server: string;
  readonly failOn: FailOn;
  readonly migrationsDir: string | null;
  readonly queryPaths: readonly string[];
  readonly seed: string | null;
  readonly scope: CheckScope;
  readonly sections: readonly Section[];
  /** Findings no box of the checklist claims (indexes into the findings). */
  readonly unplaced: readonly number[];
  readonly steps: readonly StepResult[];
  readonly totalMs: number;
  /** True when every box is ✔ or not applicable. */
  readonly done: boolean;
  /** The backup folder's newest verified backup (pgwarden backup verify); null without whole-database backups. */
  readonly backups: BackupAge | null;
}

function existingDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Where the plan finding of a query points: the query's place in its file, the plan node kept as evidence. */
function atQuery(finding: Finding, file: string, line: number, column: number): Finding {
  return {
    ...finding,
    location: { file, line, column },
    evidence: { ...(finding.evidence ?? {}), planLocation: finding.location },
  };
}

export async function checkProject(options: CheckOptions = {}): Promise<Report<CheckData>> {
  const started = performance.now();
  const dir = resolve(options.dir ?? '.');
  if (!existingDir(dir)) {
    throw new PgwardenError('input', `no project folder at ${options.dir ?? dir}`, {
      hint: 'pass the folder that holds the migrations (and pgwarden.config.json)',
    });
  }
  const loaded = options.config ?? loadConfig({ cwd: dir });
  const config: LoadedConfig = options.config ? loaded : { ...loaded, dir: loaded.path ? loaded.dir : dir };
  const failOn = options.failOn ?? 'warning';
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, config.config);
  const shown = (path: string) => relative(process.cwd(), path) || '.';

  const migrationsDir = migrationsFolder(config);
  const migrations: Migration[] = existingDir(migrationsDir) ? await readMigrations(migrationsDir) : [];
  const queryPaths = (
    config.config.check.queries ??
    ['queries', 'sql', 'src'].filter((p) => existingDir(resolve(config.dir, p)))
  ).map((p) => resolve(config.dir, p));
  for (const path of queryPaths) {
    if (!existsSync(path)) {
      throw new PgwardenError('config', `check.queries names ${shown(path)}, which does not exist`, {
        hint: 'fix the path in pgwarden.config.json (relative to the project folder)',
      });
    }
  }
  const queryFiles = queryPaths.length > 0 ? await collectQueryFiles(queryPaths) : [];
  const seed = config.config.check.seed ? resolve(config.dir, config.config.check.seed) : null;
  if (seed && !existsSync(seed)) {
    throw new PgwardenError('config', `check.seed names ${shown(seed)}, which does not exist`, {
      hint: 'fix the path in pgwarden.config.json (relative to the project folder)',
    });
  }
  if (migrations.length === 0 && queryFiles.length === 0) {
    throw new PgwardenError('input', `nothing to check in ${shown(dir)}`, {
      hint: `put migrations in ${config.config.migrations.dir}/ and queries in queries/ or src/ (or set migrations.dir and check.queries in pgwarden.config.json)`,
    });
  }
  const explainQueries = options.explain ?? config.config.check.explain;

  await loadParser();
  const findings: Finding[] = [];
  const skipped: SkippedRule[] = [];
  const steps: StepResult[] = [];
  const scope = {
    migrations: migrations.length,
    queries: 0,
    explained: 0,
    tables: 0,
    tenantTables: 0,
    destructive: 0,
    guard: { ready: true, problem: null as string | null },
  };

  // Each step's outcome, kept until every step has run: the steps run in three lanes at once (the lock trace, the
  // up/down/up verification and the shadow database each on a database of their own), and their findings, skipped
  // rules and timings are then put together in the order of CHECK_STEPS, as when they ran one after the other.
  type Outcome = { findings: readonly Finding[]; skipped?: readonly SkippedRule[]; detail?: string };
  const outcomes = new Map<CheckStep, StepResult & { readonly outcome: Outcome | null }>();
  /** `priorMs`: time the step spent before `work` (the shadow's build, done before the schema review). */
  const run = async (
    step: CheckStep,
    skipReason: string | null,
    work: () => Promise<Outcome>,
    priorMs = 0,
  ): Promise<void> => {
    const index = CHECK_STEPS.indexOf(step) + 1;
    const total = CHECK_STEPS.length;
    if (skipReason) {
      outcomes.set(step, {
        step,
        title: STEP_TITLES[step],
        status: 'skipped',
        ms: 0,
        findings: 0,
        detail: skipReason,
        outcome: null,
      });
      options.progress?.({ step, index, total, state: 'skipped', detail: skipReason });
      return;
    }
    options.progress?.({ step, index, total, state: 'start' });
    const t0 = performance.now();
    const result = await work();
    const ms = performance.now() - t0 + priorMs;
    outcomes.set(step, {
      step,
      title: STEP_TITLES[step],
      status: 'done',
      ms,
      findings: result.findings.length,
      detail: result.detail ?? null,
      outcome: result,
    });
    options.progress?.({ step, index, total, state: 'done', ms, detail: result.detail });
  };
  /** Runs the lanes to their end (none is left running on a failure), then fails with the first step's error. */
  const lanes = async (...work: readonly (() => Promise<void>)[]): Promise<void> => {
    const settled = await Promise.allSettled(work.map((lane) => lane()));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  };

  const noMigrations = migrations.length === 0 ? 'no migrations' : null;
  const target: DatabaseTarget = await openTarget({
    db: options.db,
    env: options.env,
    config: config.config,
    // the embedded server starts the target major (else the config's pgVersion)
    embedded: {
      ...(options.pgVersion !== undefined ? { major: options.pgVersion } : {}),
      ...options.embedded,
    },
  });
  // the scratch and shadow databases of the steps are dropped together at the end: one checkpoint (see
  // deferScratchDrops), none in the middle of the other lanes' work
  const { target: lanesTarget, drops } = deferScratchDrops(target);
  try {
    // one target major for every step: --pg-version, else this server's (the embedded one starts the config's)
    const versionConnection = await target.connect();
    let serverMajor: number;
    try {
      serverMajor = (await serverVersion(versionConnection)).major;
    } finally {
      await versionConnection.close();
    }
    const { major: pgVersion, warning } = targetMajor({ given: options.pgVersion, server: serverMajor });
    if (warning) options.log?.(warning);
    const lintLane = () =>
      run('lint', noMigrations, async () => {
        const report = await lint({
          paths: [migrationsDir],
          config,
          ruleSet,
          pgVersion,
          trace: true,
          traceTarget: lanesTarget,
        });
        // The type rules the linter shares with the schema review are reported once, by the review.
        return {
          findings: report.findings.filter((f) => !f.rule.startsWith('schema/')),
          skipped: report.skipped,
          detail: `${migrations.length} migration(s)`,
        };
      });
    const reversibilityLane = () =>
      run('reversibility', noMigrations, async () => {
        const report = await verifyReport(lanesTarget, config, {
          dir: migrationsDir,
          log: options.log,
          ruleSet,
        });
        return { findings: report.findings, skipped: report.skipped };
      });
    // One shadow database for the schema review, the queries and their plans: the migrations are applied once, the
    // schema reviewed as they left it, then the seed script and ANALYZE run for the queries. The queries are
    // explained once the other lanes are done, on a server as quiet as when the steps ran one after the other (plan
    // findings read times).
    const shadow = await createScratchDatabase(lanesTarget);
    try {
      const shadowLane = async () => {
        const migrationSql = migrations.map((m) => ({ file: m.up.file, text: m.up.text }));
        const t0 = performance.now();
        const builder = await shadow.connect();
        try {
          await applySql(builder, migrationSql);
        } finally {
          await builder.close();
        }
        const buildMs = performance.now() - t0;
        await run('schema', noMigrations, async () => {
          const report = await reviewSchema({
            config,
            ruleSet,
            source: builtShadowSource(target, shadow, {
              sql: migrationSql,
              input: `the ${migrations.length} migration(s) in ${migrationsDir}`,
            }),
            env: {},
          });
          scope.tables = report.data?.tables ?? 0;
          scope.tenantTables = report.data?.tenantTables ?? 0;
          return { findings: report.findings, skipped: report.skipped, detail: `${scope.tables} table(s)` };
        });
        await run(
          'shadow',
          null,
          async () => {
            const connection = await shadow.connect();
            try {
              if (seed) await applySql(connection, await readSqlSources([seed]));
              await connection.query('ANALYZE');
            } finally {
              await shadow.closeConnections();
            }
            return { findings: [], detail: seed ? `seeded with ${shown(seed)}` : 'no seed script' };
          },
          buildMs,
        );
      };
      await lanes(lintLane, reversibilityLane, shadowLane);

      const sources = readQuerySources(queryFiles);
      const statements = (await checkQueries(sources, { schema: null, ruleSet })).models.flatMap(
        (m) => m.statements,
      );
      scope.queries = statements.length;
      const noQueries = statements.length === 0 ? 'no queries found' : null;
      await run('queries', noQueries, async () => {
        const report = await queryReview({ config, ruleSet, paths: queryPaths, db: shadow.url });
        return {
          findings: report.findings,
          skipped: report.skipped,
          detail: `${statements.length} query(ies)`,
        };
      });
      await run(
        'explain',
        noQueries ?? (explainQueries ? null : 'EXPLAIN is off (check.explain)'),
        async () => {
          const found: Finding[] = [];
          const failures: string[] = [];
          for (const statement of statements) {
            const where = `${shown(statement.file)}:${statement.location.line}`;
            try {
              const report = await explainQuery({
                config,
                ruleSet,
                sql: statement.sql.text,
                db: shadow.url,
                env: {},
              });
              scope.explained++;
              for (const f of report.findings) {
                found.push(atQuery(f, statement.file, statement.location.line, statement.location.column));
              }
            } catch (error) {
              failures.push(`${where}: ${(error as Error).message}`);
            }
          }
          return {
            findings: found,
            skipped: failures.map((reason) => ({ rule: 'plan/*', reason: `not explained: ${reason}` })),
            detail: `${scope.explained} of ${statements.length} explained`,
          };
        },
      );
    } finally {
      await shadow.drop();
    }

    await run('guard', noMigrations, async () => {
      const state = new SchemaState(false);
      for (const migration of migrations) {
        const parsed = parseSqlSync(migration.up.text, { file: migration.up.file });
        const model = analyzeMigration(parsed, {
          pgVersion,
          runnerTransaction: migration.up.transaction,
          sentWhole: migration.up.sentWhole ?? false,
          state,
        });
        scope.destructive += destructions(model).length;
      }
      if (scope.destructive > 0) {
        // The backups are taken on the project's server, not on this scratch one: of the major the config names
        // for it (or --pg-version), else the target major. pg_dump must be able to dump that.
        const readiness = await guardReadiness(options.pgVersion ?? config.config.pgVersion ?? pgVersion);
        scope.guard = { ready: readiness.ready, problem: readiness.problem };
      }
      return {
        findings: [],
        detail:
          scope.destructive === 0
            ? 'no destructive statement'
            : `${scope.destructive} destructive statement(s); ${scope.guard.ready ? 'pg_dump ready' : scope.guard.problem}`,
      };
    });
  } finally {
    try {
      await drops.flush();
    } finally {
      await target.close();
    }
  }
  for (const step of CHECK_STEPS) {
    const done = outcomes.get(step);
    if (!done) continue;
    const { outcome, ...result } = done;
    steps.push(result);
    findings.push(...(outcome?.findings ?? []));
    skipped.push(...(outcome?.skipped ?? []));
  }

  const report = createReport({ version: VERSION, command: 'check', findings, skipped });
  const { sections, unplaced } = buildChecklist(report.findings, scope, failOn);
  const done = sections.every((s) => s.boxes.every((b) => b.status !== 'fail'));
  return {
    ...report,
    data: {
      project: shown(dir),
      server: target.display,
      failOn,
      migrationsDir: migrations.length > 0 ? shown(migrationsDir) : null,
      queryPaths: queryPaths.map(shown),
      seed: seed ? shown(seed) : null,
      scope,
      sections,
      unplaced,
      steps,
      totalMs: performance.now() - started,
      done,
      backups: await newestVerifiedBackup(resolve(config.dir, config.config.backups.dir)),
    },
  };
}
