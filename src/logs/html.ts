import { formatBytes, formatCount, formatMs } from '../core/format.js';
import type { Report } from '../core/report.js';
import type { LogReportData, TimelineBucket } from './model.js';

function esc(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const WIDTH = 900;
const HEIGHT = 140;

/** A bar chart of one timeline field, as inline SVG (no script, no external file). */
function chart(
  title: string,
  buckets: readonly TimelineBucket[],
  value: (b: TimelineBucket) => number,
  unit: (v: number) => string,
): string {
  const values = buckets.map(value);
  const max = Math.max(0, ...values);
  if (buckets.length === 0 || max === 0) return '';
  const bar = WIDTH / buckets.length;
  const bars = values
    .map((v, i) => {
      const h = (v / max) * (HEIGHT - 20);
      return `<rect x="${(i * bar).toFixed(2)}" y="${(HEIGHT - h).toFixed(2)}" width="${Math.max(bar - 1, 0.5).toFixed(2)}" height="${h.toFixed(2)}"><title>${esc(buckets[i]!.start)}: ${esc(unit(v))}</title></rect>`;
    })
    .join('');
  return `<figure><figcaption>${esc(title)} <span class="dim">(max ${esc(unit(max))} per bucket)</span></figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" height="${HEIGHT}" role="img" aria-label="${esc(title)}">${bars}</svg><div class="axis"><span>${esc(buckets[0]!.start)}</span><span>${esc(buckets[buckets.length - 1]!.start)}</span></div></figure>`;
}

function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return '<p class="dim">none</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td>${typeof c === 'string' && c.startsWith('<code>') ? c : esc(c)}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

const code = (text: string) => `<code>${esc(text)}</code>`;

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1f24;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td code{white-space:pre-wrap;word-break:break-word;font-size:12px}
.dim{color:#6a737d}.error{color:#b31d28}.warning{color:#9a6700}.info{color:#0969da}
svg rect{fill:#336791}figure{margin:1rem 0}.axis{display:flex;justify-content:space-between;color:#6a737d;font-size:11px}
.cards{display:flex;flex-wrap:wrap;gap:.75rem}.card{border:1px solid #ddd;border-radius:6px;padding:.5rem .75rem;min-width:9rem}.card b{display:block;font-size:1.2rem}`;

/** `pgwarden logs --format html`: one self-contained page (inline CSS and SVG charts, no script). */
export function renderLogsHtml(report: Report<LogReportData & Record<string, unknown>>): string {
  const d = report.data!;
  const buckets = d.timeline.buckets;
  const cards: [string, string][] = [
    ['queries', formatCount(d.queries)],
    ['query time', formatMs(d.queryMs)],
    ['distinct queries', formatCount(d.distinctQueries)],
    ['errors', formatCount(d.errorCount)],
    ['lock waits', formatCount(d.lockWaits.count)],
    ['deadlocks', formatCount(d.deadlocks.count)],
    ['temp files', `${formatCount(d.tempFiles.count)} (${formatBytes(d.tempFiles.bytes)})`],
    ['checkpoints', formatCount(d.checkpoints.completed)],
    ['autovacuum', `${formatCount(d.maintenance.vacuums)} / ${formatCount(d.maintenance.analyzes)}`],
    ['connections', formatCount(d.connections.received)],
  ];
  const sections = [
    `<h1>pgwarden logs</h1><p class="dim">${esc(d.files.map((f) => `${f.path} (${f.format})`).join(', '))}${d.first ? ` — ${esc(d.first)} to ${esc(d.last)}` : ''} — pgwarden ${esc(report.version)}</p>`,
    `<div class="cards">${cards.map(([k, v]) => `<div class="card"><b>${esc(v)}</b>${esc(k)}</div>`).join('')}</div>`,
    `<h2>Findings (${report.findings.length})</h2>${table(
      ['severity', 'rule', 'finding', 'fix'],
      report.findings.map((f) => [f.severity, f.rule, f.message, f.fix ? code(f.fix) : '']),
    )}`,
    `<h2>Activity</h2>${chart('queries', buckets, (b) => b.queries, formatCount)}${chart('query time', buckets, (b) => b.queryMs, formatMs)}${chart('errors', buckets, (b) => b.errors, formatCount)}${chart('connections', buckets, (b) => b.connections, formatCount)}${chart('temporary files', buckets, (b) => b.tempBytes, formatBytes)}<p class="dim">buckets of ${esc(d.timeline.bucketSeconds)} s</p>`,
    `<h2>Top queries by total time</h2>${table(
      ['calls', 'total', 'mean', 'p95', 'max', 'temp', 'query', 'slowest call'],
      d.topQueries.map((q) => [
        formatCount(q.calls),
        formatMs(q.totalMs),
        formatMs(q.meanMs),
        formatMs(q.p95Ms),
        formatMs(q.maxMs),
        q.tempBytes > 0 ? formatBytes(q.tempBytes) : '',
        code(q.normalized),
        code(`${q.slowest.text}${q.slowest.params ? `\n-- ${q.slowest.params}` : ''}`),
      ]),
    )}`,
    `<h2>Lookups run in loops (N+1 candidates)</h2>${table(
      ['longest', 'session', 'query', 'one query instead'],
      d.loops.map((l) => [
        `${formatCount(l.longest.calls)}× (${formatMs(l.longest.totalMs)})`,
        l.longest.session,
        code(l.normalized),
        l.rewrite ? code(l.rewrite) : '',
      ]),
    )}`,
    `<h2>Errors (${formatCount(d.errorCount)})</h2>${table(
      ['count', 'peak/min', 'severity', 'SQLSTATE', 'message', 'statement'],
      d.errors.map((e) => [
        formatCount(e.count),
        formatCount(e.peakPerMinute),
        e.severity,
        e.sqlstate ?? '',
        e.example.message,
        e.example.statement ? code(e.example.statement) : '',
      ]),
    )}`,
    `<h2>Lock waits (${formatCount(d.lockWaits.count)}) and deadlocks (${formatCount(d.deadlocks.count)})</h2>${table(
      ['waited', 'lock', 'statement', 'blocked by'],
      d.lockWaits.longest.map((w) => [
        formatMs(w.waitedMs),
        w.lock,
        w.statement ? code(w.statement) : '',
        w.blockingStatement ? code(w.blockingStatement) : w.blockers.join(', '),
      ]),
    )}${table(
      ['time', 'statements'],
      d.deadlocks.examples.map((x) => [x.time ?? '', code(x.statements.join('\n'))]),
    )}`,
    `<h2>Checkpoints</h2>${table(
      ['completed', 'started by', 'warnings', 'write', 'sync', 'WAL between (mean / max)'],
      [
        [
          formatCount(d.checkpoints.completed),
          Object.entries(d.checkpoints.reasons)
            .map(([r, n]) => `${r}: ${n}`)
            .join(', '),
          formatCount(d.checkpoints.warnings),
          `${d.checkpoints.writeSeconds} s`,
          `${d.checkpoints.syncSeconds} s`,
          `${d.checkpoints.meanDistanceKb ?? '?'} / ${d.checkpoints.maxDistanceKb ?? '?'} kB`,
        ],
      ],
    )}`,
    `<h2>Autovacuum</h2>${table(
      ['table', 'vacuums', 'analyzes', 'tuples removed', 'elapsed'],
      d.maintenance.tables
        .slice(0, 50)
        .map((t) => [t.table, t.vacuums, t.analyzes, formatCount(t.tuplesRemoved), `${t.elapsedSeconds} s`]),
    )}`,
    `<h2>Connections</h2>${table(
      ['by', 'counts'],
      [
        ['database', d.connections.byDatabase.map((c) => `${c.name}: ${c.count}`).join(', ')],
        ['user', d.connections.byUser.map((c) => `${c.name}: ${c.count}`).join(', ')],
        ['application', d.connections.byApplication.map((c) => `${c.name}: ${c.count}`).join(', ')],
        ['host', d.connections.byHost.map((c) => `${c.name}: ${c.count}`).join(', ')],
      ],
    )}`,
  ];
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>pgwarden logs</title><style>${STYLE}</style></head><body>${sections.join('\n')}</body></html>\n`;
}
