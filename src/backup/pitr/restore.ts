import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { PgwardenError } from '../../core/errors.js';
import type { PitrModel } from '../../health/pitr.js';
import { ensureFolder } from './config.js';
import type { OsAccount } from './pgbackrest.js';

export type RecoveryTargetType = 'time' | 'lsn' | 'name';

export interface RecoveryTarget {
  readonly type: RecoveryTargetType;
  readonly value: string;
}

const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;
const TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/;

/** What `--to` names: a time (ISO, with a zone), an LSN (0/3000050), or a restore point's name. */
export function parseTarget(to: string, type?: RecoveryTargetType): RecoveryTarget {
  const value = to.trim();
  const detected: RecoveryTargetType = type ?? (LSN.test(value) ? 'lsn' : TIME.test(value) ? 'time' : 'name');
  if (value === '') throw new PgwardenError('usage', '--to: empty recovery target');
  if (detected === 'lsn' && !LSN.test(value)) {
    throw new PgwardenError('usage', `--to: "${value}" is not an LSN`, {
      hint: 'an LSN looks like 0/3000050',
    });
  }
  if (detected === 'time') {
    if (
      !TIME.test(value) ||
      Number.isNaN(Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')))
    ) {
      throw new PgwardenError('usage', `--to: "${value}" is not a time`, {
        hint: 'give a time with its zone, e.g. "2026-12-06 09:40:41+00" or 2026-12-06T09:40:41Z',
      });
    }
    if (!/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(value)) {
      throw new PgwardenError('usage', `--to: "${value}" has no time zone`, {
        hint: "add the zone (Z or +00) so that the target does not depend on the server's TimeZone",
      });
    }
  }
  return { type: detected, value };
}

/** Milliseconds since the epoch of a time target (PostgreSQL's forms: a space or T, and ±hh zones). */
export function targetTime(value: string): number {
  return Date.parse(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
}

/** Splits an LSN into a comparable number. */
export function lsnValue(lsn: string): bigint {
  const [high = '0', low = '0'] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/**
 * The backup a restore to `target` starts from: the newest that ended before it (for a name, the newest). A target
 * older than every backup cannot be reached.
 */
export function backupFor(model: PitrModel, target: RecoveryTarget) {
  const usable = model.backups.filter((b) => !b.error);
  if (usable.length === 0) {
    throw new PgwardenError('config', `stanza ${model.stanza} has no backup to restore from`, {
      hint: `take one first: pgwarden pitr backup --stanza ${model.stanza}`,
    });
  }
  const before =
    target.type === 'time'
      ? usable.filter((b) => Date.parse(b.stoppedAt) <= targetTime(target.value))
      : target.type === 'lsn'
        ? usable.filter((b) => b.stopLsn !== null && lsnValue(b.stopLsn) <= lsnValue(target.value))
        : usable;
  const chosen = before.at(-1);
  if (!chosen) {
    throw new PgwardenError(
      'usage',
      `--to ${target.value} is before the oldest recovery point of stanza ${model.stanza} (${target.type === 'lsn' ? usable[0]!.stopLsn : usable[0]!.stoppedAt})`,
      { hint: 'a restore reaches only points after the end of a backup still in the repository' },
    );
  }
  return chosen;
}

/** A new or empty folder for the restored data directory, owned by the account and private (0700). */
export function prepareEmptyDirectory(path: string, account: OsAccount | null): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) {
      throw new PgwardenError('usage', `--into ${path} is a file, not a folder`);
    }
    if (readdirSync(path).length > 0) {
      throw new PgwardenError('usage', `--into ${path} is not empty: a restore never writes over files`, {
        hint: 'choose a new or empty folder',
      });
    }
  }
  ensureFolder(path, account);
  chmodSync(path, 0o700);
}
