/**
 * EXPLAIN's text format (what auto_explain logs by default) read back into the shape of its JSON format, for the
 * plan analyser: the node tree from the `->` indentation, each node's name (type, relation, index, join type,
 * strategy), its `(cost=…)` and `(actual …)` figures, and its detail lines (Filter, Rows Removed by Filter, Sort
 * Method, Buffers, Buckets …). What it does not know it keeps as text under the line's own key, as JSON does.
 */

type Node = Record<string, unknown> & { Plans?: Node[] };

const NODE_LINE = /^( *)(?:-> {2})?(\S.*?)(?: {2}\((cost=[^)]*)\))?(?: \((actual [^)]*|never executed)\))?$/;
const COST = /cost=([\d.]+)\.\.([\d.]+) rows=(\d+) width=(\d+)/;
const ACTUAL = /actual (?:time=([\d.]+)\.\.([\d.]+) )?rows=([\d.]+) loops=(\d+)/;
const SUBPLAN = /^ *(SubPlan \d+|InitPlan \d+(?: \(returns [^)]*\))?|CTE \S+)$/;

const MODIFY = /^(Insert|Update|Delete|Merge) on (\S+)(?: (\S+))?$/;
const ON_RELATION =
  /^(Seq Scan|Bitmap Heap Scan|Tid Scan|Tid Range Scan|Sample Scan|Foreign Scan) on (\S+)(?: (\S+))?$/;
const USING_INDEX = /^(Index Scan|Index Only Scan)( Backward)? using (\S+) on (\S+)(?: (\S+))?$/;
const BITMAP_INDEX = /^Bitmap Index Scan on (\S+)$/;
const ON_OTHER =
  /^(Function Scan|CTE Scan|Subquery Scan|WorkTable Scan|Values Scan|Named Tuplestore Scan|Table Function Scan) on (\S+)(?: (\S+))?$/;
const JOIN = /^(Nested Loop|Hash|Merge)(?: (Left|Right|Full|Semi|Anti|Right Semi|Right Anti))?( Join)?$/;
const AGGREGATE = /^(Hash|Group|Mixed)?Aggregate$/;

const NUMBER_KEYS = new Set([
  'Rows Removed by Filter',
  'Rows Removed by Index Recheck',
  'Rows Removed by Join Filter',
  'Heap Fetches',
  'Workers Planned',
  'Workers Launched',
  'Planning Time',
  'Execution Time',
  'Index Searches',
]);
const LIST_KEYS = new Set(['Sort Key', 'Group Key', 'Presorted Key', 'Output']);

function relation(node: Node, name: string, alias: string | undefined): void {
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    node.Schema = name.slice(0, dot);
    node['Relation Name'] = name.slice(dot + 1);
  } else node['Relation Name'] = name;
  node.Alias = alias ?? node['Relation Name'];
}

/** Node names that say more than their type, and what they say; a reader returning false passes. */
const NAMES: readonly [RegExp, (node: Node, m: RegExpExecArray) => boolean | undefined][] = [
  [
    MODIFY,
    (node, m) => {
      node['Node Type'] = 'ModifyTable';
      node.Operation = m[1];
      relation(node, m[2]!, m[3]);
      return true;
    },
  ],
  [
    USING_INDEX,
    (node, m) => {
      node['Node Type'] = m[1];
      node['Scan Direction'] = m[2] ? 'Backward' : 'Forward';
      node['Index Name'] = m[3];
      relation(node, m[4]!, m[5]);
      return true;
    },
  ],
  [
    ON_RELATION,
    (node, m) => {
      node['Node Type'] = m[1];
      relation(node, m[2]!, m[3]);
      return true;
    },
  ],
  [
    BITMAP_INDEX,
    (node, m) => {
      node['Node Type'] = 'Bitmap Index Scan';
      node['Index Name'] = m[1];
      return true;
    },
  ],
  [
    ON_OTHER,
    (node, m) => {
      node['Node Type'] = m[1];
      const key = m[1] === 'Function Scan' ? 'Function Name' : m[1] === 'CTE Scan' ? 'CTE Name' : null;
      if (key) node[key] = m[2];
      node.Alias = m[3] ?? m[2];
      return true;
    },
  ],
  [
    JOIN,
    (node, m) => {
      // "Hash" alone is the Hash node
      if (m[1] === 'Hash' && !m[3]) return false;
      node['Node Type'] = m[1] === 'Nested Loop' ? 'Nested Loop' : `${m[1]} Join`;
      node['Join Type'] = m[2] ?? 'Inner';
      return true;
    },
  ],
  [
    AGGREGATE,
    (node, m) => {
      node['Node Type'] = 'Aggregate';
      node.Strategy =
        m[1] === 'Hash' ? 'Hashed' : m[1] === 'Group' ? 'Sorted' : m[1] === 'Mixed' ? 'Mixed' : 'Plain';
      return true;
    },
  ],
  [
    /^(Hash)?SetOp$/,
    (node, m) => {
      node['Node Type'] = 'SetOp';
      node.Strategy = m[1] ? 'Hashed' : 'Sorted';
      return true;
    },
  ],
];

/** The node's name line: its type and what it reads. */
function named(text: string): Node {
  const node: Node = {};
  let name = text;
  for (const [prefix, key, value] of [
    ['Parallel ', 'Parallel Aware', true],
    ['Partial ', 'Partial Mode', 'Partial'],
    ['Finalize ', 'Partial Mode', 'Finalize'],
  ] as const)
    if (name.startsWith(prefix)) {
      node[key] = value;
      name = name.slice(prefix.length);
    }
  for (const [pattern, read] of NAMES) {
    const m = pattern.exec(name);
    if (m && read(node, m) !== false) return node;
  }
  node['Node Type'] = name;
  return node;
}

function kb(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

/** `Key: value` lines under a node, into its JSON keys. */
function detail(node: Node, key: string, value: string): void {
  switch (key) {
    case 'Sort Method': {
      const m = /^(.*?) {2}(Memory|Disk): (\d+)kB/.exec(value);
      node['Sort Method'] = m ? m[1] : value;
      if (m) {
        node['Sort Space Type'] = m[2];
        node['Sort Space Used'] = Number(m[3]);
      }
      return;
    }
    case 'Buffers':
      for (const part of value.split(/,\s*/)) {
        const [kind, ...counts] = part.trim().split(' ');
        const scope =
          kind === 'shared' ? 'Shared' : kind === 'local' ? 'Local' : kind === 'temp' ? 'Temp' : null;
        if (!scope) continue;
        for (const count of counts) {
          const [what, n] = count.split('=');
          const name = { hit: 'Hit', read: 'Read', dirtied: 'Dirtied', written: 'Written' }[what ?? ''];
          if (name && n) node[`${scope} ${name} Blocks`] = Number(n);
        }
      }
      return;
    case 'Buckets': {
      // Buckets: 1024 (originally 1024)  Batches: 4 (originally 1)  Memory Usage: 9kB
      const m =
        /^(\d+)(?: \(originally (\d+)\))? {2}Batches: (\d+)(?: \(originally (\d+)\))? {2}Memory Usage: (\d+)kB/.exec(
          value,
        );
      if (m) {
        node['Hash Buckets'] = Number(m[1]);
        node['Original Hash Buckets'] = Number(m[2] ?? m[1]);
        node['Hash Batches'] = Number(m[3]);
        node['Original Hash Batches'] = Number(m[4] ?? m[3]);
        node['Peak Memory Usage'] = kb(m[5]);
      }
      return;
    }
    case 'Heap Blocks':
      for (const m of value.matchAll(/(exact|lossy)=(\d+)/g))
        node[m[1] === 'exact' ? 'Exact Heap Blocks' : 'Lossy Heap Blocks'] = Number(m[2]);
      return;
    default:
      if (NUMBER_KEYS.has(key)) node[key] = Number(value.replace(/ ms$/, ''));
      else if (LIST_KEYS.has(key)) node[key] = splitList(value);
      else node[key] = value;
  }
}

/** `a, lower(b), c DESC`: commas inside parentheses or quotes do not split. */
function splitList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((s) => s.length > 0);
}

/**
 * The JSON form (`[{ "Plan": …, "Query Text": … }]`) of a text plan as auto_explain logs it: `Query Text: …` lines,
 * then the nodes. Null when no node line is found (a plan logged without costs nor actual figures is not read).
 */
export function textPlanToJson(text: string): Record<string, unknown>[] | null {
  const lines = text.split('\n');
  let i = 0;
  let query: string | null = null;
  if (lines[0]?.startsWith('Query Text: ')) {
    const queryLines = [lines[0].slice('Query Text: '.length)];
    i = 1;
    // the query goes on until the root node line: no indentation, and its figures in parentheses
    while (
      i < lines.length &&
      !(/^\S/.test(lines[i]!) && /\((?:cost=|actual |never executed)/.test(lines[i]!))
    ) {
      queryLines.push(lines[i]!);
      i++;
    }
    query = queryLines.join('\n');
  }
  let root: Node | null = null;
  const stack: { indent: number; node: Node }[] = [];
  let relationship: { name: string; kind: string; indent: number } | null = null;
  const document: Record<string, unknown> = {};
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim().length === 0) continue;
    const indent = line.length - line.trimStart().length;
    const sub = SUBPLAN.exec(line);
    if (sub) {
      const label = sub[1]!;
      // it belongs to the node whose details are at its indentation
      while (stack.length > 1 && stack.at(-1)!.indent >= indent) stack.pop();
      relationship = {
        name: label,
        kind: label.startsWith('SubPlan') ? 'SubPlan' : 'InitPlan',
        indent,
      };
      continue;
    }
    const isNode = root === null || line.slice(indent).startsWith('->  ');
    if (isNode) {
      const m = NODE_LINE.exec(line);
      if (!m || (root === null && m[3] === undefined && m[4] === undefined)) return root ? wrap() : null;
      const node = named(m[2]!);
      const cost = m[3] ? COST.exec(m[3]) : null;
      if (cost) {
        node['Startup Cost'] = Number(cost[1]);
        node['Total Cost'] = Number(cost[2]);
        node['Plan Rows'] = Number(cost[3]);
        node['Plan Width'] = Number(cost[4]);
      }
      if (m[4] === 'never executed') {
        node['Actual Rows'] = 0;
        node['Actual Loops'] = 0;
      } else if (m[4]) {
        const actual = ACTUAL.exec(m[4]);
        if (actual) {
          if (actual[1] !== undefined) node['Actual Startup Time'] = Number(actual[1]);
          if (actual[2] !== undefined) node['Actual Total Time'] = Number(actual[2]);
          node['Actual Rows'] = Number(actual[3]);
          node['Actual Loops'] = Number(actual[4]);
        }
      }
      if (root === null) {
        root = node;
        stack.push({ indent: -1, node });
        continue;
      }
      while (stack.length > 1 && stack.at(-1)!.indent >= indent) stack.pop();
      const parent = stack.at(-1)!.node;
      if (relationship && relationship.indent < indent) {
        node['Parent Relationship'] = relationship.kind;
        node['Subplan Name'] = relationship.name;
      } else if (parent['Node Type'] === 'Nested Loop' || String(parent['Node Type']).endsWith(' Join'))
        node['Parent Relationship'] = (parent.Plans?.length ?? 0) === 0 ? 'Outer' : 'Inner';
      else node['Parent Relationship'] = 'Outer';
      relationship = null;
      parent.Plans ??= [];
      parent.Plans.push(node);
      stack.push({ indent, node });
      continue;
    }
    const property = /^ *([A-Z][A-Za-z /-]*?): (.*)$/.exec(line);
    if (!property) continue;
    // a detail belongs to the deepest node it is indented under
    while (stack.length > 1 && stack.at(-1)!.indent >= indent) stack.pop();
    if (indent === 0 && /^(Planning|Execution) Time$/.test(property[1]!))
      document[property[1]!] = Number(property[2]!.replace(/ ms$/, ''));
    else detail(stack.at(-1)!.node, property[1]!, property[2]!);
  }
  return root ? wrap() : null;

  function wrap(): Record<string, unknown>[] {
    return [{ Plan: root, ...(query === null ? {} : { 'Query Text': query }), ...document }];
  }
}
