import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRuleSet, ruleSetOf } from '../../src/core/engine.js';
import { defineRule } from '../../src/core/rule.js';

interface Model {
  readonly tables: readonly string[];
}

const countRule = defineRule<Model, { max: number }>({
  id: 'schema/table-count',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'Counts tables',
  docs: { why: 'test', howToFix: 'test' },
  options: z.object({ max: z.number().int().default(1) }),
  check({ model, options, pgVersion, report }) {
    if (model.tables.length > options.max)
      report({
        message: `${model.tables.length} tables on PostgreSQL ${pgVersion}`,
        location: { object: 'db', kind: 'database' },
      });
  },
});

const fromSixteen = defineRule<Model>({
  id: 'schema/from-sixteen',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'info',
  summary: 'Applies from 16',
  docs: { why: 'test', howToFix: 'test' },
  pgVersions: { min: 16 },
  check({ report }) {
    report({ message: 'ran', location: { object: 'db', kind: 'database' } });
  },
});

const needsMonitor = defineRule<Model>({
  id: 'schema/needs-monitor',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'info',
  summary: 'Needs pg_monitor',
  docs: { why: 'test', howToFix: 'test' },
  requires: { privileges: ['pg_monitor'] },
  check({ report }) {
    report({ message: 'ran', location: { object: 'db', kind: 'database' } });
  },
});

const model: Model = { tables: ['a', 'b'] };

describe('rule set', () => {
  it('is built once from a config: the levels and options of its rules section apply to every run', () => {
    const set = createRuleSet([countRule], { rules: { 'schema/table-count': ['error', { max: 5 }] } });
    expect(set.run('catalog', model, { pgVersion: 18 }).findings).toEqual([]);
    const strict = createRuleSet([countRule], { rules: { 'schema/table-count': 'error' } });
    expect(strict.run('catalog', model, { pgVersion: 18 }).findings.map((f) => f.severity)).toEqual([
      'error',
    ]);
    expect(createRuleSet([countRule]).run('catalog', model, { pgVersion: 18 }).findings).toHaveLength(1);
  });

  it('refuses an unknown rule or bad options when it is built, before any run', () => {
    expect(() => createRuleSet([countRule], { rules: { 'schema/table-cuont': 'error' } })).toThrow(
      /unknown rule "schema\/table-cuont"/,
    );
    expect(() =>
      createRuleSet([countRule], { rules: { 'schema/table-count': ['error', { max: 'x' }] } }),
    ).toThrow(/max/);
  });

  it('with only some rules, knows the others: their settings are left to the commands that run them', () => {
    const known = ['schema/elsewhere', 'schema/table-count'];
    const set = createRuleSet(
      [countRule],
      { rules: { 'schema/elsewhere': ['error', { any: 'thing' }] } },
      known,
    );
    expect(set.known).toEqual(new Set(known));
    expect(set.run('catalog', model, { pgVersion: 18 }).findings).toHaveLength(1);
    expect(() => createRuleSet([countRule], { rules: { 'schema/elsewere': 'off' } }, known)).toThrow(
      /unknown rule "schema\/elsewere".*|did you mean "schema\/elsewhere"/,
    );
  });

  it('hands each rule the PostgreSQL major of the run, and skips the rules outside their versions', () => {
    const set = ruleSetOf([countRule, fromSixteen]);
    const on15 = set.run('catalog', model, { pgVersion: 15 });
    expect(on15.findings.map((f) => f.message)).toEqual(['2 tables on PostgreSQL 15']);
    expect(on15.skipped.map((s) => s.rule)).toEqual(['schema/from-sixteen']);
    expect(on15.ran).toEqual(['schema/table-count']);
    expect(set.run('catalog', model, { pgVersion: 17 }).findings.map((f) => f.message)).toEqual([
      '2 tables on PostgreSQL 17',
      'ran',
    ]);
  });

  it('skips the rules whose privileges the capabilities lack, and runs only the rules of the kind', () => {
    const set = ruleSetOf([needsMonitor]);
    const none = { privileges: new Set<never>(), extensions: new Set<string>() };
    expect(set.run('catalog', model, { pgVersion: 18, capabilities: none }).skipped[0]?.reason).toMatch(
      /pg_monitor/,
    );
    expect(set.run('catalog', model, { pgVersion: 18 }).findings).toHaveLength(1);
    expect(set.run('sql', model, { pgVersion: 18 }).ran).toEqual([]);
  });

  it('knows the ids of all its rules, enabled or not', () => {
    const set = createRuleSet([countRule, fromSixteen], { rules: { 'schema/from-sixteen': 'off' } });
    expect([...set.known]).toEqual(['schema/table-count', 'schema/from-sixteen']);
    expect(set.run('catalog', model, { pgVersion: 18 }).ran).toEqual(['schema/table-count']);
  });
});
