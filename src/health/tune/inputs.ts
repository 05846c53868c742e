import { PgwardenError } from '../../core/errors.js';
import {
  DB_SIZES,
  type DbSize,
  OS_KINDS,
  type OsKind,
  STORAGE_KINDS,
  type StorageKind,
  TUNE_MAX_PG,
  TUNE_MIN_PG,
  WORKLOADS,
  type Workload,
} from './pgtune.js';

const UNIT_KB: Readonly<Record<string, number>> = { kb: 1, mb: 1024, gb: 1024 ** 2, tb: 1024 ** 3 };

/** `16GB`, `512MB`, `1.5TB` → kB. */
export function parseRam(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]b)\s*$/i.exec(text);
  const kb = match ? Math.floor(Number(match[1]) * UNIT_KB[match[2]!.toLowerCase()]!) : Number.NaN;
  if (!match || !Number.isSafeInteger(kb) || kb < 1024) {
    throw new PgwardenError('usage', `--ram ${text}: not an amount of memory of at least 1MB`, {
      hint: "the server's RAM with its unit, e.g. --ram 16GB or --ram 512MB",
    });
  }
  return kb;
}

function wholeNumber(flag: string, text: string, min: number, max: number, hint: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new PgwardenError('usage', `${flag} ${text}: not a whole number from ${min} to ${max}`, { hint });
  }
  return n;
}

export function parseCpus(text: string): number {
  return wholeNumber('--cpus', text, 1, 10_000, 'the CPU cores the server may use, e.g. --cpus 8');
}

export function parseConnections(text: string): number {
  return wholeNumber(
    '--connections',
    text,
    1,
    262_143,
    'the max_connections you plan, e.g. --connections 200',
  );
}

export function parseTunePgVersion(text: string): number {
  return wholeNumber(
    '--pg-version',
    text,
    TUNE_MIN_PG,
    TUNE_MAX_PG,
    `a PostgreSQL major from ${TUNE_MIN_PG} to ${TUNE_MAX_PG}, e.g. --pg-version 17`,
  );
}

function choice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  const value = text.trim().toLowerCase();
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new PgwardenError('usage', `${flag} ${text}: not one of ${choices.join(', ')}`, {
    hint: `e.g. ${flag} ${choices[0]}`,
  });
}

export const parseWorkload = (text: string): Workload => choice('--workload', text, WORKLOADS);
export const parseStorage = (text: string): StorageKind => choice('--storage', text, STORAGE_KINDS);
export const parseOs = (text: string): OsKind => choice('--os', text, OS_KINDS);
export const parseDbSize = (text: string): DbSize => choice('--db-size', text, DB_SIZES);
