/**
 * The planner's cost of a query with a suggested index, before anyone builds it: hypopg creates the index
 * hypothetically in this session only (nothing is written, other sessions see nothing), plain EXPLAIN re-plans the
 * query, and the index is dropped again. Runs only where the hypopg extension is already installed: pgwarden never
 * installs an extension in a user's database.
 */
import type { Connection } from '../db/connection.js';
import { quoteLiteral } from '../sql/quote.js';
import type { HypotheticalIndex } from './model.js';

export interface CostRequest {
  readonly sql: string;
  /** Values for $1 … (as text); empty for none. */
  readonly params: readonly (string | null)[];
  /** Plan with GENERIC_PLAN (parameters without values, PostgreSQL 16+). */
  readonly generic: boolean;
  readonly timeoutMs?: number;
}

/** `CREATE INDEX CONCURRENTLY name ON t (…);` → `CREATE INDEX ON t (…)`, the form hypopg_create_index takes. */
export function hypotheticalStatement(statement: string): string {
  return statement
    .trim()
    .replace(/;$/, '')
    .replace(/^CREATE INDEX CONCURRENTLY\s+(?:"(?:[^"]|"")+"|\S+)\s+ON\s+/i, 'CREATE INDEX ON ');
}

interface Costed {
  readonly cost: number;
  readonly text: string;
}

/**
 * Costs each statement alone against the plan without it. In a transaction that is rolled back, with the
 * statement's timeout; the session's hypothetical indexes are reset afterwards, whatever happens.
 */
export async function costHypotheticalIndexes(
  connection: Connection,
  request: CostRequest,
  statements: readonly string[],
): Promise<HypotheticalIndex[]> {
  const sql = request.sql.trim().replace(/;\s*$/, '');
  const prepared = request.params.length > 0;
  const explain = async (c: Connection): Promise<Costed> => {
    const text = prepared
      ? `EXPLAIN (FORMAT JSON) EXECUTE pgwarden_hypothetical(${request.params.map(quoteLiteral).join(', ')})`
      : `EXPLAIN (${request.generic ? 'GENERIC_PLAN, ' : ''}FORMAT JSON) ${sql}`;
    const { rows } = await c.query<{ 'QUERY PLAN': unknown }>(text);
    const value = rows[0]!['QUERY PLAN'];
    const json = typeof value === 'string' ? value : JSON.stringify(value);
    const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as [
      { Plan: { 'Total Cost': number } },
    ];
    return { cost: parsed[0].Plan['Total Cost'], text: json };
  };
  const results: HypotheticalIndex[] = [];
  try {
    await connection.transaction(
      async (c) => {
        // custom plans every time: a cached generic plan would not see the hypothetical index
        await c.query("SET LOCAL plan_cache_mode = 'force_custom_plan'");
        if (prepared) await c.query(`PREPARE pgwarden_hypothetical AS ${sql}`);
        const before = await explain(c);
        for (const statement of statements) {
          const { rows } = await c.query<{ indexrelid: number; indexname: string }>(
            'SELECT indexrelid, indexname FROM hypopg_create_index($1)',
            [hypotheticalStatement(statement)],
          );
          const created = rows[0];
          if (!created) continue;
          const after = await explain(c);
          results.push({
            statement,
            costBefore: before.cost,
            costAfter: after.cost,
            used: after.text.includes(`"${created.indexname}"`),
          });
          await c.query('SELECT hypopg_drop_index($1)', [created.indexrelid]);
        }
      },
      { rollback: true, statementTimeoutMs: request.timeoutMs ?? 60_000 },
    );
  } finally {
    await connection.query('SELECT hypopg_reset()').catch(() => {});
    if (prepared) await connection.query('DEALLOCATE pgwarden_hypothetical').catch(() => {});
  }
  return results;
}
