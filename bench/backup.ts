/**
 * `backup`: `pgwarden backup create` of a generated database on the PostgreSQL service, side by side with plain
 * `pg_dump -Fd -j 2` of the same database in the same rounds (alternating which goes first), then `pgwarden backup
 * verify --level restore` (checksums, table of contents, a test restore asserting every row count, constraint and
 * index) beside a plain `pg_restore -j 2` into a new database on the same server. The database's size is
 * PGWARDEN_BENCH_BACKUP_MB (default 512 MB: a size the shared 2-core machine backs up a few times in minutes; the
 * issue's goal is 1 GB). Every run is checked: pgwarden's manifest counts every generated row, pg_dump's folder
 * has its table of contents, the verification passes and the plain restore holds every row.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type BenchOptions,
  distPath,
  fmtInt,
  fmtMiB,
  fmtMs,
  fmtRatio,
  type GoalLine,
  log,
  mdTable,
  now,
  onCleanup,
  ROOT,
  type Stats,
  sharedTempDir,
  stats,
  yesNo,
} from './lib.js';

export const BACKUP_OVERHEAD_GOAL = 0.1;
/** Even, so that each command goes first as often as the other. */
const ROUNDS = Number(process.env.PGWARDEN_BENCH_BACKUP_ROUNDS ?? 4);
const PROCESS_TIMEOUT_MS = 30 * 60_000;

export interface BackupBenchResult {
  readonly server: string;
  readonly pgDump: string;
  readonly databaseBytes: number;
  readonly rows: number;
  readonly generateMs: number;
  readonly rounds: number;
  readonly create: { readonly samples: number[]; readonly stats: Stats; readonly bytes: number };
  readonly pgDumpRun: { readonly samples: number[]; readonly stats: Stats; readonly bytes: number };
  readonly overhead: number;
  /** pgwarden / pg_dump within each round (the load of the shared machine changes between rounds). */
  readonly pairedRatios: number[];
  readonly pairedOverhead: number;
  readonly verify: { readonly ms: number; readonly restoreServer: string; readonly ok: boolean };
  readonly verifyEmbedded: { readonly ms: number; readonly restoreServer: string; readonly ok: boolean };
  readonly pgRestoreMs: number;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
  readonly goal: number;
  readonly met: boolean;
}

function run(
  command: string,
  args: readonly string[],
): Promise<{ ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 100_000) stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = now() - start;
      if (code !== 0)
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 2000)}`));
      else resolve({ ms, stdout, stderr });
    });
  });
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** Orders (most of the size), customers and a few indexes: about `megabytes` MB on disk. */
async function generate(url: string, megabytes: number): Promise<number> {
  const orders = Math.round((megabytes * 1024 * 1024) / 260);
  await sql(
    url,
    `CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL);
     INSERT INTO customers SELECT g, 'c' || g || '@example.com', '2024-01-01'::timestamptz + g * interval '1 minute'
       FROM generate_series(1, 100000) g;
     CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers, placed_at timestamptz NOT NULL,
       total numeric(12, 2) NOT NULL CHECK (total >= 0), status text NOT NULL, note text, items jsonb NOT NULL);
     INSERT INTO orders SELECT g, 1 + g % 100000, '2024-01-01'::timestamptz + g * interval '1 second', (g % 100000) / 100.0,
       (ARRAY['new', 'paid', 'shipped', 'delivered'])[1 + g % 4], md5(g::text) || md5((g * 7)::text),
       jsonb_build_object('sku', 'sku-' || (g % 5000), 'qty', 1 + g % 9)
       FROM generate_series(1, ${orders}) g;
     CREATE INDEX orders_customer ON orders (customer_id);
     CREATE INDEX orders_placed ON orders (placed_at);`,
  );
  await sql(url, 'VACUUM ANALYZE');
  return orders + 100000;
}

export async function runBackupBench(options: BenchOptions): Promise<BackupBenchResult> {
  const megabytes = Number(process.env.PGWARDEN_BENCH_BACKUP_MB ?? 512);
  const serviceUrl = options.pg15Url;
  const name = `pgwarden_bench_backup_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(serviceUrl, name);
  const restored = `${name}_restored`;
  await sql(serviceUrl, `CREATE DATABASE ${name}`);
  onCleanup(async () => {
    await sql(serviceUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await sql(serviceUrl, `DROP DATABASE IF EXISTS ${restored} WITH (FORCE)`);
  });
  log(`backup: generating about ${megabytes} MB in ${name}`);
  const generateStart = now();
  const rows = await generate(url, megabytes);
  const generateMs = now() - generateStart;
  const databaseBytes = Number(
    (await sql(url, 'SELECT pg_database_size(current_database()) AS b')).rows[0].b,
  );
  const server = String((await sql(url, 'SHOW server_version')).rows[0].server_version);
  const pgDump = (await run('pg_dump', ['--version'])).stdout.trim();
  log(`backup: ${fmtMiB(databaseBytes)}, ${fmtInt(rows)} rows in ${fmtMs(generateMs)}; ${ROUNDS} rounds`);

  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  const work = sharedTempDir('backup');
  const create: number[] = [];
  const dump: number[] = [];
  let createBytes = 0;
  let dumpBytes = 0;
  let lastBackup = '';
  const cli = distPath('bin/pgwarden.js');
  for (let round = 0; round < ROUNDS; round++) {
    const pgwarden = async () => {
      const to = join(work.path, `pgwarden-${round}`);
      const result = await run(process.execPath, [
        cli,
        'backup',
        'create',
        '--db',
        url,
        '--to',
        to,
        '--jobs',
        '2',
        '--format',
        'json',
        '--quiet',
      ]);
      const report = JSON.parse(result.stdout) as {
        path: string;
        manifest: { rowCounts: Record<string, number> };
      };
      const counted = Object.values(report.manifest.rowCounts).reduce((a, b) => a + b, 0);
      if (counted !== rows)
        throw new Error(`pgwarden's manifest counts ${counted} rows, ${rows} were generated`);
      create.push(result.ms);
      createBytes = folderBytes(report.path);
      if (lastBackup) rmSync(join(lastBackup, '..'), { recursive: true, force: true });
      lastBackup = report.path;
    };
    const plain = async () => {
      const to = join(work.path, `pg_dump-${round}`);
      const result = await run('pg_dump', [
        '--format=directory',
        '--jobs=2',
        `--file=${to}`,
        `--dbname=${url}`,
      ]);
      if (!readFileSync(join(to, 'toc.dat')).length) throw new Error('pg_dump wrote no table of contents');
      dump.push(result.ms);
      dumpBytes = folderBytes(to);
      rmSync(to, { recursive: true, force: true });
    };
    if (round % 2 === 0) {
      await pgwarden();
      await plain();
    } else {
      await plain();
      await pgwarden();
    }
    log(`backup: round ${round + 1}: pgwarden ${fmtMs(create.at(-1))}, pg_dump ${fmtMs(dump.at(-1))}`);
  }

  const verifyOn = async (restoreDb: string | null) => {
    const args = [cli, 'backup', 'verify', lastBackup, '--format', 'json', '--quiet', '--jobs', '2'];
    const result = await run(process.execPath, restoreDb ? [...args, '--restore-db', restoreDb] : args);
    const report = JSON.parse(result.stdout) as {
      verification: { ok: boolean; restore: { server: string; rows: number } };
    };
    if (!report.verification.ok || report.verification.restore.rows !== rows)
      throw new Error(`the verification failed: ${result.stdout.slice(0, 2000)}`);
    return { ms: result.ms, restoreServer: report.verification.restore.server, ok: true };
  };
  log(
    'backup: verify --level restore on the service, then plain pg_restore -j 2, then verify on the embedded server',
  );
  const verify = await verifyOn(serviceUrl);
  await sql(serviceUrl, `CREATE DATABASE ${restored}`);
  const restore = await run('pg_restore', [
    '--jobs=2',
    `--dbname=${withDatabase(serviceUrl, restored)}`,
    join(lastBackup, 'dump'),
  ]);
  const [count] = (
    await sql(
      withDatabase(serviceUrl, restored),
      'SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM customers) AS n',
    )
  ).rows;
  if (Number(count.n) !== rows) throw new Error(`pg_restore restored ${count.n} rows of ${rows}`);
  await sql(serviceUrl, `DROP DATABASE ${restored} WITH (FORCE)`);
  const verifyEmbedded = await verifyOn(null);
  const loadAfter = loadavg().map((l) => Number(l.toFixed(2)));
  await work.remove();

  const createStats = stats(create);
  const dumpStats = stats(dump);
  const overhead = createStats.median / dumpStats.median - 1;
  const pairedRatios = create.map((ms, i) => Number((ms / dump[i]!).toFixed(3)));
  const pairedOverhead = stats(pairedRatios).median - 1;
  return {
    server,
    pgDump,
    databaseBytes,
    rows,
    generateMs,
    rounds: ROUNDS,
    create: { samples: create, stats: createStats, bytes: createBytes },
    pgDumpRun: { samples: dump, stats: dumpStats, bytes: dumpBytes },
    overhead,
    pairedRatios,
    pairedOverhead,
    verify,
    verifyEmbedded,
    pgRestoreMs: restore.ms,
    loadBefore,
    loadAfter,
    goal: BACKUP_OVERHEAD_GOAL,
    met: pairedOverhead <= BACKUP_OVERHEAD_GOAL,
  };
}

export function backupGoals(result: BackupBenchResult): GoalLine[] {
  return [
    {
      benchmark: `\`pgwarden backup create\` of a ${fmtMiB(result.databaseBytes)} database`,
      goal: `overhead ≤ ${result.goal * 100}% over \`pg_dump -Fd -j 2\``,
      result: `${(result.pairedOverhead * 100).toFixed(1)}% (median of the rounds' ratios; medians ${fmtMs(result.create.stats.median)} vs ${fmtMs(result.pgDumpRun.stats.median)})`,
      met: result.met,
      peer: `${fmtRatio(result.create.stats.median, result.pgDumpRun.stats.median)} pg_dump -Fd -j 2 (${fmtMs(result.pgDumpRun.stats.median)})`,
    },
  ];
}

function row(label: string, s: Stats, bytes: number): string[] {
  return [label, fmtMs(s.median), fmtMs(s.min), fmtMs(s.max), fmtMiB(bytes)];
}

export function renderBackupBench(result: BackupBenchResult): string {
  return [
    `A generated database of ${fmtMiB(result.databaseBytes)} (${fmtInt(result.rows)} rows in two tables, four indexes, a foreign key and a CHECK; generated in ${fmtMs(result.generateMs)}) on the PostgreSQL ${result.server} service. The issue's goal is 1 GB; the shared 2-core machine (load average ${result.loadBefore.join(', ')} before, ${result.loadAfter.join(', ')} after) runs this size a few times in minutes (\`PGWARDEN_BENCH_BACKUP_MB\` sets another). ${result.rounds} rounds, each running both commands as fresh processes (alternating which goes first; the goal is judged on each round's ratio, as the load of the shared machine changes more between rounds than within one); ${result.pgDump}. \`pgwarden backup create\` does the same dump of one exported snapshot, and meanwhile counts every table's rows in that snapshot, then dumps the globals and hashes every file (SHA-256) into its manifest; its time is the whole CLI process.`,
    '',
    mdTable(
      ['Command', 'Median', 'Min', 'Max', 'Size'],
      [
        row('`pgwarden backup create --jobs 2`', result.create.stats, result.create.bytes),
        row('`pg_dump -Fd -j 2`', result.pgDumpRun.stats, result.pgDumpRun.bytes),
      ],
    ),
    '',
    mdTable(
      ['Goal', 'Result', 'Met'],
      [
        [
          `overhead ≤ ${result.goal * 100}% (median of the rounds' pgwarden / pg_dump ratios)`,
          `${(result.pairedOverhead * 100).toFixed(1)}% (ratios ${result.pairedRatios.map((r) => r.toFixed(2)).join(', ')}; ratio of the medians ${fmtRatio(result.create.stats.median, result.pgDumpRun.stats.median)})`,
          yesNo(result.met),
        ],
      ],
    ),
    '',
    mdTable(
      ['Restore', 'Time'],
      [
        [
          `\`pgwarden backup verify --level restore\` on the service (${result.verify.restoreServer})`,
          fmtMs(result.verify.ms),
        ],
        [
          `\`pgwarden backup verify --level restore\` on the embedded server (${result.verifyEmbedded.restoreServer})`,
          fmtMs(result.verifyEmbedded.ms),
        ],
        ['plain `pg_restore -j 2` into a new database on the service (no checks)', fmtMs(result.pgRestoreMs)],
      ],
    ),
    '',
    'The verification checks every file against its SHA-256, reads the table of contents, restores into a scratch database, then counts every table and lists every constraint and index there.',
  ].join('\n');
}
