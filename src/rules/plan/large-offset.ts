import { z } from 'zod';
import { formatCount, formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { limitSort, plainSortKey, scanBelow } from '../../explain/diagnose.js';
import { reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, type PlanModel } from '../../explain/model.js';

interface Options {
  minOffset: number;
}

/** The keyset-pagination rewrite for a sort key of plain columns, all in one direction. */
function keyset(model: PlanModel, limitId: number, returned: number): string | null {
  const sort = limitSort(model, model.plan.nodes[limitId]!)?.sort;
  const input = sort ? model.plan.nodes[sort.childIds[0] ?? -1] : undefined;
  const scan = input ? scanBelow(model, input) : null;
  if (!sort?.sortKey || !scan) return null;
  const key = plainSortKey(sort.sortKey, scan);
  if (!key || key.some((k) => /NULLS/.test(k))) return null;
  const descending = key.map((k) => / DESC$/.test(k));
  if (descending.some((d) => d !== descending[0])) return null;
  const columns = key.map((k) => k.replace(/ (ASC|DESC)$/, ''));
  const params = columns.map((_c, i) => `$${i + 1}`);
  const tuple = (items: string[]) => (items.length === 1 ? items[0]! : `(${items.join(', ')})`);
  return `-- keyset pagination: pass the last row's ${columns.join(', ')} of the previous page instead of an OFFSET\nWHERE ${tuple(columns)} ${descending[0] ? '<' : '>'} ${tuple(params)} ORDER BY ${key.join(', ')} LIMIT ${returned}`;
}

export default defineRule<PlanModel, Options>({
  id: 'plan/large-offset',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Limit with a large OFFSET: the rows before the page are produced, then thrown away',
  reportsOn: ['plan-node'],
  docs: {
    why: 'LIMIT n OFFSET m makes PostgreSQL produce m + n rows and return the last n: page 1,000 of a listing reads the 999 pages before it, and every page is slower than the one before. The plan shows it as a Limit whose input produced far more rows than it returned. pgwarden reports a Limit that discarded at least 1,000 rows (the OFFSET is not printed in a plan: it is the difference) and at least half of what it read.',
    howToFix:
      "Keyset pagination: remember the sort key of the last row of the page, and ask for the next page with `WHERE (key) > (last value) ORDER BY key LIMIT n` (with an index on the key, each page costs the same). The finding writes it for a sort key of plain columns in one direction. Estimated saving: 90% of the Limit input's time × the share of rows discarded.",
    examples: {
      bad: 'SELECT * FROM orders ORDER BY id LIMIT 20 OFFSET 100000;',
      good: 'SELECT * FROM orders WHERE id > $1 ORDER BY id LIMIT 20;',
    },
  },
  options: z.object({
    minOffset: z.number().int().min(1).default(1000).describe('Report from this many discarded rows'),
  }),
  check(context) {
    const { model, options } = context;
    for (const node of model.plan.nodes) {
      if (node.nodeType !== 'Limit' || node.actualRows === null || node.actual?.loops !== 1) continue;
      const input = node.childIds
        .map((id) => model.plan.nodes[id]!)
        .find((c) => c.parentRelationship === 'Outer');
      if (!input || input.actualRows === null) continue;
      const discarded = input.actualRows - node.actualRows;
      if (discarded < options.minOffset || discarded < input.actualRows * 0.5) continue;
      const share = discarded / input.actualRows;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)} read ${formatCount(input.actualRows)} rows to return ${formatCount(node.actualRows)}: an OFFSET of about ${formatCount(discarded)} rows (${formatPercent(share)} of what it read) produced only to be thrown away`,
        fix:
          keyset(model, node.id, Math.max(1, node.actualRows)) ??
          "-- keyset pagination: pass the last row's sort key of the previous page (WHERE key > $1 ORDER BY key LIMIT n) instead of an OFFSET",
        savedMs: Math.max(0, input.inclusiveMs ?? 0) * share * 0.9,
        estimate: "90% of the Limit input's time × the share of rows discarded",
        evidence: { rowsRead: input.actualRows, rowsReturned: node.actualRows, offset: discarded },
      });
    }
  },
});
