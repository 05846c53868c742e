import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULE_CATEGORIES } from '../../src/core/rule.js';
import { generatedDocs } from '../../src/rules/docs.js';
import { RULE_IDS } from '../../src/rules/ids.js';
import { allRules } from '../../src/rules/index.js';
import { LINT_MODELS, lintRules } from '../../src/rules/lint-rules.js';
import { loadRuleCases } from '../helpers/rule-cases.js';
import { runCases } from '../helpers/rule-tester.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function ruleFiles(): string[] {
  const found: string[] = [];
  for (const category of RULE_CATEGORIES) {
    const dir = join(root, 'src', 'rules', category);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir))
      if (file.endsWith('.ts')) found.push(`${category}/${file.slice(0, -3)}`);
  }
  return found.sort();
}

const casesByRule = await loadRuleCases();

describe('the rule registry', () => {
  it('holds every rule file under src/rules, sorted by id, each once', async () => {
    expect(allRules.map((r) => r.id)).toEqual(ruleFiles());
    expect(new Set(allRules.map((r) => r.id)).size).toBe(allRules.length);
  });

  it('lists every id in RULE_IDS, and every rule of the models lint runs in lintRules, in the same order', () => {
    expect(RULE_IDS).toEqual(allRules.map((r) => r.id));
    expect(lintRules).toEqual(allRules.filter((r) => LINT_MODELS.includes(r.model)));
    expect(lintRules.length).toBeGreaterThan(40);
  });

  it.each(allRules.map((rule) => [rule.id, rule] as const))(
    '%s: its id is its file and its docs page',
    async (id, rule) => {
      const module = (await import(pathToFileURL(join(root, 'src', 'rules', `${id}.ts`)).href)) as {
        default: unknown;
      };
      expect(module.default).toBe(rule);
      expect(rule.docsPath).toBe(`docs/rules/${id}.md`);
      expect(id.startsWith(`${rule.category}/`)).toBe(true);
    },
  );

  it.each(allRules.map((rule) => [rule.id, rule] as const))('%s: has complete documentation', (_id, rule) => {
    expect(rule.summary.length).toBeGreaterThan(10);
    expect(rule.summary).not.toMatch(/[.\n]$/);
    expect(rule.summary).not.toContain('\n');
    expect(rule.docs.why.length).toBeGreaterThan(40);
    expect(rule.docs.howToFix.length).toBeGreaterThan(20);
    expect(() => rule.defaultOptions()).not.toThrow();
    if (rule.pgVersions?.min !== undefined) expect(rule.pgVersions.min).toBeGreaterThanOrEqual(13);
  });

  it.each(allRules.map((rule) => [rule.id] as const))(
    '%s: has test cases that fire and cases that must not',
    (id) => {
      const cases = casesByRule.get(id);
      expect(cases, `test/rules/${id}.cases.ts`).toBeDefined();
      expect(cases!.rule.id).toBe(id);
      expect(cases!.valid.length).toBeGreaterThan(0);
      expect(cases!.invalid.length).toBeGreaterThan(0);
    },
  );

  it('has generated docs pages that are up to date (npm run docs)', () => {
    for (const [path, content] of generatedDocs(allRules)) {
      const file = join(root, 'docs', path);
      expect(existsSync(file), `${relative(root, file)} is missing: run npm run docs`).toBe(true);
      expect(readFileSync(file, 'utf8'), `${relative(root, file)} is stale: run npm run docs`).toBe(content);
    }
  });
});

// the cases that need a server; test/rules/recorded.test.ts runs the others, and the recorded ones, without one
for (const cases of casesByRule.values()) runCases(cases, 'server');
