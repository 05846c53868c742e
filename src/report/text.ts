import { createColors } from 'picocolors';
import { type Finding, isFileLocation, type Severity } from '../core/finding.js';
import type { Report } from '../core/report.js';
import { formatImpact } from './impact.js';
import { displayPath } from './location.js';

export interface TextOptions {
  readonly color: boolean;
  readonly cwd?: string;
  /** The command's own data, rendered before the findings (e.g. a catalog snapshot). */
  readonly renderData?: (colors: Colors) => string;
}

export type Colors = ReturnType<typeof createColors>;

export function renderText(report: Report, options: TextOptions): string {
  const c = createColors(options.color);
  const out: string[] = [];
  if (options.renderData) {
    const data = options.renderData(c);
    if (data) out.push(data.trimEnd(), '');
  }
  const severityLabel: Record<Severity, string> = {
    error: c.red('error  '),
    warning: c.yellow('warning'),
    info: c.blue('info   '),
  };

  const groups = new Map<string, Finding[]>();
  for (const finding of report.findings) {
    const key = isFileLocation(finding.location)
      ? displayPath(finding.location.file, options.cwd)
      : `${finding.location.object} ${c.dim(`(${finding.location.kind})`)}`;
    const group = groups.get(key) ?? [];
    group.push(finding);
    groups.set(key, group);
  }
  for (const [key, findings] of groups) {
    out.push(c.underline(key));
    for (const finding of findings) {
      const where = isFileLocation(finding.location)
        ? `${finding.location.line}:${finding.location.column}`
        : '';
      out.push(
        `  ${c.dim(where.padEnd(8))} ${severityLabel[finding.severity]}  ${finding.message}  ${c.dim(finding.rule)}`,
      );
      if (finding.impact) out.push(`  ${' '.repeat(8)} ${c.cyan('saves:')} ${formatImpact(finding.impact)}`);
      if (finding.fix) {
        const [first, ...rest] = finding.fix.split('\n');
        out.push(`  ${' '.repeat(8)} ${c.green('fix:')} ${first}`);
        for (const line of rest) out.push(`  ${' '.repeat(8)}      ${line}`);
      }
    }
    out.push('');
  }

  const { error, warning, info, total } = report.summary;
  if (total === 0) {
    out.push(c.green(`✔ ${report.command}: no findings`));
  } else {
    const mark = error > 0 ? c.red('✖') : c.yellow('⚠');
    out.push(
      `${mark} ${total} finding${total === 1 ? '' : 's'} (${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info)`,
    );
  }
  if (report.skipped.length > 0) {
    out.push(c.dim(`  ${report.skipped.length} rule${report.skipped.length === 1 ? '' : 's'} skipped:`));
    for (const skipped of report.skipped) out.push(c.dim(`    ${skipped.rule}: ${skipped.reason}`));
  }
  return `${out.join('\n')}\n`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
