import { asNode, type Node, stringValues, walk } from '../sql/ast.js';
import { NON_VOLATILE_BUILTINS } from './builtin-functions.js';

/**
 * Built-in functions that are VOLATILE (pg_proc.provolatile = 'v' in pg_catalog, PostgreSQL 18), plus the
 * volatile functions of common extensions. A column default that calls one is evaluated per row: adding such a
 * column rewrites the table.
 */
const VOLATILE_BUILTINS = new Set([
  'array_sample',
  'array_shuffle',
  'clock_timestamp',
  'currval',
  'current_query',
  'gen_random_uuid',
  'lastval',
  'nextval',
  'random',
  'random_normal',
  'set_config',
  'setval',
  'timeofday',
  'txid_status',
  'uuidv4',
  'uuidv7',
  // extensions
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'gen_salt',
]);

/**
 * SQL keywords the parser writes as function calls, and functions of common extensions, that are not volatile
 * (pg_catalog's own: NON_VOLATILE_BUILTINS). Anything else unknown is assumed volatile.
 */
const KNOWN_NON_VOLATILE = new Set([
  'now',
  'statement_timestamp',
  'transaction_timestamp',
  'current_timestamp',
  'localtimestamp',
  'current_date',
  'current_setting',
  'lower',
  'upper',
  'coalesce',
  'concat',
  'length',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'array',
  'to_jsonb',
  'make_interval',
  'timezone',
  'date_trunc',
  'abs',
  'round',
]);

export type Volatility = 'immutable' | 'stable' | 'volatile';

export interface VolatilityVerdict {
  readonly volatile: boolean;
  /** Functions of unknown volatility that were assumed volatile. */
  readonly assumed: readonly string[];
  /** The volatile functions found. */
  readonly volatileCalls: readonly string[];
}

/**
 * Whether an expression is volatile. `lookup` knows the database's functions (from pg_proc with --db); without it,
 * a function pgwarden does not know is assumed volatile, and named in `assumed`.
 */
export function expressionVolatility(
  expression: Node | undefined,
  lookup?: (name: string) => Volatility | undefined,
): VolatilityVerdict {
  const assumed: string[] = [];
  const volatileCalls: string[] = [];
  if (!expression) return { volatile: false, assumed, volatileCalls };
  walk(expression, (kind, payload) => {
    if (kind === 'FuncCall') {
      const names = stringValues(payload.funcname as Node[] | undefined);
      const name = names.at(-1)?.toLowerCase() ?? '';
      const qualified = names.join('.');
      const known = lookup?.(qualified) ?? lookup?.(name);
      // unqualified or pg_catalog's: a built-in (another schema's function of that name is the database's own)
      const builtin = names.length === 1 || names[0]?.toLowerCase() === 'pg_catalog';
      if (known === 'volatile' || (known === undefined && VOLATILE_BUILTINS.has(name)))
        volatileCalls.push(qualified);
      else if (
        known === undefined &&
        !KNOWN_NON_VOLATILE.has(name) &&
        !(builtin && NON_VOLATILE_BUILTINS.has(name))
      )
        assumed.push(qualified);
    }
    if (kind === 'SubLink') volatileCalls.push('(subquery)');
    return undefined;
  });
  return { volatile: volatileCalls.length > 0 || assumed.length > 0, assumed, volatileCalls };
}

/** The DEFAULT expression among a column definition's constraints. */
export function columnDefault(constraints: readonly Node[] | undefined): Node | undefined {
  for (const constraint of constraints ?? []) {
    const c = asNode<{ contype?: string; raw_expr?: Node }>(constraint, 'Constraint');
    if (c?.contype === 'CONSTR_DEFAULT') return c.raw_expr;
  }
  return undefined;
}
