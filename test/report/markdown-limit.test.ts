import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { createReport } from '../../src/core/report.js';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/report/markdown.js';

/** A report as large as a real project's (hundreds of migrations, thousands of findings with fixes). */
function bigReport(count: number) {
  const severities = ['info', 'warning', 'error'] as const;
  const findings: Finding[] = Array.from({ length: count }, (_, i) => ({
    rule: 'migration/require-concurrent-index',
    severity: severities[i % 3]!,
    message: `CREATE INDEX on "Signature" (${i}) blocks writes to the table for the whole build: ${'x'.repeat(60)}`,
    location: {
      file: `prisma/migrations/2024010100${String(i).padStart(4, '0')}_m/migration.sql`,
      line: 3,
      column: 1,
    },
    fix: `CREATE INDEX CONCURRENTLY "Signature_${i}_idx" ON "Signature" ("recipientId");`,
    docs: 'https://example.invalid/rules/migration/require-concurrent-index',
  }));
  return createReport({ version: '1', command: 'check', findings });
}

describe('markdown report under GitHub comment limit', () => {
  it('cuts a 277 KB-class report to fit, errors first, with counts and a pointer to the full JSON', () => {
    const report = bigReport(1_500);
    const data = `\`\`\`\n${Array.from({ length: 3_000 }, (_, i) => `step ${i} done`).join('\n')}\n\`\`\``;
    const text = renderMarkdown(report, { data });
    expect(text.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    const rows = text
      .split('\n')
      .filter((l) => l.startsWith('| 🔴') || l.startsWith('| 🟡') || l.startsWith('| 🔵'));
    // every error is shown before any info
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.length).toBeLessThan(500);
    expect(rows.every((r) => r.startsWith('| 🔴'))).toBe(true);
    const notShown = 1_500 - rows.length;
    expect(text).toContain(
      `${notShown} of 1500 findings not shown (${500 - rows.length} errors, 500 warnings, 500 info)`,
    );
    expect(text).toContain('`pgwarden check --format json`');
    // the data block keeps its fence closed
    expect(text.split('```').length % 2).toBe(1);
  });

  it('leaves a report that fits as it was', () => {
    const text = renderMarkdown(bigReport(3));
    expect(text).not.toContain('Cut to fit');
    expect(text).toContain('Suggested fixes');
  });

  it('points at the given full report', () => {
    const text = renderMarkdown(bigReport(400), { limit: 10_000, fullReport: 'the check-report artifact' });
    expect(text.length).toBeLessThan(10_000);
    expect(text).toContain('The full report: the check-report artifact.');
  });
});
