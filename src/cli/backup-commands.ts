import { type Command, Option } from 'commander';
import type { CliContext } from './context.js';

/** What main.ts lends the backup commands: its shared option helpers and the lazy library context. */
export interface CommandKit {
  readonly withContext: (command: Command, work: (context: CliContext) => Promise<void>) => Promise<void>;
  readonly outputOptions: (command: Command) => Command;
  readonly wholeNumber: (min: number, what: string, max?: number) => (value: string) => number;
  readonly examples: (lines: string[]) => string;
  readonly dbHelp: string;
}

const DIR_HELP = 'the backup folder (default: config backups.dir, else .pgwarden/backups)';

/** `pgwarden backup create|verify|list|restore|prune`. Only commander loads here, like the rest of main.ts. */
export function registerBackupCommands(program: Command, kit: CommandKit): void {
  const { withContext, outputOptions, wholeNumber, examples } = kit;
  const backup = program
    .command('backup')
    .description(
      'logical backups of a whole database, proven by restoring them: create, verify, list, restore, prune',
    )
    .addHelpText(
      'after',
      examples([
        'pgwarden backup create --db "$DATABASE_URL"',
        'pgwarden backup verify <backup>            # checksums, table of contents, test restore',
        'pgwarden backup list',
        'pgwarden backup restore <backup> --into shop_restored --db "$DATABASE_URL"',
        'pgwarden backup prune --keep-daily 7 --keep-weekly 4 --keep-monthly 6 --apply',
      ]),
    );

  outputOptions(
    backup
      .command('create')
      .description(
        'pg_dump -Fd -j of one snapshot, the globals (roles without passwords), and a manifest: SHA-256 of every file, row counts in that snapshot, constraints, indexes',
      )
      .option('--db <url>', kit.dbHelp)
      .option('--to <folder>', DIR_HELP)
      .option('--jobs <n>', 'pg_dump parallel jobs (default 2)', wholeNumber(1, 'jobs', 64))
      .option('--with-passwords', "dump the roles' passwords too (needs a superuser)"),
  )
    .addHelpText('after', examples(['pgwarden backup create --db "$DATABASE_URL" --jobs 4']))
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runBackupCreate } = await import('./commands/backup.js');
        await runBackupCreate(context, { ...options, quiet: command.optsWithGlobals().quiet });
      });
    });

  outputOptions(
    backup
      .command('verify')
      .description(
        'prove a backup: checksums, then pg_restore --list, then a test restore into a scratch database where every row count, constraint and index must be back',
      )
      .argument('<backup>', 'a backup folder, or a backup named by pgwarden backup list')
      .addOption(
        new Option('--level <level>', 'how far to go (each level does those before it)')
          .choices(['checksum', 'list', 'restore'])
          .default('restore'),
      )
      .option(
        '--restore-db <url>',
        'the server for the test restore (needs CREATEDB; default: the embedded server of the backup’s major or newer)',
      )
      .option('--jobs <n>', 'pg_restore parallel jobs (default 2)', wholeNumber(1, 'jobs', 64))
      .option('--dir <folder>', DIR_HELP),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden backup verify shop-20260101T020000Z-a1b2c3',
        'pgwarden backup verify ./b --level list',
      ]),
    )
    .action(async (name: string, options, command: Command) => {
      await withContext(command, async (context) => {
        const { runBackupVerify } = await import('./commands/backup.js');
        await runBackupVerify(context, name, options);
      });
    });

  outputOptions(
    backup
      .command('list')
      .description('the backups of the folder, newest first, with their age and verification state')
      .option('--dir <folder>', DIR_HELP),
  )
    .addHelpText('after', examples(['pgwarden backup list', 'pgwarden backup list --format json']))
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runBackupList } = await import('./commands/backup.js');
        await runBackupList(context, options);
      });
    });

  outputOptions(
    backup
      .command('restore')
      .description(
        'restore a backup into a NEW database (never over an existing one) and check it against the manifest',
      )
      .argument('<backup>', 'a backup folder, or a backup named by pgwarden backup list')
      .requiredOption('--into <database>', 'the new database (refused when it exists: exit 3)')
      .option('--db <url>', `the server to restore on; ${kit.dbHelp}`)
      .option('--no-owner', 'leave out owners and privileges (when the roles do not exist there)')
      .option('--jobs <n>', 'pg_restore parallel jobs (default 2)', wholeNumber(1, 'jobs', 64))
      .option('--dir <folder>', DIR_HELP),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden backup restore shop-20260101T020000Z-a1b2c3 --into shop_restored --db "$DATABASE_URL"',
      ]),
    )
    .action(async (name: string, options, command: Command) => {
      await withContext(command, async (context) => {
        const { runBackupRestore } = await import('./commands/backup.js');
        await runBackupRestore(context, name, { ...options, noOwner: options.owner === false });
      });
    });

  outputOptions(
    backup
      .command('prune')
      .description(
        'grandfather-father-son retention: a dry run unless --apply; the newest verified backup is always kept',
      )
      .option(
        '--keep-daily <n>',
        'days to keep (default: config backups.keepDaily, else 7)',
        wholeNumber(0, 'days'),
      )
      .option(
        '--keep-weekly <n>',
        'weeks to keep (default: config backups.keepWeekly, else 4)',
        wholeNumber(0, 'weeks'),
      )
      .option(
        '--keep-monthly <n>',
        'months to keep (default: config backups.keepMonthly, else 6)',
        wholeNumber(0, 'months'),
      )
      .option('--apply', 'delete the backups the plan removes')
      .option('--dir <folder>', DIR_HELP),
  )
    .addHelpText('after', examples(['pgwarden backup prune', 'pgwarden backup prune --keep-daily 3 --apply']))
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runBackupPrune } = await import('./commands/backup.js');
        await runBackupPrune(context, options);
      });
    });
}
