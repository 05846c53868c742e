import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * Every `pgwarden …` line of the README's shell blocks, run as written in a project laid out as the README assumes
 * (migrations/, db/schema.sql, db/change.sql, src/, the examples/), with `$DATABASE_URL` a real database: it must
 * end with 0 or 1 (findings), never a usage, config or internal error, and print what its format promises.
 */
interface ReadmeCommand {
  readonly line: string;
  readonly args: string[];
  readonly stdoutFile: string | null;
}

const README = readFileSync(join(projectRoot, 'README.md'), 'utf8');

/** Commands the test cannot run here, each with the reason. */
const NOT_RUN: Readonly<Record<string, string>> = {
  'pgwarden mcp': 'speaks MCP on stdio until its client leaves (tested by test/mcp)',
  'pgwarden lint migrations/ --watch':
    'lints again at every change until interrupted (tested by test/ops/lint-watch.test.ts)',
  'pgwarden metrics': 'serves /metrics until it is stopped (tested by test/health/metrics)',
  'pgwarden health --db "$DATABASE_URL" --nagios':
    'exits 2 on a critical finding, as a Nagios plugin does (tested by test/health/health.test.ts)',
  'pgwarden backup':
    'needs a pg_dump as new as the server (the README run is on PostgreSQL 18, the machine may have an older pg_dump) and a backup to name (tested on PostgreSQL 15 by test/backup)',
  'pgwarden advise --db "$DATABASE_URL" --workload "$PGDATA/log"':
    "reads the server's own log folder, which the README run has not (tested by test/advise/log-workload.test.ts)",
  'pgwarden pitr':
    'needs a server whose data directory is on this machine, with archiving to a pgBackRest stanza (tested by test/backup/pitr.test.ts on a cluster of its own)',
  'pgwarden advise --workload pg_stat_statements':
    'needs pg_stat_statements in shared_preload_libraries (tested by test/advise/statements.test.ts)',
  'pgwarden migrate baseline':
    'is for a database that has the changes and no history, which the README run has not (tested by test/migrate/adopt.test.ts)',
};

function readmeCommands(): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  for (const [, block] of README.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)) {
    for (const raw of block!.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (!line.startsWith('pgwarden ')) continue;
      if (Object.keys(NOT_RUN).some((prefix) => line.startsWith(prefix))) continue;
      const [command, redirect] = line.split(/\s>\s/);
      commands.push({ line, args: words(command!).slice(1), stdoutFile: redirect?.trim() ?? null });
    }
  }
  return commands;
}

/** Shell words: quotes kept together, `$DATABASE_URL` left for the environment. */
function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function expand(word: string, env: Record<string, string>): string {
  return word.replace(/\$([A-Z_]+)/g, (_, name: string) => env[name] ?? '');
}

describe("the README's commands", () => {
  const commands = readmeCommands();
  let project: string;
  let inventory: TestDatabase;
  let migrations: TestDatabase;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'pgwarden-readme-'));
    cpSync(join(projectRoot, 'examples'), join(project, 'examples'), { recursive: true });
    cpSync(join(projectRoot, 'examples', 'shop', 'migrations'), join(project, 'migrations'), {
      recursive: true,
    });
    cpSync(join(projectRoot, 'examples', 'shop', 'src'), join(project, 'src'), { recursive: true });
    cpSync(join(projectRoot, 'examples', 'inventory', 'schema.sql'), join(project, 'db', 'schema.sql'));
    writeFileSync(
      join(project, 'db', 'change.sql'),
      'CREATE INDEX stock_levels_product_idx ON stock_levels (product_id);\n',
    );
    const git = (...args: string[]) => execFileSync('git', args, { cwd: project, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'start');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'project');

    inventory = await createTestDatabase();
    await inventory.exec(readFileSync(join(projectRoot, 'examples', 'inventory', 'schema.sql'), 'utf8'));
    await inventory.exec(readFileSync(join(projectRoot, 'examples', 'inventory', 'seed.sql'), 'utf8'));
    await inventory.exec('ANALYZE');
    migrations = await createTestDatabase();
  });

  afterAll(async () => {
    await inventory?.drop();
    await migrations?.drop();
  });

  it('are found (the README still shows its commands)', () => {
    expect(commands.length).toBeGreaterThan(30);
  });

  for (const { line, args, stdoutFile } of readmeCommands()) {
    it(line, async () => {
      // migrations run on a database of their own; the rest read the seeded inventory database
      const url = args[0] === 'migrate' ? migrations.url : inventory.url;
      const env = { DATABASE_URL: url };
      const argv = args.map((word) =>
        expand(word, env).replace(/^postgres:\/\/app@localhost:5432\/shop$/, url),
      );
      const result = await runCli(argv, { cwd: project, env });
      expect(result.stderr, line).not.toMatch(/internal error/);
      expect([0, 1], `${line}\n${result.stderr}`).toContain(result.code);
      const format = argv[argv.indexOf('--format') + 1];
      if (argv.includes('--format') && (format === 'json' || format === 'sarif')) {
        const json = JSON.parse(result.stdout);
        if (format === 'json') expect(json).toMatchObject({ tool: 'pgwarden', findings: expect.any(Array) });
        else expect(json).toMatchObject({ version: '2.1.0', runs: expect.any(Array) });
      } else if (format === 'github') {
        // workflow commands, one per finding, then one plain summary line (GitHub logs it as it is)
        const lines = result.stdout.split('\n').filter(Boolean);
        expect(lines.at(-1)).toMatch(/^pgwarden \w+: /);
        for (const out of lines.slice(0, -1)) expect(out).toMatch(/^::(error|warning|notice) /);
      } else if (stdoutFile) {
        expect(result.stdout.length, `${line} writes its output to ${stdoutFile}`).toBeGreaterThan(0);
      }
    });
  }
});
