import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CatalogSnapshot } from '../../src/catalog/model.js';
import { defineRule } from '../../src/core/rule.js';
import { defineCases, evaluateCase, runCases } from '../helpers/rule-tester.js';

/** A throw-away catalog rule: proves the tester runs database rules on a real server. */
const noPrimaryKey = defineRule<CatalogSnapshot, { ignoreSchemas: string[] }>({
  id: 'schema/tester-no-primary-key',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'A table without a primary key (tester fixture)',
  docs: { why: 'fixture for the rule tester', howToFix: 'fixture for the rule tester' },
  options: z.object({ ignoreSchemas: z.array(z.string()).default([]) }),
  check({ model, options, report }) {
    for (const table of model.tables) {
      if (table.kind !== 'table' || options.ignoreSchemas.includes(table.schema)) continue;
      if (!table.constraints.some((c) => c.type === 'primary key')) {
        report({
          message: `${table.qualifiedName} has no primary key`,
          location: { object: table.qualifiedName, kind: 'table' },
        });
      }
    }
  },
});

describe('the rule tester', () => {
  it('runs a catalog case on a fresh database of a real server', async () => {
    const findings = await evaluateCase(noPrimaryKey, {
      setup: 'CREATE TABLE a (id int); CREATE TABLE b (id int PRIMARY KEY);',
    });
    expect(findings.map((f) => [f.location, f.severity])).toEqual([
      [{ object: 'public.a', kind: 'table' }, 'warning'],
    ]);
  });

  it('passes the case options to the rule', async () => {
    const findings = await evaluateCase(noPrimaryKey, {
      setup: 'CREATE SCHEMA legacy; CREATE TABLE legacy.a (id int);',
      options: { ignoreSchemas: ['legacy'] },
    });
    expect(findings).toEqual([]);
  });

  it('reviews what the schema review reviews: not the migration history schema', async () => {
    // the tester once built its own model and reviewed the history table that `pgwarden schema` leaves out
    const findings = await evaluateCase(noPrimaryKey, {
      setup: 'CREATE SCHEMA pgwarden; CREATE TABLE pgwarden.history (version text); CREATE TABLE a (id int);',
    });
    expect(findings.map((f) => f.location)).toEqual([{ object: 'public.a', kind: 'table' }]);
  });

  it('reports what a SQL rule reports, and nothing from other rules', async () => {
    const { default: syntaxError } = await import('../../src/rules/sql/syntax-error.js');
    const findings = await evaluateCase(syntaxError, {
      sql: '-- pgwarden-ignore sql/syntax-error\nSELEC 1;',
    });
    expect(findings.map((f) => f.rule)).toEqual(['sql/syntax-error']);
  });
});

runCases(
  defineCases(noPrimaryKey, {
    valid: [{ setup: 'CREATE TABLE ok (id int PRIMARY KEY)' }, { setup: 'CREATE VIEW v AS SELECT 1 AS x' }],
    invalid: [
      {
        setup: 'CREATE TABLE bad (id int)',
        findings: [{ object: 'public.bad', message: 'public.bad has no primary key' }],
      },
    ],
  }),
);
