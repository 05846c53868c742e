import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * Many files are parsed on worker threads (the built CLI: the worker is dist/sql/parse-worker.js). What lint
 * reports must not depend on it.
 */
describe('lint with parse workers', () => {
  it('reports exactly what it reports without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-workers-'));
    writeFileSync(
      join(dir, '20240101000000_init.sql'),
      '-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, note text);\n',
    );
    for (let i = 1; i <= 60; i++) {
      const version = `202402${String(Math.floor(i / 24) + 10).padStart(2, '0')}${String(i % 24).padStart(2, '0')}0000`;
      const body = [
        '-- migrate:up',
        `\uFEFF-- pgwarden-ignore migration/require-lock-timeout: file ${i}`,
        `ALTER TABLE orders ADD COLUMN c${i} text DEFAULT 'é${i}';`,
        `CREATE INDEX idx_orders_c${i} ON orders (c${i});`,
        i % 7 === 0 ? 'SELEC broken;' : `COMMENT ON COLUMN orders.c${i} IS 'ok';`,
        `DO $$ BEGIN UPDATE orders SET c${i} = 'x' WHERE id = ${i}; END $$;`,
        '-- migrate:down',
        `ALTER TABLE orders DROP COLUMN c${i};`,
      ].join('\n');
      writeFileSync(join(dir, `${version}_change_${i}.sql`), body);
    }
    const run = (workers: string) =>
      runCli(['lint', dir, '--format', 'json', '--fail-on', 'none'], {
        env: { PGWARDEN_PARSE_WORKERS: workers },
      });
    const [without, withWorkers] = await Promise.all([run('0'), run('2')]);
    expect(without.code, without.stderr).toBe(0);
    expect(withWorkers.code, withWorkers.stderr).toBe(0);
    const report = JSON.parse(without.stdout) as { findings: { rule: string }[]; files: string[] };
    expect(report.files).toHaveLength(61);
    expect(report.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['sql/syntax-error', 'migration/require-concurrent-index']),
    );
    expect(withWorkers.stdout).toBe(without.stdout);
  });
});
