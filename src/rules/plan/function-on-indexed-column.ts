import { formatPercent } from '../../core/format.js';
import { defineRule } from '../../core/rule.js';
import type { Conjunct } from '../../explain/conditions.js';
import { diagnoseFilter } from '../../explain/diagnose.js';
import type { TableFacts } from '../../explain/facts.js';
import { hypopgProof, reportPlanFinding } from '../../explain/findings.js';
import { nodeLabel, ownMs, type PlanModel, tableOf } from '../../explain/model.js';
import { quoteIdent } from '../../sql/quote.js';

/** A rewrite that leaves the column bare, for a cast; null when none is safe to propose. */
function rewrite(conjunct: Conjunct, table: TableFacts | undefined): string {
  const column = quoteIdent(conjunct.column!);
  const type = table?.columns.find((c) => c.name === conjunct.column)?.type ?? 'its own type';
  const value = conjunct.value ?? '';
  const literal = /^('(?:[^']|'')*')(?:::[\w ]+)?$/.exec(value)?.[1];
  if (conjunct.castTo === 'date' && /^timestamp/.test(type) && conjunct.kind === 'eq' && literal) {
    return `-- instead of ${conjunct.text}:\nWHERE ${column} >= DATE ${literal} AND ${column} < DATE ${literal} + 1`;
  }
  if (literal && ['eq', 'range'].includes(conjunct.kind) && conjunct.operator) {
    return `-- instead of ${conjunct.text} (PostgreSQL reads the literal as a ${type}):\nWHERE ${column} ${conjunct.operator} ${literal}`;
  }
  return `-- rewrite ${conjunct.text} so that ${column} stands alone, compared with a value of type ${type}`;
}

export default defineRule<PlanModel>({
  id: 'plan/function-on-indexed-column',
  category: 'plan',
  model: 'plan',
  defaultSeverity: 'warning',
  summary: 'Filter that wraps an indexed column in a function or a cast, so its index cannot serve it',
  reportsOn: ['plan-node'],
  docs: {
    why: "An index on `email` serves `email = 'x'`, not `lower(email) = 'x'`; an index on `created_at` serves a range of timestamps, not `created_at::date = '2024-01-01'`; an index on an integer `id` does not serve `id::text = '42'`. PostgreSQL then scans the table (or uses the index only for other conditions) and evaluates the expression row by row. pgwarden reports it when the node reads a large table with a selective filter (or an index scan's filter removes half of what it read), the column has an index (read with --db), and no index exists on the expression. Casts PostgreSQL adds to compare a varchar column with text are not reported: the index serves them.",
    howToFix:
      "For a function: an expression index on exactly the expression the query uses (the function must be IMMUTABLE), `CREATE INDEX CONCURRENTLY … ((lower(email)))` — with hypopg the finding shows its cost first. For a cast: rewrite the condition so the column stands alone, compared with a value of its own type (a range of timestamps for a date, a literal the column's type reads). Estimated saving: the node's own time × the share of rows its filter removes, at most 90%.",
    examples: {
      bad: "SELECT * FROM users WHERE lower(email) = 'ann@example.com';  -- index on users (email)",
      good: 'CREATE INDEX CONCURRENTLY idx_users_lower_email ON public.users ((lower(email)));',
    },
  },
  check(context) {
    const { model } = context;
    for (const node of model.plan.nodes) {
      const diagnosis = diagnoseFilter(model, node);
      if (diagnosis?.problem !== 'function-on-indexed-column' || !diagnosis.wrapped) continue;
      const { conjunct, index } = diagnosis.wrapped;
      const suggestion = diagnosis.suggestion;
      const proof = suggestion ? hypopgProof(model, suggestion.statement) : null;
      const what =
        conjunct.wrap === 'cast' && conjunct.functions.length === 0
          ? `a cast to ${conjunct.castTo}`
          : `${conjunct.functions[0]}()`;
      reportPlanFinding(context, {
        node,
        message: `${nodeLabel(node)}: its filter applies ${what} to ${conjunct.column} (${conjunct.text}), so the index ${index} on ${conjunct.column} cannot serve it; the filter removes ${formatPercent(diagnosis.removedShare)} of the rows read${proof?.text ?? ''}`,
        fix: suggestion?.statement ?? rewrite(conjunct, tableOf(model, node)),
        savedMs: ownMs(node) * Math.min(0.9, diagnosis.removedShare),
        estimate: "the node's own time × the share of rows its filter removes, at most 90%",
        evidence: {
          condition: conjunct.text,
          column: conjunct.column,
          index,
          rowsRead: diagnosis.examined,
          rowsRemovedByFilter: diagnosis.removed,
          ...(proof?.evidence ? { hypothetical: proof.evidence } : {}),
        },
      });
    }
  },
});
