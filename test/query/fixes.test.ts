import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createRuleSet } from '../../src/core/engine.js';
import type { Finding } from '../../src/core/finding.js';
import type { Connection } from '../../src/db/connection.js';
import { checkQueries } from '../../src/ops/query-check.js';
import { loadQuerySchema } from '../../src/query/schema.js';
import { isCodeFile } from '../../src/query/sources.js';
import { allRules } from '../../src/rules/index.js';
import { loadParser, parseSqlSync } from '../../src/sql/parser.js';
import { createTestDatabase } from '../helpers/db.js';
import type { QueryCase, RuleCases } from '../helpers/rule-tester.js';

const dir = fileURLToPath(new URL('../rules/query', import.meta.url));
const all: RuleCases[] = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.cases.ts'))
  .sort()) {
  all.push(((await import(pathToFileURL(join(dir, file)).href)) as { default: RuleCases }).default);
}

async function check(rule: string, testCase: QueryCase, connection: Connection | null): Promise<Finding[]> {
  const schema = connection
    ? await loadQuerySchema(connection, testCase.schemaSource ?? 'live', parseConfig({}, 'case'))
    : null;
  const file = testCase.file ?? 'case.sql';
  // options without a level, as a config that sets only options: findings keep their own severity
  const ruleSet = createRuleSet(allRules, {
    rules: testCase.options ? { [rule]: { options: testCase.options } } : {},
  });
  const source = {
    file,
    kind: isCodeFile(file) ? ('code' as const) : ('sql' as const),
    text: testCase.query,
  };
  const result = await checkQueries([source], { schema, ruleSet });
  return result.findings.filter((f) => f.rule === rule);
}

/** The statements of a fix (its comment lines dropped). */
function statementsOf(fix: string): string[] {
  const parsed = parseSqlSync(fix, { file: 'fix.sql' });
  expect(parsed.syntaxErrors, `the fix parses: ${fix}`).toEqual([]);
  return parsed.statements.map((s) => s.text);
}

const isIndexFix = (finding: Finding) => finding.fix !== null && /CREATE INDEX/.test(finding.fix);

/**
 * Every fix the query rules propose is SQL PostgreSQL accepts: an index fix builds, and afterwards the finding is
 * gone; a rewritten query (and the case's own query) is planned by PostgreSQL against the case's schema.
 */
for (const cases of all) {
  const queryCases = cases.invalid.filter((c): c is QueryCase => 'query' in c);
  const withSchema = queryCases.filter((c) => c.schema !== undefined);
  const withoutSchema = queryCases.filter((c) => c.schema === undefined);
  describe(`${cases.rule.id} fixes`, () => {
    it.each(withSchema.map((c) => [c.name ?? c.query, c] as const))('%s', async (_name, testCase) => {
      await loadParser();
      const db = await createTestDatabase();
      try {
        const connection = await db.connect();
        await connection.query(testCase.schema!);
        await connection.query('ANALYZE');
        const found = await check(cases.rule.id, testCase, connection);
        expect(found.length).toBeGreaterThan(0);
        if (!isCodeFile(testCase.file ?? 'case.sql')) {
          for (const sql of statementsOf(testCase.query))
            await connection.query(`EXPLAIN (GENERIC_PLAN) ${sql}`);
        }
        for (const finding of found) {
          if (!finding.fix || isIndexFix(finding)) continue;
          for (const sql of statementsOf(finding.fix))
            await connection.query(`EXPLAIN (GENERIC_PLAN) ${sql}`);
        }
        const indexFixes = found.filter(isIndexFix);
        if (indexFixes.length === 0) return;
        for (const finding of indexFixes)
          for (const sql of statementsOf(finding.fix!)) await connection.query(sql);
        await connection.query('ANALYZE');
        const left = await check(cases.rule.id, testCase, connection);
        expect(left.map((f) => f.message)).toEqual(found.filter((f) => !isIndexFix(f)).map((f) => f.message));
      } finally {
        await db.drop();
      }
    });
    it.each(withoutSchema.map((c) => [c.name ?? c.query, c] as const))(
      '%s (parses)',
      async (_name, testCase) => {
        await loadParser();
        for (const finding of await check(cases.rule.id, testCase, null))
          if (finding.fix) statementsOf(finding.fix);
      },
    );
  });
}
