import { readFileSync } from 'node:fs';
import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { createReport } from '../../src/core/report.js';
import { renderMigrateResult } from '../../src/migrate/render.js';
import type { MigrateResult } from '../../src/migrate/runner.js';
import { explainQuery } from '../../src/ops/explain.js';
import { lint } from '../../src/ops/lint.js';
import { migrateReport } from '../../src/ops/migrate.js';
import {
  renderExplainData,
  renderLintData,
  renderMigrateData,
  renderVerifyData,
} from '../../src/ops/render.js';
import type { VerifyData } from '../../src/ops/verify.js';

const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };
const plain = createColors(false);

describe('the renderers both faces call', () => {
  it('render an explain report from its data alone, as the JSON output carries it', async () => {
    const plan = readFileSync(new URL('../fixtures/plans/pg18-bitmap-lossy.json', import.meta.url), 'utf8');
    const report = await explainQuery({ config, plan, env: {} });
    const text = renderExplainData(report, plain, { width: 100 });
    expect(text.split('\n')[0]).toBe('The plan in the input (no database: the plan alone)');
    expect(text).toMatch(/Aggregate/);
    for (const finding of report.findings) {
      const id = finding.evidence?.nodeId;
      if (typeof id === 'number') expect(text).toContain(`◀ node ${id + 1}`);
    }
    // what a face holds after JSON (no `root` in the plan) renders the same
    expect(renderExplainData(JSON.parse(JSON.stringify(report)), plain, { width: 100 })).toBe(text);
  });

  it('render a lint of SQL text with each statement and its locks, under the name it was given', async () => {
    const report = await lint({
      sources: [{ file: 'input.sql', text: 'CREATE INDEX orders_status_idx ON orders (status);\n' }],
      config,
    });
    const text = renderLintData(report, plain, { cwd: '/somewhere/else' });
    expect(text).toMatch(/^Linted 1 file \(1 statement touching tables\) for PostgreSQL 18$/m);
    expect(text).toMatch(
      /^ {2}input\.sql:1 CREATE INDEX .* → public\.orders ShareLock \(blocks writes\); reads all of public\.orders$/m,
    );
  });

  it('list at most 25 statements with their locks in text, and say how many more the JSON has', async () => {
    const text = Array.from({ length: 30 }, (_, i) => `CREATE INDEX t_${i}_idx ON t${i} (id);`).join('\n');
    const report = await lint({ sources: [{ file: 'many.sql', text }], config });
    expect(report.data?.statements).toHaveLength(30);
    const rendered = renderLintData(report, plain);
    expect(rendered.split('\n').filter((line) => line.startsWith('  many.sql:'))).toHaveLength(25);
    expect(rendered).toMatch(/^ {2}… and 5 statements more \(--format json lists every one\)$/m);
  });

  it('render the verdicts of migrate verify', () => {
    const report = createReport<VerifyData>({
      version: '0',
      command: 'migrate verify',
      findings: [],
      data: {
        verify: {
          server: 'PostgreSQL 16.4 (embedded)',
          pgVersion: 16,
          ms: 12.4,
          results: [
            {
              version: '1',
              name: 'init',
              file: 'a.sql',
              downLine: 3,
              verdict: 'reversible',
              differences: null,
              error: null,
              ms: 1,
            },
            {
              version: '2',
              name: 'keep',
              file: 'b.sql',
              downLine: 3,
              verdict: 'not reversible',
              differences: null,
              error: null,
              ms: 1,
            },
          ],
        },
      },
    });
    expect(renderVerifyData(report, plain).split('\n')).toEqual([
      'Verified 2 migration(s) on a scratch database of PostgreSQL 16.4 (embedded) in 12 ms',
      `  ✔ 1 ${'init'.padEnd(32)} reversible`,
      `  ✖ 2 ${'keep'.padEnd(32)} not reversible`,
    ]);
  });

  it('build the report of a migrate result, rendered as the result is', () => {
    const result: MigrateResult = {
      database: 'db',
      runs: [],
      plan: [],
      preflight: [],
      statuses: [],
      drift: null,
    };
    const report = migrateReport('status', result);
    expect(report).toMatchObject({ command: 'migrate status', findings: [], data: result });
    expect(renderMigrateData(report, plain)).toBe(renderMigrateResult(result, plain));
  });

  it('a dry run lists each statement whole, as written, never cut', () => {
    const long = `ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT '${'x'.repeat(200)}'`;
    const result: MigrateResult = {
      database: 'db',
      runs: [],
      plan: [
        {
          version: '1',
          name: 'a',
          direction: 'up',
          transaction: true,
          statements: [long, 'CREATE FUNCTION f() RETURNS int\nLANGUAGE sql AS $$ SELECT 1; $$;'],
          guard: [],
        },
      ],
      preflight: [],
      statuses: [],
      drift: null,
    };
    const text = renderMigrateResult(result, plain);
    expect(text).toContain(`  ${long};\n`);
    expect(text).toContain('  CREATE FUNCTION f() RETURNS int\n  LANGUAGE sql AS $$ SELECT 1; $$;\n');
  });
});
