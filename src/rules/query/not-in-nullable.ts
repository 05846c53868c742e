import { defineRule } from '../../core/rule.js';
import {
  type A_ExprNode,
  columnRef,
  columnRefsIn,
  conjuncts,
  constantOf,
  hasAggregate,
  operatorOf,
  type SelectNode,
  type SubLinkNode,
  walkExpression,
} from '../../query/expressions.js';
import type { QueryModel, QueryStatement } from '../../query/model.js';
import { andOperand, relationLabel, scopes } from '../../query/rule-helpers.js';
import type { ColumnBinding } from '../../query/scope.js';
import type { Edit } from '../../query/text.js';
import { asNode, type Node, stringValues } from '../../sql/ast.js';

export default defineRule<QueryModel>({
  id: 'query/not-in-nullable',
  category: 'query',
  model: 'query',
  defaultSeverity: 'error',
  summary: 'NOT IN over a subquery whose column can be NULL, or over a list that holds NULL',
  reportsOn: 'file',
  docs: {
    why: "`x NOT IN (SELECT y …)` is true only when x differs from every y — and `x <> NULL` is not false but unknown, so a single NULL among the y's makes NOT IN return no row at all, silently. The same holds for `<> ALL (…)` and for a literal list that contains NULL (`NOT IN (1, NULL)` is never true). PostgreSQL also cannot turn NOT IN into an anti-join, so it runs it as a hashed or, worse, a plain subplan per row. With a schema, the subquery's column is judged from its declaration (NOT NULL, a primary key) and from the outer joins and `IS NOT NULL` filters around it: a column that cannot be NULL is not reported. Without a schema the finding is a warning: the column may be nullable.",
    howToFix:
      'Write NOT EXISTS with the comparison inside the subquery: `NOT EXISTS (SELECT FROM bans b WHERE b.user_id = u.id)`. It means what NOT IN was meant to mean, ignores NULLs and is planned as an anti-join. The fix is that rewrite (outer columns qualified so they keep their meaning inside the subquery).',
    examples: {
      bad: 'SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM bans);',
      good: 'SELECT id FROM users WHERE NOT EXISTS (SELECT 1 FROM bans WHERE bans.user_id = users.id);',
    },
  },
  check({ model, report }) {
    for (const { statement, scope } of scopes(model)) {
      const expressions = Object.values(scope.node);
      walkExpression(expressions, (kind, payload) => {
        if (kind === 'A_Expr') {
          const expr = payload as A_ExprNode;
          if (expr.kind !== 'AEXPR_IN' || operatorOf(expr.name) !== '<>') return;
          const items = asNode<{ items?: Node[] }>(expr.rexpr, 'List')?.items ?? [];
          if (!items.some((item) => constantOf(item)?.type === 'null')) return;
          report({
            message: 'NOT IN over a list that holds NULL is never true: the query returns no row',
            location: statement.locate(expr.location),
            fix: withoutNull(statement, expr, items),
          });
          return;
        }
        const sublink = notIn(kind, payload);
        if (!sublink) return;
        const verdict = nullability(model, statement, sublink);
        if (verdict.nullable === false) return;
        const subject = statement.sql.textOf(sublink.testexpr) ?? 'the value';
        report({
          message:
            verdict.nullable === true
              ? `${subject} NOT IN (SELECT ${verdict.what} …): ${verdict.why}, and one NULL makes NOT IN return no row`
              : `${subject} NOT IN (SELECT ${verdict.what} …): if ${verdict.what} can be NULL, NOT IN returns no row at all (pass --db or --schema to know)`,
          location: statement.locate(sublink.testexpr ? firstLocation(sublink.testexpr) : sublink.location),
          severity: verdict.nullable === true ? undefined : 'warning',
          fix: notExists(statement, sublink),
        });
      });
    }
  },
});

/** The SubLink of `x NOT IN (subquery)` or `x <> ALL (subquery)`. */
function notIn(kind: string, payload: Record<string, unknown>): SubLinkNode | undefined {
  if (kind === 'BoolExpr' && payload.boolop === 'NOT_EXPR') {
    const sublink = asNode<SubLinkNode>((payload.args as Node[] | undefined)?.[0], 'SubLink');
    if (sublink?.subLinkType === 'ANY_SUBLINK' && ['', '='].includes(operatorOf(sublink.operName)))
      return sublink;
  }
  if (kind === 'SubLink') {
    const sublink = payload as SubLinkNode;
    if (sublink.subLinkType === 'ALL_SUBLINK' && operatorOf(sublink.operName) === '<>') return sublink;
  }
  return undefined;
}

interface Verdict {
  /** true: can be NULL; false: cannot; undefined: unknown. */
  readonly nullable: boolean | undefined;
  readonly what: string;
  readonly why: string;
}

function nullability(model: QueryModel, statement: QueryStatement, sublink: SubLinkNode): Verdict {
  const select = asNode<SelectNode>(sublink.subselect, 'SelectStmt');
  const target = asNode<{ val?: Node }>(select?.targetList?.[0], 'ResTarget')?.val;
  const what = statement.sql.textOf(target) ?? 'the column';
  if (!select || !target || (select.op !== undefined && select.op !== 'SETOP_NONE')) {
    return { nullable: undefined, what, why: '' };
  }
  const constant = constantOf(target);
  if (constant) return { nullable: constant.type === 'null', what, why: 'it is NULL' };
  if (asNode<{ agg_star?: boolean; funcname?: Node[] }>(target, 'FuncCall')?.agg_star) {
    return { nullable: false, what, why: '' };
  }
  const ref = columnRef(target);
  const binding = ref ? statement.names.column(ref) : undefined;
  if (!binding || !model.schema) return { nullable: undefined, what, why: '' };
  if (filteredNotNull(statement, select, binding)) return { nullable: false, what, why: '' };
  if (binding.relation.nullable) {
    return {
      nullable: true,
      what,
      why: `${relationLabel(binding.relation)} is on the nullable side of an outer join`,
    };
  }
  if (!binding.info) return { nullable: undefined, what, why: '' };
  if (binding.info.notNull) return { nullable: false, what, why: '' };
  return { nullable: true, what, why: `${relationLabel(binding.relation)}.${binding.column} is nullable` };
}

/** The subquery keeps only rows where the column IS NOT NULL (or compares it with `=`, which rejects NULL). */
function filteredNotNull(statement: QueryStatement, select: SelectNode, binding: ColumnBinding): boolean {
  return conjuncts(select.whereClause).some((term) => {
    const test = asNode<{ arg?: Node; nulltesttype?: string }>(term, 'NullTest');
    if (test?.nulltesttype === 'IS_NOT_NULL') {
      const ref = columnRef(test.arg);
      const bound = ref ? statement.names.column(ref) : undefined;
      return bound?.relation === binding.relation && bound.column === binding.column;
    }
    const expr = asNode<A_ExprNode>(term, 'A_Expr');
    if (expr?.kind === 'AEXPR_OP' && ['=', '<', '>', '<=', '>='].includes(operatorOf(expr.name))) {
      return [expr.lexpr, expr.rexpr].some((side) => {
        const ref = columnRef(side);
        const bound = ref ? statement.names.column(ref) : undefined;
        return bound?.relation === binding.relation && bound.column === binding.column;
      });
    }
    return false;
  });
}

function firstLocation(node: Node): number | undefined {
  const refs = columnRefsIn(node);
  return refs[0]?.location ?? (Object.values(node)[0] as { location?: number } | undefined)?.location;
}

/** `x NOT IN (SELECT y FROM t WHERE c)` → `NOT EXISTS (SELECT 1 FROM t WHERE (c) AND y = x)`. */
function notExists(statement: QueryStatement, sublink: SubLinkNode): string | null {
  const sql = statement.sql;
  const select = asNode<SelectNode>(sublink.subselect, 'SelectStmt');
  const target = asNode<{ val?: Node; location?: number }>(select?.targetList?.[0], 'ResTarget');
  if (
    !select ||
    !target?.val ||
    !sublink.testexpr ||
    (select.targetList?.length ?? 0) !== 1 ||
    (select.op !== undefined && select.op !== 'SETOP_NONE') ||
    select.groupClause ||
    select.havingClause ||
    select.distinctClause ||
    select.limitCount ||
    select.limitOffset ||
    select.sortClause ||
    hasAggregate(target.val) ||
    !(select.fromClause?.length ?? 0)
  )
    return null;
  const subject = sql.span(sublink.testexpr);
  const inner = sql.span(target.val);
  const subquery = subject && sql.bracketSpan(subject.end);
  if (!subject || !inner || !subquery) return null;
  // an outer name that the subquery also uses would be captured by it once moved inside
  const innerScope = statement.names.scopeOf(select as object);
  const shadowed = new Set(innerScope?.relations.map((r) => r.name) ?? []);
  const outer = qualifiedText(statement, sublink.testexpr, shadowed);
  const innerText = qualifiedText(statement, target.val, new Set());
  if (outer === null || innerText === null) return null;
  const test = `${innerText} = ${outer}`;
  const edits: Edit[] = [
    // `x NOT IN (` / `x <> ALL (` → `NOT EXISTS (`
    { span: { start: subject.start, end: subquery.start + 1 }, text: 'NOT EXISTS (' },
    { span: inner, text: '1' },
  ];
  if (select.whereClause) {
    const where = sql.span(select.whereClause);
    if (!where) return null;
    edits.push({ span: where, text: `${andOperand(sql.slice(where), select.whereClause)} AND ${test}` });
  } else {
    edits.push({ span: { start: subquery.end - 1, end: subquery.end - 1 }, text: ` WHERE ${test}` });
  }
  // the rewrite replaces the whole NOT IN, from its subject to its closing parenthesis
  const whole = { start: subject.start, end: subquery.end };
  return `${sql.apply([{ span: whole, text: sql.sliceWith(whole, edits) }])};`;
}

/** An expression's text with each column reference qualified by its relation (so it keeps its meaning elsewhere). */
function qualifiedText(statement: QueryStatement, node: Node, shadowed: ReadonlySet<string>): string | null {
  const span = statement.sql.span(node);
  if (!span) return null;
  const edits: Edit[] = [];
  for (const ref of columnRefsIn(node)) {
    const names = stringValues(ref.fields);
    const binding = statement.names.column(ref);
    if (binding && shadowed.has(binding.relation.name)) return null;
    if (names.length !== 1) continue;
    const refSpan = statement.sql.span({ ColumnRef: ref });
    if (!binding?.relation.name || !refSpan) return null;
    edits.push({ span: refSpan, text: `${binding.relation.name}.${statement.sql.slice(refSpan)}` });
  }
  return statement.sql.sliceWith(span, edits);
}

/** The list without its NULLs. */
function withoutNull(statement: QueryStatement, expr: A_ExprNode, items: readonly Node[]): string | null {
  const sql = statement.sql;
  const open = sql.offsetOf(expr.rexpr_list_start);
  const close = sql.offsetOf(expr.rexpr_list_end);
  if (open === undefined || close === undefined) return null;
  const kept = items.filter((item) => constantOf(item)?.type !== 'null').map((item) => sql.textOf(item));
  if (kept.some((k) => k === undefined)) return null;
  if (kept.length === 0) return null;
  return `${sql.apply([{ span: { start: open, end: close + 1 }, text: `(${kept.join(', ')})` }])};`;
}
