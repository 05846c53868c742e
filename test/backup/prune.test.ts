import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isoWeek } from '../../src/backup/prune.js';
import { defaultConfig } from '../../src/core/config.js';
import { backupList, backupPrune } from '../../src/ops/backup.js';

const SHOP = 'postgres://app@db.example:5432/shop';

/** A backup folder with only its manifest (and a verification record): retention reads nothing else. */
function plant(
  dir: string,
  at: string,
  options: { database?: string; verified?: boolean; failed?: boolean } = {},
) {
  const id = `shop-${at.replace(/[-:]/g, '')}`;
  mkdirSync(join(dir, id));
  writeFileSync(
    join(dir, id, 'manifest.json'),
    JSON.stringify({
      format: 'pgwarden-backup/1',
      kind: 'database',
      createdAt: at,
      durationMs: 1000,
      database: options.database ?? SHOP,
      serverVersion: '15.20',
      pgDumpVersion: 'pg_dump (PostgreSQL) 15.20',
      files: [],
      bytes: 1000,
      rowCounts: {},
    }),
  );
  if (options.verified || options.failed) {
    const record = (ok: boolean) => ({
      verifiedAt: at,
      level: 'restore',
      ok,
      durationMs: 1,
      problems: ok
        ? []
        : [{ stage: 'checksum', subject: 'dump/toc.dat', message: 'dump/toc.dat is missing' }],
      restore: null,
    });
    writeFileSync(
      join(dir, id, 'verification.json'),
      JSON.stringify({ latest: record(!options.failed), lastRestore: options.failed ? null : record(true) }),
    );
  }
  return id;
}

describe('pgwarden backup prune (grandfather-father-son)', () => {
  it('keeps the newest backup of a database whatever the retention, verified or not', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pgwarden-prune-'));
    const oldest = plant(dir, '2026-11-20T02:00:00.000Z');
    const verified = plant(dir, '2026-12-01T02:00:00.000Z', { verified: true });
    const newest = plant(dir, '2026-12-05T02:00:00.000Z');
    const config = { config: defaultConfig(), path: null, dir };
    const report = await backupPrune({
      config,
      dir,
      retention: { daily: 0, weekly: 0, monthly: 0 },
      apply: true,
    });
    expect(existsSync(join(dir, newest))).toBe(true);
    expect(existsSync(join(dir, verified))).toBe(true);
    expect(existsSync(join(dir, oldest))).toBe(false);
    expect(report.data!.plan.keep.find((k) => k.id === newest)!.keptFor).toEqual(['newest']);
  });

  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function folder(): string {
    dir = mkdtempSync(join(tmpdir(), 'pgwarden-prune-'));
    // a backup at 02:00 each day from 2026-08-09 to 2026-12-06, and a second one on the last day
    for (let day = new Date('2026-08-09T02:00:00Z'); day <= new Date('2026-12-06T02:00:00Z'); ) {
      const at = day.toISOString().replace('.000', '');
      plant(dir, at, { verified: at === '2026-09-15T02:00:00Z', failed: at === '2026-12-05T02:00:00Z' });
      day = new Date(day.getTime() + 86_400_000);
    }
    plant(dir, '2026-12-06T14:00:00Z');
    // another database's only backup, and a guard backup: neither is this database's to prune
    plant(dir, '2026-03-01T02:00:00Z', { database: 'postgres://app@db.example:5432/other' });
    writeFileSync(
      join(dir, '20260101_drop_t-20260101T000000-abcd1234.dump.json'),
      JSON.stringify({
        file: '/x/20260101_drop_t.dump',
        sha256: 'ab',
        bytes: 3,
        rowCounts: {},
        createdAt: '2026-01-01T00:00:00Z',
        database: SHOP,
        serverVersion: '15',
        pgDumpVersion: null,
      }),
    );
    return dir;
  }

  it('keeps the newest of 7 days, 4 ISO weeks, 6 months, and the newest verified; a dry run deletes nothing', async () => {
    const config = { config: defaultConfig(), path: null, dir: folder() };
    const before = readdirSync(dir).length;
    const report = await backupPrune({ config, dir });
    const plan = report.data!.plan;
    const kept = Object.fromEntries(plan.keep.map((k) => [k.createdAt, k.keptFor]));
    expect(kept).toEqual({
      '2026-12-06T14:00:00Z': ['daily 2026-12-06', 'weekly 2026-W49', 'monthly 2026-12'],
      '2026-12-05T02:00:00Z': ['daily 2026-12-05'],
      '2026-12-04T02:00:00Z': ['daily 2026-12-04'],
      '2026-12-03T02:00:00Z': ['daily 2026-12-03'],
      '2026-12-02T02:00:00Z': ['daily 2026-12-02'],
      '2026-12-01T02:00:00Z': ['daily 2026-12-01'],
      '2026-11-30T02:00:00Z': ['daily 2026-11-30', 'monthly 2026-11'],
      '2026-11-29T02:00:00Z': ['weekly 2026-W48'],
      '2026-11-22T02:00:00Z': ['weekly 2026-W47'],
      '2026-11-15T02:00:00Z': ['weekly 2026-W46'],
      '2026-10-31T02:00:00Z': ['monthly 2026-10'],
      '2026-09-30T02:00:00Z': ['monthly 2026-09'],
      // the only verified backup: not in any period kept, and kept all the same
      '2026-09-15T02:00:00Z': ['newest verified'],
      '2026-08-31T02:00:00Z': ['monthly 2026-08'],
      '2026-03-01T02:00:00Z': ['daily 2026-03-01', 'weekly 2026-W09', 'monthly 2026-03'],
    });
    expect(plan.remove).toHaveLength(120 + 1 - 14);
    expect(report.data!.applied).toBe(false);
    expect(readdirSync(dir)).toHaveLength(before);
  });

  it('--apply deletes what the plan removes and nothing else; the verified backup stays listed as verified', async () => {
    const config = { config: defaultConfig(), path: null, dir: folder() };
    const report = await backupPrune({
      config,
      dir,
      retention: { daily: 2, weekly: 0, monthly: 0 },
      apply: true,
    });
    const kept = report.data!.plan.keep.map((k) => k.createdAt).sort();
    expect(kept).toEqual([
      '2026-03-01T02:00:00Z',
      '2026-09-15T02:00:00Z',
      '2026-12-05T02:00:00Z',
      '2026-12-06T14:00:00Z',
    ]);
    for (const removed of report.data!.plan.remove) expect(existsSync(join(dir, removed.id))).toBe(false);
    const listed = (await backupList({ config, dir, now: new Date('2026-12-07T00:00:00Z') })).data!.status;
    expect(listed.backups.map((b) => b.createdAt).sort()).toEqual([...kept, '2026-01-01T00:00:00Z'].sort());
    expect(listed.newestVerified?.createdAt).toBe('2026-09-15T02:00:00Z');
    expect(listed.backups.find((b) => b.createdAt === '2026-12-05T02:00:00Z')?.state).toBe('failed');
    expect(listed.newest?.ageSeconds).toBe(10 * 3600);
  });

  it('lists the other backups when one manifest is damaged, naming it; prune leaves it alone', async () => {
    const config = { config: defaultConfig(), path: null, dir: folder() };
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'manifest.json'), '{"format": "pgwarden-backup/1", "kin');
    mkdirSync(join(dir, 'unfinished'));
    const status = (await backupList({ config, dir })).data!.status;
    expect(status.backups).toHaveLength(123);
    expect(status.incomplete).toEqual([
      expect.stringMatching(/^broken \(.*manifest.json is not a readable manifest\)$/),
      'unfinished',
    ]);
    const report = await backupPrune({ config, dir, apply: true });
    expect(report.data!.plan.remove.map((r) => r.id)).not.toContain('broken');
    expect(existsSync(join(dir, 'broken'))).toBe(true);
    expect(existsSync(join(dir, 'unfinished'))).toBe(true);
  });

  it('never deletes the only verified backup, nor the newest, even keeping nothing else', async () => {
    const config = { config: defaultConfig(), path: null, dir: folder() };
    const report = await backupPrune({ config, dir, retention: { daily: 0, weekly: 0, monthly: 0 } });
    expect(report.data!.plan.keep.map((k) => [k.createdAt, k.keptFor])).toEqual([
      ['2026-12-06T14:00:00Z', ['newest']],
      ['2026-09-15T02:00:00Z', ['newest verified']],
      // the other database's only backup: the newest of its own
      ['2026-03-01T02:00:00Z', ['newest']],
    ]);
  });
});

describe('ISO weeks', () => {
  it('start on Monday and belong to the year of their Thursday', () => {
    expect(isoWeek(new Date('2026-11-30T00:00:00Z'))).toBe('2026-W49');
    expect(isoWeek(new Date('2026-12-06T23:59:59Z'))).toBe('2026-W49');
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
  });
});
