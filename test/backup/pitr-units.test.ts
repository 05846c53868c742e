import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateConfig, parseIni, renderStanzaConfig } from '../../src/backup/pitr/config.js';
import { backupFor, lsnValue, parseTarget } from '../../src/backup/pitr/restore.js';
import {
  archivePushCommand,
  archivesToStanza,
  serverChanges,
  walSegmentNumber,
} from '../../src/health/pitr.js';
import { pgBackRestInfo, pitrModel } from '../helpers/pitr-model.js';

describe('pitr restore targets', () => {
  it('tells a time, an LSN and a restore point apart', () => {
    expect(parseTarget('2026-12-06 09:40:41.159651+00')).toEqual({
      type: 'time',
      value: '2026-12-06 09:40:41.159651+00',
    });
    expect(parseTarget('2026-12-06T09:40:41Z').type).toBe('time');
    expect(parseTarget('0/3000050')).toEqual({ type: 'lsn', value: '0/3000050' });
    expect(parseTarget('before_migration_42')).toEqual({ type: 'name', value: 'before_migration_42' });
    expect(parseTarget('0/3000050', 'name').type).toBe('name');
  });

  it('refuses a time without a zone, a non-time and a non-LSN', () => {
    expect(() => parseTarget('2026-12-06 09:40:41')).toThrow(/has no time zone/);
    expect(() => parseTarget('2026-13-45 99:99:99+00')).toThrow(/is not a time/);
    expect(() => parseTarget('yesterday', 'lsn')).toThrow(/is not an LSN/);
    expect(() => parseTarget('  ')).toThrow(/empty recovery target/);
  });

  it('starts from the newest backup that ended before the target, and refuses a target before every backup', () => {
    const model = pitrModel({
      info: pgBackRestInfo([
        { label: '20261205-020000F', stop: Date.parse('2026-12-05T02:00:10Z') / 1000 },
        { label: '20261206-020000F', stop: Date.parse('2026-12-06T02:00:10Z') / 1000 },
      ]),
    });
    expect(backupFor(model, parseTarget('2026-12-05 14:00:00+00')).label).toBe('20261205-020000F');
    expect(backupFor(model, parseTarget('2026-12-06T09:00:00Z')).label).toBe('20261206-020000F');
    expect(backupFor(model, parseTarget('before_drop')).label).toBe('20261206-020000F');
    expect(() => backupFor(model, parseTarget('2026-12-05 01:00:00+00'))).toThrow(
      /before the oldest recovery point of stanza demo \(2026-12-05T02:00:10.000Z\)/,
    );
    expect(() => backupFor(pitrModel({ info: pgBackRestInfo([]) }), parseTarget('x'))).toThrow(
      /has no backup/,
    );
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
  });
});

describe('pitr settings', () => {
  it('asks only for what is missing, with the restart it needs', () => {
    const command = archivePushCommand('/srv/backups/pgbackrest.conf', 'main');
    expect(command).toBe('pgbackrest --config=/srv/backups/pgbackrest.conf --stanza=main archive-push %p');
    expect(
      serverChanges({ walLevel: 'replica', archiveMode: 'on', archiveCommand: command }, '/x', 'main'),
    ).toEqual([]);
    const changes = serverChanges(
      { walLevel: 'minimal', archiveMode: 'off', archiveCommand: '' },
      '/a b/c.conf',
      'main',
    );
    expect(changes.map((c) => [c.setting, c.restart])).toEqual([
      ['wal_level', true],
      ['archive_mode', true],
      ['archive_command', false],
    ]);
    expect(changes[2]!.sql).toBe(
      "ALTER SYSTEM SET archive_command = 'pgbackrest ''--config=/a b/c.conf'' --stanza=main archive-push %p';",
    );
    expect(archivesToStanza("pgbackrest --stanza='main' archive-push %p", 'main')).toBe(true);
    expect(archivesToStanza('pgbackrest --stanza=main2 archive-push %p', 'main')).toBe(false);
    expect(archivesToStanza('cp %p /archive/%f', 'main')).toBe(false);
  });

  it('counts WAL segments across log files for any segment size', () => {
    expect(walSegmentNumber('0000000100000001000000FF', 16 * 1024 * 1024)).toBe(256 + 255);
    expect(walSegmentNumber('000000010000000100000002', 1024 * 1024)).toBe(4096 + 2);
    expect(walSegmentNumber('00000001.history', 16 * 1024 * 1024)).toBeNull();
  });
});

describe('pitr stanza config', () => {
  it('is found by --repo, by --pgbackrest-config or by the project config, with its only stanza', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgwarden-pitr-unit-'));
    const text = renderStanzaConfig({
      stanza: 'main',
      repo: dir,
      pgData: '/var/lib/postgresql/15/main',
      port: 5433,
      socketDir: '/var/run/postgresql',
      user: 'postgres',
      database: 'postgres',
    });
    writeFileSync(join(dir, 'pgbackrest.conf'), text);
    expect(parseIni(text).get('main')?.get('pg1-port')).toBe('5433');
    const byRepo = locateConfig({ repo: dir });
    expect(byRepo).toEqual({
      path: join(dir, 'pgbackrest.conf'),
      stanza: 'main',
      port: 5433,
      pgData: '/var/lib/postgresql/15/main',
    });
    expect(locateConfig({ project: { dir, pgbackrestConfig: 'pgbackrest.conf' } })).toEqual(byRepo);
    expect(() => locateConfig({ repo: dir, stanza: 'other' })).toThrow(/has no stanza "other"/);
    expect(() => locateConfig({})).toThrow(/pass --repo DIR or --pgbackrest-config FILE/);
    expect(() => locateConfig({ repo: join(dir, 'missing') })).toThrow(/no pgBackRest config at/);
  });
});
