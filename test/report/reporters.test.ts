import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { createReport, exitCodeFor } from '../../src/core/report.js';
import { render } from '../../src/report/index.js';
import { allRules } from '../../src/rules/index.js';

const findings: Finding[] = [
  {
    rule: 'sql/syntax-error',
    severity: 'error',
    message: 'syntax error: syntax error at or near "SELEC"',
    location: { file: 'migrations/002_add, orders.sql', line: 12, column: 3 },
    fix: null,
    docs: 'docs/rules/sql/syntax-error.md',
  },
  {
    rule: 'sql/ignore-without-reason',
    severity: 'warning',
    message: 'pgwarden-ignore x has no reason: it | suppresses nothing\nsecond line 100%',
    location: { file: 'migrations/001_init.sql', line: 1, column: 1 },
    fix: '-- pgwarden-ignore x: <why this is safe here>',
    docs: 'docs/rules/sql/ignore-without-reason.md',
  },
  {
    rule: 'sql/unused-ignore',
    severity: 'info',
    message: 'an object finding',
    location: { object: 'public.orders', kind: 'table' },
    fix: 'CREATE INDEX CONCURRENTLY idx_orders_user_id ON orders (user_id);',
    docs: 'docs/rules/sql/unused-ignore.md',
  },
];

const report = createReport({
  version: '1.2.3',
  command: 'lint',
  findings,
  skipped: [{ rule: 'sql/other', reason: 'applies to PostgreSQL 16 and later' }],
  data: { pgVersion: 16 },
});

describe('report', () => {
  it('sorts findings and counts them per severity', () => {
    expect(report.findings.map((f) => f.rule)).toEqual([
      'sql/ignore-without-reason',
      'sql/syntax-error',
      'sql/unused-ignore',
    ]);
    expect(report.summary).toEqual({ error: 1, warning: 1, info: 1, total: 3 });
  });

  it('derives the exit code from --fail-on', () => {
    expect(exitCodeFor(report, 'error')).toBe(1);
    expect(exitCodeFor(report, 'none')).toBe(0);
    const onlyInfo = createReport({ version: '1', command: 'x', findings: [findings[2]!] });
    expect(exitCodeFor(onlyInfo, 'warning')).toBe(0);
    expect(exitCodeFor(onlyInfo, 'info')).toBe(1);
    expect(exitCodeFor(createReport({ version: '1', command: 'x', findings: [] }), 'info')).toBe(0);
  });
});

describe('json reporter', () => {
  it('prints exactly the contract, plus the command data', () => {
    const json = JSON.parse(render(report, { format: 'json' }));
    expect(Object.keys(json)).toEqual([
      'tool',
      'version',
      'command',
      'findings',
      'summary',
      'skipped',
      'pgVersion',
    ]);
    expect(json.tool).toBe('pgwarden');
    expect(json.summary).toEqual({ error: 1, warning: 1, info: 1, total: 3 });
    for (const finding of json.findings) {
      expect(Object.keys(finding)).toEqual(['rule', 'severity', 'message', 'location', 'fix', 'docs']);
    }
    expect(json.findings[2].location).toEqual({ object: 'public.orders', kind: 'table' });
    expect(json.findings[1].fix).toBeNull();
  });
});

describe('sarif reporter', () => {
  const schemaPath = createRequire(import.meta.url).resolve(
    '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
  );
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // the schema shipped with Microsoft's SARIF matchers is JSON Schema draft-04
  const ajv = new Ajv04.default({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);

  it('is valid SARIF 2.1.0', () => {
    const sarif = JSON.parse(render(report, { format: 'sarif', rules: allRules }));
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check catches an invalid log', () => {
    const sarif = JSON.parse(render(report, { format: 'sarif', rules: allRules }));
    sarif.runs[0].results[0].level = 'info';
    expect(validate(sarif)).toBe(false);
  });

  it('stays valid with no findings', () => {
    const empty = createReport({ version: '1.2.3', command: 'lint', findings: [] });
    expect(validate(JSON.parse(render(empty, { format: 'sarif', rules: allRules })))).toBe(true);
  });

  it('maps severities, physical and logical locations and rule metadata', () => {
    const sarif = JSON.parse(render(report, { format: 'sarif', rules: allRules }));
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('pgwarden');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'sql/ignore-without-reason',
      'sql/syntax-error',
      'sql/unused-ignore',
    ]);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(['warning', 'error', 'note']);
    expect(run.results[1].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'migrations/002_add,%20orders.sql', uriBaseId: '%SRCROOT%' },
      region: { startLine: 12, startColumn: 3 },
    });
    expect(run.results[2].locations[0].logicalLocations).toEqual([
      { fullyQualifiedName: 'public.orders', kind: 'table' },
    ]);
    expect(run.results[1].ruleIndex).toBe(1);
  });
});

describe('github reporter', () => {
  it('writes one escaped workflow command per finding', () => {
    const lines = render(report, { format: 'github' }).trimEnd().split('\n');
    expect(lines[0]).toBe(
      '::warning file=migrations/001_init.sql,line=1,col=1,title=pgwarden sql/ignore-without-reason::pgwarden-ignore x has no reason: it | suppresses nothing%0Asecond line 100%25%0Afix: -- pgwarden-ignore x: <why this is safe here>',
    );
    expect(lines[1]).toBe(
      '::error file=migrations/002_add%2C orders.sql,line=12,col=3,title=pgwarden sql/syntax-error::syntax error: syntax error at or near "SELEC"',
    );
    expect(lines[2]).toMatch(
      /^::notice title=pgwarden sql\/unused-ignore::public\.orders \(table\): an object finding/,
    );
    expect(lines[3]).toBe('pgwarden lint: 1 errors, 1 warnings, 1 info');
  });
});

describe('markdown reporter', () => {
  it('renders a table with escaped cells and the fixes', () => {
    const md = render(report, { format: 'markdown' });
    expect(md).toContain('### pgwarden lint');
    expect(md).toContain('**1** error, **1** warning, **1** info');
    expect(md).toContain('it \\| suppresses nothing<br>second line');
    expect(md).toContain('[`sql/syntax-error`](docs/rules/sql/syntax-error.md)');
    expect(md).toContain('```sql\nCREATE INDEX CONCURRENTLY idx_orders_user_id ON orders (user_id);\n```');
    expect(md).toContain('1 rule(s) skipped');
  });

  it('says so when there is nothing to report', () => {
    expect(
      render(createReport({ version: '1', command: 'check', findings: [] }), { format: 'markdown' }),
    ).toContain('✅ No findings.');
  });
});

describe('text reporter', () => {
  it('groups by file or object, shows positions and fixes, and ends with the counts', () => {
    const text = render(report, { format: 'text', color: false });
    expect(text).toContain('migrations/001_init.sql\n  1:1      warning  pgwarden-ignore x has no reason');
    expect(text).toContain('fix: -- pgwarden-ignore x: <why this is safe here>');
    expect(text).toContain('public.orders (table)\n');
    expect(text.trimEnd().split('\n').slice(-3)[0]).toBe('✖ 3 findings (1 error, 1 warning, 1 info)');
    expect(text).toContain('sql/other: applies to PostgreSQL 16 and later');
    expect(text).not.toContain('\u001b[');
  });

  it('colours only when asked', () => {
    expect(render(report, { format: 'text', color: true })).toContain('\u001b[31m');
  });

  it('says there are no findings', () => {
    expect(
      render(createReport({ version: '1', command: 'inspect', findings: [] }), { format: 'text' }),
    ).toContain('✔ inspect: no findings');
  });
});
