import type { Report } from '../core/report.js';

/** `{ tool, version, command, findings, summary, skipped, ...data }`: the contract of every `--format json`. */
export function renderJson(report: Report): string {
  const { data, ...rest } = report;
  return `${JSON.stringify({ ...rest, ...(data ?? {}) }, null, 2)}\n`;
}
