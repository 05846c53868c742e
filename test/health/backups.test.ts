import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { renderHealthData } from '../../src/health/render.js';
import { checkHealth } from '../../src/ops/health.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();

/** A whole-database backup as `pgwarden backup create` leaves it (its manifest), verified by restoring or not. */
function plantBackup(dir: string, at: string, verified: boolean): string {
  const id = `shop-${at.replace(/[-:]/g, '')}`;
  mkdirSync(join(dir, id), { recursive: true });
  writeFileSync(
    join(dir, id, 'manifest.json'),
    JSON.stringify({
      format: 'pgwarden-backup/1',
      kind: 'database',
      createdAt: at,
      durationMs: 1000,
      database: 'postgres://app@db.example:5432/shop',
      serverVersion: '15.20',
      pgDumpVersion: 'pg_dump (PostgreSQL) 15.20',
      files: [],
      bytes: 1000,
      rowCounts: {},
    }),
  );
  if (verified) {
    const record = { verifiedAt: at, level: 'restore', ok: true, durationMs: 1, problems: [], restore: null };
    writeFileSync(
      join(dir, id, 'verification.json'),
      JSON.stringify({ latest: record, lastRestore: record }),
    );
  }
  return id;
}

describe('pgwarden health and the project backups', () => {
  it('says how old the newest verified backup is, or that none is verified, when the folder has backups', async () => {
    const project = mkdtempSync(join(tmpdir(), 'pgwarden-health-backups-'));
    const config = { config: parseConfig({ backups: { dir: 'backups' } }, 'test'), path: null, dir: project };
    const plain = createColors(false);

    const none = await checkHealth({ config, db: db().url });
    expect(none.data!.backups).toBeUndefined();

    plantBackup(join(project, 'backups'), '2026-01-02T03:00:00.000Z', false);
    const unverified = await checkHealth({ config, db: db().url });
    expect(unverified.data!.backups).toMatchObject({ backups: 1, newestVerified: null });
    expect(renderHealthData(unverified, plain)).toMatch(/backups\s+none of the 1 in .* is verified/);

    const id = plantBackup(join(project, 'backups'), new Date(Date.now() - 3_600_000).toISOString(), true);
    const verified = await checkHealth({ config, db: db().url });
    expect(verified.data!.backups!.newestVerified!.id).toBe(id);
    expect(verified.data!.backups!.newestVerified!.ageSeconds).toBeGreaterThan(3_500);
    expect(renderHealthData(verified, plain)).toMatch(
      new RegExp(`backups\\s+the newest verified is .* old \\(${id}\\)`),
    );
  });
});
