/** The checklist of `pgwarden check` for people: a terminal rendering, and Markdown for a pull request comment. */

import { createColors } from 'picocolors';
import type { Finding } from '../core/finding.js';
import { formatCount } from '../core/format.js';
import type { Report } from '../core/report.js';
import { formatAge } from '../ops/backup-render.js';
import { formatImpact } from '../report/impact.js';
import { locationLabel } from '../report/location.js';
import type { CheckData } from './check.js';
import type { Box } from './checklist.js';

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function boxCounts(data: CheckData): { pass: number; fail: number; na: number } {
  const boxes = data.sections.flatMap((s) => s.boxes);
  return {
    pass: boxes.filter((b) => b.status === 'pass').length,
    fail: boxes.filter((b) => b.status === 'fail').length,
    na: boxes.filter((b) => b.status === 'n/a').length,
  };
}

function headline(data: CheckData): string {
  const parts = [
    data.migrationsDir
      ? `${formatCount(data.scope.migrations)} migration(s) in ${data.migrationsDir}`
      : 'no migrations',
    `${formatCount(data.scope.queries)} query(ies)${data.queryPaths.length > 0 ? ` in ${data.queryPaths.join(', ')}` : ''}`,
    data.seed ? `seed ${data.seed}` : 'no seed script',
  ];
  return `pgwarden check ${data.project}: ${parts.join(', ')}; on ${data.server}`;
}

function verdict(report: Report<CheckData>): string {
  const data = report.data!;
  const { pass, fail, na } = boxCounts(data);
  const { error, warning, info } = report.summary;
  const counts = `${pass} ✔, ${fail} ✘, ${na} not applicable; findings: ${error} error(s), ${warning} warning(s), ${info} info`;
  return data.done
    ? `Done: every box holds (${counts}) in ${seconds(data.totalMs)}`
    : `Not done: ${fail} box(es) fail (${counts}) in ${seconds(data.totalMs)}`;
}

function boxFindings(report: Report<CheckData>, box: Box): Finding[] {
  return box.findings.map((i) => report.findings[i]!);
}

export function renderCheckText(report: Report<CheckData>, color: boolean): string {
  const c = createColors(color);
  const data = report.data!;
  const out: string[] = [c.bold(headline(data)), ''];
  const mark = { pass: c.green('✔'), fail: c.red('✘'), 'n/a': c.dim('–') };
  const severity = { error: c.red('error  '), warning: c.yellow('warning'), info: c.blue('info   ') };
  for (const section of data.sections) {
    out.push(c.underline(section.title));
    for (const box of section.boxes) {
      const note = box.status === 'n/a' ? c.dim(` (not applicable: ${box.reason})`) : '';
      out.push(`  ${mark[box.status]} ${box.status === 'n/a' ? c.dim(box.title) : box.title}${note}`);
      if (box.status === 'fail' && box.reason) out.push(`      ${c.red(box.reason)}`);
      for (const finding of boxFindings(report, box)) {
        out.push(`      ${severity[finding.severity]} ${c.dim(locationLabel(finding.location))}`);
        out.push(`        ${finding.message}  ${c.dim(finding.rule)}`);
        if (finding.impact) out.push(`        ${c.cyan('saves:')} ${formatImpact(finding.impact)}`);
        if (finding.fix) {
          const [first, ...rest] = finding.fix.split('\n');
          out.push(`        ${c.green('fix:')} ${first}`);
          for (const line of rest) out.push(`             ${line}`);
        }
      }
    }
    out.push('');
  }
  if (data.unplaced.length > 0) {
    out.push(c.underline('Other findings'));
    for (const i of data.unplaced) {
      const f = report.findings[i]!;
      out.push(`  ${severity[f.severity]} ${locationLabel(f.location)}: ${f.message}  ${c.dim(f.rule)}`);
    }
    out.push('');
  }
  if (data.backups) {
    const newest = data.backups.newestVerified;
    out.push(
      newest
        ? `Backups: the newest verified backup is ${formatAge(newest.ageSeconds)} old (${newest.id})`
        : c.yellow(
            `Backups: none of the ${data.backups.backups} in ${data.backups.dir} is verified (pgwarden backup verify)`,
          ),
      '',
    );
  }
  out.push(c.dim('Steps:'));
  for (const step of data.steps) {
    const what =
      step.status === 'skipped'
        ? `skipped (${step.detail})`
        : `${seconds(step.ms)}${step.detail ? `, ${step.detail}` : ''}`;
    out.push(c.dim(`  ${step.title}: ${what}`));
  }
  for (const s of report.skipped) out.push(c.dim(`  skipped ${s.rule}: ${s.reason}`));
  out.push('', data.done ? c.green(`✔ ${verdict(report)}`) : c.red(`✘ ${verdict(report)}`));
  return `${out.join('\n')}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Markdown for a pull request comment: the checklist as task boxes, each failure with its findings and fixes. */
export function renderCheckMarkdown(report: Report<CheckData>): string {
  const data = report.data!;
  const out: string[] = [
    `## ${data.done ? '✅' : '❌'} pgwarden check — database Definition of Done`,
    '',
    `_${escapeCell(headline(data))}_`,
    '',
  ];
  for (const section of data.sections) {
    out.push(`### ${section.title}`, '');
    for (const box of section.boxes) {
      if (box.status === 'n/a') {
        out.push(`- [x] ~~${box.title}~~ — not applicable: ${box.reason}`);
        continue;
      }
      out.push(
        `- [${box.status === 'pass' ? 'x' : ' '}] ${box.status === 'fail' ? '**' : ''}${box.title}${box.status === 'fail' ? '**' : ''}`,
      );
      if (box.status === 'fail' && box.reason) out.push(`  - ${box.reason}`);
      for (const finding of boxFindings(report, box)) {
        out.push(
          `  - \`${finding.severity}\` \`${escapeCell(locationLabel(finding.location))}\` ${escapeCell(finding.message)} (\`${finding.rule}\`)`,
        );
        if (finding.fix)
          out.push('', '    ```sql', ...finding.fix.split('\n').map((l) => `    ${l}`), '    ```', '');
      }
    }
    out.push('');
  }
  out.push(`**${verdict(report)}**`, '');
  return `${out.join('\n')}\n`;
}
