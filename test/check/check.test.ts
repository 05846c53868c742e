import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check.js';
import { renderCheckMarkdown } from '../../src/check/render.js';
import { isPgwardenError } from '../../src/core/errors.js';
import { runCli } from '../helpers/cli.js';
import { pg18Url } from '../helpers/db.js';

const SHOP = 'examples/shop';
const CLEAN = 'test/fixtures/check/clean';

/** The problems planted in examples/shop, and the box each one must fail. */
const PLANTED = [
  ['schema/no-float-money', 'types'],
  ['migration/require-concurrent-index', 'locks'],
  ['schema/foreign-key-without-index', 'indexes'],
  ['query/select-star', 'queries'],
  ['query/leading-wildcard-like', 'queries'],
  ['plan/missing-index', 'plans'],
] as const;

describe('pgwarden check', () => {
  it('reports the problems planted in examples/shop, and nothing else', async () => {
    const report = await checkProject({ dir: SHOP, db: pg18Url() });
    expect(report.findings.map((f) => f.rule).sort()).toEqual(PLANTED.map(([rule]) => rule).sort());
    const data = report.data!;
    expect(data.done).toBe(false);
    expect(data.unplaced).toEqual([]);
    const boxes = data.sections.flatMap((s) => s.boxes);
    const failing = boxes.filter((b) => b.status === 'fail').map((b) => b.id);
    // select-star is a warning; the leading wildcard on a 2,000-row table is info: the queries box fails on the first
    expect(failing.sort()).toEqual(['indexes', 'locks', 'plans', 'queries', 'types']);
    for (const [rule, box] of PLANTED) {
      const found = boxes.find((b) => b.id === box)!;
      expect(
        found.findings.map((i) => report.findings[i]!.rule),
        `${rule} in box ${box}`,
      ).toContain(rule);
    }
    expect(data.scope).toMatchObject({ migrations: 3, queries: 4, explained: 4, tables: 6, destructive: 0 });
    // the plan finding points at the query in its file, the plan node kept as evidence
    const plan = report.findings.find((f) => f.rule === 'plan/missing-index')!;
    expect(plan.location).toMatchObject({ file: expect.stringMatching(/queries\/orders\.sql$/), line: 4 });
    expect(plan.evidence?.planLocation).toBeDefined();
    expect(data.steps.map((s) => [s.step, s.status])).toEqual([
      ['lint', 'done'],
      ['reversibility', 'done'],
      ['schema', 'done'],
      ['shadow', 'done'],
      ['queries', 'done'],
      ['explain', 'done'],
      ['guard', 'done'],
    ]);
    const markdown = renderCheckMarkdown(report);
    expect(markdown).toContain('## ❌ pgwarden check');
    expect(markdown).toContain('- [ ] **Columns have the most specific types');
    expect(markdown).toContain('- [x] Every table has a primary key');
  });

  it('ticks every box of a clean project, the guard ready for its destructive migration', async () => {
    const report = await checkProject({ dir: CLEAN, db: pg18Url() });
    expect(report.findings).toEqual([]);
    const data = report.data!;
    expect(data.done).toBe(true);
    const boxes = data.sections.flatMap((s) => s.boxes);
    expect(boxes.filter((b) => b.status === 'fail')).toEqual([]);
    expect(boxes.filter((b) => b.status === 'n/a').map((b) => b.id)).toEqual(['tenancy']);
    expect(boxes.find((b) => b.id === 'guard')!.status).toBe('pass');
    expect(data.scope.destructive).toBe(1);
  });

  it('fails the guard box when pg_dump cannot back up the project’s server', async () => {
    const report = await checkProject({ dir: CLEAN, db: pg18Url(), explain: false });
    expect(report.data!.scope.guard.ready).toBe(true);
    const previous = process.env.PGWARDEN_PG_DUMP;
    process.env.PGWARDEN_PG_DUMP = '/nonexistent/pg_dump';
    try {
      const broken = await checkProject({ dir: CLEAN, db: pg18Url(), explain: false });
      const guard = broken.data!.sections.flatMap((s) => s.boxes).find((b) => b.id === 'guard')!;
      expect(guard.status).toBe('fail');
      expect(guard.reason).toMatch(/the guard cannot back up here: the guard needs pg_dump/);
      expect(broken.data!.done).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.PGWARDEN_PG_DUMP;
      else process.env.PGWARDEN_PG_DUMP = previous;
    }
  });

  it('refuses a folder with nothing to check, or that does not exist, with a clear error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pgwarden-check-'));
    try {
      const error = await checkProject({ dir: empty, db: pg18Url() }).catch((e: unknown) => e);
      expect(isPgwardenError(error) && error.message).toMatch(/^nothing to check in /);
      const missing = await checkProject({ dir: join(empty, 'nope') }).catch((e: unknown) => e);
      expect(isPgwardenError(missing) && missing.message).toMatch(/^no project folder at /);
      writeFileSync(join(empty, 'pgwarden.config.json'), JSON.stringify({ check: { seed: 'seed.sql' } }));
      writeFileSync(join(empty, 'q.sql'), 'SELECT 1;');
      const seed = await checkProject({ dir: empty, db: pg18Url() }).catch((e: unknown) => e);
      expect(isPgwardenError(seed) && seed.message).toMatch(
        /check\.seed names .*seed\.sql, which does not exist/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('is the README main command: the checklist on the embedded server, exit 1 while boxes fail', async () => {
    const result = await runCli(['check', SHOP]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^Schema design$/m);
    expect(result.stdout).toMatch(/✘ Columns have the most specific types/);
    expect(result.stdout).toMatch(/✘ Not done: 5 box\(es\) fail/);
    expect(result.stderr).toMatch(/\[1\/7\] migration lint with lock trace/);
    expect(result.stderr).toMatch(/\[7\/7\] guard readiness/);
    const demo = await runCli(['check', SHOP, '--exit-zero', '--no-explain', '--quiet']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(
      /– Query plans on seeded data are sound .*not applicable: no query could be explained/,
    );
    const json = await runCli(['check', CLEAN, '--format', 'json', '--no-explain']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { command: string; done: boolean };
    expect(parsed).toMatchObject({ command: 'check', done: true });
  });
});
