import { z } from 'zod';
import { formatCount } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import { constantOf, type SelectNode } from '../../query/expressions.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { andOperand, rewrittenStatement } from '../../query/rule-helpers.js';
import type { Scope } from '../../query/scope.js';
import type { Edit } from '../../query/text.js';
import { asNode, type Node, walk } from '../../sql/ast.js';
import { quoteIdent } from '../../sql/quote.js';

export default defineRule<QueryModel, { minOffset: number }>({
  id: 'query/large-offset',
  category: 'query',
  model: 'query',
  defaultSeverity: 'warning',
  summary: 'OFFSET pagination with a large constant offset',
  reportsOn: 'file',
  docs: {
    why: 'OFFSET does not skip rows, it reads them and throws them away: page 500 of 20 rows reads 10,020 rows to return 20, each page is slower than the one before, and rows inserted or deleted meanwhile make pages repeat or skip entries. The rule reports a constant OFFSET of at least `minOffset`; an OFFSET given as a parameter cannot be judged statically (pgwarden explain and the workload analysis see those).',
    howToFix:
      "Paginate by key (keyset, or 'seek', pagination): order by a unique key, remember the last row's key and ask for the rows after it — `WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT 20` — which an index on (created_at, id) answers by reading 20 rows, whatever the page. The fix rewrites the query that way when its ORDER BY keys all go in one direction (and, with a schema, adds the primary key to them when they are not unique).",
    examples: {
      bad: 'SELECT id, title FROM posts ORDER BY created_at DESC LIMIT 20 OFFSET 10000;',
      good: 'SELECT id, title FROM posts WHERE (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 20;',
    },
  },
  options: z.object({
    minOffset: z.number().int().min(1).default(1000).describe('The smallest constant OFFSET reported'),
  }),
  check({ model, options, report }) {
    for (const statement of model.statements) {
      // set operations have no scope of their own, and can carry the OFFSET: walk every SELECT
      walk(statement.ast, (kind, payload) => {
        if (kind !== 'SelectStmt') return;
        const select = payload as SelectNode;
        const offset = constantOf(select.limitOffset);
        if (offset?.type !== 'integer' || offset.value < options.minOffset) return;
        const at = statement.sql.offsetOf(locationOf(select.limitOffset));
        const keyword = at === undefined ? undefined : statement.sql.keywordBefore(at, 'OFFSET');
        report({
          message: `OFFSET ${offset.value} reads and discards ${formatCount(offset.value)} rows before returning any, and each later page reads more: paginate by key`,
          location: keyword
            ? statement.locateOffset(keyword.start)
            : statement.locate(locationOf(select.limitOffset)),
          fix: keyset(model, statement, select),
        });
      });
    }
  },
});

function locationOf(node: Node | undefined): number | undefined {
  let location: number | undefined;
  walk(node, (_kind, payload) => {
    if (location === undefined && typeof payload.location === 'number') location = payload.location;
  });
  return location;
}

/** The query paginated by its ORDER BY keys; null when its shape does not allow a mechanical rewrite. */
function keyset(model: QueryModel, statement: QueryStatement, select: SelectNode): string | null {
  const sql = statement.sql;
  const sorts = (select.sortClause ?? []).map(
    (s) => asNode<{ node?: Node; sortby_dir?: string }>(s, 'SortBy')!,
  );
  if (
    sorts.length === 0 ||
    (select.op !== undefined && select.op !== 'SETOP_NONE') ||
    select.groupClause ||
    select.havingClause ||
    select.windowClause ||
    select.distinctClause
  )
    return null;
  const descending = sorts.map((s) => s.sortby_dir === 'SORTBY_DESC');
  if (descending.some((d) => d !== descending[0]) || sorts.some((s) => s.sortby_dir === 'SORTBY_USING'))
    return null;
  const keys = sorts.map((s) => sql.textOf(s.node));
  if (keys.some((k) => k === undefined)) return null;
  const firstKey = sql.span(sorts[0]!.node);
  const lastKey = sql.span(sorts.at(-1)!.node);
  const orderBy = firstKey && sql.keywordBefore(firstKey.start, 'ORDER');
  const offsetAt = sql.offsetOf(locationOf(select.limitOffset));
  const offsetKeyword = offsetAt === undefined ? undefined : sql.keywordBefore(offsetAt, 'OFFSET');
  if (!orderBy || !lastKey || offsetAt === undefined || !offsetKeyword) return null;

  const edits: Edit[] = [];
  const allKeys = [...(keys as string[])];
  const extra = uniqueKeyToAdd(model, statement, select, sorts);
  if (extra.length > 0) {
    const direction = descending[0] ? ' DESC' : '';
    edits.push({
      span: { start: lastKey.end, end: lastKey.end },
      text: extra.map((k) => `, ${k}${direction}`).join(''),
    });
    allKeys.push(...extra);
  }
  let next = sql.maxParameter + 1;
  const params = allKeys.map(() => `$${next++}`);
  const operator = descending[0] ? '<' : '>';
  const condition =
    allKeys.length === 1
      ? `${allKeys[0]} ${operator} ${params[0]}`
      : `(${allKeys.join(', ')}) ${operator} (${params.join(', ')})`;
  if (select.whereClause) {
    const where = sql.span(select.whereClause);
    if (!where) return null;
    edits.push({ span: where, text: `${andOperand(sql.slice(where), select.whereClause)} AND ${condition}` });
  } else {
    edits.push({ span: { start: orderBy.start, end: orderBy.start }, text: `WHERE ${condition} ` });
  }
  // drop `OFFSET n [ROW|ROWS]` and the blank before it
  const offsetIndex = sql.tokenIndexAt(offsetAt);
  let end = sql.tokens[offsetIndex]!.end;
  const after = sql.tokens[offsetIndex + 1];
  if (after && (after.keyword === 'ROW' || after.keyword === 'ROWS')) end = after.end;
  let start = offsetKeyword.start;
  while (start > 0 && /\s/.test(sql.text[start - 1]!)) start--;
  edits.push({ span: { start, end }, text: '' });
  return rewrittenStatement(
    `keyset pagination: ${params.join(', ')} are the ${allKeys.join(', ')} of the last row of the previous page (first page: without this condition)`,
    sql.apply(edits),
  );
}

/** The primary key columns to add to ORDER BY so its keys are unique, when the schema says they are not. */
function uniqueKeyToAdd(
  model: QueryModel,
  statement: QueryStatement,
  select: SelectNode,
  sorts: readonly { node?: Node }[],
): string[] {
  const scope: Scope | undefined = statement.names.scopeOf(select as object);
  if (!model.schema || !scope || scope.relations.length !== 1) return [];
  const relation = scope.relations[0]!;
  const table = relation.table;
  if (!table) return [];
  const sorted = new Set(
    sorts.flatMap((s) => {
      const ref = asNode<{ fields?: Node[] }>(s.node, 'ColumnRef');
      const binding = ref ? statement.names.column(ref) : undefined;
      return binding ? [binding.column] : [];
    }),
  );
  const unique = table.indexes.filter(
    (i) => i.unique && i.valid && i.predicate === null && !i.columns.includes(null),
  );
  if (unique.some((i) => i.columns.every((c) => sorted.has(c!)))) return [];
  const primary = unique.find((i) => i.primary) ?? unique[0];
  if (!primary) return [];
  const qualify = (select.fromClause?.length ?? 0) > 0 && relation.name !== table.name;
  return primary.columns
    .filter((c) => !sorted.has(c!))
    .map((c) => `${qualify ? `${quoteIdent(relation.name)}.` : ''}${quoteIdent(c!)}`);
}
