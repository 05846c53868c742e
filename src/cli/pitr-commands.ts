import { type Command, Option } from 'commander';
import type { CliContext } from './context.js';

/** What main.ts lends the pitr commands: its option helpers and the lazy library context. */
export interface PitrCommandKit {
  readonly withContext: (command: Command, work: (context: CliContext) => Promise<void>) => Promise<void>;
  readonly outputOptions: (command: Command) => Command;
  readonly wholeNumber: (min: number, what: string, max?: number) => (value: string) => number;
  readonly examples: (lines: string[]) => string;
  readonly dbHelp: string;
}

const STANZA_HELP = "the pgBackRest stanza (default: the config file's only stanza)";
const CONFIG_HELP = 'the stanza config file (default: <repo>/pgbackrest.conf, which setup writes)';

function stanzaOptions(command: Command): Command {
  return command
    .option('--stanza <name>', STANZA_HELP)
    .option('--repo <dir>', 'the pgBackRest repository folder given to setup')
    .option('--pgbackrest-config <file>', CONFIG_HELP);
}

/** `pgwarden pitr setup|backup|status|restore`. Only commander loads here, like the rest of main.ts. */
export function registerPitrCommands(program: Command, kit: PitrCommandKit): void {
  const { withContext, outputOptions, wholeNumber, examples } = kit;
  const pitr = program
    .command('pitr')
    .description(
      'point-in-time recovery with pgBackRest: set up WAL archiving, take backups, watch the archive, restore to a moment',
    )
    .addHelpText(
      'after',
      examples([
        'pgwarden pitr setup --stanza main --repo /var/lib/pgbackrest --db "$DATABASE_URL" --apply',
        'pgwarden pitr backup --repo /var/lib/pgbackrest --type full',
        'pgwarden pitr status --repo /var/lib/pgbackrest --db "$DATABASE_URL"',
        'pgwarden pitr restore --repo /var/lib/pgbackrest --to "2026-12-06 09:40:41+00" --into /srv/pg-restored',
      ]),
    );

  outputOptions(
    pitr
      .command('setup')
      .description(
        "write the stanza's pgBackRest config, print the ALTER SYSTEM lines the server needs, then stanza-create and check once it archives",
      )
      .requiredOption('--stanza <name>', 'the pgBackRest stanza to create, e.g. main')
      .requiredOption('--repo <dir>', 'the repository folder (created when missing)')
      .option(
        '--db <url>',
        'the server to protect (default: $DATABASE_URL); superuser or pg_read_all_settings',
      )
      .option('--pg-data <dir>', "the server's data directory on this machine (default: its data_directory)")
      .option(
        '--pgbackrest-config <file>',
        'where to write the stanza config (default: <repo>/pgbackrest.conf)',
      )
      .option('--apply', 'run the ALTER SYSTEM statements that need only a reload (superuser)')
      .option('--force', 'replace an existing, different config file'),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden pitr setup --stanza main --repo /var/lib/pgbackrest --db postgres:///postgres?host=/var/run/postgresql',
      ]),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runPitrSetup } = await import('./commands/pitr.js');
        await runPitrSetup(context, options);
      });
    });

  outputOptions(
    stanzaOptions(
      pitr
        .command('backup')
        .description(
          'take a pgBackRest backup of the stanza (full, diff or incr) and print what it recorded',
        ),
    ).addOption(
      new Option('--type <type>', 'full, or the changes since the last full (diff) or last backup (incr)')
        .choices(['full', 'diff', 'incr'])
        .default('full'),
    ),
  )
    .addHelpText('after', examples(['pgwarden pitr backup --repo /var/lib/pgbackrest --type incr']))
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runPitrBackup } = await import('./commands/pitr.js');
        await runPitrBackup(context, options);
      });
    });

  outputOptions(
    stanzaOptions(
      pitr
        .command('status')
        .description(
          'backups, oldest recovery point and WAL archive (pgBackRest info), with --db the archiver (pg_stat_archiver): findings where a DBA must act',
        ),
    ).option('--db <url>', 'the server, for pg_stat_archiver and its settings (default: $DATABASE_URL)'),
  )
    .addHelpText(
      'after',
      examples(['pgwarden pitr status --repo /var/lib/pgbackrest --db "$DATABASE_URL" --format json']),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runPitrStatus } = await import('./commands/pitr.js');
        await runPitrStatus(context, options);
      });
    });

  outputOptions(
    stanzaOptions(
      pitr
        .command('restore')
        .description(
          'prepare a new data directory that recovers to a time, LSN or restore point and stops there, promoted; prints how to start it',
        ),
    )
      .requiredOption(
        '--to <target>',
        'a time with its zone ("2026-12-06 09:40:41+00"), an LSN (0/3000050) or a restore point name',
      )
      .requiredOption('--into <dir>', 'a new or empty folder for the restored data directory')
      .addOption(
        new Option('--target-type <type>', 'what --to is (default: recognized from its form)').choices([
          'time',
          'lsn',
          'name',
        ]),
      )
      .option(
        '--port <n>',
        "the port in the printed start command (default: the stanza's port + 1)",
        wholeNumber(1, 'port', 65535),
      )
      .option(
        '--keep-archiving',
        'keep archive_mode on in the copy (only when it replaces the original server)',
      ),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden pitr restore --repo /var/lib/pgbackrest --to "2026-12-06 09:40:41+00" --into /srv/pg-restored',
        'pgwarden pitr restore --repo /var/lib/pgbackrest --to before_migration_42 --into /srv/pg-restored',
      ]),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runPitrRestore } = await import('./commands/pitr.js');
        await runPitrRestore(context, options);
      });
    });
}
