import type { Command } from 'commander';
import type { CommandKit } from './backup-commands.js';

/** `pgwarden advise`. Only commander loads here, like the rest of main.ts. */
export function registerAdviseCommand(program: Command, kit: CommandKit): void {
  const { withContext, outputOptions, wholeNumber, examples } = kit;
  outputOptions(
    program
      .command('advise')
      .description(
        "the best index set for a whole workload (pg_stat_statements, a SQL file, or the server's log), chosen on HypoPG what-if costs under a storage budget, counting write cost; prints the CREATE INDEX CONCURRENTLY script",
      )
      .option('--db <url>', `${kit.dbHelp}; read-only (HypoPG's indexes live in the session only)`)
      .option(
        '--workload <source>',
        "pg_stat_statements (default), a SQL file of queries (.sql; -- weight: N before a query weighs it), or the server's log (a file or folder: stderr, csvlog, jsonlog, gzip; each query weighs its calls)",
        'pg_stat_statements',
      )
      .option('--budget <size>', 'storage the new indexes may take: 500MB, 2GB (default: no limit)')
      .option('--max-width <n>', 'most key columns per index (default 3)', wholeNumber(1, 'columns', 32))
      .option(
        '--limit <n>',
        'pg_stat_statements or a log: the top N statements by total time (default 100)',
        wholeNumber(1, 'statements', 10_000),
      )
      .option('--create-extension', 'run CREATE EXTENSION hypopg when it is available but not installed')
      .option(
        '--prove',
        'build the indexes on a scratch copy of the database (up to 1 GB; CREATEDB, no other session on it) and measure the SELECTs before and after',
      )
      .option('--script <file>', 'also write the CREATE INDEX CONCURRENTLY script to this file'),
  )
    .addHelpText(
      'after',
      examples([
        'pgwarden advise --db "$DATABASE_URL"                          # top 100 of pg_stat_statements',
        'pgwarden advise --db "$DATABASE_URL" --workload queries.sql --budget 500MB',
        'pgwarden advise --db "$DATABASE_URL" --workload /var/log/postgresql/postgresql-15-main.log',
        'pgwarden advise --db "$DATABASE_URL" --max-width 2 --script indexes.sql',
        'pgwarden advise --db "$DATABASE_URL" --format json > advice.json',
      ]),
    )
    .action(async (options, command: Command) => {
      await withContext(command, async (context) => {
        const { runAdvise } = await import('./commands/advise.js');
        await runAdvise(context, options);
      });
    });
}
