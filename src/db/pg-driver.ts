import type pg from 'pg';

let driver: Promise<typeof pg> | undefined;

/**
 * The pg driver, loaded when the first connection opens. Commands that never connect (lint, review of files)
 * skip loading it: about 80 ms of a one-file lint, most of it pg's stream module reaching for Node's undici.
 */
export function pgDriver(): Promise<typeof pg> {
  driver ??= import('pg').then((module) => module.default);
  return driver;
}
