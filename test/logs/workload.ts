import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

/** The prefix the planted cluster logs with: every field pgwarden and pgBadger read, session id included. */
export const PLANTED_PREFIX = '%m [%p]: [%l-1] sess=%c,db=%d,user=%u,app=%a,client=%h,e=%e ';

export interface PlantedLogs {
  readonly cluster: TestCluster;
  /** A copy of the log folder (the three files), taken when the server stopped. */
  readonly dir: string;
  readonly stderr: string;
  readonly csv: string;
  readonly json: string;
  /** The customer ids the N+1 loop looked up, in order. */
  readonly loopIds: readonly number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(cluster: TestCluster, app: string): Promise<pg.Client> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: cluster.port,
    user: 'postgres',
    database: 'shop',
    application_name: app,
  });
  await client.connect();
  return client;
}

/**
 * A cluster that logs everything a DBA reads (every statement with its duration, lock waits, temp files,
 * checkpoints, autovacuum, connections) in stderr, csvlog and jsonlog at once, and a workload with planted events:
 * pgbench, an N+1 loop beside a batch loop that is not one, a burst of errors, a lock wait, a deadlock, a temp spill.
 */
export async function plantLogs(): Promise<PlantedLogs> {
  const cluster = await startTestCluster({
    settings: {
      logging_collector: true,
      log_destination: 'stderr,csvlog,jsonlog',
      log_filename: 'pg.log',
      log_rotation_size: 0,
      log_line_prefix: PLANTED_PREFIX,
      log_min_duration_statement: 0,
      log_lock_waits: true,
      deadlock_timeout: '200ms',
      log_temp_files: 0,
      log_checkpoints: true,
      log_autovacuum_min_duration: 0,
      autovacuum_naptime: 1,
      log_connections: true,
      log_disconnections: true,
      lc_messages: 'C',
      max_wal_size: '32MB',
      min_wal_size: '32MB',
    },
  });
  const dir = join(cluster.dataDir, 'log');
  await cluster.exec('psql', ['-p', String(cluster.port), '-U', 'postgres', '-c', 'CREATE DATABASE shop']);
  await cluster.exec('pgbench', [
    '-p',
    String(cluster.port),
    '-U',
    'postgres',
    '-i',
    '-s',
    '2',
    '-q',
    'shop',
  ]);

  const setup = await connect(cluster, 'setup');
  await setup.query(`
    CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, total numeric NOT NULL);
    CREATE INDEX ON orders (customer_id);
    CREATE TABLE jobs (id int PRIMARY KEY, status text NOT NULL);
    INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 50) g;
    INSERT INTO orders SELECT g, 1 + g % 50, g * 1.5 FROM generate_series(1, 500) g;
    INSERT INTO jobs SELECT g, 'new' FROM generate_series(1, 50) g;
  `);
  await setup.end();

  await cluster.exec('pgbench', [
    '-p',
    String(cluster.port),
    '-U',
    'postgres',
    '-c',
    '2',
    '-t',
    '150',
    'shop',
  ]);

  // the N+1: one query for the customers, then one query per customer for its orders
  const app = await connect(cluster, 'webapp');
  const { rows } = await app.query<{ id: number }>('SELECT id FROM customers ORDER BY id LIMIT 12');
  const loopIds = rows.map((r) => r.id);
  for (const id of loopIds) await app.query('SELECT id, total FROM orders WHERE customer_id = $1', [id]);
  // polling one row again and again is not an N+1 (the same parameters each time)
  for (let i = 0; i < 8; i++) await app.query('SELECT status FROM jobs WHERE id = $1', [7]);
  await app.end();

  // a batch job: per job a read and a write, interleaved; a loop, but not one a single query replaces
  const batch = await connect(cluster, 'batch');
  for (let id = 1; id <= 10; id++) {
    await batch.query('SELECT status FROM jobs WHERE id = $1', [id]);
    await batch.query("UPDATE jobs SET status = 'done' WHERE id = $1", [id]);
  }
  await batch.end();

  // a burst of errors, and two others
  const errors = await connect(cluster, 'errors');
  for (let i = 0; i < 12; i++) await errors.query(`SELECT 1 / ${i - i}`).catch(() => {});
  await errors.query('INSERT INTO customers VALUES (1, $1)', ['again']).catch(() => {});
  await errors.query('SELEC 1').catch(() => {});
  await errors.end();

  // a temp spill: a sort larger than work_mem
  const spill = await connect(cluster, 'reports');
  await spill.query("SET work_mem = '64kB'");
  await spill.query('SELECT g FROM generate_series(1, 100000) g ORDER BY g DESC LIMIT 1');
  await spill.end();

  // a lock wait longer than deadlock_timeout, then released
  const holder = await connect(cluster, 'holder');
  const waiter = await connect(cluster, 'waiter');
  await holder.query('BEGIN');
  await holder.query('UPDATE customers SET name = name WHERE id = 2');
  const waiting = waiter.query("UPDATE customers SET name = 'x' WHERE id = 2");
  await sleep(500);
  await holder.query('COMMIT');
  await waiting;

  // a deadlock: each session holds one row and wants the other's
  await holder.query('BEGIN');
  await waiter.query('BEGIN');
  await holder.query('UPDATE customers SET name = name WHERE id = 3');
  await waiter.query('UPDATE customers SET name = name WHERE id = 4');
  const first = holder.query('UPDATE customers SET name = name WHERE id = 4').catch((e: Error) => e);
  await sleep(50);
  const second = waiter.query('UPDATE customers SET name = name WHERE id = 3').catch((e: Error) => e);
  await Promise.all([first, second]);
  await holder.query('ROLLBACK');
  await waiter.query('ROLLBACK');
  await holder.end();
  await waiter.end();

  await cluster.exec('psql', [
    '-p',
    String(cluster.port),
    '-U',
    'postgres',
    '-d',
    'shop',
    '-c',
    'CHECKPOINT',
  ]);
  // autovacuum has a second or two to visit the tables pgbench and the batch changed
  await sleep(3000);
  await cluster.exec('pg_ctl', ['-D', cluster.dataDir, '-w', '-m', 'fast', 'stop']);

  // a copy: the server appends to its own files when a test starts it again
  const copy = join(cluster.workDir, 'planted-log');
  mkdirSync(copy, { recursive: true });
  const files = readdirSync(dir);
  const pick = (ext: string) => {
    const file = files.find((f) => f.endsWith(ext));
    if (!file) throw new Error(`no ${ext} log in ${dir}: ${files.join(', ')}`);
    copyFileSync(join(dir, file), join(copy, file));
    return join(copy, file);
  };
  return { cluster, dir: copy, stderr: pick('.log'), csv: pick('.csv'), json: pick('.json'), loopIds };
}
