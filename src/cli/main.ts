#!/usr/bin/env node
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { FAIL_ON_LEVELS } from '../core/finding.js';
import { pgMajorRange } from '../core/pg-major.js';
import { VERSION } from '../core/version.js';
import { FORMATS } from '../report/formats.js';
import { registerAdviseCommand } from './advise-command.js';
import { registerBackupCommands } from './backup-commands.js';
import type { CliContext, GlobalOptions, LintLib } from './context.js';
import { registerLogsCommand } from './logs-command.js';
import { registerPitrCommands } from './pitr-commands.js';

// Only commander and a few constants load here: `pgwarden --help` must not load the SQL parser or start a database.

const DB_HELP = 'database URL (default: $DATABASE_URL, else the embedded PostgreSQL)';

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** PostgreSQL's timeouts are 32-bit milliseconds, and so are Node's timers: the largest wait either can take. */
const MAX_MS = 2_147_483_647;
const MAX_SECONDS = Math.floor(MAX_MS / 1000);

function wholeNumber(min: number, what: string, max: number = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `${what}: a whole number, at least ${min}`
          : `${what}: a whole number from ${min} to ${max.toLocaleString('en-US')}`,
      );
    }
    return n;
  };
}

function majorVersion(min: number, max: number) {
  return (value: string): number => {
    const major = Number(value);
    if (!Number.isInteger(major) || major < min || major > max) {
      throw new InvalidArgumentError(pgMajorRange({ min, max }));
    }
    return major;
  };
}

/** `--pg-version` of the commands that may start the embedded server (13 to 18); lint's takes 10 to 18. */
function pgVersionOption(): Option {
  return new Option(
    '--pg-version <major>',
    'target PostgreSQL major, 13 to 18: findings and fixes for it, and the embedded server starts it (default: the --db server, else config pgVersion, else 18)',
  ).argParser(majorVersion(13, 18));
}

function outputOptions(command: Command, formats: readonly string[] = FORMATS): Command {
  return command
    .addOption(new Option('--format <format>', 'output format').choices(formats).default('text'))
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit with 1 when a finding reaches this severity (default: config, else error)',
      ).choices(FAIL_ON_LEVELS),
    );
}

let libraryLoaded = false;

async function withContext(command: Command, work: (context: CliContext) => Promise<void>): Promise<void> {
  libraryLoaded = true;
  const { createContext } = await import('./context.js');
  const context = await createContext(
    command.optsWithGlobals() as GlobalOptions,
    () => import('../index.js'),
  );
  await work(context);
}

/** withContext with the lint command's slice of the library only. */
async function withLintContext(
  command: Command,
  work: (context: CliContext<LintLib>) => Promise<void>,
): Promise<void> {
  libraryLoaded = true;
  const { createContext } = await import('./context.js');
  const context = await createContext(
    command.optsWithGlobals() as GlobalOptions,
    () => import('../lint-library.js'),
  );
  await work(context);
}

/** commander's usage errors in pgwarden's own shape: `pgwarden: error: …`, then `  hint: …`. */
function asPgwardenError(message: string): string {
  const [first = '', ...rest] = message.trimEnd().split('\n');
  const lines = [`pgwarden: ${first.startsWith('error: ') ? first : `error: ${first}`}`];
  for (const line of rest) {
    const suggestion = /^\(Did you mean (.+)\?\)$/.exec(line.trim());
    lines.push(suggestion ? `  hint: did you mean ${suggestion[1]}?` : `  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

export function buildProgram(): Command {
  const program = new Command('pgwarden')
    // set before the subcommands are added, which inherit it: usage errors must exit 2, not commander's 1
    .exitOverride()
    .description('A PostgreSQL DBA in a toolkit: keeps your data consistent, safe and fast.')
    .version(VERSION, '-v, --version')
    .option('--config <file>', 'configuration file (default: pgwarden.config.json, found upward)')
    .option('--no-color', 'no colours in the output')
    .option('-q, --quiet', 'no progress messages on stderr')
    .option('--debug', 'show stack traces of errors')
    .showSuggestionAfterError()
    .configureOutput({ outputError: (message, write) => write(asPgwardenError(message)) })
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `\nWithout --db or DATABASE_URL, commands that need a database start an embedded PostgreSQL of the target major (--pg-version, else config pgVersion, else 18).\nExit codes: 0 ok, 1 findings at or above --fail-on, 2 usage/config/connection error, 3 refused by the guard.\n`,
    );

  program
    .command('check')
    .description(
      'the Definition of Done of a database change: lint and trace the migrations, verify they reverse, review the schema they build, review and EXPLAIN the queries on seeded data, check the guard; prints the checklist',
    )
    .argument('[project]', 'the project folder (migrations, queries, pgwarden.config.json)', '.')
    .option(
      '--db <url>',
      'server for the scratch and shadow databases (needs CREATEDB; default: DATABASE_URL, else embedded)',
    )
    .addOption(pgVersionOption())
    .option('--no-explain', 'do not EXPLAIN ANALYZE the queries')
    .option('--exit-zero', 'exit 0 even when boxes fail (a demo, or a CI job that only comments)')
    .addOption(
      new Option('--format <format>', 'output format (markdown: a pull request comment)')
        .choices(FORMATS)
        .default('text'),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'a box fails, and the exit code is 1, on a finding of this severity or above',
      )
        .choices(FAIL_ON_LEVELS)
        .default('warning'),
    )
    .addHelpText(
      'after',
      examples([
        'pgwarden check examples/shop',
        'pgwarden check . --format markdown > check.md',
        'pgwarden check --db postgres://ci@localhost:5432/postgres --fail-on error',
      ]),
    )
    .action(async (project: string, options, command: Command) => {
      await withContext(command, async (context) => {
        const { runCheck } = await import('./commands/check.js');
        await runCheck(context, project, {
          ...options,
          configGiven: command.optsWithGlobals().config !== undefined,
        });
      });
    });

  outputOptions(
    program
      .command('inspect')
      .description('print the catalog snapshot of a database, or of the schema that SQL files build')
      .argument('[files...]', 'SQL files or folders: build them on a scratch database and inspect that')
      .option('--db <url>', DB_HELP)
      .addOption(pgVersionOption())
      .option('--table <name>', 'show one table (name or schema.name)'),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden inspect --db postgres://app@localhost:5432/shop',
        'pgwarden inspect examples/inventory/schema.sql --table stock_levels',
        'pgwarden inspect --db "$DATABASE_URL" --format json > snapshot.json',
      ]),
    )
    .action(async (files: string[], options, command: Command) => {
      await withContext(command, async (context) => {
        const { runInspect } = await import('./commands/inspect.js');
        await runInspect(context, files, options);
      });
    });

  outputOptions(
    program
      .command('schema')
      .description(
        'review a schema as a DBA would: naming, standard columns, keys and constraints, types, indexes, normalization, growth',
      )
      .argument('[files...]', 'DDL files or folders: review the schema they build (on a shadow database)')
      .option('--db <url>', `${DB_HELP}; read-only`)
      .addOption(pgVersionOption())
      .option(
        '--migrations <dir>',
        "review the schema this migrations folder builds (default without --db: the config's migrations folder)",
      ),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden schema --db "$DATABASE_URL"',
        'pgwarden schema --migrations migrations/',
        'pgwarden schema db/schema.sql --format json',
      ]),
    )
    .action(async (files: string[], options, command: Command) => {
      await withContext(command, async (context) => {
        const { runSchema } = await import('./commands/schema.js');
        await runSchema(context, files, options);
      });
    });

  outputOptions(
    program
      .command('health')
      .description(
        'check a running server as a DBA would: connections, idle transactions, lock trees, who holds back the xmin horizon, wraparound, sequences, vacuum, indexes, cache, checkpoints, slots, archiving, top queries',
      )
      .option('--db <url>', `${DB_HELP}; read-only`)
      .option(
        '--sample <duration>',
        'read twice this far apart (e.g. 60s) for rates: days until XID, MultiXact and sequence exhaustion',
      )
      .option('--nagios', 'print one Nagios status line and exit 0 ok, 1 warning, 2 critical, 3 unknown')
      .option(
        '--exact [count]',
        'measure the bloat the estimate suspects with pgstattuple (pgstattuple_approx, pgstatindex): at most count relations, default 20',
      ),
    [...FORMATS, 'prometheus'],
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden health --db "$DATABASE_URL"',
        'pgwarden health --db "$DATABASE_URL" --sample 60s --format json',
        'pgwarden health --db "$DATABASE_URL" --format prometheus > /var/lib/node_exporter/pgwarden.prom',
        'pgwarden health --db "$DATABASE_URL" --nagios',
        'pgwarden health --db "$DATABASE_URL" --exact',
      ]),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runHealth } = await import('./commands/health.js');
        await runHealth(context, options);
      });
    });

  program
    .command('tune')
    .description(
      "postgresql.conf for the server's hardware and workload (PGTune's formulas), compared with the live settings: each change with its reason, reload or restart, and the workload's evidence (temp files, checkpoints, idle connections)",
    )
    .option(
      '--db <url>',
      `${DB_HELP}; read-only. Without a database and with --ram: no server, PGTune's list`,
    )
    .option(
      '--ram <size>',
      "the server's RAM, e.g. 16GB (default: this machine's, when the server runs here)",
    )
    .option('--cpus <n>', "the server's CPU cores (default: this machine's, when the server runs here)")
    .option('--storage <kind>', 'ssd, hdd, san or nvme (default ssd)')
    .option('--workload <kind>', 'web, oltp, dw, desktop or mixed (default web)')
    .option('--connections <n>', "the max_connections to plan for (default: the server's)")
    .option('--pg-version <major>', 'PostgreSQL major, 10 to 18 (default: the server, else 18)')
    .option(
      '--os <kind>',
      "linux, windows or mac (default: this machine's when the server runs here, else linux)",
    )
    .option(
      '--db-size <size>',
      'the data against RAM: less, mid or greater (default: measured on the server, else mid)',
    )
    .addOption(
      new Option(
        '--format <format>',
        'output format (sql: an ALTER SYSTEM script; conf: a postgresql.conf snippet)',
      )
        .choices(['text', 'json', 'sql', 'conf', 'markdown'])
        .default('text'),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit with 1 when a finding reaches this severity (default: config, else error)',
      ).choices(FAIL_ON_LEVELS),
    )
    .addHelpText(
      'after',
      examples([
        'pgwarden tune --db "$DATABASE_URL" --workload oltp',
        'pgwarden tune --db "$DATABASE_URL" --ram 64GB --cpus 16 --storage nvme --format sql > tune.sql',
        "pgwarden tune --ram 16GB --cpus 8 --workload web --format conf   # no server: PGTune's list",
      ]),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runTune } = await import('./commands/tune.js');
        await runTune(context, options);
      });
    });

  program
    .command('metrics')
    .description(
      'a Prometheus exporter: serves /metrics (connections by state, transaction ID age, database sizes, dead tuples, cache hit, checkpoints, replication slots …) for one or more databases, read-only, each scrape bounded and cached',
    )
    .option(
      '--db <url>',
      "a database to export (repeatable; default: the config's metrics.databases, else DATABASE_URL)",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--listen <host:port>', "where to serve (default: the config's metrics.listen, 127.0.0.1:9187)")
    .addHelpText(
      'after',
      examples([
        'pgwarden metrics --db "$DATABASE_URL"',
        'pgwarden metrics --db postgres://monitor@db1/orders --db postgres://monitor@db2/billing --listen 0.0.0.0:9187',
        'curl -s http://127.0.0.1:9187/metrics | grep pgwarden_up',
      ]),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runMetrics } = await import('./commands/metrics.js');
        await runMetrics(context, options);
      });
    });

  outputOptions(
    program
      .command('lint')
      .description(
        'check migrations and SQL files: locks, rewrites and scans per statement on the target version, destructive and risky statements, types',
      )
      .argument(
        '<paths...>',
        'migration folders (pgwarden, dbmate, golang-migrate, diesel, Prisma, Flyway, node-pg-migrate, goose, sqlx layouts) or SQL files',
      )
      .option(
        '--pg-version <major>',
        'target PostgreSQL major, 10 to 18 (default: the --db server, else config, else 18)',
        majorVersion(10, 18),
      )
      .option(
        '--db <url>',
        'read facts from this database (read-only): version, table sizes, constraints, casts',
      )
      .option(
        '--trace',
        'also run the migrations on a scratch database (embedded, of --pg-version) and report the locks really taken',
      )
      .option(
        '--trace-db <url>',
        'trace on this server instead (pgwarden creates and drops a scratch database there)',
      )
      .option(
        '--fix',
        'rewrite the mechanical cases in place (CONCURRENTLY, NOT VALID + VALIDATE, timeouts) and show the diff',
      )
      .option('--baseline <file>', 'accept the findings listed in this baseline file')
      .option(
        '--write-baseline <file>',
        'write the current findings to a baseline file (to adopt pgwarden on existing migrations)',
      )
      .option('--changed-since <ref>', 'report only on files changed since this git ref (e.g. origin/main)')
      .option(
        '--watch',
        'keep running: lint again whenever a file changes, from the first changed migration on (text, or json: one report per line)',
      ),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden lint migrations/',
        'pgwarden lint migrations/ --pg-version 13 --format sarif > pgwarden.sarif',
        'pgwarden lint migrations/ --trace --pg-version 16',
        'pgwarden lint migrations/ --db "$DATABASE_URL"     # severity from real table sizes',
        'pgwarden lint migrations/ --fix',
        'pgwarden lint migrations/ --watch                 # an editor beside it: findings as you save',
        'pgwarden lint migrations/ --changed-since origin/main --baseline .pgwarden-baseline.json',
        'pgwarden lint db/changes.sql --format github --fail-on warning',
      ]),
    )
    .action(async (paths: string[], options, command: Command) => {
      await withLintContext(command, async (context) => {
        const { runLint } = await import('./commands/lint.js');
        await runLint(context, paths, options);
      });
    });

  outputOptions(
    program
      .command('query')
      .description(
        'check application SQL (SQL files, queries in .ts/.js code, or --sql) for anti-patterns, against the schema when given',
      )
      .argument('[paths...]', 'SQL files, JavaScript/TypeScript files, or folders of them')
      .option('--sql <text>', 'a query to check, given as text')
      .option('--db <url>', 'check against this database (read-only): tables, columns, indexes, sizes')
      .addOption(pgVersionOption())
      .option(
        '--schema <files...>',
        'check against the schema these DDL files (or folders) build on a shadow database',
      )
      .option('--migrations <dir>', 'check against the schema this migrations folder builds'),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden query src/',
        'pgwarden query src/ --db "$DATABASE_URL"',
        'pgwarden query queries/ --schema db/schema.sql',
        'pgwarden query src/ --migrations migrations/ --format sarif > queries.sarif',
        `pgwarden query --sql "SELECT * FROM users WHERE lower(email) = 'a@b.c'" --db "$DATABASE_URL"`,
      ]),
    )
    .action(async (paths: string[], options, command: Command) => {
      await withContext(command, async (context) => {
        const { runQuery } = await import('./commands/query.js');
        await runQuery(context, paths, options);
      });
    });

  outputOptions(
    program
      .command('explain')
      .description(
        'explain a query (EXPLAIN ANALYZE, writes rolled back) or a captured plan: the problems ranked by the time their fix saves',
      )
      .argument('[sql]', 'the statement to explain')
      .option('-f, --file <file>', 'read the statement from a file')
      .option(
        '--plan <file>',
        'analyze a plan captured elsewhere (EXPLAIN … FORMAT JSON), with or without ANALYZE',
      )
      .option('--db <url>', `${DB_HELP}; reads run READ ONLY, writes are rolled back`)
      .addOption(pgVersionOption())
      .option('--no-analyze', 'plan only: do not run the statement')
      .option('--params <values>', 'values for $1, $2 …: comma-separated, or a JSON array')
      .option(
        '--timeout <ms>',
        'statement_timeout for the explained statement (default 60000)',
        wholeNumber(1, 'ms', MAX_MS),
      )
      .option(
        '--schema <files...>',
        'DDL files or folders to build on a shadow database first (embedded by default)',
      )
      .option('--migrations <dir>', 'build this migrations folder on a shadow database first')
      .option('--seed <file>', 'a SQL data script to load on the shadow database (then ANALYZE)')
      .option('--no-hypothetical', 'do not cost the suggested indexes with hypopg'),
  )
    .addHelpText(
      'after',
      examples([
        `pgwarden explain "SELECT * FROM orders WHERE customer_id = 42" --db "$DATABASE_URL"`,
        'pgwarden explain -f slow.sql --params 42,paid --db "$DATABASE_URL"',
        'pgwarden explain "UPDATE orders SET status = \'x\' WHERE id < 100" --db "$DATABASE_URL"   # rolled back',
        'pgwarden explain --plan plan.json                          # a plan captured elsewhere, offline',
        'pgwarden explain -f q.sql --schema db/schema.sql --seed db/seed.sql   # on the embedded server',
        'pgwarden explain -f q.sql --db "$DATABASE_URL" --format json > explain.json',
      ]),
    )
    .action(async (sql: string | undefined, options, command: Command) => {
      await withContext(command, async (context) => {
        const { runExplain } = await import('./commands/explain.js');
        await runExplain(context, sql, options);
      });
    });

  const security = outputOptions(
    program
      .command('security')
      .description(
        'a least-privilege audit: roles, memberships, grants, SECURITY DEFINER functions, row level security, pg_hba.conf and server settings; read-only, as any role (says what it could not see)',
      )
      .option('--db <url>', `${DB_HELP}; read-only`),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden security --db "$DATABASE_URL"',
        'pgwarden security --db "$DATABASE_URL" --format json > security.json',
        'pgwarden security generate readonly-role --role reporting --schema public',
        'pgwarden security generate tenant-isolation --table invoices --column tenant_id',
      ]),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runSecurity } = await import('./commands/security.js');
        await runSecurity(context, options);
      });
    });
  const repeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  security
    .command('generate')
    .description(
      'write an idempotent SQL script (or its down script) for a read-only role, an application role with DML only, or tenant isolation with row level security',
    )
    .argument('<kind>', 'readonly-role, app-role or tenant-isolation')
    .option('--role <name>', 'the role to create (readonly-role, app-role)')
    .option(
      '--schema <name>',
      'a schema the role works in, or of the tables (repeatable; default public)',
      repeatable,
    )
    .option('--database <name>', 'the database to grant CONNECT on (default: the one the script runs in)')
    .option('--owner <role>', 'the role that creates the tables: default privileges are set for it')
    .option('--login', 'create the role with LOGIN (set its password with \\password)')
    .option('--table <name>', 'tenant-isolation: a table, or schema.table (repeatable)', repeatable)
    .option('--column <name>', 'tenant-isolation: the tenant column (default tenant_id)')
    .option('--setting <name>', 'tenant-isolation: the setting that holds the tenant (default app.tenant_id)')
    .option('--policy <name>', 'tenant-isolation: the policy name (default tenant_isolation)')
    .option('--down', 'print the down script, which removes what the script creates')
    .addOption(new Option('--format <format>', 'output format').choices(['sql', 'json']).default('sql'))
    .addHelpText(
      'after',
      examples([
        'pgwarden security generate readonly-role --role reporting --schema public --owner app_owner',
        'pgwarden security generate app-role --role app --schema app --owner app_owner --login',
        'pgwarden security generate tenant-isolation --table invoices --table orders --setting app.tenant_id',
        'pgwarden security generate readonly-role --role reporting --down',
      ]),
    )
    .action(async (kind: string, options, command: Command) => {
      await withContext(command, async (context) => {
        const { runSecurityGenerate } = await import('./commands/security.js');
        // `security` has a --format of its own, which takes the option wherever it is written
        const format = command.parent?.opts().format === 'json' ? 'json' : options.format;
        await runSecurityGenerate(context, kind, { ...options, format });
      });
    });

  const migrate = program
    .command('migrate')
    .description(
      'apply and roll back versioned migrations, with a history, a lock, and a guard for destructive DDL',
    )
    .addHelpText(
      'after',
      examples([
        'pgwarden migrate new add_orders_status',
        'pgwarden migrate status --db "$DATABASE_URL"',
        'pgwarden migrate up --dry-run',
        'pgwarden migrate up --db "$DATABASE_URL"',
        'pgwarden migrate down --steps 1',
      ]),
    );
  const migrateOptions = (command: Command) =>
    outputOptions(
      command
        .option('--db <url>', DB_HELP)
        .addOption(pgVersionOption())
        .option('--dir <folder>', 'migrations folder (default: config migrations.dir, else migrations/)'),
    );
  const migrateAction =
    (action: 'up' | 'down' | 'status' | 'redo' | 'baseline') =>
    async (options: Record<string, unknown>, command: Command) => {
      await withContext(command, async (context) => {
        const { runMigrate } = await import('./commands/migrate.js');
        await runMigrate(context, action, options as never);
      });
    };
  migrateOptions(
    migrate
      .command('up')
      .description('apply the pending migrations, each in its own transaction, after checking the history')
      .option('--to <version>', 'stop after this version')
      .option(
        '--dry-run',
        'list the statements (and the backups the guard would take) without running anything',
      )
      .option('--allow-out-of-order', 'apply pending migrations older than the newest applied one')
      .option('--allow-drift', 'apply even though the schema changed outside the migrations')
      .option(
        '--lock-wait <seconds>',
        'how long to wait for another runner (default: config migrations.lockWaitSeconds, else 30)',
        wholeNumber(0, 'seconds', MAX_SECONDS),
      )
      .option('--no-guard', 'run destructive statements without a backup (needs --reason)')
      .option('--reason <text>', 'why no backup is needed (stored in the history)'),
  )
    .addHelpText(
      'after',
      examples(['pgwarden migrate up', 'pgwarden migrate up --to 20240101120000 --dry-run']),
    )
    .action(migrateAction('up'));
  migrateOptions(
    migrate
      .command('down')
      .description('roll back the newest applied migrations with their down sections')
      .option('--steps <n>', 'how many migrations to roll back (default 1)', wholeNumber(1, 'steps'))
      .option('--to <version>', 'roll back every migration newer than this version')
      .option('--dry-run', 'list what would run')
      .option(
        '--lock-wait <seconds>',
        'how long to wait for another runner (default: config migrations.lockWaitSeconds, else 30)',
        wholeNumber(0, 'seconds', MAX_SECONDS),
      )
      .option('--no-guard', 'run destructive statements without a backup (needs --reason)')
      .option('--reason <text>', 'why no backup is needed (stored in the history)'),
  )
    .addHelpText('after', examples(['pgwarden migrate down', 'pgwarden migrate down --steps 3 --dry-run']))
    .action(migrateAction('down'));
  migrateOptions(
    migrate
      .command('status')
      .description('applied, pending, changed, missing and failed migrations, and schema drift'),
  )
    .addHelpText('after', examples(['pgwarden migrate status', 'pgwarden migrate status --format json']))
    .action(migrateAction('status'));
  migrateOptions(
    migrate
      .command('baseline')
      .description(
        'record the migrations up to a version as applied without running them, on a database that already has their changes and no history',
      )
      .requiredOption('--to <version>', 'the newest migration the database already has'),
  )
    .addHelpText('after', examples(['pgwarden migrate baseline --to 20240101120000 --db "$DATABASE_URL"']))
    .action(migrateAction('baseline'));
  migrateOptions(
    migrate
      .command('redo')
      .description('roll back the newest applied migration and apply it again')
      .option(
        '--lock-wait <seconds>',
        'how long to wait for another runner (default: config migrations.lockWaitSeconds, else 30)',
        wholeNumber(0, 'seconds', MAX_SECONDS),
      )
      .option('--no-guard', 'run destructive statements without a backup (needs --reason)')
      .option('--reason <text>', 'why no backup is needed (stored in the history)'),
  )
    .addHelpText('after', examples(['pgwarden migrate redo']))
    .action(migrateAction('redo'));
  migrateOptions(
    migrate
      .command('verify')
      .description(
        'check that every migration is reversible: up, down, up on a scratch database (embedded by default)',
      ),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden migrate verify',
        'pgwarden migrate verify --db postgres://postgres@localhost/postgres',
      ]),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runMigrateVerify } = await import('./commands/migrate.js');
        await runMigrateVerify(context, options);
      });
    });
  migrate
    .command('new')
    .description('write a new migration file with up and down sections and the session timeouts')
    .argument('<name>', 'what the migration does, e.g. add_orders_status')
    .option('--dir <folder>', 'migrations folder (default: config migrations.dir, else migrations/)')
    .addHelpText('after', examples(['pgwarden migrate new add_orders_status']))
    .action(async (name: string, options, command: Command) => {
      await withContext(command, async (context) => {
        const { runMigrateNew } = await import('./commands/migrate.js');
        await runMigrateNew(context, name, options);
      });
    });

  registerBackupCommands(program, { withContext, outputOptions, wholeNumber, examples, dbHelp: DB_HELP });
  registerPitrCommands(program, { withContext, outputOptions, wholeNumber, examples, dbHelp: DB_HELP });
  registerAdviseCommand(program, { withContext, outputOptions, wholeNumber, examples, dbHelp: DB_HELP });
  registerLogsCommand(program, { withContext, outputOptions, wholeNumber, examples });

  program
    .command('mcp')
    .description(
      'serve pgwarden to AI agents over MCP (stdio): lint, schema review, explain, inspect, migration status; read-only unless --allow-writes',
    )
    .option('--db <url>', DB_HELP)
    .option(
      '--project <dir>',
      'the project folder, where its migrations and config are (default: the current folder)',
    )
    .option(
      '--allow-writes',
      'allow applying migrations (plan_migrations, then apply_migrations with the approved plan id); without it every session is READ ONLY',
    )
    .option(
      '--plan-ttl <seconds>',
      'how long a migration plan stays valid (default 1800)',
      wholeNumber(1, 'seconds', MAX_SECONDS),
    )
    .addHelpText(
      'after',
      examples([
        'npx pgwarden mcp --project .',
        'npx pgwarden mcp --project ~/src/shop --db "$DATABASE_URL"',
        'npx pgwarden mcp --project . --allow-writes      # plan → approve → apply migrations',
      ]),
    )
    .action(async (options, command: Command) => {
      libraryLoaded = true;
      const { runMcp } = await import('./commands/mcp.js');
      await runMcp(options, command.optsWithGlobals() as GlobalOptions);
    });

  program
    .command('rules')
    .description("list the rules, or show one rule's documentation")
    .argument('[id]', 'a rule id, e.g. sql/syntax-error')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option(
      '--write-docs <dir>',
      'write the generated documentation (rule pages, lock model) into <dir> (docs)',
    )
    .addHelpText(
      'after',
      examples(['pgwarden rules', 'pgwarden rules sql/syntax-error', 'pgwarden rules --format json']),
    )
    .action(async (id: string | undefined, options, command: Command) => {
      await withContext(command, async (context) => {
        const { runRules } = await import('./commands/rules.js');
        await runRules(context, id, options);
      });
    });

  return program;
}

async function reportError(error: unknown, debug: boolean): Promise<number> {
  const { isPgwardenError, errorMessage } = await import('../core/errors.js');
  const { redact } = await import('../core/redact.js');
  const color = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
  const red = (text: string) => (color ? `\u001b[31m${text}\u001b[39m` : text);
  if (isPgwardenError(error)) {
    process.stderr.write(`${red('pgwarden: error:')} ${error.message}\n`);
    if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
    if (debug)
      process.stderr.write(`${redact(String((error.cause as Error | undefined)?.stack ?? error.stack))}\n`);
    return error.exitCode;
  }
  process.stderr.write(`${red('pgwarden: internal error:')} ${errorMessage(error)}\n`);
  process.stderr.write(
    debug
      ? `${redact(String((error as Error)?.stack))}\n`
      : '  hint: run again with --debug for the stack trace, and report it\n',
  );
  return 2;
}

/** `pgwarden … | head`: the reader went away; stop writing quietly, as Unix tools do. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exitCode ??= 0;
    stream.destroy();
  });
}

export async function main(argv: string[] = process.argv): Promise<void> {
  exitQuietlyOnClosedPipe(process.stdout);
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const interrupted = libraryLoaded ? (await import('../db/shutdown.js')).interruption() : null;
    if (interrupted) {
      // what failed was torn down by the clean-up: the interruption is the news, not the error it caused
      process.exitCode = interrupted.exitCode;
      return;
    }
    process.exitCode = await reportError(error, debug);
  } finally {
    if (libraryLoaded) {
      const { runShutdownTasks } = await import('../db/shutdown.js');
      await runShutdownTasks();
    }
  }
}

// `node dist/cli/main.js …` runs the CLI; the bundled bin (bundle-entry.ts) calls main() itself
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
