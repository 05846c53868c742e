import { type PitrModel, type PitrServerReading, pitrModelOf } from '../../src/health/pitr.js';

/** pgBackRest 2.45's `info --output=json` for a stanza with one full backup (as printed on a real repository). */
export function pgBackRestInfo(
  backups: readonly { label: string; stop: number }[] = [{ label: '20261206-094034F', stop: 1796550037 }],
) {
  return [
    {
      archive: [
        {
          database: { id: 1, 'repo-key': 1 },
          id: '15-1',
          max: '000000010000000000000003',
          min: '000000010000000000000001',
        },
      ],
      backup: backups.map((b) => ({
        archive: { start: '000000010000000000000002', stop: '000000010000000000000003' },
        backrest: { format: 5, version: '2.45' },
        database: { id: 1, 'repo-key': 1 },
        error: false,
        info: { delta: 23213962, repository: { delta: 3062671, size: 3062671 }, size: 23213962 },
        label: b.label,
        lsn: { start: '0/2000028', stop: '0/3000050' },
        prior: null,
        reference: null,
        timestamp: { start: b.stop - 3, stop: b.stop },
        type: 'full',
      })),
      cipher: 'none',
      db: [{ id: 1, 'repo-key': 1, 'system-id': 7716123608423563000, version: '15' }],
      name: 'demo',
      repo: [{ cipher: 'none', key: 1, status: { code: 0, message: 'ok' } }],
      status:
        backups.length === 0
          ? { code: 2, lock: { backup: { held: false } }, message: 'no valid backups' }
          : { code: 0, lock: { backup: { held: false } }, message: 'ok' },
    },
  ];
}

export const PITR_CONFIG = '/var/lib/pgbackrest/pgbackrest.conf';

/** A primary that archives into stanza demo, as pitr status reads it (pg_stat_archiver in step). */
export function archivingServer(overrides: Partial<PitrServerReading> = {}): PitrServerReading {
  return {
    major: 15,
    walLevel: 'replica',
    archiveMode: 'on',
    archiveCommand: `pgbackrest --config=${PITR_CONFIG} --stanza=demo archive-push %p`,
    archiveTimeoutSeconds: 60,
    inRecovery: false,
    currentWal: '000000010000000000000004',
    walSegmentBytes: 16 * 1024 * 1024,
    archiver: {
      archivedCount: 3,
      lastArchivedWal: '000000010000000000000003',
      lastArchivedAt: '2026-12-06T09:40:43.532Z',
      failedCount: 0,
      lastFailedWal: null,
      lastFailedAt: null,
      statsResetAt: '2026-12-06T09:40:26.323Z',
    },
    ...overrides,
  };
}

/** The pitr model of stanza demo at `now` (default: an hour after its backup). */
export function pitrModel(
  options: { info?: unknown; server?: PitrServerReading | null; now?: string } = {},
): PitrModel {
  return pitrModelOf({
    stanza: 'demo',
    configPath: PITR_CONFIG,
    info: options.info ?? pgBackRestInfo(),
    server: options.server === undefined ? archivingServer() : options.server,
    now: options.now ?? '2026-12-06T10:40:37.000Z',
  });
}
