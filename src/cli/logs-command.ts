import { type Command, Option } from 'commander';
import type { CliContext } from './context.js';

/** What main.ts lends the logs command: its option helpers and the lazy library context. */
export interface LogsCommandKit {
  readonly withContext: (command: Command, work: (context: CliContext) => Promise<void>) => Promise<void>;
  readonly outputOptions: (command: Command, formats?: readonly string[]) => Command;
  readonly wholeNumber: (min: number, what: string, max?: number) => (value: string) => number;
  readonly examples: (lines: string[]) => string;
}

/** `pgwarden logs`. Only commander loads here, like the rest of main.ts. */
export function registerLogsCommand(program: Command, kit: LogsCommandKit): void {
  const { withContext, outputOptions, wholeNumber, examples } = kit;
  outputOptions(
    program
      .command('logs')
      .description(
        'analyze PostgreSQL server logs (stderr with its log_line_prefix, csvlog, jsonlog, syslog; gzip, zstd): top queries by fingerprint, N+1 loops, errors, lock waits, deadlocks, temp files, checkpoints, autovacuum, connections; reads files only',
      )
      .argument('<paths...>', 'log files, log folders (e.g. $PGDATA/log), or - for standard input')
      .option('--since <time>', 'only entries at or after this time (ISO, UTC unless it names a zone)')
      .option('--until <time>', 'only entries at or before this time')
      .option(
        '--prefix <log_line_prefix>',
        "stderr logs: the server's log_line_prefix, as SHOW log_line_prefix prints it (default: detected)",
      )
      .addOption(
        new Option(
          '--log-format <format>',
          'the log format (default: from the file name, else its first line)',
        ).choices(['stderr', 'csvlog', 'jsonlog', 'syslog']),
      )
      .option(
        '--incremental <state>',
        'read only what was appended since the last run with this state file (created when missing; rotated and truncated files are recognised), and report everything read so far',
      )
      .option(
        '--top <n>',
        'how many normalized queries to list (default 20)',
        wholeNumber(1, 'queries', 10_000),
      ),
    ['text', 'json', 'html', 'markdown'],
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden logs /var/log/postgresql/postgresql-16-main.log',
        "pgwarden logs $PGDATA/log --prefix '%m [%p] %q%u@%d '",
        'pgwarden logs $PGDATA/log --format html > report.html',
        'pgwarden logs $PGDATA/log --incremental ~/.pgwarden-logs.state   # e.g. hourly from cron',
        'pgwarden logs postgresql.json --since 2024-05-01 --until "2024-05-01 12:00" --format json',
        "pgwarden logs /var/log/postgresql.log.zst --prefix 'user=%u,db=%d '  # syslog, zstd",
      ]),
    )
    .action(async (paths: string[], options, command: Command) => {
      await withContext(command, async (context) => {
        const { runLogs } = await import('./commands/logs.js');
        await runLogs(context, paths, options);
      });
    });
}
