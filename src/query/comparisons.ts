import type { Node } from '../sql/ast.js';
import { asNode } from '../sql/ast.js';
import { type A_ExprNode, operatorOf, walkExpression } from './expressions.js';

const ORDERING = new Set(['=', '<', '>', '<=', '>=', '<>', '!=']);
const MIRROR: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** A comparison of an expression with one or more others: `a = b`, `a IN (…)`, `a BETWEEN x AND y`, `a LIKE p`. */
export interface Comparison {
  readonly expr: A_ExprNode;
  readonly kind: string;
  /** The operator as written (`=`, `<>`, `~~`), for IN the operator each item is compared with. */
  readonly operator: string;
  /** The compared expression, and what it is compared with, from each side's point of view. */
  readonly sides: readonly {
    readonly node: Node;
    readonly others: readonly Node[];
    readonly operator: string;
  }[];
}

/** The comparison an A_Expr payload is, or undefined for arithmetic and other operators. */
export function comparisonOf(expr: A_ExprNode): Comparison | undefined {
  const kind = expr.kind ?? 'AEXPR_OP';
  const operator = operatorOf(expr.name);
  if (!expr.lexpr || !expr.rexpr) return undefined;
  const list = asNode<{ items?: Node[] }>(expr.rexpr, 'List')?.items;
  switch (kind) {
    case 'AEXPR_OP':
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT':
      if (kind === 'AEXPR_OP' && !ORDERING.has(operator)) return undefined;
      return {
        expr,
        kind,
        operator,
        sides: [
          { node: expr.lexpr, others: [expr.rexpr], operator },
          { node: expr.rexpr, others: [expr.lexpr], operator: MIRROR[operator] ?? operator },
        ],
      };
    case 'AEXPR_IN':
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM':
      return { expr, kind, operator, sides: [{ node: expr.lexpr, others: list ?? [expr.rexpr], operator }] };
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      return { expr, kind, operator, sides: [{ node: expr.lexpr, others: [expr.rexpr], operator }] };
    default:
      return undefined;
  }
}

/** Every comparison in a condition (subqueries not entered). */
export function comparisonsIn(condition: unknown): Comparison[] {
  const found: Comparison[] = [];
  walkExpression(condition, (kind, payload) => {
    if (kind !== 'A_Expr') return;
    const comparison = comparisonOf(payload as A_ExprNode);
    if (comparison) found.push(comparison);
  });
  return found;
}
