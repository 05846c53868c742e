import { isFileLocation, type Severity } from '../core/finding.js';
import type { Report } from '../core/report.js';
import { displayPath } from './location.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: each finding becomes an annotation on the pull request. */
export function renderGithub(report: Report, cwd?: string): string {
  const lines = report.findings.map((finding) => {
    const properties: string[] = [];
    let message = finding.message;
    if (isFileLocation(finding.location)) {
      properties.push(`file=${escapeProperty(displayPath(finding.location.file, cwd))}`);
      properties.push(`line=${finding.location.line}`, `col=${finding.location.column}`);
    } else {
      message = `${finding.location.object} (${finding.location.kind}): ${message}`;
    }
    properties.push(`title=${escapeProperty(`pgwarden ${finding.rule}`)}`);
    if (finding.fix) message += `\nfix: ${finding.fix}`;
    return `::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(message)}`;
  });
  const { error, warning, info } = report.summary;
  lines.push(`pgwarden ${report.command}: ${error} errors, ${warning} warnings, ${info} info`);
  return `${lines.join('\n')}\n`;
}
