/**
 * `pgwarden advise`: the index set that serves a whole workload best. The workload (pg_stat_statements or a SQL
 * file) is parsed, candidates are read off each query's AST, HypoPG costs each query with hypothetical indexes in a
 * read-only session, and an Extend-style greedy search picks the set with the best benefit per byte under a storage
 * budget, counting what each index costs the table's writes. Without HypoPG the advice is a heuristic and says so.
 */
import type { LoadedConfig } from '../core/config.js';
import { createRuleSet, type RuleSet, type SkippedRule } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import type { Connection } from '../db/connection.js';
import type { EmbeddedServerOptions } from '../db/embedded/server.js';
import { serverVersion } from '../db/server-info.js';
import { openTarget } from '../db/target.js';
import { readLogs } from '../logs/read.js';
import { buildQuerySchema, type QuerySchema } from '../query/schema.js';
import { allRules } from '../rules/index.js';
import { readSchema, schemaModelFromReading } from '../schema/load.js';
import { readTextFile } from '../sql/files.js';
import { loadParser } from '../sql/parser.js';
import { type AdviceModel, existingIndexes, type Redundancy, redundantIndexes } from '../workload/advice.js';
import { type CandidateSet, generateCandidates } from '../workload/candidates.js';
import { workloadFromSql } from '../workload/file.js';
import { heuristicAdvice } from '../workload/heuristic.js';
import { workloadFromLog } from '../workload/log.js';
import {
  candidateDefinition,
  type IndexCandidate,
  type Workload,
  type WorkloadQuery,
} from '../workload/model.js';
import { indexStatements, renderScript } from '../workload/script.js';
import { perQueryAdvice, selectIndexes } from '../workload/select.js';
import { constantSelectivity } from '../workload/selectivity.js';
import { parseSize } from '../workload/size.js';
import { readStatementsWorkload } from '../workload/statements.js';
import { WhatIf } from '../workload/whatif.js';
import { type TableWrites, tableWrites, writeCost } from '../workload/writes.js';
import { type ProveResult, proveAdvice } from './advise-prove.js';

export interface AdviseOptions {
  readonly config: LoadedConfig;
  readonly ruleSet?: RuleSet;
  /** The database (else DATABASE_URL, else the embedded server). */
  readonly db?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly embedded?: EmbeddedServerOptions;
  /** `pg_stat_statements` (default) or a SQL file of queries (`-- weight: N` before a query weighs it). */
  readonly workload?: string;
  /** SQL text of a workload (library and MCP use), instead of `workload`. */
  readonly workloadSql?: string;
  /** Bytes, or a size such as `500MB`: what the new indexes may take. Default: no limit. */
  readonly budget?: number | string;
  /** Most key columns per index. Default 3. */
  readonly maxWidth?: number;
  /** pg_stat_statements: how many statements (by total time). Default 100. */
  readonly limit?: number;
  /** Run CREATE EXTENSION hypopg when it is available but not installed (it changes the database). */
  readonly createExtension?: boolean;
  /** Planner cost per index entry a write maintains. Default: the server's random_page_cost. */
  readonly entryCost?: number;
  /**
   * `workload` (default): the greedy search over the whole workload. `per-query`: dexter's way, for comparison —
   * each query's best single candidate when it halves the query's cost, with no budget and no write cost.
   */
  readonly strategy?: 'workload' | 'per-query';
  /**
   * Build the advised indexes on a scratch copy of the database (CREATE DATABASE … TEMPLATE) and measure the
   * workload's SELECTs before and after with EXPLAIN ANALYZE. Default false.
   */
  readonly prove?: boolean;
  /** --prove copies a database only up to this size (bytes). Default 1 GB. */
  readonly proveMaxBytes?: number;
  /** statement_timeout of each statement of the read-only session (ms). Default 30 s. */
  readonly timeoutMs?: number;
  readonly log?: (message: string) => void;
}

export interface AdvisedIndex {
  readonly definition: string;
  readonly table: string;
  readonly statements: readonly string[];
  readonly reasons: readonly string[];
  /** HypoPG's estimate (bytes); null for unproven advice. */
  readonly sizeBytes: number | null;
  /** Its cost to the table's writes per run of the workload (planner units). */
  readonly writeCost: number;
  /** Queries whose plan uses it with the whole set in place. */
  readonly usedBy: readonly string[];
  /** Queries it was generated for. */
  readonly generatedFor: readonly string[];
}

export interface AdvisedQuery {
  readonly id: string;
  readonly origin: string;
  readonly sql: string;
  readonly kind: WorkloadQuery['kind'];
  readonly weight: number;
  readonly meanMs: number | null;
  /** Planner cost without and with the advised indexes; null when it could not be planned (or no HypoPG). */
  readonly costBefore: number | null;
  readonly costAfter: number | null;
  readonly note: string | null;
}

export interface AdviseData extends Record<string, unknown> {
  readonly source: string;
  readonly workload: {
    readonly source: Workload['source'];
    readonly description: string;
    readonly queries: number;
    readonly skipped: Workload['skipped'];
  };
  /** `what-if`: chosen on HypoPG's costs; `heuristic`: without them, unproven. */
  readonly method: 'what-if' | 'heuristic';
  readonly hypopg: 'installed' | 'created' | 'not-installed' | 'not-available';
  /** How to get HypoPG, when the advice had to go without it. */
  readonly hypopgHint: string | null;
  readonly budgetBytes: number | null;
  readonly maxWidth: number;
  readonly recommendations: readonly AdvisedIndex[];
  /** GIN candidates (trigram, jsonb) HypoPG cannot create: not cost-validated. */
  readonly unvalidated: readonly {
    definition: string;
    statements: readonly string[];
    reason: string;
    queries: readonly string[];
  }[];
  /** Existing indexes a recommended one serves (its keys lead the recommended one's). */
  readonly redundant: readonly { index: string; servedBy: string; statement: string }[];
  readonly queries: readonly AdvisedQuery[];
  readonly totals: {
    /** Σ weight × planner cost without and with the advised indexes (queries only). */
    readonly costBefore: number | null;
    readonly costAfter: number | null;
    /** The share of the workload's planner cost the set saves (0.42 = 42%). */
    readonly reduction: number | null;
    /** The set's cost to the writes (same units). */
    readonly writeCost: number;
    readonly sizeBytes: number | null;
  };
  readonly writes: readonly TableWrites[];
  readonly search: {
    readonly candidates: number;
    readonly costable: number;
    readonly refused: readonly { definition: string; reason: string }[];
    readonly whatIfCalls: number;
    readonly cacheHits: number;
    readonly hypotheticalIndexes: number;
    readonly steps: number;
    readonly ms: number;
  };
  /** The CREATE INDEX CONCURRENTLY script (with timeouts), or null when there is nothing to build. */
  readonly script: string | null;
  /** `--prove`: the advice measured on a scratch copy (null without --prove). */
  readonly proven: ProveResult | null;
}

const DEBIAN_HINT = (major: number) =>
  `install HypoPG (Debian/Ubuntu: apt install postgresql-${major}-hypopg; elsewhere: https://github.com/HypoPG/hypopg), then CREATE EXTENSION hypopg in this database (or pass --create-extension); pgwarden never installs it silently`;

async function readWorkload(connection: Connection, options: AdviseOptions): Promise<Workload> {
  if (options.workloadSql !== undefined) return workloadFromSql(options.workloadSql, 'workload.sql');
  const workload = options.workload ?? 'pg_stat_statements';
  if (workload === 'pg_stat_statements') {
    return connection.readOnly((c) => readStatementsWorkload(c, options.limit ?? 100), {
      consistentSnapshot: false,
    });
  }
  // a .sql file is a workload written by hand; anything else is the server's log (a file, a folder, gzip)
  if (/\.sql$/i.test(workload)) return workloadFromSql(readTextFile(workload), workload);
  const log = await readLogs({ paths: [workload] });
  return workloadFromLog(log, workload, options.limit ?? 100);
}

interface HypopgState {
  readonly state: AdviseData['hypopg'];
  readonly schema: string | null;
}

async function hypopgState(
  connection: Connection,
  options: AdviseOptions,
  major: number,
): Promise<HypopgState> {
  const read = async () =>
    (
      await connection.rows<{ schema: string | null; available: boolean }>(
        'looking for hypopg',
        `SELECT (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                 WHERE e.extname = 'hypopg') AS schema,
                EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') AS available`,
      )
    )[0]!;
  const found = await read();
  if (found.schema) return { state: 'installed', schema: found.schema };
  if (!found.available) return { state: 'not-available', schema: null };
  if (!options.createExtension) return { state: 'not-installed', schema: null };
  try {
    await connection.query('CREATE EXTENSION IF NOT EXISTS hypopg');
  } catch (error) {
    throw new PgwardenError('permission', `cannot create the hypopg extension: ${(error as Error).message}`, {
      hint: `a role allowed to create extensions must run CREATE EXTENSION hypopg; ${DEBIAN_HINT(major)}`,
      cause: error,
    });
  }
  options.log?.('created the hypopg extension (--create-extension)');
  return { state: 'created', schema: (await read()).schema };
}

async function settingNumber(connection: Connection, name: string, fallback: number): Promise<number> {
  const rows = await connection.rows<{ value: string }>(
    'reading a setting',
    'SELECT current_setting($1) AS value',
    [name],
  );
  const value = Number(rows[0]?.value);
  return Number.isFinite(value) ? value : fallback;
}

interface Search {
  readonly chosen: IndexCandidate[];
  readonly costs: Map<string, { before: number; after: number; uses: readonly string[] }>;
  readonly usedBy: Map<string, string[]>;
  readonly refused: { definition: string; reason: string }[];
  readonly unplannable: Map<string, string>;
  readonly sizes: Map<string, number>;
  /** What the workload's cost would gain without each chosen index (the rest of the set in place). */
  readonly savings: Map<string, number>;
  readonly whatIf: { calls: number; hits: number; created: number };
  readonly steps: number;
}

/** The what-if search, in one READ ONLY session; HypoPG's indexes are gone when it ends. */
async function whatIfSearch(
  connection: Connection,
  workload: Workload,
  set: CandidateSet,
  options: {
    hypopgSchema: string;
    pgMajor: number;
    budgetBytes: number | null;
    writeCostOf: (c: IndexCandidate) => number;
    timeoutMs: number;
    strategy: AdviseOptions['strategy'];
  },
): Promise<Search> {
  return connection.readOnly(
    async (c) => {
      const whatIf = new WhatIf(c, workload.queries, set.shapes, {
        hypopgSchema: options.hypopgSchema,
        pgMajor: options.pgMajor,
      });
      try {
        await whatIf.start();
        const costed = workload.queries.filter((q) => q.kind !== 'insert');
        const failed = await whatIf.probe(costed);
        const unplannable = new Map(failed.map((f) => [f.query.id, f.reason]));
        const queries = costed.filter((q) => !unplannable.has(q.id));
        const refusedList = await whatIf.measure(set.candidates.filter((x) => x.costable));
        const refusedKeys = new Set(refusedList.map((r) => r.candidate.key));
        const candidates = set.candidates.filter((x) => x.costable && !refusedKeys.has(x.key));
        const selection =
          options.strategy === 'per-query'
            ? { chosen: await perQueryAdvice(whatIf, queries, candidates), steps: [] }
            : await selectIndexes(whatIf, queries, candidates, {
                budgetBytes: options.budgetBytes,
                writeCost: options.writeCostOf,
              });
        const costs = new Map<string, { before: number; after: number; uses: readonly string[] }>();
        const usedBy = new Map<string, string[]>();
        for (const query of queries)
          costs.set(query.id, { before: (await whatIf.cost(query.id, [])).cost, after: 0, uses: [] });
        await whatIf.configure(selection.chosen);
        for (const query of queries) {
          const after = await whatIf.cost(query.id, selection.chosen);
          const uses = after.uses;
          costs.set(query.id, { before: costs.get(query.id)!.before, after: after.cost, uses });
          for (const key of uses) usedBy.set(key, [...(usedBy.get(key) ?? []), query.id]);
        }
        const sizes = new Map(set.candidates.map((x) => [x.key, whatIf.size(x)]));
        const savings = new Map<string, number>();
        for (const index of selection.chosen) {
          const touched = queries.filter((q) => whatIf.relevant(q.id, index));
          const without = selection.chosen.filter((x) => x !== index);
          const withIt = await whatIf.workloadCost(touched, selection.chosen);
          savings.set(index.key, (await whatIf.workloadCost(touched, without)) - withIt);
        }
        return {
          chosen: [...selection.chosen],
          costs,
          usedBy,
          refused: refusedList.map((r) => ({
            definition: candidateDefinition(r.candidate),
            reason: r.reason,
          })),
          unplannable,
          sizes,
          savings,
          whatIf: { calls: whatIf.requests, hits: whatIf.cacheHits, created: whatIf.creations },
          steps: selection.steps.length,
        };
      } finally {
        await whatIf.reset().catch(() => {});
      }
    },
    { statementTimeoutMs: options.timeoutMs, consistentSnapshot: false },
  );
}

/** The queries that read or write a table of the database (not only the catalogs or functions). */
function onTables(workload: Workload, set: CandidateSet): Workload {
  const kept = workload.queries.filter((q) => (set.shapes.get(q.id)?.tables.size ?? 0) > 0);
  const left = workload.queries.filter((q) => !kept.includes(q));
  if (left.length === 0) return workload;
  return {
    ...workload,
    queries: kept,
    skipped: [
      ...workload.skipped,
      ...left.map((q) => ({
        origin: q.origin,
        reason: 'reads no table of the database (catalogs, functions)',
      })),
    ],
  };
}

function budgetOf(budget: AdviseOptions['budget']): number | null {
  if (budget === undefined) return null;
  if (typeof budget === 'number') {
    if (!(budget > 0)) throw new PgwardenError('usage', `budget must be positive, got ${budget}`);
    return budget;
  }
  return parseSize(budget);
}

export async function adviseIndexes(options: AdviseOptions): Promise<Report<AdviseData>> {
  const started = performance.now();
  const ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config.config);
  const budgetBytes = budgetOf(options.budget);
  const maxWidth = options.maxWidth ?? 3;
  if (!Number.isInteger(maxWidth) || maxWidth < 1 || maxWidth > 32) {
    throw new PgwardenError('usage', `--max-width must be a whole number from 1 to 32, got ${maxWidth}`);
  }
  await loadParser();
  const target = await openTarget({
    db: options.db,
    env: options.env,
    config: options.config.config,
    embedded: options.embedded,
  });
  try {
    const connection = await target.connect();
    let result: {
      data: AdviseData;
      findings: Finding[];
      skipped: SkippedRule[];
      statements: string[];
      queries: readonly WorkloadQuery[];
    };
    try {
      const version = await serverVersion(connection);
      const read = await readWorkload(connection, options);
      const reading = await readSchema(connection, 'live', options.config.config, {
        columnStats: true,
        searchPath: true,
      });
      const model = schemaModelFromReading(reading, 'live', options.config.config);
      const schema: QuerySchema = buildQuerySchema(model, reading.searchPath ?? ['public']);
      const set = generateCandidates(read.queries, schema, {
        maxWidth,
        pgMajor: version.major,
        selectivity: constantSelectivity(model),
      });
      const workload = onTables(read, set);
      const entryCost = options.entryCost ?? (await settingNumber(connection, 'random_page_cost', 4));
      const writes = tableWrites(schema.model.snapshot.tables, workload.queries, set.shapes);
      const writeCostOf = (c: IndexCandidate) => writeCost(c, writes.get(c.table), entryCost);
      const hypopg = await hypopgState(connection, options, version.major);

      let search: Search | null = null;
      if (hypopg.schema) {
        search = await whatIfSearch(connection, workload, set, {
          hypopgSchema: hypopg.schema,
          pgMajor: version.major,
          budgetBytes,
          writeCostOf,
          timeoutMs: options.timeoutMs ?? 30_000,
          strategy: options.strategy,
        });
      } else {
        options.log?.(
          `HypoPG is not installed: the advice is a heuristic, unproven (${DEBIAN_HINT(version.major)})`,
        );
      }
      const chosen = search ? search.chosen : heuristicAdvice(workload.queries, set.candidates);
      const scripted = indexStatements(schema.model, chosen);
      const gin = indexStatements(
        schema.model,
        set.candidates.filter((c) => !c.costable),
      );
      for (const index of scripted) {
        const used = search?.usedBy.get(index.candidate.key);
        index.note = `${index.candidate.reasons.join(', ')}${used ? `; used by ${used.join(', ')}` : ''}`;
      }
      const costBefore = search
        ? workload.queries.reduce((sum, q) => sum + q.weight * (search.costs.get(q.id)?.before ?? 0), 0)
        : null;
      const advice: AdviceModel = {
        method: search ? 'what-if' : 'heuristic',
        workload: workload.description,
        recommended: scripted.map(({ candidate, statements }) => {
          const saving = search?.savings.get(candidate.key) ?? null;
          return {
            table: candidate.table,
            definition: candidateDefinition(candidate),
            targets: candidate.targets,
            include: candidate.include,
            where: candidate.where,
            method: candidate.method,
            statements,
            sizeBytes: search?.sizes.get(candidate.key) ?? null,
            usedBy: search?.usedBy.get(candidate.key) ?? [],
            saving,
            share: saving !== null && costBefore ? saving / costBefore : null,
          };
        }),
        existing: existingIndexes(schema.model.snapshot.tables, chosen),
      };
      const redundant = redundantIndexes(advice);
      const data = buildData({
        target: target.display,
        workload,
        search,
        hypopg: hypopg.state,
        hint: hypopg.schema ? null : DEBIAN_HINT(version.major),
        budgetBytes,
        maxWidth,
        scripted,
        gin,
        redundant,
        writes,
        writeCostOf,
        set,
        started,
      });
      const { findings, skipped } = ruleSet.run('workload', advice, { pgVersion: version.major });
      result = {
        data,
        findings,
        skipped,
        statements: scripted.flatMap((s) => s.statements),
        queries: workload.queries,
      };
    } finally {
      await connection.close();
    }
    // after the session is closed: the copy needs the database without other sessions
    const proven = options.prove
      ? await proveAdvice(target, result.statements, result.queries, {
          maxBytes: options.proveMaxBytes,
          timeoutMs: options.timeoutMs,
          log: options.log,
        })
      : null;
    return createReport({
      version: VERSION,
      command: 'advise',
      findings: result.findings,
      skipped: result.skipped,
      data: { ...result.data, proven } as AdviseData,
    });
  } finally {
    await target.close();
  }
}

function buildData(input: {
  target: string;
  workload: Workload;
  search: Search | null;
  hypopg: AdviseData['hypopg'];
  hint: string | null;
  budgetBytes: number | null;
  maxWidth: number;
  scripted: ReturnType<typeof indexStatements>;
  gin: ReturnType<typeof indexStatements>;
  redundant: readonly Redundancy[];
  writes: Map<string, TableWrites>;
  writeCostOf: (c: IndexCandidate) => number;
  set: CandidateSet;
  started: number;
}): AdviseData {
  const { search, workload } = input;
  const recommendations: AdvisedIndex[] = input.scripted.map(({ candidate, statements }) => ({
    definition: candidateDefinition(candidate),
    table: candidate.table,
    statements,
    reasons: candidate.reasons,
    sizeBytes: search ? (search.sizes.get(candidate.key) ?? null) : null,
    writeCost: input.writeCostOf(candidate),
    usedBy: search?.usedBy.get(candidate.key) ?? [],
    generatedFor: candidate.queries,
  }));
  const queries: AdvisedQuery[] = workload.queries.map((q) => {
    const cost = search?.costs.get(q.id);
    const note =
      q.kind === 'insert'
        ? 'INSERT: counted in the write cost'
        : (search?.unplannable.get(q.id) ?? (search ? null : 'no what-if costs without HypoPG'));
    return {
      id: q.id,
      origin: q.origin,
      sql: q.sql,
      kind: q.kind,
      weight: q.weight,
      meanMs: q.meanMs,
      costBefore: cost?.before ?? null,
      costAfter: cost?.after ?? null,
      note: note
        ? `could not be planned: ${note}`.replace(/^could not be planned: (INSERT|no what-if)/, '$1')
        : null,
    };
  });
  const sum = (pick: (q: AdvisedQuery) => number | null) =>
    search ? queries.reduce((total, q) => total + q.weight * (pick(q) ?? 0), 0) : null;
  const costBefore = sum((q) => q.costBefore);
  const costAfter = sum((q) => q.costAfter);
  const scriptHeader = [
    `pgwarden advise: ${recommendations.length} index${recommendations.length === 1 ? '' : 'es'} for ${workload.description}`,
    search
      ? `chosen on HypoPG what-if costs: workload cost ${Math.round(costBefore ?? 0)} -> ${Math.round(costAfter ?? 0)}`
      : 'UNPROVEN: chosen without what-if costs (HypoPG is not installed)',
  ];
  const redundantDrops = input.redundant.map((r) => ({ name: r.index.name, statement: r.index.drop }));
  return {
    source: input.target,
    workload: {
      source: workload.source,
      description: workload.description,
      queries: workload.queries.length,
      skipped: workload.skipped,
    },
    method: search ? 'what-if' : 'heuristic',
    hypopg: input.hypopg,
    hypopgHint: input.hint,
    budgetBytes: input.budgetBytes,
    maxWidth: input.maxWidth,
    recommendations,
    unvalidated: input.gin.map(({ candidate, statements }) => ({
      definition: candidateDefinition(candidate),
      statements,
      reason:
        'not cost-validated: HypoPG cannot create GIN indexes; build it on a copy and compare with EXPLAIN ANALYZE',
      queries: candidate.queries,
    })),
    redundant: input.redundant.map((r) => ({
      index: r.index.name,
      servedBy: r.servedBy.definition,
      statement: r.index.drop,
    })),
    queries,
    totals: {
      costBefore,
      costAfter,
      reduction: costBefore && costAfter !== null ? (costBefore - costAfter) / costBefore : null,
      writeCost: recommendations.reduce((total, r) => total + r.writeCost, 0),
      sizeBytes: search ? recommendations.reduce((total, r) => total + (r.sizeBytes ?? 0), 0) : null,
    },
    writes: [...input.writes.values()],
    search: {
      candidates: input.set.candidates.length,
      costable: input.set.candidates.filter((c) => c.costable).length,
      refused: search?.refused ?? [],
      whatIfCalls: search?.whatIf.calls ?? 0,
      cacheHits: search?.whatIf.hits ?? 0,
      hypotheticalIndexes: search?.whatIf.created ?? 0,
      steps: search?.steps ?? 0,
      ms: Math.round(performance.now() - input.started),
    },
    proven: null,
    script:
      recommendations.length + redundantDrops.length > 0
        ? renderScript(input.scripted, redundantDrops, scriptHeader)
        : null,
  };
}
