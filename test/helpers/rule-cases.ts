import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allRules } from '../../src/rules/index.js';
import type { RuleCases } from './rule-tester.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The cases of every rule of the registry that has a test/rules/<id>.cases.ts, by rule id. */
export async function loadRuleCases(): Promise<Map<string, RuleCases>> {
  const casesByRule = new Map<string, RuleCases>();
  for (const rule of allRules) {
    const path = join(root, 'test', 'rules', `${rule.id}.cases.ts`);
    if (existsSync(path)) {
      const module = (await import(pathToFileURL(path).href)) as { default: RuleCases };
      casesByRule.set(rule.id, module.default);
    }
  }
  return casesByRule;
}
