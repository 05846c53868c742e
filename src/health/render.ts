import { formatBytes, formatCount } from '../core/format.js';
import type { Report } from '../core/report.js';
import type { Colors } from '../report/text.js';
import { formatDays, formatPercent, formatSeconds } from './format.js';
import type { HealthData } from './summary.js';
import { WRAP_LIMIT } from './wraparound.js';

/** `pgwarden health`: the server at a glance, above the findings. */
export function renderHealthData(report: Report<HealthData>, c: Colors): string {
  const data = report.data;
  if (!data) return '';
  const h = data.health;
  const lines = [
    c.bold(
      `Health of ${h.server.database} on PostgreSQL ${Math.floor(h.server.versionNum / 10_000)}.${h.server.versionNum % 100}${h.server.inRecovery ? ' (standby)' : ''}: ${data.source}`,
    ),
  ];
  const states = Object.entries(h.connections.byState)
    .sort((a, b) => b[1] - a[1])
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  lines.push(
    `  connections   ${h.connections.total} of ${h.connections.max} (${formatPercent(h.connections.total / Math.max(1, h.connections.max))}): ${states}`,
  );
  const oldest = h.horizon[0];
  lines.push(
    `  xmin horizon  ${oldest ? `${formatCount(oldest.xminAge)} transactions, held by the ${oldest.kind} ${oldest.name}${oldest.seconds !== null ? ` (${formatSeconds(oldest.seconds)})` : ''}` : 'not held'}`,
  );
  const oldestXid = [...h.wraparound.databases].sort((a, b) => b.xidAge - a.xidAge)[0];
  const oldestMxid = [...h.wraparound.databases].sort((a, b) => b.mxidAge - a.mxidAge)[0];
  if (oldestXid && oldestMxid) {
    const rate = (perSecond: number | null, age: number) =>
      perSecond === null
        ? ''
        : perSecond > 0
          ? `, ${formatCount(perSecond)}/s → ${formatDays((WRAP_LIMIT - age) / perSecond / 86_400)} to wraparound`
          : ', none consumed in the sample';
    lines.push(
      `  XID age       ${formatCount(oldestXid.xidAge)} (${oldestXid.name}, ${formatPercent(oldestXid.xidAge / WRAP_LIMIT)} of 2³¹${rate(h.wraparound.xidPerSecond, oldestXid.xidAge)})`,
      `  MultiXact age ${formatCount(oldestMxid.mxidAge)} (${oldestMxid.name}${rate(h.wraparound.mxidPerSecond, oldestMxid.mxidAge)})`,
    );
  }
  const a = h.activity;
  const ratio = (hit: number, read: number) => (hit + read > 0 ? formatPercent(hit / (hit + read)) : 'n/a');
  lines.push(
    `  cache hits    tables ${ratio(a.tableBlocksHit, a.tableBlocksRead)}, indexes ${ratio(a.indexBlocksHit, a.indexBlocksRead)} (statistics since ${a.statsSince.slice(0, 16)}, ${a.statsDays.toFixed(1)} days)`,
    `  temp files    ${formatCount(a.tempFiles)} (${formatBytes(a.tempBytes)})`,
  );
  if (h.checkpoints)
    lines.push(
      `  checkpoints   ${formatCount(h.checkpoints.timed)} timed, ${formatCount(h.checkpoints.requested)} requested`,
    );
  if (h.slots.length > 0)
    lines.push(
      `  slots         ${h.slots.map((s) => `${s.name} (${s.active ? 'active' : 'inactive'}${s.retainedBytes !== null ? `, ${formatBytes(s.retainedBytes)} retained` : ''})`).join(', ')}`,
    );
  lines.push(
    `  checked       ${formatCount(h.counts.tables)} tables, ${formatCount(h.counts.indexes)} indexes, ${formatCount(h.counts.sequences)} sequences, ${formatCount(h.counts.sessions)} other sessions; pg_stat_statements ${h.statements ? `${h.statements.rows.length} queries read` : 'not available'}${h.sampleSeconds ? `; sampled over ${h.sampleSeconds.toFixed(1)} s` : ''}`,
  );
  if (data.backups) {
    const newest = data.backups.newestVerified;
    lines.push(
      newest
        ? `  backups       the newest verified is ${formatSeconds(newest.ageSeconds)} old (${newest.id})`
        : c.yellow(
            `  backups       none of the ${data.backups.backups} in ${data.backups.dir} is verified (pgwarden backup verify)`,
          ),
    );
  }
  if (report.findings.length === 0) lines.push(c.green('  no problem found'));
  return lines.join('\n');
}
