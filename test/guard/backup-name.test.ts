import { describe, expect, it } from 'vitest';
import { backupFileName } from '../../src/guard/backup.js';

describe('backup file names', () => {
  it('differ for two backups of the same migration in the same second', () => {
    const now = new Date('2026-12-06T08:30:00.123Z');
    const first = backupFileName('/backups', '20260101_drop_t', now);
    const second = backupFileName('/backups', '20260101_drop_t', now);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^\/backups\/20260101_drop_t-20261206T083000-[0-9a-f]{8}\.dump$/);
  });
});
