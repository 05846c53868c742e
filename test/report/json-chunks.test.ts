import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { Report } from '../../src/core/report.js';
import { createReport } from '../../src/core/report.js';
import { lint } from '../../src/ops/lint.js';
import { renderChunks } from '../../src/report/index.js';
import { renderJsonChunks } from '../../src/report/json.js';

/** What `--format json` has always printed: the envelope through JSON.stringify, indented by two. */
function whole(report: Report): string {
  const { data, ...rest } = report;
  return `${JSON.stringify({ ...rest, ...(data ?? {}) }, null, 2)}\n`;
}

describe('the JSON report in pieces', () => {
  it('joins to exactly the whole report, whatever its values', () => {
    const finding = {
      rule: 'migration/x',
      severity: 'warning' as const,
      message: 'a "quoted"\nmessage',
      location: { file: 'a.sql', line: 1, column: 1 },
      fix: null,
      docs: 'docs/x.md',
    };
    const data = {
      empty: [],
      nothing: undefined,
      callback: () => 1,
      when: new Date(0),
      holes: [1, undefined, () => 2, [], {}, { deep: [{ a: [1, [2]] }] }],
      text: 'line\nbreak',
      nested: { list: [1, 2], none: null },
    };
    for (const report of [
      createReport({ version: '1', command: 'x', findings: [] }),
      createReport({ version: '1', command: 'x', findings: [finding, finding], data }),
    ]) {
      const chunks = [...renderJsonChunks(report)];
      expect(chunks.length).toBeGreaterThan(3);
      expect(chunks.join('')).toBe(whole(report));
    }
  });

  it('joins to the whole report of a real lint, and other formats come whole', async () => {
    const report = await lint({
      sources: [
        {
          file: 'a.sql',
          text: 'CREATE INDEX orders_total ON orders (total);\nALTER TABLE t ADD COLUMN c int;\n',
        },
      ],
      pgVersion: 18,
      config: { config: defaultConfig(), path: null, dir: process.cwd() },
    });
    expect(report.findings.length).toBeGreaterThan(0);
    expect([...renderChunks(report, { format: 'json' })].join('')).toBe(whole(report));
    expect([...renderChunks(report, { format: 'text' })]).toHaveLength(1);
  });
});
