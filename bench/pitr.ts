/**
 * `pitr`: `pgwarden pitr backup` and `pgwarden pitr restore` side by side with the pgBackRest commands they run
 * (`pgbackrest backup --type=full`, `pgbackrest restore --type=time`), on the same cluster in the same rounds
 * (alternating which goes first): the ratio is pgwarden's overhead over pgBackRest (a Node process, the library,
 * `info --output=json` before and after). The cluster is the machine's PostgreSQL 15 (initdb in a temporary
 * folder, WAL archived into a pgBackRest repository there), first as created (small), then with about
 * PGWARDEN_BENCH_PITR_MB of data (default 128). Once per size, the restored data directory is started and timed to
 * the end of recovery, and it must hold every row written before the target and nothing written after it.
 */
import { spawn } from 'node:child_process';
import { chownSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  distPath,
  fmtInt,
  fmtMiB,
  fmtMs,
  fmtRatio,
  freePort,
  type GoalLine,
  log,
  mdTable,
  now,
  onCleanup,
  type Stats,
  sharedTempDir,
  stats,
  yesNo,
} from './lib.js';

const PG_BIN = process.env.PGWARDEN_TEST_PG_BIN?.trim() || '/usr/lib/postgresql/15/bin';
const ROUNDS = 3;
const PROCESS_TIMEOUT_MS = 30 * 60_000;
/** What pgwarden may add to a pgBackRest command: a Node start, the library and an `info` call. */
export const PITR_OVERHEAD_GOAL_MS = 1_000;

interface Account {
  readonly uid: number;
  readonly gid: number;
}

export interface PitrSizeResult {
  readonly label: string;
  readonly databaseBytes: number;
  readonly rows: number;
  readonly backup: { readonly pgwarden: Stats; readonly pgbackrest: Stats };
  readonly restore: { readonly pgwarden: Stats; readonly pgbackrest: Stats };
  /** Start of the restored server to the end of recovery (promoted), once. */
  readonly recoveryMs: number;
  readonly recoveredRows: number;
  readonly targetRespected: boolean;
}

export interface PitrBenchResult {
  readonly server: string;
  readonly pgbackrest: string;
  readonly sizes: PitrSizeResult[];
  /** A Node process that imports dist/index.js and exits: most of what pgwarden adds. */
  readonly libraryImport: Stats;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
  readonly goalMs: number;
  readonly met: boolean;
}

function run(
  command: string,
  args: readonly string[],
  account: Account | null,
): Promise<{ ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(command, args, {
      cwd: '/tmp',
      env: { ...process.env, DATABASE_URL: '', LC_ALL: 'C.UTF-8' },
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
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

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

async function waitFor(what: string, probe: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`pitr bench: timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Closes the current WAL segment and waits until the archiver has it. */
async function switchAndArchive(url: string): Promise<void> {
  const file = String((await sql(url, 'SELECT pg_walfile_name(pg_switch_wal()) AS f')).rows[0].f);
  await waitFor(`archiving of ${file}`, async () => {
    const last = (await sql(url, 'SELECT last_archived_wal AS l FROM pg_stat_archiver')).rows[0].l;
    return typeof last === 'string' && last >= file;
  });
}

/** The `postgres` account that owns the cluster when the harness runs as root. */
function serverAccount(): Account | null {
  if (process.getuid?.() !== 0) return null;
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === 'postgres') return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error('pitr bench: running as root needs a postgres account');
}

export async function runPitrBench(): Promise<PitrBenchResult> {
  const megabytes = Number(process.env.PGWARDEN_BENCH_PITR_MB ?? 128);
  const account = serverAccount();
  const work = sharedTempDir('pitr');
  if (account) chownSync(work.path, account.uid, account.gid);
  const dataDir = join(work.path, 'data');
  const repo = join(work.path, 'repo');
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const pgCtl = join(PG_BIN, 'pg_ctl');
  await run(join(PG_BIN, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync'], account);
  await run(
    pgCtl,
    [
      '-D',
      dataDir,
      '-l',
      join(work.path, 'server.log'),
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${work.path} -c fsync=off -c wal_level=replica -c archive_mode=on -c max_wal_size=1GB`,
      '-w',
      'start',
    ],
    account,
  );
  const restored: string[] = [];
  onCleanup(async () => {
    for (const dir of [...restored, dataDir]) {
      await run(pgCtl, ['-D', dir, '-m', 'immediate', '-w', 'stop'], account).catch(() => {});
    }
  });
  const cli = distPath('bin/pgwarden.js');
  const pgwarden = (args: readonly string[]) => run(process.execPath, [cli, ...args, '--quiet'], null);
  await pgwarden(['pitr', 'setup', '--stanza', 'bench', '--repo', repo, '--db', url, '--apply']);
  const config = join(repo, 'pgbackrest.conf');
  const pgbackrest = (args: readonly string[]) =>
    run('pgbackrest', [`--config=${config}`, '--stanza=bench', ...args], account);
  const server = String((await sql(url, 'SHOW server_version')).rows[0].server_version);
  const version = (await run('pgbackrest', ['version'], account)).stdout.trim();
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  log(`pitr: PostgreSQL ${server}, ${version}, cluster on port ${port}`);

  await sql(
    url,
    'CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL, note text NOT NULL)',
  );
  let rows = 0;
  const sizes: PitrSizeResult[] = [];
  for (const [label, target] of [
    ['small', 1],
    ['larger', megabytes],
  ] as const) {
    const add = Math.round((target * 1024 * 1024) / 120);
    const from = rows + 1;
    await sql(
      url,
      `INSERT INTO orders SELECT g, now(), md5(g::text) || md5((g * 7)::text) FROM generate_series(${from}, ${rows + add}) g`,
    );
    rows += add;
    await sql(url, 'CHECKPOINT');
    const databaseBytes = Number(
      (await sql(url, 'SELECT pg_database_size(current_database()) AS b')).rows[0].b,
    );
    log(`pitr ${label}: ${fmtMiB(databaseBytes)}, ${fmtInt(rows)} rows; ${ROUNDS} rounds of backups`);

    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const a = async () => {
        const result = await pgwarden([
          'pitr',
          'backup',
          '--repo',
          repo,
          '--type',
          'full',
          '--format',
          'json',
        ]);
        if ((JSON.parse(result.stdout) as { backup: { type: string } }).backup.type !== 'full')
          throw new Error('pgwarden pitr backup did not report a full backup');
        ours.push(result.ms);
      };
      const b = async () => {
        theirs.push((await pgbackrest(['--type=full', 'backup'])).ms);
      };
      if (round % 2 === 0) {
        await a();
        await b();
      } else {
        await b();
        await a();
      }
    }

    // the target: after every row so far and the last backup, before a table created after it
    const noted = String(
      (
        await sql(
          url,
          "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS t",
        )
      ).rows[0].t,
    );
    await new Promise((done) => setTimeout(done, 20));
    await sql(url, `CREATE TABLE after_target_${label} (id int)`);
    await switchAndArchive(url);

    const oursRestore: number[] = [];
    const theirsRestore: number[] = [];
    let firstRestored = '';
    for (let round = 0; round < ROUNDS; round++) {
      const a = async () => {
        const into = join(work.path, `${label}-pgwarden-${round}`);
        const result = await pgwarden(['pitr', 'restore', '--repo', repo, '--to', noted, '--into', into]);
        oursRestore.push(result.ms);
        if (!firstRestored) firstRestored = into;
        else rmSync(into, { recursive: true, force: true });
      };
      const b = async () => {
        const into = join(work.path, `${label}-pgbackrest-${round}`);
        const result = await pgbackrest([
          `--pg1-path=${into}`,
          '--type=time',
          `--target=${noted}`,
          '--target-action=promote',
          '--archive-mode=off',
          'restore',
        ]);
        theirsRestore.push(result.ms);
        rmSync(into, { recursive: true, force: true });
      };
      if (round % 2 === 0) {
        await a();
        await b();
      } else {
        await b();
        await a();
      }
    }

    const restoredPort = await freePort();
    restored.push(firstRestored);
    const started = now();
    await run(
      pgCtl,
      [
        '-D',
        firstRestored,
        '-l',
        join(work.path, `${label}-recovery.log`),
        '-o',
        `-p ${restoredPort}`,
        '-w',
        'start',
      ],
      account,
    );
    const restoredUrl = `postgres://postgres@127.0.0.1:${restoredPort}/postgres`;
    await waitFor('the end of recovery', async () => {
      const r = await sql(restoredUrl, 'SELECT pg_is_in_recovery() AS r');
      return r.rows[0].r === false;
    });
    const recoveryMs = now() - started;
    const recoveredRows = Number((await sql(restoredUrl, 'SELECT count(*) AS n FROM orders')).rows[0].n);
    const after = await sql(restoredUrl, `SELECT to_regclass('after_target_${label}') AS t`);
    const targetRespected = recoveredRows === rows && after.rows[0].t === null;
    await run(pgCtl, ['-D', firstRestored, '-m', 'fast', '-w', 'stop'], account);
    rmSync(firstRestored, { recursive: true, force: true });
    if (!targetRespected)
      throw new Error(
        `pitr bench: the restore to ${noted} holds ${recoveredRows} of ${rows} rows, or the later table`,
      );
    sizes.push({
      label,
      databaseBytes,
      rows,
      backup: { pgwarden: stats(ours), pgbackrest: stats(theirs) },
      restore: { pgwarden: stats(oursRestore), pgbackrest: stats(theirsRestore) },
      recoveryMs,
      recoveredRows,
      targetRespected,
    });
  }
  // what every pgwarden command pays before its work: a Node process that loads the library API
  const imports: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    imports.push(
      (await run(process.execPath, ['-e', `await import(${JSON.stringify(distPath('index.js'))})`], null)).ms,
    );
  }
  const loadAfter = loadavg().map((l) => Number(l.toFixed(2)));
  const met = sizes.every(
    (s) =>
      s.backup.pgwarden.median - s.backup.pgbackrest.median <= PITR_OVERHEAD_GOAL_MS &&
      s.restore.pgwarden.median - s.restore.pgbackrest.median <= PITR_OVERHEAD_GOAL_MS,
  );
  await run(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], account);
  await work.remove();
  return {
    server,
    pgbackrest: version,
    sizes,
    libraryImport: stats(imports),
    loadBefore,
    loadAfter,
    goalMs: PITR_OVERHEAD_GOAL_MS,
    met,
  };
}

export function pitrGoals(result: PitrBenchResult): GoalLine[] {
  return result.sizes.flatMap((s) => [
    {
      benchmark: `\`pgwarden pitr backup\` of a ${fmtMiB(s.databaseBytes)} cluster`,
      goal: `≤ ${fmtMs(result.goalMs)} over \`pgbackrest backup\``,
      result: `+${fmtMs(s.backup.pgwarden.median - s.backup.pgbackrest.median)} (median ${fmtMs(s.backup.pgwarden.median)})`,
      met: s.backup.pgwarden.median - s.backup.pgbackrest.median <= result.goalMs,
      peer: `${fmtRatio(s.backup.pgwarden.median, s.backup.pgbackrest.median)} pgbackrest backup (${fmtMs(s.backup.pgbackrest.median)})`,
    },
    {
      benchmark: `\`pgwarden pitr restore\` of a ${fmtMiB(s.databaseBytes)} cluster`,
      goal: `≤ ${fmtMs(result.goalMs)} over \`pgbackrest restore\``,
      result: `+${fmtMs(s.restore.pgwarden.median - s.restore.pgbackrest.median)} (median ${fmtMs(s.restore.pgwarden.median)})`,
      met: s.restore.pgwarden.median - s.restore.pgbackrest.median <= result.goalMs,
      peer: `${fmtRatio(s.restore.pgwarden.median, s.restore.pgbackrest.median)} pgbackrest restore (${fmtMs(s.restore.pgbackrest.median)})`,
    },
  ]);
}

function row(label: string, ours: Stats, theirs: Stats): string[] {
  return [
    label,
    fmtMs(ours.median),
    fmtMs(theirs.median),
    `+${fmtMs(ours.median - theirs.median)}`,
    fmtRatio(ours.median, theirs.median),
  ];
}

export function renderPitrBench(result: PitrBenchResult): string {
  return [
    `A PostgreSQL ${result.server} cluster of the harness's own (initdb in a temporary folder, fsync off, WAL archived by pgBackRest into a repository beside it; ${result.pgbackrest}), set up with \`pgwarden pitr setup --apply\`. ${ROUNDS} rounds per size, each running the pgwarden command and the pgBackRest command it wraps as fresh processes (alternating which goes first); medians. pgwarden's time is its whole CLI process (Node start, the library, pgBackRest, then \`info --output=json\` to report the backup or to pick the backup a restore starts from). The restores recover to a time noted after the last backup; once per size the restored data directory is started and timed to the end of recovery, and must hold every row and not the table created after the target. Load average ${result.loadBefore.join(', ')} before, ${result.loadAfter.join(', ')} after (a shared 2-core machine).`,
    '',
    mdTable(
      ['Size', 'Command', 'pgwarden', 'pgBackRest alone', 'Overhead', 'Ratio'],
      result.sizes.flatMap((s) => [
        [
          `${fmtMiB(s.databaseBytes)} (${fmtInt(s.rows)} rows)`,
          ...row('backup --type full', s.backup.pgwarden, s.backup.pgbackrest),
        ],
        ['', ...row('restore --to TIME', s.restore.pgwarden, s.restore.pgbackrest)],
      ]),
    ),
    '',
    mdTable(
      ['Size', 'Start to end of recovery (promoted)', 'Rows back', 'Target respected'],
      result.sizes.map((s) => [
        fmtMiB(s.databaseBytes),
        fmtMs(s.recoveryMs),
        fmtInt(s.recoveredRows),
        yesNo(s.targetRespected),
      ]),
    ),
    '',
    `Most of the overhead is the library itself: a Node process that only imports \`dist/index.js\` takes ${fmtMs(result.libraryImport.median)} (median of ${result.libraryImport.n}) in the same run; the rest is pgwarden's \`pgbackrest info --output=json\` (after a backup, to report it; before a restore, to pick the backup and refuse a target older than every backup).`,
    '',
    mdTable(
      ['Goal', 'Met'],
      [[`pgwarden adds ≤ ${fmtMs(result.goalMs)} to each pgBackRest command`, yesNo(result.met)]],
    ),
  ].join('\n');
}
