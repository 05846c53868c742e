import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { redactUrl } from '../../src/core/redact.js';
import { Connection } from '../../src/db/connection.js';
import { EmbeddedServer } from '../../src/db/embedded/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the embedded PostgreSQL 18 shared by the whole run. */
    pg18Url: string;
    /** The embedded servers of the other majors the tests cover, shared by the whole run (major → URL). */
    embeddedUrls: Record<string, string>;
    /** The machine's PostgreSQL 15 service, or null when there is none (its tests are skipped). */
    pg15Url: string | null;
    /** A server the machine's pg_dump and pg_restore can back up, for the guard; null without them. */
    guardUrl: string | null;
  }
}

/** Where a machine's PostgreSQL 15 service usually is (trust auth); PGWARDEN_TEST_PG15_URL points elsewhere. */
export const PG15_SERVICE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The majors other than 18 and 15 that the tests cover on every supported server, embedded. */
export const EMBEDDED_MAJORS = [13, 14, 16, 17] as const;

/**
 * The other majors this run starts: all of them, unless PGWARDEN_TEST_EMBEDDED_MAJORS lists fewer (a comma list,
 * empty for none) to run a few test files quickly. CI ignores it: there every major runs.
 */
function embeddedMajors(): readonly number[] {
  const listed = process.env.PGWARDEN_TEST_EMBEDDED_MAJORS;
  if (listed === undefined || inCi()) return EMBEDDED_MAJORS;
  const wanted = new Set(listed.split(',').map((major) => Number(major.trim())));
  return EMBEDDED_MAJORS.filter((major) => wanted.has(major));
}

const PG15_TESTS =
  'the tests on PostgreSQL 15 (the JIT plan rule, the crash tests; 15 in the explain, snapshot, lock-model and fingerprint tests)';
const GUARD_TESTS = "the guard's tests";

const run = promisify(execFile);

/** CI=true: what the tests need must be there; a missing service fails the run instead of skipping its tests. */
function inCi(): boolean {
  const value = process.env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** The major of the server at `url`, or why it cannot be reached (a short connect timeout: a probe, not a wait). */
async function probe(url: string): Promise<{ major: number } | { problem: string }> {
  try {
    const connection = await Connection.open(url, {
      connectTimeoutMs: 2_000,
      applicationName: 'pgwarden-tests',
    });
    try {
      const { rows } = await connection.query<{ v: string }>(
        `SELECT current_setting('server_version_num') AS v`,
      );
      return { major: Math.floor(Number(rows[0]!.v) / 10_000) };
    } finally {
      await connection.close();
    }
  } catch (error) {
    return { problem: (error as Error).message.split('\n')[0]! };
  }
}

/** The major the guard's tools can back up (the older of pg_dump and pg_restore), or why there is none. */
async function backupToolsMajor(): Promise<{ major: number } | { problem: string }> {
  let major = Number.POSITIVE_INFINITY;
  for (const name of ['pg_dump', 'pg_restore']) {
    const tool = process.env[`PGWARDEN_${name.toUpperCase()}`] ?? name;
    try {
      const { stdout } = await run(tool, ['--version'], { timeout: 10_000 });
      major = Math.min(major, Number(/(\d+)/.exec(stdout)?.[1]));
    } catch {
      return { problem: `${tool} is not installed (apt-get install postgresql-client)` };
    }
  }
  return Number.isFinite(major) ? { major } : { problem: 'pg_dump printed no version' };
}

/**
 * The servers of the run, started or found once for all test files: the embedded PostgreSQL 18 (each test creates
 * its own database on it), embedded 13, 14, 16 and 17, the machine's PostgreSQL 15 service, and a server for the
 * guard's backups. A service that is not there is said once, here, and the tests that need it are skipped; in CI
 * (CI=true) it fails the run instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ci = inCi();
  /** What the machine lacks, and the tests that need it. */
  const missing: { problem: string; tests: string }[] = [];
  const servers: EmbeddedServer[] = [];
  const start = async (major: number): Promise<EmbeddedServer> => {
    const server = await EmbeddedServer.start({
      major,
      log: (message) => process.stderr.write(`[embedded ${major}] ${message}\n`),
    });
    servers.push(server);
    return server;
  };
  const stopAll = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };

  try {
    const pg15Target = process.env.PGWARDEN_TEST_PG15_URL?.trim() || PG15_SERVICE_URL;
    const [pg18, others, pg15, tools] = await Promise.all([
      start(18),
      Promise.all(embeddedMajors().map((major) => start(major))),
      probe(pg15Target),
      backupToolsMajor(),
    ]);
    project.provide('pg18Url', pg18.url);
    project.provide(
      'embeddedUrls',
      Object.fromEntries(others.map((server) => [String(server.binaries.major), server.url])),
    );

    let pg15Url: string | null = null;
    if ('problem' in pg15) {
      missing.push({
        problem: `no PostgreSQL 15 service (${pg15.problem}; PGWARDEN_TEST_PG15_URL gives another address)`,
        tests: PG15_TESTS,
      });
    } else if (pg15.major !== 15) {
      missing.push({
        problem: `the server at ${redactUrl(pg15Target)} is PostgreSQL ${pg15.major}, not 15`,
        tests: PG15_TESTS,
      });
    } else {
      pg15Url = pg15Target;
    }
    project.provide('pg15Url', pg15Url);

    // The guard is tested for real wherever pg_dump is: on the PostgreSQL 15 service when pg_dump can back it up,
    // else on an embedded server of pg_dump's own major (pg_dump cannot dump a newer server).
    let guardUrl: string | null = null;
    if ('problem' in tools) {
      missing.push({ problem: tools.problem, tests: GUARD_TESTS });
    } else if (pg15Url && tools.major >= 15) {
      guardUrl = pg15Url;
    } else if (tools.major < 13) {
      missing.push({
        problem: `pg_dump ${tools.major} is older than any supported server`,
        tests: GUARD_TESTS,
      });
    } else {
      const major = Math.min(tools.major, 18);
      guardUrl =
        major === 18
          ? pg18.url
          : (others.find((server) => server.binaries.major === major) ?? (await start(major))).url;
    }
    project.provide('guardUrl', guardUrl);
  } catch (error) {
    await stopAll();
    throw error;
  }

  if (missing.length > 0) {
    if (ci) {
      await stopAll();
      const lines = missing.map(({ problem, tests }) => `- ${problem}: ${tests} cannot run`);
      throw new Error(`CI=true: every test must run, and some cannot here:\n${lines.join('\n')}`);
    }
    for (const { problem, tests } of missing)
      process.stderr.write(`[pgwarden tests] ${problem}: ${tests} are skipped\n`);
  }
  return stopAll;
}
