import type { FailOn } from '../core/finding.js';
import type * as Library from '../index.js';
import type { Format } from '../report/formats.js';

export type Lib = typeof Library;
/** What every command needs of the library: its config and its report output. */
export type CoreLib = Pick<Lib, 'loadConfig' | 'render' | 'renderChunks' | 'allRules' | 'exitCodeFor'>;
/** The lint command's slice of the library (lint-library.ts), all it loads. */
export type LintLib = typeof import('../lint-library.js');

export interface GlobalOptions {
  readonly config?: string;
  readonly color?: boolean;
  readonly debug?: boolean;
  readonly quiet?: boolean;
  /** `--pg-version` of the command (on the commands that take it): the target major, and the embedded server's. */
  readonly pgVersion?: number;
}

export interface OutputOptions {
  readonly format: Format;
  readonly failOn?: FailOn;
}

/** What every command action gets: the library (loaded on demand), the config and the terminal's settings. */
export interface CliContext<L extends CoreLib = Lib> {
  readonly lib: L;
  readonly config: Library.LoadedConfig;
  readonly color: boolean;
  readonly debug: boolean;
  /** Progress and notices on stderr (silent with --quiet). */
  log(message: string): void;
}

export function colorEnabled(
  flag: boolean | undefined,
  stream: NodeJS.WriteStream = process.stdout,
): boolean {
  if (flag === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** The context of a command, with the library as `load` gives it (all of it, or a command's slice). */
export async function createContext<L extends CoreLib>(
  global: GlobalOptions,
  load: () => Promise<L>,
): Promise<CliContext<L>> {
  const lib = await load();
  const loaded = lib.loadConfig({ path: global.config });
  const quiet = global.quiet === true;
  const stderrColor = colorEnabled(global.color, process.stderr);
  const log = (message: string) => {
    if (!quiet)
      process.stderr.write(
        `${stderrColor ? '\u001b[2m' : ''}pgwarden: ${message}${stderrColor ? '\u001b[22m' : ''}\n`,
      );
  };
  for (const note of loaded.notes ?? []) log(`warning: ${note}`);
  const given = global.pgVersion;
  // --pg-version is the target of every command and the major the embedded server starts
  const config =
    given === undefined
      ? loaded
      : {
          ...loaded,
          config: {
            ...loaded.config,
            pgVersion: given,
            embedded: { ...loaded.config.embedded, version: given },
          },
        };
  return { lib, config, color: colorEnabled(global.color), debug: global.debug === true, log };
}

/** Prints a report in the chosen format and sets the exit code from --fail-on (default: the config's, else error). */
export function emit(
  context: CliContext<CoreLib>,
  report: Library.Report,
  output: OutputOptions,
  renderData?: (colors: Library.Colors) => string,
): void {
  const chunks = context.lib.renderChunks(report, {
    format: output.format,
    color: context.color,
    rules: context.lib.allRules,
    renderData,
  });
  // written in batches of about a megabyte: few writes, and no report held whole (stdout is synchronous on Linux
  // for files and pipes)
  let batch: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    batch.push(chunk);
    length += chunk.length;
    if (length >= 1 << 20) {
      process.stdout.write(batch.join(''));
      batch = [];
      length = 0;
    }
  }
  if (length > 0) process.stdout.write(batch.join(''));
  const failOn = output.failOn ?? context.config.config.failOn;
  process.exitCode = context.lib.exitCodeFor(report, failOn);
}
