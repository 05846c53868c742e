/**
 * `pgwarden advise --prove`: the advice measured instead of estimated. The database is copied to a scratch database
 * on the same server (CREATE DATABASE … TEMPLATE, when it is small enough and no other session is connected to
 * it), each SELECT of the workload with constants runs under EXPLAIN ANALYZE before and after the advised indexes
 * are built there with the script's own statements, and the scratch database is dropped. The user's database is
 * only read (by the copy).
 */
import { formatBytes } from '../core/format.js';
import type { Connection } from '../db/connection.js';
import { createScratchDatabase } from '../db/scratch.js';
import type { DatabaseTarget } from '../db/target.js';
import type { WorkloadQuery } from '../workload/model.js';

export interface ProveOptions {
  /** Copy only a database up to this size (bytes). Default 1 GB. */
  readonly maxBytes?: number;
  /** Runs of each query before and after (the median counts). Default 3. */
  readonly runs?: number;
  readonly timeoutMs?: number;
  readonly log?: (message: string) => void;
}

export interface ProveResult {
  /** Why nothing was measured; null when it was. */
  readonly notProven: string | null;
  readonly databaseBytes: number | null;
  readonly copyMs: number | null;
  readonly indexes: readonly {
    readonly statement: string;
    readonly buildMs: number;
    readonly sizeBytes: number;
  }[];
  readonly queries: readonly {
    readonly id: string;
    readonly beforeMs: number | null;
    readonly afterMs: number | null;
    readonly note: string | null;
  }[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The median execution time, or null for a query that writes (refused in a READ ONLY transaction: not run). */
async function executionMs(connection: Connection, sql: string, runs: number): Promise<number | null> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    // run for real, so in a READ ONLY transaction that is rolled back: a SELECT from a workload can hide a write
    // (a data-modifying CTE, a function that writes), which the server refuses there
    await connection.query('BEGIN READ ONLY');
    let rows: { 'QUERY PLAN': unknown }[];
    try {
      ({ rows } = await connection.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`));
    } catch (error) {
      if ((error as { code?: string }).code === '25006') return null;
      throw error;
    } finally {
      await connection.query('ROLLBACK');
    }
    const value = rows[0]!['QUERY PLAN'];
    const plan = (typeof value === 'string' ? JSON.parse(value) : value) as [{ 'Execution Time': number }];
    times.push(plan[0]['Execution Time']);
  }
  return median(times);
}

const nothing = (notProven: string, databaseBytes: number | null = null): ProveResult => ({
  notProven,
  databaseBytes,
  copyMs: null,
  indexes: [],
  queries: [],
});

export async function proveAdvice(
  target: DatabaseTarget,
  statements: readonly string[],
  queries: readonly WorkloadQuery[],
  options: ProveOptions = {},
): Promise<ProveResult> {
  const maxBytes = options.maxBytes ?? 1024 ** 3;
  const runs = options.runs ?? 3;
  const source = await target.connect();
  let name: string;
  let bytes: number;
  try {
    const [row] = await source.rows<{ name: string; bytes: string }>(
      'reading the database size',
      'SELECT current_database() AS name, pg_database_size(current_database())::text AS bytes',
    );
    name = row!.name;
    bytes = Number(row!.bytes);
  } finally {
    await source.close();
  }
  if (statements.length === 0) return nothing('nothing to build', bytes);
  if (bytes > maxBytes) {
    return nothing(
      `the database (${formatBytes(bytes)}) is larger than the copy limit (${formatBytes(maxBytes)})`,
      bytes,
    );
  }
  const started = performance.now();
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  try {
    scratch = await createScratchDatabase(target, { template: name });
  } catch (error) {
    return nothing(
      `could not copy the database (CREATE DATABASE … TEMPLATE needs CREATEDB and no other session on it): ${(error as Error).message}`,
      bytes,
    );
  }
  const copyMs = performance.now() - started;
  options.log?.(`--prove: copied the database to ${scratch.name} in ${Math.round(copyMs)} ms`);
  try {
    const c = await scratch.connect();
    await c.query(`SET statement_timeout = ${Math.round(options.timeoutMs ?? 60_000)}`);
    const measured = queries.filter((q) => q.kind === 'select' && q.parameters === 0);
    const before = new Map<string, number>();
    const writes = new Set<string>();
    for (const q of measured) {
      const ms = await executionMs(c, q.sql, runs);
      if (ms === null) writes.add(q.id);
      else before.set(q.id, ms);
    }
    const indexes: { statement: string; buildMs: number; sizeBytes: number }[] = [];
    for (const statement of statements) {
      const start = performance.now();
      await c.query(statement);
      const buildMs = performance.now() - start;
      const name = /^CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(\S+) ON /i.exec(statement)?.[1];
      const size = name
        ? (
            await c.query<{ bytes: string }>('SELECT pg_relation_size(to_regclass($1))::text AS bytes', [
              name,
            ])
          ).rows[0]?.bytes
        : undefined;
      indexes.push({ statement, buildMs, sizeBytes: Number(size ?? 0) });
    }
    await c.query('ANALYZE');
    const results: ProveResult['queries'][number][] = [];
    for (const q of queries) {
      const was = before.get(q.id);
      if (was === undefined) {
        results.push({
          id: q.id,
          beforeMs: null,
          afterMs: null,
          note: writes.has(q.id)
            ? 'writes (a data-modifying CTE or a function that writes): not run'
            : q.kind === 'select'
              ? 'has $n parameters: no values to run it with'
              : 'not a SELECT: not run',
        });
        continue;
      }
      results.push({ id: q.id, beforeMs: was, afterMs: await executionMs(c, q.sql, runs), note: null });
    }
    return { notProven: null, databaseBytes: bytes, copyMs, indexes, queries: results };
  } finally {
    await scratch.drop();
  }
}
