/**
 * The workload model: the queries a database runs, each with a weight (how much of the work it is), and the index
 * candidates the parser finds in them. The advisor (ops/advise.ts) chooses among the candidates; the `advise` rules
 * read its result.
 */

/** Where a workload was read from. */
export type WorkloadSource = 'pg_stat_statements' | 'file' | 'log';

export type WorkloadStatementKind = 'select' | 'update' | 'delete' | 'insert';

export interface WorkloadQuery {
  /** `q1`, `q2` … in the order read. */
  readonly id: string;
  readonly sql: string;
  readonly kind: WorkloadStatementKind;
  /** How many times the query counts: `-- weight: N` in a file (default 1), calls in pg_stat_statements. */
  readonly weight: number;
  /** `$n` parameters the text holds (pg_stat_statements normalizes constants to them). */
  readonly parameters: number;
  /** Where it came from: `file.sql:12`, `pg_stat_statements queryid 123`, or a log's query fingerprint. */
  readonly origin: string;
  /** pg_stat_statements (or a log): mean execution time (ms); rows per call (pg_stat_statements only). */
  readonly meanMs: number | null;
  readonly rowsPerCall: number | null;
}

export interface Workload {
  readonly source: WorkloadSource;
  /** For people: the file, or `pg_stat_statements`. */
  readonly description: string;
  readonly queries: readonly WorkloadQuery[];
  /** Statements left out, and why (DDL, syntax errors, statements on system catalogs). */
  readonly skipped: readonly { readonly origin: string; readonly reason: string }[];
}

/** Why a candidate was generated: the query shapes an index serves. */
export type CandidateReason =
  | 'equality'
  | 'range'
  | 'in-list'
  | 'is-null'
  | 'join-key'
  | 'order-by'
  | 'multi-column'
  | 'covering'
  | 'partial'
  | 'expression'
  | 'prefix-like'
  | 'trigram'
  | 'jsonb-containment';

export interface IndexCandidate {
  /** Canonical identity: table, keys, INCLUDE, predicate, method. */
  readonly key: string;
  /** `schema.name`, unquoted, as the catalog names it. */
  readonly table: string;
  /** The table as SQL (quoted where needed). */
  readonly tableSql: string;
  /** Key elements as SQL: `customer_id`, `created_at DESC`, `(lower(email))`, `email text_pattern_ops`. */
  readonly elements: readonly string[];
  /** The bare column or expression each element indexes (no ordering or operator class), for matching. */
  readonly targets: readonly string[];
  readonly include: readonly string[];
  /** A partial index's predicate, as SQL. */
  readonly where: string | null;
  /** The targets its predicate tests: a query testing them may use the index whatever it leads with. */
  readonly whereTargets: readonly string[];
  readonly method: 'btree' | 'gin';
  /**
   * True when HypoPG can cost it (B-tree). GIN candidates (trigram, jsonb) are listed but never cost-validated:
   * HypoPG cannot create them hypothetically.
   */
  readonly costable: boolean;
  readonly reasons: readonly CandidateReason[];
  /** Ids of the queries it was generated for. */
  readonly queries: readonly string[];
  /** The extension its operator class needs (`pg_trgm`). */
  readonly extension: string | null;
}

/** `CREATE INDEX ON t USING m (elements) INCLUDE (…) WHERE …`: the definition HypoPG and the script take. */
export function candidateDefinition(candidate: IndexCandidate): string {
  const using = candidate.method === 'btree' ? '' : ` USING ${candidate.method}`;
  const include = candidate.include.length > 0 ? ` INCLUDE (${candidate.include.join(', ')})` : '';
  const where = candidate.where ? ` WHERE ${candidate.where}` : '';
  return `${candidate.tableSql}${using} (${candidate.elements.join(', ')})${include}${where}`;
}

/** The candidate for people: `public.orders (customer_id, created_at DESC) INCLUDE (total)`. */
export function candidateLabel(candidate: IndexCandidate): string {
  return candidateDefinition(candidate);
}
