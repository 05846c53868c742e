/**
 * The read-only promise, proven on the PostgreSQL 15 service: the bypass corpus (test/fixtures/mcp/bypass.sql)
 * through the MCP server's SQL and identifier tools, as a superuser and as a normal role, and through the CLI's
 * explain (library runExplain, DML rolled back); after each payload nothing on the server may have changed. The
 * false-rejection corpus (test/fixtures/mcp/valid-reads.sql) must be refused at most 1%. Both print their figures.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/db/connection.js';
import { runExplain } from '../../src/explain/run.js';
import { pg15ServiceUrl, useTestDatabase } from '../helpers/db.js';
import { useMcpClients } from '../helpers/mcp-client.js';
import { migrationProject } from '../helpers/project.js';

const fixtures = join(import.meta.dirname, '../fixtures/mcp');
const serverUrl = pg15ServiceUrl();

interface Payload {
  readonly family: string;
  readonly name: string;
  readonly text: string;
}

function readCorpus(): Payload[] {
  const payloads: Payload[] = [];
  let current: { family: string; name: string; lines: string[] } | undefined;
  for (const line of readFileSync(join(fixtures, 'bypass.sql'), 'utf8').split('\n')) {
    const header = /^-- @ ([a-z]+): (.*)$/.exec(line);
    if (header) {
      if (current) payloads.push({ ...current, text: current.lines.join('\n').trim() });
      current = { family: header[1]!, name: header[2]!, lines: [] };
    } else if (current) current.lines.push(line);
  }
  if (current) payloads.push({ ...current, text: current.lines.join('\n').trim() });
  return payloads;
}

const validReads = () =>
  readFileSync(join(fixtures, 'valid-reads.sql'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('--'));

const FILES = [
  '/tmp/pgwarden-bypass-lo-export',
  '/tmp/pgwarden-bypass-copy-program',
  '/tmp/pgwarden-bypass-copy-file',
];

function bypassSchema(url: string): string {
  const dblink = (sql: string) => `PERFORM dblink_exec('${url}', '${sql}')`;
  return `
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE TABLE bp_t (id serial PRIMARY KEY, v text);
INSERT INTO bp_t (v) VALUES ('a'), ('b');
CREATE TABLE bp_log (at timestamptz DEFAULT now());
CREATE SEQUENCE bp_seq;
SELECT nextval('bp_seq');
CREATE FUNCTION bp_write() RETURNS int LANGUAGE sql VOLATILE AS $$ INSERT INTO bp_log DEFAULT VALUES RETURNING 1 $$;
CREATE FUNCTION bp_definer() RETURNS int LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN ${dblink('INSERT INTO bp_log DEFAULT VALUES')}; RETURN 1; END $$;
CREATE FUNCTION bp_liar() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN ${dblink('INSERT INTO bp_log DEFAULT VALUES')}; RETURN 1; END $$;
CREATE PROCEDURE bp_proc() LANGUAGE sql AS $$ INSERT INTO bp_log DEFAULT VALUES $$;
CREATE VIEW bp_view AS SELECT bp_write() AS w;
CREATE FUNCTION bp_attr(bp_t) RETURNS int LANGUAGE sql VOLATILE AS $$ INSERT INTO bp_log DEFAULT VALUES RETURNING 1 $$;
CREATE FUNCTION bp_op(int, int) RETURNS int LANGUAGE sql VOLATILE AS $$ INSERT INTO bp_log DEFAULT VALUES RETURNING $1 $$;
CREATE OPERATOR ### (LEFTARG = int, RIGHTARG = int, FUNCTION = bp_op);
CREATE FUNCTION bp_pl_execute() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN EXECUTE 'SELECT dblink_exec(''${url}'', ''INSERT INTO bp_log DEFAULT VALUES'')'; RETURN 1; END $$;
CREATE FUNCTION bp_pl_perform() RETURNS int LANGUAGE plpgsql STABLE AS $$ BEGIN PERFORM bp_write(); RETURN 1; END $$;
CREATE FUNCTION bp_pl_default() RETURNS int LANGUAGE plpgsql STABLE AS $$
DECLARE x int := bp_liar(); BEGIN RETURN x; END $$;
CREATE FUNCTION bp_pl_nested() RETURNS int LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN bp_pl_perform(); END $$;
CREATE FUNCTION bp_pl_subscript() RETURNS int LANGUAGE plpgsql STABLE AS $$
DECLARE a int[] := '{1}'; BEGIN a[nextval('bp_seq')] := 2; RETURN 1; END $$;
CREATE FUNCTION bp_pl_handler() RETURNS int LANGUAGE plpgsql STABLE AS $$
BEGIN RETURN 1 / 0; EXCEPTION WHEN others THEN ${dblink('INSERT INTO bp_log DEFAULT VALUES')}; RETURN 0; END $$;
CREATE FUNCTION bp_pl_query() RETURNS SETOF int LANGUAGE plpgsql STABLE AS $$
BEGIN RETURN QUERY EXECUTE 'SELECT bp_write()'; END $$;
CREATE FUNCTION bp_pl_cursor() RETURNS int LANGUAGE plpgsql STABLE AS $$
DECLARE c refcursor; v int; BEGIN OPEN c FOR EXECUTE 'SELECT bp_write()'; FETCH c INTO v; RETURN v; END $$;
CREATE FUNCTION bp_pl_setting() RETURNS int LANGUAGE plpgsql STABLE SET statement_timeout = 0 AS $$
BEGIN PERFORM pg_sleep(3); RETURN 1; END $$;
CREATE FUNCTION bp_pl_notify() RETURNS int LANGUAGE plpgsql STABLE AS $$
BEGIN PERFORM pg_notify('bp_channel', 'x'); RETURN 1; END $$;
CREATE FUNCTION bp_pl_raise() RETURNS int LANGUAGE plpgsql STABLE AS $$
BEGIN RAISE NOTICE '%', bp_write(); RETURN 1; END $$;
`;
}

const FINGERPRINT = `SELECT
  (SELECT md5(string_agg(oid::text || relname || relkind::text, ',' ORDER BY oid)) FROM pg_class) AS classes,
  (SELECT md5(string_agg(oid::text || proname, ',' ORDER BY oid)) FROM pg_proc) AS procs,
  -- server-wide objects are shared with the test files running meanwhile: only what would be an escalation counts
  (SELECT md5(coalesce(string_agg(rolname, ',' ORDER BY rolname), '')) FROM pg_roles
    WHERE rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication
       OR pg_has_role(oid, 'pg_write_server_files', 'MEMBER') OR pg_has_role(oid, 'pg_execute_server_program', 'MEMBER')
  ) AS roles,
  (SELECT md5(coalesce(string_agg(id::text || coalesce(v, ''), ',' ORDER BY id), '')) FROM bp_t) AS data,
  (SELECT count(*) FROM bp_log) AS log,
  (SELECT last_value::text || is_called::text FROM bp_seq) AS seq,
  (SELECT count(*) FROM pg_largeobject_metadata) AS large_objects,
  pg_conf_load_time()::text AS conf_loaded,
  (SELECT coalesce(stats_reset::text, '') FROM pg_stat_database WHERE datname = current_database()) AS stats_reset,
  (SELECT coalesce(stats_reset::text, '') FROM pg_stat_bgwriter) AS bgwriter_reset,
  (SELECT count(*) FROM pg_replication_slots) AS slots,
  (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS advisory_locks,
  (SELECT count(*) FROM pg_collation) AS collations,
  (SELECT count(*) FROM pg_prepared_xacts) AS prepared,
  (SELECT md5(string_agg(name || setting, ',' ORDER BY name)) FROM pg_settings WHERE context <> 'user') AS settings`;

interface Watch {
  /** What changed since the last look: empty when nothing did. */
  check(): Promise<string[]>;
  close(): Promise<void>;
}

/** Watches the server: the fingerprint, a sentinel backend that must stay alive and hear no notification, files. */
async function watch(url: string): Promise<Watch> {
  const admin = await Connection.open(url, { applicationName: 'bp-admin' });
  const sentinel = await Connection.open(url, { applicationName: 'bp-sentinel' });
  const notified: string[] = [];
  sentinel.client.on('notification', (n) => notified.push(n.channel));
  sentinel.client.on('error', () => {});
  await sentinel.query('LISTEN bp_channel');
  const look = async () => (await admin.query(FINGERPRINT)).rows[0] as Record<string, unknown>;
  let before = await look();
  return {
    async check() {
      const changes: string[] = [];
      const after = await look();
      for (const [key, value] of Object.entries(after))
        if (String(value) !== String(before[key])) changes.push(`${key}: ${before[key]} → ${value}`);
      before = after;
      const alive = await sentinel
        .query('SELECT 1')
        .then(() => true)
        .catch(() => false);
      if (!alive) changes.push('the sentinel backend was terminated or cancelled');
      if (notified.length > 0) changes.push(`notifications: ${notified.splice(0).join(', ')}`);
      for (const file of FILES)
        if (existsSync(file)) {
          changes.push(`file written: ${file}`);
          rmSync(file, { force: true });
        }
      return changes;
    },
    async close() {
      await sentinel.close().catch(() => {});
      await admin.close();
    },
  };
}

const mcp = useMcpClients();

function mcpClient(url: string, project: string) {
  return mcp(['--db', url, '--project', project], { name: 'pgwarden-bypass' });
}

/** User functions the valid reads call: STABLE and IMMUTABLE, in SQL and in PL/pgSQL (every construct a read uses). */
const READ_FUNCTIONS = `
CREATE FUNCTION rd_customer_total(cid bigint) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT coalesce(sum(total), 0) FROM rd_orders WHERE customer_id = cid $$;
CREATE FUNCTION rd_tax(amount numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT round(amount * 0.2, 2) $$;
CREATE FUNCTION rd_grade(total numeric) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF total IS NULL THEN RETURN 'none'; ELSIF total > 100 THEN RETURN 'high'; END IF;
  RETURN 'low';
END $$;
CREATE FUNCTION rd_order_count(cid bigint) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM rd_orders WHERE customer_id = cid;
  RETURN n;
END $$;
CREATE FUNCTION rd_recent(since interval) RETURNS SETOF rd_orders LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY SELECT * FROM rd_orders WHERE created_at > now() - since;
END $$;
CREATE FUNCTION rd_depth(cat int) RETURNS int LANGUAGE plpgsql STABLE AS $$
DECLARE d int := 0; p int := cat;
BEGIN
  LOOP
    SELECT parent_id INTO p FROM rd_categories WHERE id = p;
    EXIT WHEN p IS NULL;
    d := d + 1;
  END LOOP;
  RETURN d;
END $$;
CREATE FUNCTION rd_tags_upper(tags text[]) RETURNS text[] LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE t text; result text[] := '{}';
BEGIN
  FOREACH t IN ARRAY coalesce(tags, '{}') LOOP result := result || upper(t); END LOOP;
  RETURN result;
EXCEPTION WHEN others THEN RETURN NULL;
END $$;
CREATE FUNCTION rd_check_total(v numeric) RETURNS numeric LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  ASSERT v >= 0, 'negative';
  RAISE DEBUG 'checked %', v;
  RETURN v;
END $$;
CREATE FUNCTION rd_country_stats(c text, OUT orders bigint, OUT revenue numeric) LANGUAGE plpgsql STABLE AS $$
BEGIN
  SELECT count(*), coalesce(sum(o.total), 0) INTO orders, revenue
    FROM rd_orders o JOIN rd_customers cu ON cu.id = o.customer_id WHERE cu.country = c;
END $$;
CREATE FUNCTION rd_first_status(cid bigint) RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE cur CURSOR FOR SELECT status FROM rd_orders WHERE customer_id = cid ORDER BY id; s text;
BEGIN
  OPEN cur; FETCH cur INTO s; CLOSE cur;
  RETURN s;
END $$;
CREATE FUNCTION rd_sum_to(n int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE total int := 0;
BEGIN
  FOR i IN 1..n LOOP total := total + i; END LOOP;
  WHILE total > 1000 LOOP total := total / 2; END LOOP;
  CASE WHEN total > 10 THEN total := total + 0; ELSE NULL; END CASE;
  RETURN total;
END $$;
CREATE FUNCTION rd_labels(cid bigint) RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT status FROM rd_orders WHERE customer_id = cid LOOP RETURN NEXT r.status; END LOOP;
  PERFORM rd_tax(1);
  RETURN;
END $$;
CREATE FUNCTION rd_order_total_at(o rd_orders) RETURNS numeric LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN o.total * 1.2; END $$;
CREATE FUNCTION rd_with_path(x int) RETURNS int LANGUAGE plpgsql STABLE SET search_path = public AS $$ BEGIN RETURN x + 1; END $$;
CREATE FUNCTION rd_rows_seen(cid bigint) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE n bigint;
BEGIN
  PERFORM 1 FROM rd_orders WHERE customer_id = cid;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
`;

describe.skipIf(!serverUrl)('read-only, proven (PostgreSQL 15 service)', () => {
  const db = useTestDatabase(() => serverUrl!);

  it('the bypass corpus escapes nothing: MCP as superuser and as a normal role, and the CLI explain', async () => {
    const payloads = readCorpus();
    expect(payloads.length).toBeGreaterThanOrEqual(60);
    await db().exec(bypassSchema(db().url));
    const role = `bp_agent_${Math.random().toString(36).slice(2, 8)}`;
    await db().exec(
      `CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}; GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    );
    const roleUrl = new URL(db().url);
    roleUrl.username = role;
    roleUrl.password = '';
    const project = migrationProject({}).dir;
    const watcher = await watch(db().url);
    // control: the watcher sees a write, a notification and a lost backend when they do happen
    const control = await Connection.open(db().url, { applicationName: 'bp-control' });
    await control.query(`SELECT bp_write(), pg_notify('bp_channel', 'control')`);
    await control.close();
    await new Promise((done) => setTimeout(done, 100));
    const seen = await watcher.check();
    expect(seen.some((c) => c.startsWith('log:'))).toBe(true);
    expect(seen.some((c) => c.startsWith('notifications:'))).toBe(true);
    const escapes: string[] = [];
    let runs = 0;
    let refused = 0;
    try {
      for (const [who, url] of [
        ['superuser', db().url],
        [role, roleUrl.toString()],
      ] as const) {
        const client = await mcpClient(url, project);
        for (const payload of payloads) {
          const text = payload.text.replaceAll('{{DB}}', db().url);
          const result = (await client.callTool(
            payload.family === 'ident'
              ? { name: 'inspect_table', arguments: { table: text } }
              : { name: 'explain_query', arguments: { sql: text, timeout_ms: 1000 } },
            undefined,
            { timeout: 60_000 },
          )) as { isError?: boolean };
          runs++;
          if (result.isError) refused++;
          if (payload.family !== 'ident') {
            // the linter reads the catalog of the database and must never run what it lints
            await client.callTool(
              { name: 'lint_migration', arguments: { sql: text, use_database: true } },
              undefined,
              { timeout: 60_000 },
            );
            runs++;
          }
          const changes = await watcher.check();
          if (changes.length > 0)
            escapes.push(`MCP as ${who}: ${payload.family}: ${payload.name}: ${changes.join('; ')}`);
        }
        await client.close();
      }
      // the CLI's explain: DML is run and rolled back there, everything else is refused as in MCP
      const cli = await Connection.open(db().url, { applicationName: 'bp-cli' });
      try {
        for (const payload of payloads.filter((p) => p.family !== 'ident')) {
          const sql = payload.text.replaceAll('{{DB}}', db().url);
          await runExplain(cli, { sql, timeoutMs: 1000 }).then(
            () => {},
            () => {
              refused++;
            },
          );
          runs++;
          // (a rolled-back INSERT still draws from bp_t's serial sequence, documented; the fingerprint omits it)
          const changes = await watcher.check();
          if (changes.length > 0)
            escapes.push(`CLI explain: ${payload.family}: ${payload.name}: ${changes.join('; ')}`);
        }
      } finally {
        await cli.close();
      }
    } finally {
      await watcher.close();
      await db()
        .exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`)
        .catch(() => {});
    }
    console.log(
      `bypass corpus: ${payloads.length} payloads, ${runs} runs (MCP explain_query, lint_migration and inspect_table as superuser and as ${role}, CLI explain), ${refused} refused or failed, ${escapes.length} escapes`,
    );
    for (const found of escapes) console.log(`  ESCAPE ${found}`);
    expect(escapes).toEqual([]);
  }, 600_000);

  it('the false-rejection corpus: at most 1% of valid reads refused', async () => {
    await db().exec(`
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE rd_customers (id bigint PRIMARY KEY, name text NOT NULL, email text, country text, created_at timestamptz DEFAULT now());
CREATE TABLE rd_orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES rd_customers, status text, total numeric,
  created_at timestamptz DEFAULT now(), tags text[], meta jsonb);
CREATE TABLE rd_items (order_id bigint REFERENCES rd_orders, sku text, qty int, price numeric);
CREATE TABLE rd_categories (id int PRIMARY KEY, parent_id int REFERENCES rd_categories, name text);
CREATE VIEW rd_order_summary AS SELECT customer_id, count(*) AS orders, sum(total) AS total FROM rd_orders GROUP BY customer_id;
INSERT INTO rd_customers SELECT g, 'name' || g, 'u' || g || '@a.com', (ARRAY['FR','DE','US','JP'])[1 + g % 4] FROM generate_series(1, 50) g;
INSERT INTO rd_orders SELECT g, 1 + g % 50, (ARRAY['new','paid','shipped','cancelled'])[1 + g % 4], g * 1.5, now() - g * interval '1 hour',
  ARRAY['vip', 'x' || g], jsonb_build_object('channel', 'web', 'items', jsonb_build_array(g)) FROM generate_series(1, 200) g;
INSERT INTO rd_items SELECT 1 + g % 200, 'sku' || g % 20, 1 + g % 9, g % 30 FROM generate_series(1, 600) g;
INSERT INTO rd_categories VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'c');
ANALYZE;
${READ_FUNCTIONS}`);
    const queries = validReads();
    expect(queries.length).toBeGreaterThanOrEqual(500);
    const connection = await Connection.open(db().url);
    const refusedQueries: string[] = [];
    const failed: string[] = [];
    try {
      for (const sql of queries) {
        try {
          await runExplain(connection, {
            sql,
            readOnly: true,
            analyze: true,
            timeoutMs: 5000,
            params: sql.includes('$1') ? ['1'] : [],
          });
        } catch (error) {
          const message = (error as Error).message;
          if (message.startsWith('refused')) refusedQueries.push(`${sql}\n    ${message}`);
          else failed.push(`${sql}\n    ${message}`);
        }
      }
    } finally {
      await connection.close();
    }
    const rate = (refusedQueries.length / queries.length) * 100;
    console.log(
      `false-rejection corpus: ${queries.length} valid reads, ${refusedQueries.length} refused (${rate.toFixed(2)}%), ${failed.length} failed otherwise`,
    );
    for (const q of refusedQueries) console.log(`  REFUSED ${q}`);
    for (const q of failed) console.log(`  FAILED ${q}`);
    expect(rate).toBeLessThanOrEqual(1);
    expect(failed).toEqual([]);
  }, 600_000);
});
