/**
 * What-if costs: the planner's cost of each workload query with a set of hypothetical indexes (HypoPG), in one
 * session, inside the caller's read-only transaction. HypoPG's indexes live in this backend only, are seen by plain
 * EXPLAIN only, and are dropped here (and by hypopg_reset) before the transaction ends: nothing is written.
 *
 * A query's cost depends only on the indexes that could serve it (on its tables, leading with a column or
 * expression it filters, joins or orders by), so costs are cached by (query, those indexes): most of a greedy
 * search's requests are answered without asking the server.
 */
import type { Connection } from '../db/connection.js';
import type { QueryShape } from './candidates.js';
import { candidateDefinition, type IndexCandidate, type WorkloadQuery } from './model.js';

export interface WhatIfOptions {
  /** The schema HypoPG's functions are in. */
  readonly hypopgSchema: string;
  /** PostgreSQL 16+ plans `$n` queries with EXPLAIN (GENERIC_PLAN); older servers through PREPARE. */
  readonly pgMajor: number;
}

interface Plan {
  readonly 'Total Cost': number;
  readonly Plans?: readonly Plan[];
  readonly 'Index Name'?: string;
}

export interface QueryCost {
  readonly cost: number;
  /** Keys of the candidates the plan uses. */
  readonly uses: readonly string[];
}

function indexNames(plan: Plan, into: string[]): string[] {
  if (plan['Index Name']) into.push(plan['Index Name']);
  for (const child of plan.Plans ?? []) indexNames(child, into);
  return into;
}

export class WhatIf {
  /** EXPLAINs sent to the server (cache misses). */
  requests = 0;
  /** Costs answered from the cache. */
  cacheHits = 0;
  /** Hypothetical indexes created (each creation is a call of its own). */
  creations = 0;
  readonly #connection: Connection;
  readonly #options: WhatIfOptions;
  readonly #shapes: ReadonlyMap<string, QueryShape>;
  readonly #queries = new Map<string, WorkloadQuery>();
  /** Candidate key → the hypothetical index now in the session. */
  readonly #live = new Map<string, { oid: number; name: string }>();
  readonly #sizes = new Map<string, number>();
  readonly #costs = new Map<string, QueryCost>();
  #fn: (name: string) => string;

  constructor(
    connection: Connection,
    queries: readonly WorkloadQuery[],
    shapes: ReadonlyMap<string, QueryShape>,
    options: WhatIfOptions,
  ) {
    this.#connection = connection;
    this.#options = options;
    this.#shapes = shapes;
    for (const query of queries) this.#queries.set(query.id, query);
    const schema = connection.client.escapeIdentifier(options.hypopgSchema);
    this.#fn = (name) => `${schema}.${name}`;
  }

  /** Call once before anything else: `$n` queries are planned generically on servers before 16. */
  async start(): Promise<void> {
    if (this.#options.pgMajor < 16)
      await this.#connection.query("SET LOCAL plan_cache_mode = 'force_generic_plan'");
  }

  /**
   * True when the candidate could change the query's plan: on a table it reads, leading with something it filters,
   * joins or orders by, or (a partial index) testing in its predicate something the query tests too.
   */
  relevant(query: string, candidate: IndexCandidate): boolean {
    const targets = this.#shapes.get(query)?.targets.get(candidate.table);
    if (!targets) return false;
    return targets.has(candidate.targets[0]!) || candidate.whereTargets.some((t) => targets.has(t));
  }

  /**
   * Creates each candidate once to learn its size (hypopg_relation_size) and whether HypoPG accepts it; returns
   * those it refused, with the reason. Call before any costing.
   */
  async measure(
    candidates: readonly IndexCandidate[],
  ): Promise<{ candidate: IndexCandidate; reason: string }[]> {
    const refused: { candidate: IndexCandidate; reason: string }[] = [];
    for (const candidate of candidates) {
      await this.#connection.query('SAVEPOINT pgwarden_whatif');
      try {
        const created = await this.#create(candidate);
        const { rows } = await this.#connection.query<{ size: string }>(
          `SELECT ${this.#fn('hypopg_relation_size')}($1)::text AS size`,
          [created.oid],
        );
        this.#sizes.set(candidate.key, Number(rows[0]!.size));
        await this.#drop(candidate.key);
        await this.#connection.query('RELEASE SAVEPOINT pgwarden_whatif');
      } catch (error) {
        await this.#connection.query('ROLLBACK TO SAVEPOINT pgwarden_whatif');
        this.#live.delete(candidate.key);
        refused.push({ candidate, reason: (error as Error).message });
      }
    }
    return refused;
  }

  /** The candidate's estimated size in bytes (after measure). */
  size(candidate: IndexCandidate): number {
    return this.#sizes.get(candidate.key) ?? 0;
  }

  /**
   * Checks each query can be planned at all (parameters whose type cannot be inferred, objects that are gone);
   * returns those that cannot, with the reason.
   */
  async probe(queries: readonly WorkloadQuery[]): Promise<{ query: WorkloadQuery; reason: string }[]> {
    await this.configure([]);
    const failed: { query: WorkloadQuery; reason: string }[] = [];
    for (const query of queries) {
      await this.#connection.query('SAVEPOINT pgwarden_whatif');
      try {
        await this.cost(query.id, []);
        await this.#connection.query('RELEASE SAVEPOINT pgwarden_whatif');
      } catch (error) {
        await this.#connection.query('ROLLBACK TO SAVEPOINT pgwarden_whatif');
        // a prepared statement outlives the rollback
        await this.#connection.query('DEALLOCATE ALL');
        failed.push({ query, reason: (error as Error).message });
      }
    }
    return failed;
  }

  /** Makes the session's hypothetical indexes exactly `configuration`. */
  async configure(configuration: readonly IndexCandidate[]): Promise<void> {
    const wanted = new Set(configuration.map((c) => c.key));
    for (const key of [...this.#live.keys()]) if (!wanted.has(key)) await this.#drop(key);
    for (const candidate of configuration) if (!this.#live.has(candidate.key)) await this.#create(candidate);
  }

  /**
   * The query's cost with `configuration` (the indexes that cannot serve it are left out of the cache key). The
   * session must hold at least the relevant ones: call configure first, or use workloadCost.
   */
  async cost(query: string, configuration: readonly IndexCandidate[]): Promise<QueryCost> {
    const relevant = configuration.filter((c) => this.relevant(query, c)).map((c) => c.key);
    const key = `${query}\u0000${relevant.sort().join('\u0001')}`;
    const cached = this.#costs.get(key);
    if (cached) {
      this.cacheHits++;
      return cached;
    }
    const workload = this.#queries.get(query);
    if (!workload) throw new Error(`unknown query ${query}`);
    const plan = await this.#explain(workload);
    const byName = new Map([...this.#live].map(([k, live]) => [live.name, k]));
    const uses = indexNames(plan, [])
      .map((name) => byName.get(name))
      .filter((k): k is string => k !== undefined);
    const cost = { cost: plan['Total Cost'], uses: [...new Set(uses)] };
    this.#costs.set(key, cost);
    return cost;
  }

  /** Σ weight × cost over `queries` with `configuration` (the session is configured to it). */
  async workloadCost(
    queries: readonly WorkloadQuery[],
    configuration: readonly IndexCandidate[],
  ): Promise<number> {
    let total = 0;
    let configured = false;
    for (const query of queries) {
      const relevant = configuration.filter((c) => this.relevant(query.id, c)).map((c) => c.key);
      const key = `${query.id}\u0000${relevant.sort().join('\u0001')}`;
      if (!configured && !this.#costs.has(key)) {
        await this.configure(configuration);
        configured = true;
      }
      total += query.weight * (await this.cost(query.id, configuration)).cost;
    }
    return total;
  }

  /** Drops every hypothetical index of this session. */
  async reset(): Promise<void> {
    this.#live.clear();
    await this.#connection.query(`SELECT ${this.#fn('hypopg_reset')}()`);
  }

  async #create(candidate: IndexCandidate): Promise<{ oid: number; name: string }> {
    this.creations++;
    const { rows } = await this.#connection.query<{ indexrelid: number; indexname: string }>(
      `SELECT indexrelid, indexname FROM ${this.#fn('hypopg_create_index')}($1)`,
      [`CREATE INDEX ON ${candidateDefinition(candidate)}`],
    );
    const created = { oid: rows[0]!.indexrelid, name: rows[0]!.indexname };
    this.#live.set(candidate.key, created);
    return created;
  }

  async #drop(key: string): Promise<void> {
    const live = this.#live.get(key);
    if (!live) return;
    this.#live.delete(key);
    await this.#connection.query(`SELECT ${this.#fn('hypopg_drop_index')}($1)`, [live.oid]);
  }

  async #explain(query: WorkloadQuery): Promise<Plan> {
    this.requests++;
    const c = this.#connection;
    let value: unknown;
    if (query.parameters > 0 && this.#options.pgMajor < 16) {
      // a prepared statement planned generically each time: a cached plan would not see a new hypothetical index
      await c.query(`PREPARE pgwarden_whatif AS ${query.sql}`);
      try {
        const nulls = Array.from({ length: query.parameters }, () => 'NULL').join(', ');
        value = (await c.query(`EXPLAIN (FORMAT JSON) EXECUTE pgwarden_whatif(${nulls})`)).rows[0]?.[
          'QUERY PLAN'
        ];
      } finally {
        await c.query('DEALLOCATE pgwarden_whatif').catch(() => {});
      }
    } else {
      const generic = query.parameters > 0 ? 'GENERIC_PLAN, ' : '';
      value = (await c.query(`EXPLAIN (${generic}FORMAT JSON) ${query.sql}`)).rows[0]?.['QUERY PLAN'];
    }
    const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as [{ Plan: Plan }];
    return parsed[0].Plan;
  }
}
