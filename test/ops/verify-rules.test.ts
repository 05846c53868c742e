import { describe, expect, it } from 'vitest';
import { ruleSetOf } from '../../src/core/engine.js';
import { defineRule } from '../../src/core/rule.js';
import { openTarget } from '../../src/db/target.js';
import type { VerifyResult } from '../../src/lint/reversibility.js';
import { verifyReport } from '../../src/ops/verify.js';
import { useEmbeddedServer } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';

/** Reports the major it was run for. */
const sawMajor = defineRule<VerifyResult>({
  id: 'migration/test-saw-major',
  category: 'migration',
  model: 'reversibility',
  defaultSeverity: 'info',
  summary: 'Says the major it ran for',
  docs: { why: 'test', howToFix: 'test' },
  check({ model, pgVersion, report }) {
    report({
      message: `ran for PostgreSQL ${pgVersion}`,
      location: { file: model.results[0]?.file ?? 'none', line: 1, column: 1 },
    });
  },
});

/** A rule only for servers before 17: skipped when the version is not the server's. */
const beforeSeventeen = defineRule<VerifyResult>({
  id: 'migration/test-before-17',
  category: 'migration',
  model: 'reversibility',
  defaultSeverity: 'info',
  summary: 'Applies up to 16',
  docs: { why: 'test', howToFix: 'test' },
  pgVersions: { max: 16 },
  check({ report }) {
    report({ message: 'ran', location: { file: 'x', line: 1, column: 1 } });
  },
});

const server = useEmbeddedServer(16);

describe('migrate verify runs the reversibility rules', () => {
  it('for the major of the server it verified on, not a fixed one', async () => {
    const project = migrationProject({
      '20240101000000_init.sql': migration(
        'CREATE TABLE orders (id bigint PRIMARY KEY);',
        'DROP TABLE orders;',
      ),
    });
    const target = await openTarget({ db: server().url });
    try {
      const report = await verifyReport(target, project.config, {
        ruleSet: ruleSetOf([sawMajor, beforeSeventeen]),
      });
      expect(report.data?.verify.pgVersion).toBe(16);
      expect(report.data?.verify.server).toMatch(/^PostgreSQL 16/);
      expect(report.findings.map((f) => [f.rule, f.message]).sort()).toEqual([
        ['migration/test-before-17', 'ran'],
        ['migration/test-saw-major', 'ran for PostgreSQL 16'],
      ]);
      expect(report.skipped).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
