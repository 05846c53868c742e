import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PgwardenError } from '../core/errors.js';

/** The version of a new migration: the UTC time, YYYYMMDDHHMMSS. */
export function timestampVersion(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * `pgwarden migrate new <name>`: a migration file whose up and down sections start with the session's
 * lock_timeout and statement_timeout, so that whatever is written below them cannot queue forever.
 */
export async function newMigration(
  dir: string,
  name: string,
  timeouts: { lockTimeout: string; statementTimeout: string },
  now = new Date(),
): Promise<string> {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!slug)
    throw new PgwardenError('usage', `"${name}" is not a usable migration name`, {
      hint: 'use words, e.g. add_orders_status',
    });
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${timestampVersion(now)}_${slug}.sql`);
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  ) {
    throw new PgwardenError('usage', `${file} already exists`, {
      hint: 'wait a second, or pick another name',
    });
  }
  const header = `SET lock_timeout = '${timeouts.lockTimeout}';\nSET statement_timeout = '${timeouts.statementTimeout}';\n`;
  await writeFile(file, `-- migrate:up\n${header}\n\n-- migrate:down\n${header}`);
  return file;
}
