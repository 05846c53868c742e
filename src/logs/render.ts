import { formatBytes, formatCount, formatMs } from '../core/format.js';
import type { Colors } from '../report/text.js';
import type { Counted, LogReportData } from './model.js';
import { oneLine } from './rule-helpers.js';

function top(list: readonly Counted[], n = 5): string {
  return list
    .slice(0, n)
    .map((c) => `${c.name} ${formatCount(c.count)}`)
    .join(', ');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** `pgwarden logs` for people: what was read, the top queries, errors, locks, temp files, checkpoints, autovacuum. */
export function renderLogsData(data: LogReportData | undefined, c: Colors): string {
  if (!data) return '';
  const lines: string[] = [];
  const bytes = data.files.reduce((n, f) => n + f.bytes, 0);
  const formats = [...new Set(data.files.map((f) => f.format))].join(', ');
  lines.push(
    c.bold(
      `Read ${formatCount(data.files.length)} file${data.files.length === 1 ? '' : 's'} (${formats}, ${formatBytes(bytes)}): ${formatCount(data.entries)} entries${data.first ? `, ${data.first} to ${data.last}` : ''}`,
    ),
  );
  if (data.skippedFiles.length > 0)
    lines.push(c.dim(`Left out (the same log in another format): ${data.skippedFiles.join(', ')}`));
  const unreadable = data.files.reduce((n, f) => n + f.unreadable, 0);
  if (unreadable > 0)
    lines.push(c.dim(`${formatCount(unreadable)} line(s) were not log messages and were skipped`));
  lines.push(
    `Queries: ${formatCount(data.queries)} (${formatCount(data.distinctQueries)} distinct), ${formatMs(data.queryMs)} in all${data.prepareMs > 0 ? `; parse/bind ${formatMs(data.prepareMs)}` : ''}`,
  );
  if (data.topQueries.length > 0) {
    lines.push('', c.bold('Top queries by total time'));
    lines.push(
      c.dim(
        `${pad('calls', 9)} ${pad('total', 9)} ${pad('mean', 9)} ${pad('p95', 9)} ${pad('max', 9)}  query`,
      ),
    );
    for (const q of data.topQueries.slice(0, 10))
      lines.push(
        `${pad(formatCount(q.calls), 9)} ${pad(formatMs(q.totalMs), 9)} ${pad(formatMs(q.meanMs), 9)} ${pad(formatMs(q.p95Ms), 9)} ${pad(formatMs(q.maxMs), 9)}  ${oneLine(q.normalized, 90)}`,
      );
  }
  if (data.loops.length > 0) {
    lines.push('', c.bold('Lookups run in loops (N+1 candidates)'));
    for (const loop of data.loops.slice(0, 10))
      lines.push(
        `  ${formatCount(loop.longest.calls)}× in a row in session ${loop.longest.session}: ${oneLine(loop.normalized, 90)}`,
      );
  }
  lines.push(
    '',
    `Errors: ${formatCount(data.errorCount)} (${formatCount(data.errors.length)} kinds), warnings: ${formatCount(data.warningCount)}`,
  );
  for (const e of data.errors.slice(0, 10))
    lines.push(
      `  ${pad(formatCount(e.count), 7)}  ${e.severity}${e.sqlstate ? ` ${e.sqlstate}` : ''}  ${oneLine(e.message, 90)}`,
    );
  lines.push(
    `Lock waits: ${formatCount(data.lockWaits.count)} (${formatMs(data.lockWaits.totalMs)}), deadlocks: ${formatCount(data.deadlocks.count)}`,
  );
  lines.push(
    `Temporary files: ${formatCount(data.tempFiles.count)}, ${formatBytes(data.tempFiles.bytes)} (largest ${formatBytes(data.tempFiles.maxBytes)})`,
  );
  const cp = data.checkpoints;
  const reasons = Object.entries(cp.reasons)
    .map(([r, n]) => `${r} ${formatCount(n)}`)
    .join(', ');
  lines.push(
    `Checkpoints: ${formatCount(cp.completed)} completed${reasons ? ` (started by ${reasons})` : ''}${cp.warnings > 0 ? `, ${formatCount(cp.warnings)} "too frequently" warnings` : ''}; write ${cp.writeSeconds.toFixed(1)} s, sync ${cp.syncSeconds.toFixed(3)} s`,
  );
  lines.push(
    `Autovacuum: ${formatCount(data.maintenance.vacuums)} vacuums, ${formatCount(data.maintenance.analyzes)} analyzes${
      data.maintenance.tables.length > 0
        ? ` (${data.maintenance.tables
            .slice(0, 5)
            .map((t) => `${t.table} ${t.vacuums}/${t.analyzes}`)
            .join(', ')})`
        : ''
    }`,
  );
  if (data.plans.count > 0)
    lines.push(
      `auto_explain plans: ${formatCount(data.plans.count)} logged; the slowest of ${formatCount(data.plans.kept.length)} statement${data.plans.kept.length === 1 ? '' : 's'} read by the plan analyser (plan/* findings)`,
    );
  const cn = data.connections;
  lines.push(
    `Connections: ${formatCount(cn.received)} received, ${formatCount(cn.disconnections)} sessions ended (${formatMs(cn.sessionSeconds * 1000)} in all)${cn.byDatabase.length > 0 ? `; by database: ${top(cn.byDatabase)}` : ''}${cn.byUser.length > 0 ? `; by user: ${top(cn.byUser)}` : ''}${cn.byApplication.length > 0 ? `; by application: ${top(cn.byApplication)}` : ''}`,
  );
  return lines.join('\n');
}
