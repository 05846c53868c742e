import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKLIST } from '../../src/check/checklist.js';
import { RULE_CATEGORIES } from '../../src/core/rule.js';
import { allRules } from '../../src/rules/index.js';

/**
 * Rule ids named by hand outside the rules themselves must name rules: a misspelt id in the checklist would silently
 * fall back to its section's `prefix/*` box, and one in --fix's tables would never match a finding.
 */
const SRC = resolve(import.meta.dirname, '../../src');
const ids = new Set(allRules.map((rule) => rule.id));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('rule ids named outside the rules', () => {
  it('every id a checklist box names is a rule, and every `prefix/*` covers one', () => {
    const unknown: string[] = [];
    for (const section of CHECKLIST) {
      for (const box of section.boxes) {
        for (const pattern of box.rules) {
          const known = pattern.endsWith('/*')
            ? allRules.some((rule) => rule.id.startsWith(pattern.slice(0, -1)))
            : ids.has(pattern);
          if (!known) unknown.push(`${section.id}/${box.id}: ${pattern}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('every rule id written as a string in src/ outside src/rules (the checklist, --fix, the config) is a rule', () => {
    const literal = new RegExp(
      `['"\`]((?:${RULE_CATEGORIES.join('|')})/[a-z0-9]+(?:-[a-z0-9]+)*)['"\`]`,
      'g',
    );
    const unknown: string[] = [];
    let named = 0;
    for (const file of sourceFiles(SRC)) {
      const path = relative(SRC, file);
      if (path.startsWith('rules/')) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(literal)) {
        named++;
        if (!ids.has(match[1]!)) unknown.push(`${path}: ${match[1]}`);
      }
    }
    expect(unknown).toEqual([]);
    // the scan sees the checklist's ~60 ids and --fix's: an empty scan would prove nothing
    expect(named).toBeGreaterThan(60);
  });
});
