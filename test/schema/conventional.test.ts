import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { reviewSchema } from '../../src/ops/schema-review.js';
import { useTestDatabase } from '../helpers/db.js';

const fixture = (name: string) => new URL(`../fixtures/schema/${name}`, import.meta.url).pathname;
const config = { config: parseConfig({}, 'test'), path: null, dir: '/nonexistent' };

describe('a conventional schema', () => {
  const db = useTestDatabase();

  it('built from its DDL file, gets no finding from any rule', async () => {
    const report = await reviewSchema({ config, files: [fixture('conventional.sql')], db: db().url });
    expect(report.data!.kind).toBe('shadow');
    expect(report.data!.tables).toBe(5);
    expect(report.findings).toEqual([]);
  });

  it('live, with rows and statistics, gets no finding from any rule', async () => {
    await db().exec(readFileSync(fixture('conventional.sql'), 'utf8'));
    await db().exec(readFileSync(fixture('conventional-data.sql'), 'utf8'));
    const report = await reviewSchema({ config, db: db().url });
    expect(report.data!.kind).toBe('live');
    expect(report.findings).toEqual([]);
    expect(report.skipped.map((s) => s.rule)).not.toContain('statistics');
  });
});
