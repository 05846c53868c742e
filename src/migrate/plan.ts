import type { MigrationState } from '../lint/history-model.js';
import type { Migration } from './files.js';
import { compareVersions } from './files.js';
import { type HistoryRow, migrationChecksum } from './history.js';

export type { MigrationState };

export interface MigrationStatus {
  readonly version: string;
  readonly name: string;
  readonly state: MigrationState;
  readonly file: string | null;
  readonly appliedAt: string | null;
  /** A pending migration older than the newest applied one. */
  readonly outOfOrder: boolean;
  readonly canRollBack: boolean;
  readonly migration: Migration | null;
  readonly row: HistoryRow | null;
}

/** Files and history side by side: what is applied, pending, changed since applied, missing, or failed part-way. */
export function migrationStatuses(
  migrations: readonly Migration[],
  history: readonly HistoryRow[],
): MigrationStatus[] {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const rows = new Map(history.map((r) => [r.version, r]));
  // the files in their runner's order (readMigrations sorts them as the layout's runner does); a history row
  // without a file goes before the first file whose version is greater
  const versions = migrations.map((m) => m.version);
  for (const version of [...rows.keys()].filter((v) => !byVersion.has(v)).sort(compareVersions)) {
    const at = versions.findIndex((v) => byVersion.has(v) && compareVersions(v, version) > 0);
    versions.splice(at < 0 ? versions.length : at, 0, version);
  }
  const position = new Map(versions.map((v, i) => [v, i]));
  const newestApplied = history
    .filter((r) => r.status === 'applied')
    .map((r) => position.get(r.version)!)
    .reduce((a, b) => Math.max(a, b), -1);
  return versions.map((version, index) => {
    const migration = byVersion.get(version) ?? null;
    const row = rows.get(version) ?? null;
    let state: MigrationState;
    if (!row) state = 'pending';
    else if (!migration) state = 'missing';
    else if (row.status === 'failed') state = 'failed';
    else state = migrationChecksum(migration) === row.checksum ? 'applied' : 'changed';
    return {
      version,
      name: migration?.name ?? row?.name ?? '',
      state,
      file: migration?.up.file ?? null,
      appliedAt: row?.appliedAt || null,
      outOfOrder: state === 'pending' && index < newestApplied,
      canRollBack: migration?.down !== null && migration?.down !== undefined,
      migration,
      row,
    };
  });
}
