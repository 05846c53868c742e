/**
 * Commands that run for hours or read gigabytes (a server, a log) keep V8's optimising compilers. The rest finish
 * in seconds: there, compiling the 1.7 MB SQL parser a second time with the optimising compiler, in background
 * threads, cost more CPU than it ever saved (2,000 migrations linted: 5.9 → 5.0 s of CPU; one migration: 1.12 →
 * 0.68 s), and a 2-core CI machine has no spare core for it.
 */
const LONG_RUNNING = new Set(['mcp', 'metrics', 'logs', 'advise']);

/** The global options that take a value (main.ts): that value is not the command. */
export const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--config']);

/** The command a command line runs: its first argument that is neither an option nor a global option's value. */
export function commandOf(argv: readonly string[]): string {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (GLOBAL_OPTIONS_WITH_VALUE.has(args[i]!)) i++;
    else if (!args[i]!.startsWith('-')) return args[i]!;
  }
  return '';
}

export function isLongRunning(argv: readonly string[]): boolean {
  return LONG_RUNNING.has(commandOf(argv));
}

/** Short commands whose first work is parsing SQL: the launcher loads the parser before the CLI (launch.ts). */
const PARSE_FIRST = new Set(['lint', 'query', 'explain']);

export function parsesFirst(argv: readonly string[]): boolean {
  return PARSE_FIRST.has(commandOf(argv)) && !argv.includes('--help') && !argv.includes('-h');
}
