import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveRuleSettings, runRules } from '../../src/core/engine.js';
import { reachesThreshold, sortFindings } from '../../src/core/finding.js';
import { defineRule } from '../../src/core/rule.js';
import { closest } from '../../src/core/suggest.js';
import { applySuppressions } from '../../src/core/suppression.js';

interface Model {
  readonly tables: readonly string[];
}

const tableRule = defineRule<Model, { maxTables: number }>({
  id: 'schema/too-many-tables',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Too many tables',
  docs: { why: 'test', howToFix: 'test' },
  options: z.object({ maxTables: z.number().int().default(2) }),
  check({ model, options, report }) {
    if (model.tables.length > options.maxTables) {
      report({ message: `${model.tables.length} tables`, location: { object: 'db', kind: 'database' } });
    }
    for (const table of model.tables) {
      if (table.startsWith('tmp'))
        report({
          message: `temporary ${table}`,
          location: { object: `public.${table}`, kind: 'table' },
          severity: 'info',
        });
    }
  },
});

const newRule = defineRule<Model>({
  id: 'schema/pg16-only',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'error',
  summary: 'Applies from 16',
  docs: { why: 'test', howToFix: 'test' },
  pgVersions: { min: 16 },
  check({ report }) {
    report({ message: 'ran', location: { object: 'db', kind: 'database' } });
  },
});

const monitorRule = defineRule<Model>({
  id: 'health/needs-monitor',
  category: 'health',
  model: 'catalog',
  defaultSeverity: 'info',
  summary: 'Needs pg_monitor',
  docs: { why: 'test', howToFix: 'test' },
  requires: { privileges: ['pg_monitor'] },
  check({ report }) {
    report({ message: 'ran', location: { object: 'db', kind: 'database' } });
  },
});

const model: Model = { tables: ['a', 'b', 'tmp_c'] };

describe('rule engine', () => {
  it('runs rules of the model kind with their default options and severities', () => {
    const run = runRules({ rules: [tableRule], kind: 'catalog', model, pgVersion: 18 });
    expect(run.findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ['schema/too-many-tables', 'warning', '3 tables'],
      ['schema/too-many-tables', 'info', 'temporary tmp_c'],
    ]);
    expect(run.findings[0]!.docs).toBe('docs/rules/schema/too-many-tables.md');
    expect(run.findings[0]!.fix).toBeNull();
  });

  it('does not run rules of another model kind', () => {
    expect(runRules({ rules: [tableRule], kind: 'sql', model, pgVersion: 18 }).findings).toEqual([]);
  });

  it("applies configured levels and options; a configured level wins over a finding's own severity", () => {
    const settings = resolveRuleSettings({ 'schema/too-many-tables': ['error', { maxTables: 5 }] }, [
      tableRule,
    ]);
    const run = runRules({ rules: [tableRule], kind: 'catalog', model, pgVersion: 18, settings });
    expect(run.findings.map((f) => [f.severity, f.message])).toEqual([['error', 'temporary tmp_c']]);
    const off = resolveRuleSettings({ 'schema/too-many-tables': 'off' }, [tableRule]);
    expect(
      runRules({ rules: [tableRule], kind: 'catalog', model, pgVersion: 18, settings: off }).findings,
    ).toEqual([]);
  });

  it('rejects invalid options with the option path', () => {
    expect(() =>
      resolveRuleSettings({ 'schema/too-many-tables': ['error', { maxTables: 'x' }] }, [tableRule]),
    ).toThrow(/maxTables/);
  });

  it('skips rules outside their PostgreSQL versions and says why', () => {
    const on15 = runRules({ rules: [newRule], kind: 'catalog', model, pgVersion: 15 });
    expect(on15.findings).toEqual([]);
    expect(on15.skipped).toEqual([
      { rule: 'schema/pg16-only', reason: expect.stringMatching(/PostgreSQL 16 and later.*15/) },
    ]);
    expect(runRules({ rules: [newRule], kind: 'catalog', model, pgVersion: 16 }).findings).toHaveLength(1);
  });

  it('skips rules that need a privilege the role lacks, only when capabilities are known', () => {
    const without = runRules({
      rules: [monitorRule],
      kind: 'catalog',
      model,
      pgVersion: 18,
      capabilities: { privileges: new Set(), extensions: new Set() },
    });
    expect(without.skipped[0]?.reason).toMatch(/pg_monitor/);
    const withIt = runRules({
      rules: [monitorRule],
      kind: 'catalog',
      model,
      pgVersion: 18,
      capabilities: { privileges: new Set(['pg_monitor']), extensions: new Set() },
    });
    expect(withIt.findings).toHaveLength(1);
    expect(runRules({ rules: [monitorRule], kind: 'catalog', model, pgVersion: 18 }).findings).toHaveLength(
      1,
    );
  });

  it('turns a crashing rule into a clear internal error naming the rule', () => {
    const crashing = defineRule<Model>({
      id: 'schema/crashes',
      category: 'schema',
      model: 'catalog',
      defaultSeverity: 'error',
      summary: 'x',
      docs: { why: 'x', howToFix: 'x' },
      check() {
        throw new Error('boom');
      },
    });
    expect(() => runRules({ rules: [crashing], kind: 'catalog', model, pgVersion: 18 })).toThrow(
      /rule schema\/crashes failed: boom/,
    );
  });

  it('refuses malformed rule ids', () => {
    const spec = {
      category: 'schema',
      model: 'catalog',
      defaultSeverity: 'error',
      summary: 'x',
      docs: { why: 'x', howToFix: 'x' },
      check() {},
    } as const;
    expect(() => defineRule({ ...spec, id: 'NoCategory' })).toThrow(/category\/kebab-name/);
    expect(() => defineRule({ ...spec, id: 'migration/x' })).toThrow(/must start with its category/);
  });

  it('suggests close names only', () => {
    expect(closest('sql/syntax-eror', ['sql/syntax-error', 'sql/unused-ignore'])).toBe('sql/syntax-error');
    expect(closest('completely-different', ['sql/syntax-error'])).toBeNull();
  });
});

describe('findings', () => {
  it('compares severities against --fail-on', () => {
    expect(reachesThreshold('error', 'error')).toBe(true);
    expect(reachesThreshold('warning', 'error')).toBe(false);
    expect(reachesThreshold('warning', 'warning')).toBe(true);
    expect(reachesThreshold('info', 'warning')).toBe(false);
    expect(reachesThreshold('info', 'info')).toBe(true);
    expect(reachesThreshold('error', 'none')).toBe(false);
  });

  it('sorts by file position (numerically), then object, then severity', () => {
    const f = (file: string, line: number) => ({
      rule: 'a/b',
      severity: 'info' as const,
      message: '',
      fix: null,
      docs: '',
      location: { file, line, column: 1 },
    });
    const sorted = sortFindings([f('b.sql', 2), f('a.sql', 10), f('a.sql', 9)]);
    expect(
      sorted.map((x) => `${(x.location as { file: string }).file}:${(x.location as { line: number }).line}`),
    ).toEqual(['a.sql:9', 'a.sql:10', 'b.sql:2']);
  });
});

describe('suppressions', () => {
  const finding = (rule: string, line: number) => ({
    rule,
    severity: 'error' as const,
    message: 'm',
    fix: null,
    docs: '',
    location: { file: 'm.sql', line, column: 1 },
  });
  const suppression = (
    rules: string[],
    reason: string | null,
    fromLine: number,
    toLine: number,
    objects: string[] = [],
  ) => ({
    rules,
    reason,
    location: { file: 'm.sql', line: fromLine - 1, column: 1 },
    scope: { file: 'm.sql', fromLine, toLine, objects },
  });

  it('suppresses matching findings in the covered lines only', () => {
    const result = applySuppressions(
      [finding('a/x', 3), finding('a/x', 7), finding('a/y', 3)],
      [suppression(['a/x'], 'accepted', 2, 4)],
    );
    expect(result.suppressed.map((f) => f.location)).toEqual([{ file: 'm.sql', line: 3, column: 1 }]);
    expect(result.kept).toHaveLength(2);
    expect(result.unused).toEqual([]);
  });

  it('reports per rule which ignores silenced nothing', () => {
    const result = applySuppressions([finding('a/x', 3)], [suppression(['a/x', 'a/z'], 'accepted', 2, 4)]);
    expect(result.unused.map((u) => u.rule)).toEqual(['a/z']);
  });

  it('an ignore without a reason suppresses nothing', () => {
    const result = applySuppressions([finding('a/x', 3)], [suppression(['a/x'], null, 2, 4)]);
    expect(result.kept).toHaveLength(1);
    expect(result.unused).toEqual([]);
  });

  it('covers findings on the objects the statement creates', () => {
    const objectFinding = {
      ...finding('schema/x', 1),
      location: { object: 'public.orders.total', kind: 'column' as const },
    };
    const other = {
      ...finding('schema/x', 1),
      location: { object: 'public.orders_archive', kind: 'table' as const },
    };
    const result = applySuppressions(
      [objectFinding, other],
      [suppression(['schema/x'], 'legacy', 2, 4, ['public.orders'])],
    );
    expect(result.suppressed).toEqual([objectFinding]);
    expect(result.kept).toEqual([other]);
  });
});
