/** `pgwarden advise` for people: the recommended set, the per-query costs, the totals and the script. */
import { formatBytes, formatCount } from '../core/format.js';
import type { Report } from '../core/report.js';
import type { Colors } from '../report/text.js';
import type { AdviseData } from './advise.js';

const LISTED_QUERIES = 40;

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function oneLine(sql: string, width = 70): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

export function renderAdviseData(report: Report<AdviseData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  const lines: string[] = [];
  const budget = data.budgetBytes === null ? 'no storage budget' : `budget ${formatBytes(data.budgetBytes)}`;
  lines.push(
    `Index advice for ${data.workload.description} (${data.workload.queries} queries) on ${data.source}; ${budget}, at most ${data.maxWidth} key columns`,
  );
  if (data.method === 'heuristic') {
    lines.push(
      c.yellow('UNPROVEN: HypoPG is not installed, so no index below was costed by the planner.'),
      c.yellow(`  ${data.hypopgHint}`),
    );
  } else {
    const { totals, search } = data;
    lines.push(
      `Chosen on HypoPG what-if costs: ${search.candidates} candidates, ${formatCount(search.whatIfCalls)} what-if plans (${formatCount(search.cacheHits)} answered from the cache), ${search.steps} steps, ${(search.ms / 1000).toFixed(1)} s`,
    );
    if (totals.costBefore !== null && totals.costAfter !== null) {
      lines.push(
        c.bold(
          `Workload cost ${formatCount(totals.costBefore)} → ${formatCount(totals.costAfter)} (−${percent(totals.reduction ?? 0)}), indexes ${formatBytes(totals.sizeBytes)}, write cost ${formatCount(totals.writeCost)}`,
        ),
      );
    }
  }
  lines.push('');
  if (data.recommendations.length === 0) lines.push('No new index pays for itself on this workload.');
  else lines.push(c.bold(`Recommended indexes (${data.recommendations.length}):`));
  for (const index of data.recommendations) {
    const size = index.sizeBytes === null ? '' : `, ${formatBytes(index.sizeBytes)}`;
    const used = index.usedBy.length > 0 ? `; used by ${index.usedBy.join(', ')}` : '';
    lines.push(`  ${index.definition}`);
    lines.push(
      c.dim(`    ${index.reasons.join(', ')}${size}, write cost ${formatCount(index.writeCost)}${used}`),
    );
  }
  if (data.redundant.length > 0) {
    lines.push('', c.bold('Existing indexes a recommended one serves (drop after building it):'));
    for (const r of data.redundant) lines.push(`  ${r.index} — served by ${r.servedBy}`);
  }
  if (data.unvalidated.length > 0) {
    lines.push('', c.bold('Not cost-validated (HypoPG cannot create GIN indexes):'));
    for (const u of data.unvalidated) lines.push(`  ${u.definition} — for ${u.queries.join(', ')}`);
  }
  if (data.method === 'what-if') {
    lines.push('', c.bold('Per query (planner cost before → after, × weight):'));
    for (const q of data.queries.slice(0, LISTED_QUERIES)) {
      const cost =
        q.costBefore === null
          ? c.dim(q.note ?? 'not costed')
          : `${formatCount(q.costBefore)} → ${formatCount(q.costAfter ?? q.costBefore)}`;
      lines.push(
        `  ${q.id.padEnd(4)} ×${formatCount(q.weight).padEnd(6)} ${cost.padEnd(20)} ${c.dim(oneLine(q.sql))}`,
      );
    }
    if (data.queries.length > LISTED_QUERIES) {
      lines.push(
        c.dim(`  … and ${data.queries.length - LISTED_QUERIES} more (--format json lists every query)`),
      );
    }
  }
  const written = data.writes.filter((w) => w.from !== 'none');
  if (written.length > 0) {
    lines.push('', c.dim('Writes counted per run of the workload (rows):'));
    for (const w of written) {
      lines.push(
        c.dim(
          `  ${w.table}: ${formatCount(w.inserts)} inserted, ${formatCount(w.updates)} updated (${percent(w.hotShare)} HOT), ${formatCount(w.deletes)} deleted, from ${w.from === 'statistics' ? 'pg_stat_user_tables' : 'the workload'}${w.updatedColumns.length ? `; UPDATEs set ${w.updatedColumns.join(', ')}` : ''}`,
        ),
      );
    }
  }
  const proven = data.proven;
  if (proven) {
    lines.push('');
    if (proven.notProven) lines.push(c.yellow(`--prove: not measured: ${proven.notProven}`));
    else {
      lines.push(
        c.bold(`Measured on a scratch copy (copied in ${((proven.copyMs ?? 0) / 1000).toFixed(1)} s):`),
      );
      for (const index of proven.indexes) {
        lines.push(
          `  built in ${(index.buildMs / 1000).toFixed(2)} s, ${formatBytes(index.sizeBytes)}: ${index.statement}`,
        );
      }
      for (const q of proven.queries) {
        if (q.beforeMs === null) continue;
        lines.push(
          `  ${q.id.padEnd(4)} ${q.beforeMs.toFixed(2)} ms → ${(q.afterMs ?? 0).toFixed(2)} ms (EXPLAIN ANALYZE, median)`,
        );
      }
    }
  }
  if (data.script) lines.push('', c.bold('Script:'), data.script.trimEnd());
  return lines.join('\n');
}
