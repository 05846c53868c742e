import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/finding.js';
import { Connection } from '../../src/db/connection.js';
import { withDatabase } from '../../src/db/url.js';
import type { AnalyzedStatement, MigrationModel } from '../../src/lint/migration-model.js';
import { checkSql, type ScriptSource } from '../../src/ops/check-sql.js';
import { lintSources } from '../../src/ops/lint.js';
import { reviewSchema } from '../../src/ops/schema-review.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import { projectRoot } from '../helpers/cli.js';
import { createTestDatabase, pg15ServiceUrl, pg18Url } from '../helpers/db.js';
import { loadRuleCases } from '../helpers/rule-cases.js';

/**
 * Every fix the migration rules print on the fixture corpus is run on a database of the target major: the schema is
 * built as it stood before the statement (the earlier migrations, then the file's statements before it), the fix runs
 * (its parts split at "next migration", each in a transaction or, with CONCURRENTLY or no-transaction, statement by
 * statement), and lint is run again on the fix in place of the statement: the finding must be gone.
 */

const CORPUS = [
  'test/fixtures/fixes/migrations',
  'test/fixtures/layouts/dbmate/db/migrations',
  'test/fixtures/layouts/diesel/migrations',
  'test/fixtures/layouts/flyway/db/migration',
  'test/fixtures/layouts/golang-migrate/migrations',
  'test/fixtures/layouts/node-pg-migrate/migrations',
  'test/fixtures/layouts/pgwarden/migrations',
  'test/fixtures/layouts/prisma/migrations',
  'test/fixtures/layouts/plain/index_concurrently.sql',
  'examples/shop/migrations',
  'examples/inventory/schema.sql',
];

/**
 * Fixes that make the statement safer but keep it (a lock_timeout before it, a view for the old name): they must
 * run, and the finding stays, as it should (the statement is still there).
 */
const KEEPS_STATEMENT = new Set(['migration/rename-table', 'migration/exclusion-constraint']);

const MAJORS = [
  { major: 15, url: pg15ServiceUrl },
  { major: 18, url: (): string | undefined => pg18Url() },
];

/**
 * A migration rule's fix that can be run as printed: SQL besides comments, and no `<placeholder>` or `…` to fill
 * in. (The column rules' fixes are a column's definition, to be written in its CREATE TABLE: not statements.)
 */
function executable(finding: Finding): finding is Finding & { fix: string } {
  const fix = finding.fix;
  if (fix === null || !finding.rule.startsWith('migration/')) return false;
  const sql = fix.replace(/--[^\n]*/g, '').trim();
  return sql.length > 0 && !/<[a-z_][^<>\n]*>|…/i.test(sql);
}

/** The fix's migrations: split where it says the rest goes in the next one. */
function parts(fix: string): string[] {
  return fix
    .split(/^[ \t]*--[^\n]*\bnext migration\b[^\n]*$/im)
    .filter((part) => part.replace(/--[^\n]*/g, '').trim().length > 0);
}

const outsideTransaction = (part: string) => /\bCONCURRENTLY\b|pgwarden:no-transaction/i.test(part);

function statementsOf(sql: string): string[] {
  const parsed = parseSqlSync(sql);
  if (parsed.syntaxErrors.length > 0) throw new Error(`syntax error: ${parsed.syntaxErrors[0]!.message}`);
  return parsed.statements.map((s) => s.text);
}

/** Only SET: the fix goes before the statement, which stays. */
const onlySettings = (part: string) =>
  parseSqlSync(part).statements.every((s) => s.kind === 'VariableSetStmt');

const topLevel = (model: MigrationModel) => model.statements.filter((s) => !s.embeddedIn);

async function run(connection: Connection, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await connection.query(statement);
}

interface Outcome {
  readonly executed: boolean;
  /** Why the fix could not be judged (the schema before it could not be built: a rule case's assumed tables). */
  readonly skipped?: string;
  readonly failure?: string;
}

async function checkFix(
  serverUrl: string,
  pgVersion: number,
  sources: readonly ScriptSource[],
  migrations: readonly MigrationModel[],
  finding: Finding & { fix: string },
  mustBuild: boolean,
): Promise<Outcome> {
  const location = finding.location as { file: string; line: number };
  const index = migrations.findIndex((m) => m.file === location.file);
  const model = migrations[index]!;
  const analyzed = topLevel(model).find(
    (s) => location.line >= s.statement.start.line && location.line <= s.statement.end.line,
  ) as AnalyzedStatement;
  const label = `${finding.rule} at ${location.file.replace(`${projectRoot}/`, '')}:${location.line} on ${pgVersion}`;
  const prefix = topLevel(model)
    .filter((s) => s.statement.index < analyzed.statement.index)
    .map((s) => s.statement.text);
  const database = await createTestDatabase(serverUrl);
  try {
    const connection = await database.connect();
    try {
      for (const earlier of migrations.slice(0, index))
        await run(
          connection,
          topLevel(earlier).map((s) => s.statement.text),
        );
      await run(connection, prefix);
      // a BEGIN before the statement is the migration's own; the fix decides its transactions
      await connection.query('COMMIT');
    } catch (error) {
      if (mustBuild)
        return { executed: false, failure: `${label}: the schema before it: ${(error as Error).message}` };
      return { executed: false, skipped: (error as Error).message };
    }
    for (const part of parts(finding.fix)) {
      try {
        const statements = statementsOf(part);
        if (outsideTransaction(part)) await run(connection, statements);
        else await run(connection, ['BEGIN', ...statements, 'COMMIT']);
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => {});
        return { executed: false, failure: `${label}: ${(error as Error).message}\n${finding.fix}` };
      }
    }
  } finally {
    await database.drop();
  }
  // lint again, with the fix in place of the statement (a SET goes before it)
  const transaction = model.runnerTransaction;
  const fixSources: ScriptSource[] = parts(finding.fix).map((part, i) => ({
    file: `fix-${i + 1}.sql`,
    text: onlySettings(part) ? `${part}\n${analyzed.statement.text};` : part,
    transaction: outsideTransaction(part) ? false : transaction,
  }));
  const relinted = await checkSql(
    [
      ...sources.slice(0, index),
      { file: 'before-the-statement.sql', text: prefix.map((s) => `${s};`).join('\n'), transaction },
      ...fixSources,
    ],
    { pgVersion },
  );
  const left = relinted.findings.filter(
    (f) => f.rule === finding.rule && (f.location as { file: string }).file.startsWith('fix-'),
  );
  if (KEEPS_STATEMENT.has(finding.rule)) return { executed: true };
  if (left.length > 0)
    return {
      executed: true,
      failure: `${label}: the fix runs but lint still reports ${finding.rule}: ${left[0]!.message}\n${finding.fix}`,
    };
  return { executed: true };
}

/** Fixes run, by major and by what printed them. */
const executed = new Map<string, number>();
const tally = (major: number, kind: string, count: number) =>
  executed.set(`PostgreSQL ${major}, ${kind}`, (executed.get(`PostgreSQL ${major}, ${kind}`) ?? 0) + count);
afterAll(() => {
  for (const [what, count] of executed) console.log(`fixes executed on ${what}: ${count}`);
});

for (const { major, url } of MAJORS) {
  describe(`every executable fix of the migration rules runs on PostgreSQL ${major} and resolves its finding`, () => {
    it.each(CORPUS)('%s', async (path) => {
      const serverUrl = url();
      if (!serverUrl) return;
      const sources = await lintSources([join(projectRoot, path)]);
      const result = await checkSql(sources, { pgVersion: major });
      const fixable = result.findings.filter(executable);
      const failures: string[] = [];
      let count = 0;
      for (const finding of fixable) {
        const outcome = await checkFix(serverUrl, major, sources, result.migrations, finding, true);
        if (outcome.executed) count++;
        if (outcome.failure) failures.push(outcome.failure);
      }
      tally(major, 'migration rules, corpus', count);
      expect(failures).toEqual([]);
      if (path === CORPUS[0]) expect(count).toBeGreaterThanOrEqual(15);
    });

    it('the rule cases whose expected findings have a fix', async () => {
      const serverUrl = url();
      if (!serverUrl) return;
      await loadParser();
      const failures: string[] = [];
      let count = 0;
      let noSchema = 0;
      for (const cases of (await loadRuleCases()).values()) {
        for (const testCase of cases.invalid) {
          if (!('sql' in testCase) || (testCase.pgVersion ?? major) !== major) continue;
          if (!testCase.findings?.some((f) => typeof f.fix === 'string' || f.fix instanceof RegExp)) continue;
          const sources: ScriptSource[] = [
            ...(testCase.before !== undefined ? [{ file: 'before.sql', text: testCase.before }] : []),
            { file: 'case.sql', text: testCase.sql, transaction: !testCase.noTransaction },
          ];
          const result = await checkSql(sources, { pgVersion: major });
          for (const finding of result.findings) {
            if (finding.rule !== cases.rule.id || (finding.location as { file: string }).file !== 'case.sql')
              continue;
            if (!executable(finding)) continue;
            const outcome = await checkFix(serverUrl, major, sources, result.migrations, finding, false);
            if (outcome.skipped !== undefined) noSchema++;
            if (outcome.executed) count++;
            if (outcome.failure) failures.push(outcome.failure);
          }
        }
      }
      console.log(
        `rule cases on PostgreSQL ${major}: ${count} fixes executed, ${noSchema} whose tables the case assumes`,
      );
      tally(major, 'migration rules, rule cases', count);
      expect(failures).toEqual([]);
    });
  });
}

/**
 * The schema rules' fixes: each folder's schema is built (every migration), reviewed as `pgwarden schema --db` reviews
 * it, and each executable fix runs on a copy of it; the review of the copy must no longer report the finding, unless
 * the rule's own cases say its fix is advice that leaves it (fixResolves: false).
 */
const config = { config: parseConfig({}, 'test'), path: null, dir: projectRoot };

async function adviceRules(): Promise<Set<string>> {
  const rules = new Set<string>();
  for (const cases of (await loadRuleCases()).values())
    if (cases.invalid.some((c) => 'fixResolves' in c && c.fixResolves === false)) rules.add(cases.rule.id);
  return rules;
}

const key = (f: Finding) => `${f.rule} ${(f.location as { object?: string }).object ?? ''}`;

for (const { major, url } of MAJORS) {
  describe(`every executable fix of the schema rules runs on PostgreSQL ${major} and resolves its finding`, () => {
    it.each(CORPUS.filter((path) => !path.endsWith('.sql') || path.includes('schema')))(
      '%s',
      async (path) => {
        const serverUrl = url();
        if (!serverUrl) return;
        const advice = await adviceRules();
        const sources = await lintSources([join(projectRoot, path)]);
        const { migrations } = await checkSql(sources, { pgVersion: major });
        const built = await createTestDatabase(serverUrl);
        const admin = await Connection.open(serverUrl);
        const failures: string[] = [];
        let count = 0;
        try {
          const connection = await built.connect();
          for (const model of migrations)
            await run(
              connection,
              topLevel(model).map((s) => s.statement.text),
            );
          await connection.query('ANALYZE');
          await connection.close();
          const review = await reviewSchema({ config, db: built.url, pgVersion: major });
          for (const finding of review.findings) {
            if (finding.fix === null) continue;
            const sql = finding.fix.replace(/--[^\n]*/g, '').trim();
            if (sql.length === 0 || /<[a-z_][^<>\n]*>|…/i.test(sql)) continue;
            const copy = `${built.name}_fix`;
            await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${built.name}`);
            const copyUrl = withDatabase(serverUrl, copy);
            const session = await Connection.open(copyUrl);
            const label = `${finding.rule} on ${(finding.location as { object: string }).object} (${path}, ${major})`;
            try {
              for (const part of parts(finding.fix)) {
                const statements = statementsOf(part);
                if (outsideTransaction(part)) await run(session, statements);
                else await run(session, ['BEGIN', ...statements, 'COMMIT']);
              }
              count++;
              await session.close();
              if (!advice.has(finding.rule)) {
                const again = await reviewSchema({ config, db: copyUrl, pgVersion: major });
                if (again.findings.some((f) => key(f) === key(finding)))
                  failures.push(`${label}: the fix runs but the review still reports it\n${finding.fix}`);
              }
            } catch (error) {
              failures.push(`${label}: ${(error as Error).message}\n${finding.fix}`);
            } finally {
              await session.close().catch(() => {});
              await admin.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
            }
          }
        } finally {
          await admin.close();
          await built.drop();
        }
        tally(major, 'schema rules, corpus', count);
        expect(failures).toEqual([]);
      },
    );
  });
}
