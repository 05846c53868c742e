import { isFileLocation } from '../core/finding.js';
import type { Report } from '../core/report.js';
import { formatImpact } from './impact.js';
import { displayPath } from './location.js';

const ICON = { error: '🔴', warning: '🟡', info: '🔵' } as const;

function cell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A pull-request comment: a summary line, a table of findings, and the fixes. */
export function renderMarkdown(report: Report, options: { cwd?: string; data?: string } = {}): string {
  const { error, warning, info, total } = report.summary;
  const out: string[] = [`### pgwarden ${report.command}`, ''];
  if (options.data) out.push(options.data.trimEnd(), '');
  if (total === 0) {
    out.push('✅ No findings.');
  } else {
    out.push(
      `**${error}** error${error === 1 ? '' : 's'}, **${warning}** warning${warning === 1 ? '' : 's'}, **${info}** info`,
      '',
    );
    // a Saves column only when some finding carries an estimated saving (explain)
    const impacts = report.findings.some((f) => f.impact);
    out.push(
      `| | Rule | Where | Finding |${impacts ? ' Saves |' : ''}`,
      `|---|---|---|---|${impacts ? '---|' : ''}`,
    );
    for (const finding of report.findings) {
      const where = isFileLocation(finding.location)
        ? `\`${displayPath(finding.location.file, options.cwd)}:${finding.location.line}:${finding.location.column}\``
        : `\`${finding.location.object}\` (${finding.location.kind})`;
      const saves = impacts ? ` ${finding.impact ? formatImpact(finding.impact) : ''} |` : '';
      out.push(
        `| ${ICON[finding.severity]} | [\`${finding.rule}\`](${finding.docs}) | ${cell(where)} | ${cell(finding.message)} |${saves}`,
      );
    }
    const fixes = report.findings.filter((f) => f.fix);
    if (fixes.length > 0) {
      out.push('', '<details><summary>Suggested fixes</summary>', '');
      for (const finding of fixes) {
        out.push(`\`${finding.rule}\` — ${cell(finding.message)}`, '', '```sql', finding.fix!, '```', '');
      }
      out.push('</details>');
    }
  }
  if (report.skipped.length > 0) {
    out.push(
      '',
      `<sub>${report.skipped.length} rule(s) skipped: ${report.skipped.map((s) => `${s.rule} (${cell(s.reason)})`).join('; ')}</sub>`,
    );
  }
  return `${out.join('\n')}\n`;
}
