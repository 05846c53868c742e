/**
 * The terminal view of a plan: one line per node, with its exclusive time and share of the total, rows estimated
 * against actual (and the misestimate when it is 10× or more), loops, and the hot path (root → slowest node)
 * marked with » and in bold. Fits the given width (100 columns by default); no colour with colours off.
 */
import {
  formatCompactCount,
  formatCount,
  formatKb,
  formatMsPrecise,
  formatPercentFixed,
} from '../core/format.js';
import type { Colors } from '../report/text.js';
import { describeNode, type Plan, type PlanNode } from './plan.js';

export interface RenderPlanOptions {
  /** Terminal columns; default 100. Every line fits. */
  readonly width?: number;
  /** A badge to show on some nodes, by node id (explain marks the nodes its findings are about). */
  readonly marks?: ReadonlyMap<number, string>;
}

/** Misestimates from this factor on are shown. */
export const MISESTIMATE_SHOWN = 10;

const HOT = '»';
const UNDER = '▲';
const OVER = '▼';

/** `given` may be a report's plan (`planForJson`: without `root`, which is `nodes[0]`). */
export function renderPlan(
  given: Plan | Omit<Plan, 'root'>,
  c: Colors,
  options: RenderPlanOptions = {},
): string {
  const plan: Plan = 'root' in given ? given : { ...given, root: given.nodes[0]! };
  const width = Math.max(60, options.width ?? 100);
  const out: string[] = [];
  const line = (plain: string, paint: (s: string) => string = (s) => s) =>
    out.push(paint(fitWidth(plain, width)));

  for (const text of summaryLines(plan)) line(text);
  const settings = Object.entries(plan.settings);
  if (settings.length > 0) line(`Settings: ${settings.map(([k, v]) => `${k}=${v}`).join(', ')}`, c.dim);
  out.push('');

  const columns = chooseColumns(plan);
  line(`  ${columns.map((col) => pad(col.title, col.width, col.align)).join('  ')}  node`, c.dim);
  const fixed = 2 + columns.reduce((sum, col) => sum + col.width + 2, 0);
  const layout: Layout = {
    plan,
    c,
    columns,
    fixed,
    room: width - fixed,
    hot: new Set(plan.hotPath),
    marks: options.marks,
  };
  let misestimates = false;
  for (const { node, prefix, childPrefix } of treeOrder(plan)) {
    const { lines, misestimate } = nodeLines(layout, node, prefix, childPrefix);
    out.push(...lines);
    misestimates ||= misestimate;
  }

  if (plan.triggers.length > 0) {
    out.push('');
    line('Triggers', c.bold);
    for (const t of plan.triggers) {
      const time = t.timeMs === null ? '' : `${formatMsPrecise(t.timeMs)}, `;
      const share =
        t.timeMs !== null && plan.timeBaseMs ? ` (${formatPercentFixed(t.timeMs / plan.timeBaseMs)})` : '';
      const on = t.relation ? ` on ${t.relation}` : '';
      const constraint = t.constraintName ? ` for ${t.constraintName}` : '';
      line(`  ${t.name}${on}${constraint}: ${time}${formatCount(t.calls)} calls${share}`);
    }
  }

  out.push('');
  const slowest = plan.hotPath.at(-1);
  if (slowest !== undefined && plan.hotPathBy) {
    const node = plan.nodes[slowest]!;
    const what =
      plan.hotPathBy === 'time'
        ? `${formatMsPrecise(node.exclusiveMs ?? 0)} (${formatPercentFixed(node.exclusiveShare ?? 0)})`
        : `exclusive cost ${formatCost(node.exclusiveCost ?? 0)}`;
    const which = plan.hotPathBy === 'time' ? 'slowest' : 'costliest';
    line(`${HOT} hot path, root → ${which} node: ${describeNode(node)}, ${what}`, c.dim);
  }
  if (misestimates) {
    line(`${UNDER} more rows than estimated, ${OVER} fewer (shown from ${MISESTIMATE_SHOWN}× off)`, c.dim);
  }
  return `${out.join('\n')}\n`;
}

interface Layout {
  readonly plan: Plan;
  readonly c: Colors;
  readonly columns: readonly Column[];
  /** Width of the gutter and the figures before the tree drawing. */
  readonly fixed: number;
  /** Columns left for the tree drawing and the label. */
  readonly room: number;
  readonly hot: ReadonlySet<number>;
  readonly marks: ReadonlyMap<number, string> | undefined;
}

/** The node's line, and a second one for its badges when they do not fit after the label. */
function nodeLines(
  layout: Layout,
  node: PlanNode,
  prefix: string,
  childPrefix: string,
): { lines: string[]; misestimate: boolean } {
  const { plan, c, columns, room } = layout;
  const cells = columns.map((col) => col.cell(node, plan, c));
  const misestimate = cells.some((cell) => cell.plain.includes(UNDER) || cell.plain.includes(OVER));
  const tree = shortenPrefix(prefix, Math.max(0, room - 16));
  const { label, badges } = nodeLabel(node, layout.marks?.get(node.id));
  const labelRoom = Math.max(1, room - tree.length);
  const together = `${label}${badges ? `  ${badges}` : ''}`;
  const split = together.length > labelRoom && badges !== '';
  const text = fitWidth(split ? label : together, labelRoom);
  const labelPart = text.slice(0, Math.min(text.length, label.length));
  const badgePart = text.slice(labelPart.length);
  const paintedCells = cells.map((cell, i) => {
    const padded = pad(cell.plain, columns[i]!.width, columns[i]!.align);
    return cell.paint ? padded.replace(cell.plain, cell.paint(cell.plain)) : padded;
  });
  const isHot = layout.hot.has(node.id);
  const isSlowest = node.id === plan.hotPath.at(-1);
  const paintedLabel = isHot ? (isSlowest ? c.bold(c.red(labelPart)) : c.bold(labelPart)) : labelPart;
  const gutter = isHot ? c.red(HOT) : ' ';
  const lines = [`${gutter} ${paintedCells.join('  ')}  ${c.dim(tree)}${paintedLabel}${c.dim(badgePart)}`];
  if (split) {
    // Under the label, with the tree's vertical line carried on to the node's children.
    const below = shortenPrefix(
      `${childPrefix}${node.childIds.length > 0 ? '│ ' : '  '}`,
      Math.max(0, room - 16),
    );
    const badgeText = fitWidth(badges, Math.max(1, room - below.length));
    lines.push(`${' '.repeat(layout.fixed)}${c.dim(below)}${c.dim(badgeText)}`);
  }
  return { lines, misestimate };
}

// ---------------------------------------------------------------------------------------------------------------
// Summary

function summaryLines(plan: Plan): string[] {
  const lines: string[] = [];
  const parts: string[] = [];
  if (!plan.analyzed) {
    parts.push('Estimated plan (EXPLAIN without ANALYZE): costs and rows are the planner’s');
  } else {
    if (plan.executionMs !== null) parts.push(`Execution ${formatMsPrecise(plan.executionMs)}`);
    if (plan.planningMs !== null) parts.push(`planning ${formatMsPrecise(plan.planningMs)}`);
    const triggerMs = plan.triggers.reduce((sum, t) => sum + (t.timeMs ?? 0), 0);
    if (triggerMs > 0) parts.push(`triggers ${formatMsPrecise(triggerMs)}`);
    if (plan.jit) {
      const time = plan.jit.timing ? `${formatMsPrecise(plan.jit.timing.totalMs)}, ` : '';
      parts.push(`JIT ${time}${plan.jit.functions} functions`);
    }
    if (!plan.timing) parts.push('no per-node times (TIMING OFF)');
  }
  lines.push(parts.join(' · ') || 'Plan');
  const b = plan.root.buffers;
  if (b) {
    const groups: string[] = [];
    const group = (name: string, items: [string, number][]) => {
      const shown = items.filter(([, n]) => n > 0).map(([label, n]) => `${label} ${formatCompactCount(n)}`);
      if (shown.length > 0) groups.push(`${name} ${shown.join(', ')}`);
    };
    group('shared', [
      ['hit', b.sharedHit],
      ['read', b.sharedRead],
      ['dirtied', b.sharedDirtied],
      ['written', b.sharedWritten],
    ]);
    group('local', [
      ['hit', b.localHit],
      ['read', b.localRead],
      ['dirtied', b.localDirtied],
      ['written', b.localWritten],
    ]);
    group('temp', [
      ['read', b.tempRead],
      ['written', b.tempWritten],
    ]);
    lines.push(`Buffers: ${groups.join(' · ') || 'none'}`);
  }
  const io = plan.root.io;
  if (io) lines.push(`I/O: read ${formatMsPrecise(io.readMs)}, write ${formatMsPrecise(io.writeMs)}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// Columns

interface Cell {
  readonly plain: string;
  readonly paint?: (s: string) => string;
}

interface Column {
  readonly title: string;
  readonly width: number;
  readonly align: 'left' | 'right';
  cell(node: PlanNode, plan: Plan, c: Colors): Cell;
}

function shareColor(share: number, c: Colors): ((s: string) => string) | undefined {
  if (share >= 0.9) return (s) => c.bold(c.red(s));
  if (share >= 0.4) return c.red;
  if (share >= 0.1) return c.yellow;
  return undefined;
}

function chooseColumns(plan: Plan): Column[] {
  const columns: Column[] = [];
  if (plan.timing) {
    columns.push({
      title: 'exclusive',
      width: 8,
      align: 'right',
      cell: (node, _plan, c) =>
        node.exclusiveMs === null || node.neverExecuted
          ? { plain: '' }
          : { plain: formatMsPrecise(node.exclusiveMs), paint: shareColor(node.exclusiveShare ?? 0, c) },
    });
    columns.push({
      title: 'share',
      width: 6,
      align: 'right',
      cell: (node, _plan, c) =>
        node.exclusiveShare === null || node.neverExecuted
          ? { plain: '' }
          : { plain: formatPercentFixed(node.exclusiveShare), paint: shareColor(node.exclusiveShare, c) },
    });
  } else if (plan.root.exclusiveCost !== null) {
    const total = plan.root.estimate?.totalCost ?? 0;
    columns.push({
      title: 'excl. cost',
      width: 10,
      align: 'right',
      cell: (node) => ({ plain: node.exclusiveCost === null ? '' : formatCost(node.exclusiveCost) }),
    });
    columns.push({
      title: 'share',
      width: 6,
      align: 'right',
      cell: (node, _plan, c) => {
        if (node.exclusiveCost === null || !(total > 0)) return { plain: '' };
        const share = node.exclusiveCost / total;
        return { plain: formatPercentFixed(share), paint: shareColor(share, c) };
      },
    });
  }
  if (plan.analyzed) {
    columns.push({
      title: 'rows est → actual',
      width: 21,
      align: 'left',
      cell: (node, plan, c) => {
        const estimated = node.estimate ? formatCompactCount(node.estimate.rows) : '?';
        if (node.neverExecuted) return { plain: `${estimated.padStart(5)} → never` };
        if (!node.actual) return { plain: estimated.padStart(5) };
        let text = `${estimated.padStart(5)} → ${formatCompactCount(node.actual.rows).padEnd(5)}`;
        const error = node.rowEstimate;
        let paint: ((s: string) => string) | undefined;
        // Below a Limit a node stops early: fewer rows than estimated is what the planner expected.
        const stoppedEarly = error?.direction === 'over' && underLimit(plan, node);
        if (error && error.factor >= MISESTIMATE_SHOWN && !stoppedEarly) {
          text += ` ${error.direction === 'under' ? UNDER : OVER}${formatCompactCount(Math.round(error.factor))}×`;
          paint = (s) => {
            const at = s.search(/[▲▼]/);
            const mark = s.slice(at);
            const colored =
              error.factor >= 1000 ? c.bold(c.red(mark)) : error.factor >= 100 ? c.red(mark) : c.yellow(mark);
            return s.slice(0, at) + colored;
          };
        }
        return { plain: text, paint };
      },
    });
    if (plan.nodes.some((node) => (node.actual?.loops ?? 0) > 1)) {
      columns.push({
        title: 'loops',
        width: 5,
        align: 'right',
        cell: (node) => ({ plain: node.actual ? formatCompactCount(node.actual.loops) : '' }),
      });
    }
  } else {
    columns.push({
      title: 'est. rows',
      width: 9,
      align: 'right',
      cell: (node) => ({ plain: node.estimate ? formatCompactCount(node.estimate.rows) : '' }),
    });
  }
  return columns;
}

function underLimit(plan: Plan, node: PlanNode): boolean {
  for (let id = node.parentId; id !== null; id = plan.nodes[id]!.parentId) {
    if (plan.nodes[id]!.nodeType === 'Limit') return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Tree

/** Nodes in pre-order with the tree drawing before each label (`├ `, `└ `, `│ `). */
function treeOrder(plan: Plan): { node: PlanNode; prefix: string; childPrefix: string }[] {
  const out: { node: PlanNode; prefix: string; childPrefix: string }[] = [];
  const stack: { id: number; prefix: string; childPrefix: string }[] = [
    { id: plan.root.id, prefix: '', childPrefix: '' },
  ];
  while (stack.length > 0) {
    const { id, prefix, childPrefix } = stack.pop()!;
    const node = plan.nodes[id]!;
    out.push({ node, prefix, childPrefix });
    const children = node.childIds;
    for (let i = children.length - 1; i >= 0; i--) {
      const last = i === children.length - 1;
      stack.push({
        id: children[i]!,
        prefix: `${childPrefix}${last ? '└ ' : '├ '}`,
        childPrefix: `${childPrefix}${last ? '  ' : '│ '}`,
      });
    }
  }
  return out;
}

/** A deep node keeps the last `max` characters of its drawing, marked with ⋯. */
function shortenPrefix(prefix: string, max: number): string {
  if (prefix.length <= max) return prefix;
  if (max < 4) return '';
  return `⋯${prefix.slice(prefix.length - max + 1)}`;
}

function nodeLabel(node: PlanNode, mark?: string): { label: string; badges: string } {
  const name = describeNode(node);
  let label = name;
  if (node.subplanKind === 'cte' || node.subplanKind === 'initplan' || node.subplanKind === 'subplan') {
    label = `${node.subplanName}: ${name}`;
  }
  const badges: string[] = [];
  if (mark) badges.push(mark);
  if (node.neverExecuted) badges.push('never executed');
  if (node.workersPlanned !== null) {
    badges.push(`${node.workersLaunched ?? '?'} of ${node.workersPlanned} workers`);
  }
  const removed = (count: number | null, what: string) => {
    if (!count || node.actualRows === null) return;
    const share = count / (count + node.actualRows);
    if (share >= 0.5) badges.push(`${what} removed ${formatPercentFixed(share)}`);
  };
  removed(node.rowsRemovedByFilter, 'filter');
  removed(node.rowsRemovedByJoinFilter, 'join filter');
  removed(node.rowsRemovedByIndexRecheck, 'recheck');
  if (node.lossyHeapBlocks) {
    badges.push(
      `${formatCompactCount(node.lossyHeapBlocks)} lossy block${node.lossyHeapBlocks === 1 ? '' : 's'}`,
    );
  }
  if (node.heapFetches)
    badges.push(`${formatCompactCount(node.heapFetches)} heap fetch${node.heapFetches === 1 ? '' : 'es'}`);
  if (node.sort?.spaceType === 'Disk') badges.push(`sort on disk ${formatKb(node.sort.spaceUsedKb ?? 0)}`);
  if ((node.hash?.batches ?? 0) > 1) badges.push(`${node.hash!.batches} hash batches`);
  const agg = node.hashAggregate;
  if (agg && (agg.batches ?? 0) > 1) {
    badges.push(`${agg.batches} batches${agg.diskUsageKb ? `, ${formatKb(agg.diskUsageKb)} on disk` : ''}`);
  }
  return { label, badges: badges.join(' · ') };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

function fitWidth(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

function formatCost(cost: number): string {
  return cost < 1000 ? cost.toFixed(2) : formatCompactCount(cost);
}
