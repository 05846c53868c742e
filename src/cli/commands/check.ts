import type { FailOn } from '../../core/finding.js';
import type { Format } from '../../report/formats.js';
import type { CliContext } from '../context.js';

export interface CheckCliOptions {
  readonly db?: string;
  readonly explain: boolean;
  readonly format: Format;
  readonly failOn: FailOn;
  readonly exitZero?: boolean;
  readonly pgVersion?: number;
  /** --config was given: use it rather than the project's own config file. */
  readonly configGiven: boolean;
}

export async function runCheck(
  context: CliContext,
  project: string,
  options: CheckCliOptions,
): Promise<void> {
  const { lib } = context;
  const report = await lib.checkProject({
    dir: project,
    config: options.configGiven ? context.config : undefined,
    db: options.db,
    explain: options.explain ? undefined : false,
    failOn: options.failOn,
    pgVersion: options.pgVersion,
    embedded: { log: context.log },
    log: context.log,
    progress: (event) => {
      const title = lib.checkStepTitle(event.step);
      const at = `[${event.index}/${event.total}]`;
      if (event.state === 'start') context.log(`${at} ${title} …`);
      else if (event.state === 'skipped') context.log(`${at} ${title}: skipped (${event.detail})`);
      else
        context.log(
          `${at} ${title}: done in ${Math.round(event.ms ?? 0)} ms${event.detail ? ` (${event.detail})` : ''}`,
        );
    },
  });
  const text =
    options.format === 'text'
      ? lib.renderCheckText(report, context.color)
      : options.format === 'markdown'
        ? lib.renderCheckMarkdown(report)
        : lib.render(report, { format: options.format, color: context.color, rules: lib.allRules });
  process.stdout.write(text);
  process.exitCode = options.exitZero ? 0 : lib.exitCodeFor(report, options.failOn);
}
