import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { withDatabase } from '../../src/db/url.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, guardServerUrl, pg18Url, type TestDatabase } from '../helpers/db.js';
import { migration, migrationProject } from '../helpers/project.js';
import { sharedTempDir } from '../helpers/tmp.js';

// a server the machine's pg_dump can back up: the PostgreSQL 15 service, or an embedded server of pg_dump's major
const server = guardServerUrl();
const role = `bk_owner_${randomBytes(3).toString('hex')}`;

/** Data in every common type, large objects, sequences, an extension, a role, every kind of constraint and index. */
const FIXTURE = `
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a int, b text);
CREATE SEQUENCE ticket_seq START 100;
SELECT setval('ticket_seq', 4242);
CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email citext NOT NULL UNIQUE,
  name text NOT NULL CHECK (name <> ''),
  created timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00'
);
CREATE TABLE everything (
  id serial PRIMARY KEY,
  customer_id bigint REFERENCES customers (id),
  i2 smallint, i4 integer, i8 bigint, num numeric(20, 6), r4 real, r8 double precision, ok boolean,
  t text, vc varchar(20), ch char(5), b bytea, d date, tm time, tmtz timetz, ts timestamp, tstz timestamptz,
  iv interval, u uuid, j json, jb jsonb, ints int[], texts text[], ip inet, net cidr, mac macaddr, pt point,
  tsv tsvector, m mood, span int4range, during tstzrange, p pair, h hstore, money_col money, bits bit(8),
  x xml, doubled int GENERATED ALWAYS AS (i4 * 2) STORED
);
CREATE INDEX everything_jb ON everything USING gin (jb);
CREATE INDEX everything_lower_t ON everything (lower(t)) WHERE t IS NOT NULL;
CREATE TABLE bookings (room int NOT NULL, during tstzrange NOT NULL, EXCLUDE USING gist (during WITH &&));
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, note text) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE "Mixed Case" ("Key" int PRIMARY KEY, "some value" text);
CREATE TABLE empty_one (id int PRIMARY KEY);
CREATE VIEW big_spenders AS SELECT customer_id, count(*) FROM everything GROUP BY customer_id;
CREATE MATERIALIZED VIEW customer_count AS SELECT count(*) AS n FROM customers;

INSERT INTO customers (email, name) SELECT 'user' || g || '@Example.com', 'Customer ' || g FROM generate_series(1, 500) g;
INSERT INTO everything (customer_id, i2, i4, i8, num, r4, r8, ok, t, vc, ch, b, d, tm, tmtz, ts, tstz, iv, u, j, jb,
  ints, texts, ip, net, mac, pt, tsv, m, span, during, p, h, money_col, bits, x)
SELECT 1 + g % 500, g % 32000, g, g * 1000000000::bigint, g / 7.0, g / 3.0, g / 9.0, g % 2 = 0,
  CASE WHEN g % 10 = 0 THEN NULL ELSE E'line\\tone\\nüñí ' || g || E' back\\\\slash' END, 'vc' || g, 'c' || (g % 100),
  decode(md5(g::text), 'hex'), date '2024-01-01' + g, time '12:00' + g * interval '1 second', '10:00+02'::timetz,
  timestamp '2024-01-01' + g * interval '1 minute', timestamptz '2024-01-01 00:00+00' + g * interval '1 hour',
  g * interval '1 day', md5(g::text)::uuid, json_build_object('g', g), jsonb_build_object('g', g, 'tags', jsonb_build_array('a', g)),
  ARRAY[g, g + 1], ARRAY['x' || g, NULL], '10.0.0.1'::inet + g, '10.1.0.0/16', '08:00:2b:01:02:03',
  point(g, -g), to_tsvector('english', 'the quick brown fox ' || g), (ARRAY['sad', 'ok', 'happy']::mood[])[1 + g % 3],
  int4range(g, g + 10), tstzrange(timestamptz '2024-01-01 00:00+00' + g * interval '1 day', NULL), ROW(g, 'p' || g)::pair,
  hstore('k', g::text), g::money, (g % 256)::bit(8), xmlparse(content '<a>' || g || '</a>')
FROM generate_series(1, 3000) g;
INSERT INTO bookings SELECT g, tstzrange(timestamptz '2024-01-01 00:00+00' + g * interval '1 day', timestamptz '2024-01-01 00:00+00' + (g + 1) * interval '1 day') FROM generate_series(1, 200) g;
INSERT INTO events SELECT g, date '2024-01-01' + (g % 700), 'e' || g FROM generate_series(1, 2000) g;
INSERT INTO "Mixed Case" VALUES (1, 'one'), (2, NULL);
SELECT lo_from_bytea(0, decode(repeat('cafe', 5000), 'hex')), lo_from_bytea(0, 'second large object');
REFRESH MATERIALIZED VIEW customer_count;
ALTER TABLE customers OWNER TO ${role};
GRANT SELECT ON everything TO ${role};
`;

async function query<T extends Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const connection = await Connection.open(url);
  try {
    return (await connection.query<T>(sql)).rows;
  } finally {
    await connection.close();
  }
}

/** Each table's row count and an md5 of its rows in a fixed order, the sequences' values and the large objects. */
async function fingerprint(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string; sql: string }>(
    url,
    `SELECT n.nspname || '.' || c.relname AS name, format('%I.%I', n.nspname, c.relname) AS sql FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm') AND n.nspname = 'public' ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const table of tables) {
    const [row] = await query<{ n: string; md5: string }>(
      url,
      `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS md5 FROM ONLY ${table.sql} t`,
    );
    out[table.name] = `${row!.n} ${row!.md5}`;
  }
  for (const row of await query<{ name: string; v: string }>(
    url,
    `SELECT 'seq ' || sequencename AS name, last_value::text AS v FROM pg_sequences WHERE schemaname = 'public'`,
  ))
    out[row.name] = row.v;
  const [lo] = await query<{ v: string }>(
    url,
    `SELECT string_agg(md5(lo_get(oid)), ',' ORDER BY md5(lo_get(oid))) AS v FROM pg_largeobject_metadata`,
  );
  out['large objects'] = lo!.v;
  const [owner] = await query<{ v: string }>(
    url,
    `SELECT tableowner AS v FROM pg_tables WHERE tablename = 'customers'`,
  );
  out.owner = owner!.v;
  return out;
}

/** The CLI's JSON output, read loosely by the assertions. */
function json(stdout: string) {
  return JSON.parse(stdout);
}

describe.skipIf(!server)(
  'pgwarden backup: create, verify, restore (PostgreSQL 15 and the machine’s pg_dump)',
  () => {
    let source: TestDatabase;
    let dir: string;
    let backup: string;
    let manifest: ReturnType<typeof json>;
    const extraDatabases: string[] = [];

    beforeAll(async () => {
      await query(server!, `CREATE ROLE ${role} LOGIN PASSWORD 'not-in-the-globals'`);
      source = await createTestDatabase(server!);
      await source.exec(FIXTURE);
      dir = sharedTempDir('pgwarden-backup');
      const created = await runCli(
        ['backup', 'create', '--db', source.url, '--to', dir, '--format', 'json'],
        {
          cwd: dir,
        },
      );
      expect(created.stderr).not.toContain('not-in-the-globals');
      expect(created.code, created.stderr).toBe(0);
      const report = json(created.stdout);
      backup = report.path;
      manifest = report.manifest;
    });

    afterAll(async () => {
      for (const name of extraDatabases) await query(server!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await source?.drop();
      await query(server!, `DROP ROLE IF EXISTS ${role}`);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('writes a manifest: every file with its SHA-256, versions, row counts of the snapshot, structure', async () => {
      expect(manifest.format).toBe('pgwarden-backup/1');
      expect(manifest.kind).toBe('database');
      expect(manifest.serverVersion).toMatch(/^15\./);
      expect(manifest.pgDumpVersion).toMatch(/pg_dump \(PostgreSQL\) \d+/);
      expect(manifest.durationMs).toBeGreaterThan(0);
      expect(manifest.database).not.toMatch(/:[^@/]*@/);
      expect(manifest.rowCounts).toMatchObject({
        'public.customers': 500,
        'public.everything': 3000,
        'public.bookings': 200,
        'public.events_2024': expect.any(Number),
        'public.Mixed Case': 2,
        'public.empty_one': 0,
      });
      expect(manifest.rowCounts['public.events_2024'] + manifest.rowCounts['public.events_2025']).toBe(2000);
      expect(manifest.largeObjects).toBe(2);
      expect(manifest.constraints).toEqual(
        expect.arrayContaining([
          'public.bookings.bookings_during_excl',
          'public.everything.everything_customer_id_fkey',
        ]),
      );
      expect(manifest.indexes).toEqual(
        expect.arrayContaining(['public.everything_jb', 'public.everything_lower_t']),
      );
      const toc = manifest.files.find((f: { path: string }) => f.path === 'dump/toc.dat');
      expect(toc.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(join(backup, 'dump/toc.dat')))
          .digest('hex'),
      );
      expect(manifest.bytes).toBe(
        manifest.files.reduce((sum: number, f: { bytes: number }) => sum + f.bytes, 0),
      );
      // the globals: the role, without its password
      const globals = readFileSync(join(backup, 'globals.sql'), 'utf8');
      expect(manifest.globals).toEqual({ file: 'globals.sql', withPasswords: false, problem: null });
      expect(globals).toContain(`CREATE ROLE ${role}`);
      expect(globals).not.toMatch(/PASSWORD '(SCRAM|md5)/);
    });

    it('verifies at every level, records it, and a test restore on another major (embedded 18) agrees', async () => {
      for (const level of ['checksum', 'list']) {
        const result = await runCli(['backup', 'verify', backup, '--level', level, '--format', 'json']);
        expect(result.code, result.stderr).toBe(0);
        expect(json(result.stdout).verification).toMatchObject({ level, ok: true, problems: [] });
      }
      const listed = json((await runCli(['backup', 'list', '--dir', dir, '--format', 'json'])).stdout);
      expect(listed.status.backups[0].state).toBe('checked');
      expect(listed.status.newestVerified).toBeNull();

      const restored = await runCli([
        'backup',
        'verify',
        backup,
        '--restore-db',
        server!,
        '--format',
        'json',
      ]);
      expect(restored.code, restored.stderr).toBe(0);
      const verification = json(restored.stdout).verification;
      expect(verification).toMatchObject({ level: 'restore', ok: true });
      expect(verification.restore).toMatchObject({ tables: 7, rows: 5702, largeObjects: 2 });

      // without --restore-db: the embedded server, PostgreSQL 18 (pg_dump's output restores into a newer major)
      const embedded = await runCli(['backup', 'verify', backup, '--format', 'json']);
      expect(embedded.code, embedded.stderr).toBe(0);
      expect(json(embedded.stdout).verification.restore.serverVersion).toMatch(/^18\./);

      const record = JSON.parse(readFileSync(join(backup, 'verification.json'), 'utf8'));
      expect(record.lastRestore.ok).toBe(true);
      const status = json((await runCli(['backup', 'list', '--dir', dir, '--format', 'json'])).stdout).status;
      expect(status.newestVerified.id).toBe(basename(backup));
      expect(status.newestVerified.ageSeconds).toBeLessThan(600);
    });

    it('restores into a new database: the same rows (md5 of every table), sequences, large objects and owner', async () => {
      const into = `restored_${randomBytes(4).toString('hex')}`;
      extraDatabases.push(into);
      const result = await runCli([
        'backup',
        'restore',
        backup,
        '--into',
        into,
        '--db',
        server!,
        '--format',
        'json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(json(result.stdout).findings).toEqual([]);
      expect(await fingerprint(withDatabase(server!, into))).toEqual(await fingerprint(source.url));
      const extensions = await query<{ n: string }>(
        withDatabase(server!, into),
        `SELECT count(*) AS n FROM pg_extension WHERE extname IN ('hstore', 'citext')`,
      );
      expect(Number(extensions[0]?.n)).toBe(2);
    });

    it('never restores over an existing database (exit 3, nothing touched)', async () => {
      const before = await fingerprint(source.url);
      const result = await runCli(['backup', 'restore', backup, '--into', source.name, '--db', server!]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`database ${source.name} exists`);
      expect(result.stderr).toContain('hint:');
      expect(await fingerprint(source.url)).toEqual(before);
    });

    const corruptions: [string, (copy: string) => string, RegExp][] = [
      [
        'a flipped byte',
        (copy) => {
          const file = manifest.files.find((f: { path: string }) => /^dump\/\d+\.dat/.test(f.path)).path;
          const bytes = readFileSync(join(copy, file));
          bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
          writeFileSync(join(copy, file), bytes);
          return file;
        },
        /does not match its SHA-256/,
      ],
      [
        'a missing file',
        (copy) => {
          unlinkSync(join(copy, 'dump/toc.dat'));
          return 'dump/toc.dat';
        },
        /is missing/,
      ],
      [
        'a truncated dump',
        (copy) => {
          const file = manifest.files.find((f: { path: string }) => /^dump\/\d+\.dat/.test(f.path)).path;
          truncateSync(join(copy, file), 20);
          return file;
        },
        /is 20 bytes, the manifest says \d+/,
      ],
    ];
    it.each(corruptions)('catches %s and names the file', async (_name, corrupt, message) => {
      const copy = join(dir, `copy-${randomBytes(3).toString('hex')}`);
      cpSync(backup, copy, { recursive: true });
      rmSync(join(copy, 'verification.json'), { force: true });
      const file = corrupt(copy);
      const result = await runCli(['backup', 'verify', copy, '--level', 'restore', '--format', 'json']);
      expect(result.code).toBe(1);
      const report = json(result.stdout);
      expect(report.findings).toHaveLength(1);
      expect(report.findings[0]).toMatchObject({ rule: 'backup/verify-checksum', severity: 'error' });
      expect(report.findings[0].message).toContain(file);
      expect(report.findings[0].message).toMatch(message);
      const record = JSON.parse(readFileSync(join(copy, 'verification.json'), 'utf8'));
      expect(record.latest.ok).toBe(false);
      expect(record.lastRestore).toBeNull();
      rmSync(copy, { recursive: true, force: true });
    });

    it('a test restore asserts the manifest: a row count or an index it does not find fails, named', async () => {
      const copy = join(dir, `copy-${randomBytes(3).toString('hex')}`);
      cpSync(backup, copy, { recursive: true });
      const edited = {
        ...manifest,
        rowCounts: { ...manifest.rowCounts, 'public.bookings': 201 },
        indexes: [...manifest.indexes, 'public.an_index_never_built'],
      };
      writeFileSync(
        join(copy, 'manifest.json'),
        JSON.stringify({ ...manifest, rowCounts: { ...manifest.rowCounts, 'public.ghost': 5 } }),
      );
      const listed = await runCli(['backup', 'verify', copy, '--level', 'list', '--format', 'json']);
      expect(listed.code).toBe(1);
      expect(json(listed.stdout).findings).toMatchObject([
        {
          rule: 'backup/verify-list',
          message: expect.stringContaining('the data of public.ghost (5 rows) is not in the dump'),
        },
      ]);
      writeFileSync(join(copy, 'manifest.json'), JSON.stringify(edited));
      const result = await runCli(['backup', 'verify', copy, '--format', 'json']);
      expect(result.code).toBe(1);
      const messages = json(result.stdout).findings.map((f: { message: string }) => f.message);
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.stringContaining('table public.bookings restored 200 rows, the manifest says 201'),
          expect.stringContaining('index public.an_index_never_built was not rebuilt'),
        ]),
      );
      rmSync(copy, { recursive: true, force: true });
    });

    it('counts the rows in the snapshot pg_dump reads, while rows are being inserted', async () => {
      const busy = await createTestDatabase(server!);
      try {
        await busy.exec(
          `CREATE TABLE log (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), pad text);
         INSERT INTO log (pad) SELECT repeat('x', 100) FROM generate_series(1, 60000);`,
        );
        const writer = await busy.connect();
        let writing = true;
        const inserted = (async () => {
          let n = 0;
          while (writing) {
            await writer.query(`INSERT INTO log (pad) SELECT 'y' FROM generate_series(1, 50)`);
            n += 50;
          }
          return n;
        })();
        const busyDir = sharedTempDir('pgwarden-backup-busy');
        const created = await runCli([
          'backup',
          'create',
          '--db',
          busy.url,
          '--to',
          busyDir,
          '--format',
          'json',
        ]);
        writing = false;
        expect(await inserted).toBeGreaterThan(0);
        expect(created.code, created.stdout + created.stderr).toBe(0);
        const path = json(created.stdout).path;
        // on the embedded server: DROP DATABASE waits for a checkpoint, slow on the shared service
        const verified = await runCli(['backup', 'verify', path, '--format', 'json']);
        expect(verified.code, verified.stdout + verified.stderr).toBe(0);
        rmSync(busyDir, { recursive: true, force: true });
      } finally {
        await busy.drop();
      }
    });

    it('degrades clearly when the role may not dump the passwords: the database is backed up, with a warning', async () => {
      const owned = `bk_owned_${randomBytes(3).toString('hex')}`;
      extraDatabases.push(owned);
      await query(server!, `CREATE DATABASE ${owned} OWNER ${role}`);
      const url = new URL(withDatabase(server!, owned));
      url.username = role;
      url.password = 'not-in-the-globals';
      await query(url.toString(), 'CREATE TABLE mine (id int PRIMARY KEY); INSERT INTO mine VALUES (1), (2)');
      const out = sharedTempDir('pgwarden-backup-role');
      const result = await runCli([
        'backup',
        'create',
        '--db',
        url.toString(),
        '--to',
        out,
        '--with-passwords',
        '--format',
        'json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(`${result.stdout}${result.stderr}`).not.toContain('not-in-the-globals');
      const report = json(result.stdout);
      expect(report.manifest.rowCounts).toEqual({ 'public.mine': 2 });
      expect(report.manifest.globals).toMatchObject({ file: 'globals.sql', withPasswords: false });
      expect(report.findings).toMatchObject([{ rule: 'backup/globals', severity: 'warning' }]);
      expect(report.findings[0].message).toMatch(/passwords were not dumped/);
      rmSync(out, { recursive: true, force: true });
    });
  },
);

describe.skipIf(!server)(
  'the migration guard writes the same manifest format: list and verify read its backups',
  () => {
    it('lists a guard backup, verifies it to the table of contents, and catches a flipped byte', async () => {
      const db = await createTestDatabase(server!);
      const project = migrationProject({ '20240101000000_drop.sql': migration('DROP TABLE orders;') });
      try {
        await db.exec(
          `CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 50);`,
        );
        const applied = await runCli(['migrate', 'up', '--db', db.url], { cwd: project.dir });
        expect(applied.code, applied.stderr).toBe(0);
        const listed = json(
          (await runCli(['backup', 'list', '--format', 'json'], { cwd: project.dir })).stdout,
        );
        expect(listed.status.backups).toMatchObject([{ kind: 'guard', state: 'unverified' }]);
        expect(listed.status.newestVerified).toBeNull();
        const id = listed.status.backups[0].id;
        const manifest = JSON.parse(readFileSync(join(project.dir, '.pgwarden/backups', id), 'utf8'));
        expect(manifest).toMatchObject({
          format: 'pgwarden-backup/1',
          kind: 'guard',
          rowCounts: { 'public.orders': 50 },
        });
        expect(manifest.files).toEqual([
          { path: basename(manifest.file), sha256: manifest.sha256, bytes: manifest.bytes },
        ]);

        const verified = await runCli(['backup', 'verify', id, '--level', 'list', '--format', 'json'], {
          cwd: project.dir,
        });
        expect(verified.code, verified.stderr).toBe(0);
        const restore = await runCli(['backup', 'verify', id], { cwd: project.dir });
        expect(restore.code).toBe(2);
        expect(restore.stderr).toContain('--level list');

        const bytes = readFileSync(manifest.file);
        bytes[bytes.length - 10]! ^= 0xff;
        writeFileSync(manifest.file, bytes);
        const damaged = await runCli(['backup', 'verify', id, '--level', 'checksum', '--format', 'json'], {
          cwd: project.dir,
        });
        expect(damaged.code).toBe(1);
        expect(json(damaged.stdout).findings[0].message).toContain(
          `${basename(manifest.file)} does not match its SHA-256`,
        );
      } finally {
        await db.drop();
        rmSync(project.dir, { recursive: true, force: true });
      }
    });
  },
);

describe('pgwarden backup create refuses a pg_dump older than the server', () => {
  const pgDumpMajor = Number(/(\d+)/.exec(execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }))![1]);
  it.skipIf(pgDumpMajor >= 18)('names the fix (postgresql-client-18) and exits 2', async () => {
    const db = await createTestDatabase(pg18Url());
    const out = sharedTempDir('pgwarden-backup-old');
    try {
      const result = await runCli(['backup', 'create', '--db', db.url, '--to', out]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`pg_dump ${pgDumpMajor} is older than the PostgreSQL 18 server`);
      expect(result.stderr).toContain('postgresql-client-18');
      expect(execFileSync('ls', [out], { encoding: 'utf8' }).trim()).toBe('');
    } finally {
      await db.drop();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
