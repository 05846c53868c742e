import { rm } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { type BackupEntry, isVerified } from './folder.js';

/** Grandfather-father-son: the newest backup of each of the newest N days, weeks and months that have one. */
export interface Retention {
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
}

export interface PruneDecision {
  readonly id: string;
  readonly database: string;
  readonly createdAt: string;
  readonly bytes: number;
  /** Why it is kept (empty: it is deleted). */
  readonly keptFor: readonly string[];
}

export interface PrunePlan {
  readonly keep: readonly PruneDecision[];
  readonly remove: readonly PruneDecision[];
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** ISO 8601 week, e.g. 2026-W49: weeks start on Monday, and week 1 holds the year's first Thursday. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function month(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/**
 * Which whole-database backups retention keeps, per database: the newest of each of the newest `daily` days,
 * `weekly` ISO weeks and `monthly` months that have a backup, and always the newest verified one (so the only
 * verified backup is never deleted). The guard's backups belong to the migrations' history and are not pruned.
 */
export function planPrune(backups: readonly BackupEntry[], retention: Retention): PrunePlan {
  const keep: PruneDecision[] = [];
  const remove: PruneDecision[] = [];
  const groups = new Map<string, BackupEntry[]>();
  for (const backup of backups) {
    if (backup.manifest.kind !== 'database') continue;
    const group = groups.get(backup.manifest.database) ?? [];
    group.push(backup);
    groups.set(backup.manifest.database, group);
  }
  for (const group of groups.values()) {
    const newestFirst = [...group].sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt));
    const reasons = new Map<string, string[]>(newestFirst.map((b) => [b.id, []]));
    const periods: [string, number, (date: Date) => string][] = [
      ['daily', retention.daily, day],
      ['weekly', retention.weekly, isoWeek],
      ['monthly', retention.monthly, month],
    ];
    for (const [name, count, period] of periods) {
      const seen = new Set<string>();
      for (const backup of newestFirst) {
        const key = period(new Date(backup.manifest.createdAt));
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size > count) break;
        reasons.get(backup.id)!.push(`${name} ${key}`);
      }
    }
    const newestVerified = newestFirst.find(isVerified);
    if (newestVerified) reasons.get(newestVerified.id)!.push('newest verified');
    // whatever the retention says (0 of each), the newest backup of a database is never pruned
    const newest = newestFirst[0];
    if (newest && reasons.get(newest.id)!.length === 0) reasons.get(newest.id)!.push('newest');
    for (const backup of newestFirst) {
      const decision: PruneDecision = {
        id: backup.id,
        database: backup.manifest.database,
        createdAt: backup.manifest.createdAt,
        bytes: backup.manifest.bytes,
        keptFor: reasons.get(backup.id)!,
      };
      (decision.keptFor.length > 0 ? keep : remove).push(decision);
    }
  }
  return { keep, remove };
}

/** Deletes the backups a plan removes: only folders inside the backup folder. */
export async function applyPrune(dir: string, plan: PrunePlan): Promise<void> {
  const root = resolve(dir);
  for (const decision of plan.remove) {
    const path = resolve(root, decision.id);
    const inside = relative(root, path);
    if (!inside || inside.startsWith('..') || inside.includes('/')) {
      throw new Error(`pgwarden: refusing to delete ${path}, which is not a backup of ${root}`);
    }
    await rm(path, { recursive: true, force: true });
  }
}
