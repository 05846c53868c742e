/**
 * The `lint` benchmark's second half: where pgwarden and squawk disagree on the corpus, and who is right.
 *
 * Each tool's rules are mapped to shared _concepts_ (squawk's adding-field-with-default and pgwarden's
 * migration/add-column-rewrite are both "ADD COLUMN that rewrites the table"). A finding is placed on the
 * statement whose lines hold it (the corpus knows every statement's lines); a disagreement is a statement (or,
 * for the per-file timeout rules, a file) where one tool reports a concept and the other does not. A sample of
 * every category is then settled by trace: the migration runs after the schema it found (written by the corpus
 * generator as one base migration) under `pgwarden lint --trace`, on a real embedded PostgreSQL 18 with rows in
 * every table, and what PostgreSQL did (locks, rewrites, whole-table reads, errors) decides.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { log, mkdirShared, now } from './lib.js';
import type { Corpus, CorpusFile, CorpusStatement } from './lint-corpus.js';
import { LINT_ARGS, Random } from './lint-corpus.js';

// ---------------------------------------------------------------------------------------------------------------
// Concepts

export type ConceptKind = 'hazard' | 'policy' | 'style';

export interface Concept {
  readonly id: string;
  readonly title: string;
  /** `file`: the rule reports once per file (timeouts), so the tools are compared file by file. */
  readonly scope: 'statement' | 'file';
  readonly kind: ConceptKind;
  readonly squawk: readonly string[];
  readonly pgwarden: readonly string[];
}

export const CONCEPTS: readonly Concept[] = [
  {
    id: 'index-build',
    title: 'CREATE INDEX that blocks writes',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['require-concurrent-index-creation'],
    pgwarden: ['migration/require-concurrent-index'],
  },
  {
    id: 'index-drop',
    title: 'DROP INDEX without CONCURRENTLY',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['require-concurrent-index-deletion'],
    pgwarden: ['migration/require-concurrent-drop-index'],
  },
  {
    id: 'add-column-rewrite',
    title: 'ADD COLUMN that rewrites the table',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['adding-field-with-default'],
    pgwarden: ['migration/add-column-rewrite'],
  },
  {
    id: 'add-column-required',
    title: 'ADD COLUMN NOT NULL without a default',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['adding-required-field'],
    pgwarden: ['migration/add-column-required'],
  },
  {
    id: 'change-type',
    title: 'ALTER COLUMN TYPE that rewrites the table',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['changing-column-type'],
    pgwarden: ['migration/change-column-type'],
  },
  {
    id: 'set-not-null',
    title: 'SET NOT NULL that scans under ACCESS EXCLUSIVE',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['adding-not-nullable-field'],
    pgwarden: ['migration/set-not-null'],
  },
  {
    id: 'constraint',
    title: 'constraint checked or indexed under a lock that blocks writes (FK, CHECK, UNIQUE, PRIMARY KEY)',
    scope: 'statement',
    kind: 'hazard',
    squawk: [
      'adding-foreign-key-constraint',
      'constraint-missing-not-valid',
      'disallowed-unique-constraint',
      'adding-serial-primary-key-field',
    ],
    pgwarden: [
      'migration/constraint-without-not-valid',
      'migration/validate-in-same-transaction',
      'migration/unique-without-index',
    ],
  },
  {
    id: 'in-transaction',
    title: 'statement that cannot run in a transaction, in one',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['ban-concurrent-index-creation-in-transaction'],
    pgwarden: ['migration/cannot-run-in-transaction'],
  },
  {
    id: 'unbounded-write',
    title: 'UPDATE or DELETE of every row',
    scope: 'statement',
    kind: 'hazard',
    squawk: [],
    pgwarden: ['migration/unbounded-write'],
  },
  {
    id: 'backfill-in-transaction',
    title: 'data backfill in the transaction of blocking DDL',
    scope: 'statement',
    kind: 'hazard',
    squawk: [],
    pgwarden: ['migration/backfill-in-transaction'],
  },
  {
    id: 'several-heavy-locks',
    title: 'transaction keeps blocking locks (several tables, or while working)',
    scope: 'statement',
    kind: 'hazard',
    squawk: [],
    pgwarden: ['migration/several-heavy-locks'],
  },
  {
    id: 'drop-column',
    title: 'DROP COLUMN',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['ban-drop-column'],
    pgwarden: ['migration/drop-column'],
  },
  {
    id: 'drop-table',
    title: 'DROP TABLE',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['ban-drop-table'],
    pgwarden: ['migration/drop-table'],
  },
  {
    id: 'drop-not-null',
    title: 'DROP NOT NULL',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['ban-drop-not-null'],
    pgwarden: ['migration/drop-not-null'],
  },
  {
    id: 'rename-column',
    title: 'RENAME COLUMN',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['renaming-column'],
    pgwarden: ['migration/rename-column'],
  },
  {
    id: 'rename-table',
    title: 'RENAME TABLE',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['renaming-table'],
    pgwarden: ['migration/rename-table'],
  },
  {
    id: 'syntax',
    title: 'syntax error',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['syntax-error'],
    pgwarden: ['sql/syntax-error'],
  },
  {
    id: 'identifier-too-long',
    title: 'identifier longer than 63 bytes',
    scope: 'statement',
    kind: 'hazard',
    squawk: ['identifier-too-long'],
    pgwarden: ['sql/identifier-too-long'],
  },
  {
    id: 'lock-timeout',
    title: 'blocking lock without lock_timeout (per file)',
    scope: 'file',
    kind: 'policy',
    squawk: ['require-lock-timeout'],
    pgwarden: ['migration/require-lock-timeout'],
  },
  {
    id: 'statement-timeout',
    title: 'long statement without statement_timeout (per file)',
    scope: 'file',
    kind: 'policy',
    squawk: ['require-statement-timeout'],
    pgwarden: ['migration/require-statement-timeout'],
  },
  {
    id: 'robust-statements',
    title: 'CREATE/DROP without IF [NOT] EXISTS',
    scope: 'statement',
    kind: 'policy',
    squawk: ['prefer-robust-stmts'],
    pgwarden: ['migration/prefer-robust-statements'],
  },
  {
    id: 'prefer-bigint',
    title: 'integer instead of bigint',
    scope: 'statement',
    kind: 'style',
    squawk: ['prefer-bigint-over-int', 'prefer-bigint-over-smallint', 'prefer-big-int'],
    pgwarden: ['schema/prefer-bigint-key'],
  },
  {
    id: 'prefer-identity',
    title: 'serial instead of identity',
    scope: 'statement',
    kind: 'style',
    squawk: ['prefer-identity'],
    pgwarden: ['schema/prefer-identity'],
  },
  {
    id: 'prefer-text',
    title: 'varchar(n) instead of text',
    scope: 'statement',
    kind: 'style',
    squawk: ['prefer-text-field'],
    pgwarden: [],
  },
  {
    id: 'float-money',
    title: 'floating point for an amount',
    scope: 'statement',
    kind: 'style',
    squawk: [],
    pgwarden: ['schema/no-float-money'],
  },
  {
    id: 'enum-value-order',
    title: 'ADD VALUE without BEFORE/AFTER',
    scope: 'statement',
    kind: 'style',
    squawk: ['require-enum-value-ordering'],
    pgwarden: [],
  },
  {
    id: 'char-type',
    title: 'char(n)',
    scope: 'statement',
    kind: 'style',
    squawk: ['ban-char-field'],
    pgwarden: ['schema/no-char'],
  },
  {
    id: 'timestamptz',
    title: 'timestamp without time zone',
    scope: 'statement',
    kind: 'style',
    squawk: ['prefer-timestamptz'],
    pgwarden: ['schema/prefer-timestamptz'],
  },
];

const BY_RULE = new Map<string, Concept>();
for (const c of CONCEPTS) {
  for (const r of c.squawk) BY_RULE.set(`squawk:${r}`, c);
  for (const r of c.pgwarden) BY_RULE.set(`pgwarden:${r}`, c);
}

// ---------------------------------------------------------------------------------------------------------------
// Findings of both tools, placed on the corpus' statements

export type Tool = 'squawk' | 'pgwarden';

export interface ToolFinding {
  readonly tool: Tool;
  /** Base name of the migration file. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly rule: string;
}

export function squawkFindings(output: string): ToolFinding[] {
  const parsed = JSON.parse(output) as { file: string; line: number; rule_name: string }[];
  if (!Array.isArray(parsed)) throw new Error('squawk: the JSON report is not an array');
  // squawk's lines are 0-based
  return parsed.map((f) => ({ tool: 'squawk', file: basename(f.file), line: f.line + 1, rule: f.rule_name }));
}

interface PgwardenReport {
  findings: { rule: string; severity: string; location: { file?: string; line?: number } }[];
  summary: { error: number; warning: number; info: number; total: number };
}

export function pgwardenFindings(report: PgwardenReport): ToolFinding[] {
  return report.findings
    .filter((f) => f.location.file !== undefined)
    .map((f) => ({
      tool: 'pgwarden',
      file: basename(f.location.file!),
      line: f.location.line ?? 1,
      rule: f.rule,
    }));
}

/** The statement (index in the file's up section) a line belongs to; 'down' for the down section. */
function statementAt(file: CorpusFile, line: number): number | 'down' {
  if (file.downLine !== null && line >= file.downLine) return 'down';
  for (let i = 0; i < file.statements.length; i++) {
    if (line <= file.statements[i]!.endLine) return i;
  }
  return file.statements.length - 1;
}

export interface ConceptCount {
  readonly concept: string;
  readonly both: number;
  readonly squawkOnly: number;
  readonly pgwardenOnly: number;
}

export interface Disagreement {
  readonly concept: string;
  readonly flaggedBy: Tool;
  readonly file: string;
  readonly fileIndex: number;
  readonly statement: number;
  readonly line: number;
  readonly tag: string;
  /** The file has a broken statement (elsewhere or here): squawk then reports only the syntax error. */
  readonly syntaxErrorFile: boolean;
  /** Every rule of each tool on that statement (for a per-file concept: on the file). */
  readonly squawkRules: readonly string[];
  readonly pgwardenRules: readonly string[];
}

export interface Comparison {
  readonly counts: ConceptCount[];
  readonly disagreements: Disagreement[];
  /** squawk findings in down sections (pgwarden lints up sections only). */
  readonly squawkDown: number;
  readonly squawkUp: number;
  /** Rules no concept maps, with their counts. */
  readonly unmapped: Record<string, number>;
  /** squawk findings of constraint-missing-not-valid on UNIQUE or PRIMARY KEY (which cannot be NOT VALID). */
  readonly squawkNotValidOnUnique: number;
  /** Files with a syntax error, and the findings each tool reported on their other statements. */
  readonly syntaxErrorFiles: { file: string; squawk: number; pgwarden: number }[];
}

export function compare(corpus: Corpus, findings: readonly ToolFinding[]): Comparison {
  const files = new Map(corpus.files.map((f) => [f.name, f]));
  // statement key → tool → concept → rules
  type Marks = Map<Tool, Map<string, string[]>>;
  const byStatement = new Map<string, Marks>();
  const byFile = new Map<string, Marks>();
  const rulesAt = new Map<string, Map<Tool, string[]>>();
  const unmapped: Record<string, number> = {};
  let squawkDown = 0;
  let squawkUp = 0;
  let squawkNotValidOnUnique = 0;
  const syntaxCounts = new Map<string, { squawk: number; pgwarden: number }>();
  const mark = (map: Map<string, Marks>, key: string, tool: Tool, concept: string, rule: string) => {
    const marks = map.get(key) ?? new Map<Tool, Map<string, string[]>>();
    const concepts = marks.get(tool) ?? new Map<string, string[]>();
    concepts.set(concept, [...(concepts.get(concept) ?? []), rule]);
    marks.set(tool, concepts);
    map.set(key, marks);
  };
  for (const f of findings) {
    const file = files.get(f.file);
    if (!file) throw new Error(`${f.tool} reported on ${f.file}, which is not in the corpus`);
    const at = statementAt(file, f.line);
    if (at === 'down') {
      if (f.tool === 'squawk') squawkDown++;
      continue;
    }
    if (f.tool === 'squawk') squawkUp++;
    const key = `${f.file}#${at}`;
    const list = rulesAt.get(key) ?? new Map<Tool, string[]>();
    list.set(f.tool, [...(list.get(f.tool) ?? []), f.rule]);
    rulesAt.set(key, list);
    if (file.syntaxError && !/syntax/.test(f.rule)) {
      const c = syntaxCounts.get(f.file) ?? { squawk: 0, pgwarden: 0 };
      c[f.tool]++;
      syntaxCounts.set(f.file, c);
    }
    if (
      f.rule === 'constraint-missing-not-valid' &&
      /^add-(unique|primary-key)/.test(file.statements[at]!.tag)
    ) {
      squawkNotValidOnUnique++;
    }
    const concept = BY_RULE.get(`${f.tool}:${f.rule}`);
    if (!concept) {
      unmapped[`${f.tool}: ${f.rule}`] = (unmapped[`${f.tool}: ${f.rule}`] ?? 0) + 1;
      continue;
    }
    if (concept.scope === 'file') mark(byFile, f.file, f.tool, concept.id, f.rule);
    else mark(byStatement, key, f.tool, concept.id, f.rule);
  }

  const counts = new Map(
    CONCEPTS.map((c) => [c.id, { concept: c.id, both: 0, squawkOnly: 0, pgwardenOnly: 0 }]),
  );
  const disagreements: Disagreement[] = [];
  const record = (key: string, marks: Marks, fileScope: boolean) => {
    const [fileName, index] = fileScope ? [key, -1] : [key.split('#')[0]!, Number(key.split('#')[1])];
    const file = files.get(fileName)!;
    const s = marks.get('squawk') ?? new Map<string, string[]>();
    const p = marks.get('pgwarden') ?? new Map<string, string[]>();
    for (const concept of new Set([...s.keys(), ...p.keys()])) {
      const count = counts.get(concept)!;
      if (s.has(concept) && p.has(concept)) {
        count.both++;
        continue;
      }
      const flaggedBy: Tool = s.has(concept) ? 'squawk' : 'pgwarden';
      if (flaggedBy === 'squawk') count.squawkOnly++;
      else count.pgwardenOnly++;
      // a per-file concept is shown on the first statement the reporting tool named
      let statement = index;
      if (fileScope) {
        const lines = findings
          .filter(
            (f) =>
              f.file === fileName &&
              f.tool === flaggedBy &&
              BY_RULE.get(`${f.tool}:${f.rule}`)?.id === concept,
          )
          .map((f) => statementAt(file, f.line))
          .filter((x): x is number => x !== 'down');
        statement = Math.min(...lines);
      }
      const st = file.statements[statement]!;
      const rules = rulesAt.get(`${fileName}#${statement}`);
      disagreements.push({
        concept,
        flaggedBy,
        file: fileName,
        fileIndex: file.index,
        statement,
        line: st.line,
        tag: st.tag,
        syntaxErrorFile: file.syntaxError,
        squawkRules: [...new Set(rules?.get('squawk') ?? [])].sort(),
        pgwardenRules: [...new Set(rules?.get('pgwarden') ?? [])].sort(),
      });
    }
  };
  for (const [key, marks] of byStatement) record(key, marks, false);
  for (const [key, marks] of byFile) record(key, marks, true);
  disagreements.sort(
    (a, b) => a.fileIndex - b.fileIndex || a.line - b.line || a.concept.localeCompare(b.concept),
  );
  return {
    counts: [...counts.values()].filter((c) => c.both + c.squawkOnly + c.pgwardenOnly > 0),
    disagreements,
    squawkDown,
    squawkUp,
    unmapped,
    squawkNotValidOnUnique,
    syntaxErrorFiles: corpus.files
      .filter((f) => f.syntaxError)
      .map((f) => ({ file: f.name, ...(syntaxCounts.get(f.name) ?? { squawk: 0, pgwarden: 0 }) })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sampling

export function categoryOf(d: { concept: string; flaggedBy: Tool }): string {
  return `${d.concept}|${d.flaggedBy}`;
}

/**
 * For every category (concept × which tool reported it), candidates in the order they should be tried: one of
 * each statement kind (generator tag) first, in a seeded random order, then the rest.
 */
export function candidates(
  disagreements: readonly Disagreement[],
  seed: number,
): Map<string, Disagreement[]> {
  const rng = new Random(seed);
  const byCategory = new Map<string, Disagreement[]>();
  for (const d of disagreements) {
    const list = byCategory.get(categoryOf(d)) ?? [];
    list.push(d);
    byCategory.set(categoryOf(d), list);
  }
  const ordered = new Map<string, Disagreement[]>();
  for (const [category, list] of [...byCategory].sort((a, b) => a[0].localeCompare(b[0]))) {
    const shuffled = [...list];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const seenTags = new Set<string>();
    const first: Disagreement[] = [];
    const rest: Disagreement[] = [];
    for (const d of shuffled) {
      const kind = baseTag(d.tag);
      if (seenTags.has(kind)) rest.push(d);
      else {
        seenTags.add(kind);
        first.push(d);
      }
    }
    ordered.set(category, [...first, ...rest]);
  }
  return ordered;
}

function baseTag(tag: string): string {
  return tag.replace(/^syntax-error:/, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Tracing a migration on its own, after the schema it found

interface TracedLock {
  relation: string;
  kind: string;
  mode: string;
}

interface TraceStatement {
  file: string;
  line: number;
  sql: string;
  observed: {
    locks: TracedLock[];
    alreadyHeld: TracedLock[];
    rewritten: string[];
    created: string[];
    scanned: string[];
    durationMs: number;
    mode: 'transaction' | 'concurrent';
    error: string | null;
  };
  mismatches: string[];
}

interface TraceReport extends PgwardenReport {
  trace: {
    server: string;
    statements: TraceStatement[];
    seeded: string[];
    notSeeded: { table: string; reason: string }[];
    stopped: { file: string; line: number; error: string } | null;
  };
}

export interface FileTrace {
  readonly fileIndex: number;
  readonly file: string;
  readonly ms: number;
  readonly server: string;
  readonly baseStatements: number;
  readonly seeded: number;
  readonly notSeeded: readonly { table: string; reason: string }[];
  /** Where tracing stopped (a statement failed), if it did. */
  readonly stopped: { line: number; error: string; inBase: boolean } | null;
  readonly statements: readonly TraceStatement[];
  /** Relations that existed before the migration (created by the base): they hold rows. */
  readonly preExisting: readonly string[];
  /** pgwarden's findings on the migration in this run (file base name, line, rule). */
  readonly findings: readonly { line: number; rule: string }[];
  /**
   * Model-vs-PostgreSQL mismatches of every statement of the migration; `note` explains the ones that are not
   * the model's fault (a lock its transaction already held, a DO block, a table without rows).
   */
  readonly mismatches: readonly { line: number; sql: string; mismatch: string; note: string | null }[];
  readonly problem: string | null;
}

export function traceFile(options: {
  readonly cli: string;
  readonly root: string;
  readonly workDir: string;
  readonly cacheDir: string;
  readonly corpus: Corpus;
  readonly fileIndex: number;
  readonly base: string;
}): FileTrace {
  const file = options.corpus.files[options.fileIndex]!;
  const dir = mkdirShared(join(options.workDir, `trace-${String(file.index).padStart(5, '0')}`));
  const migrations = mkdirShared(join(dir, 'migrations'));
  const baseName = `19990101000000_schema_before_${file.name.replace(/^\d+_/, '')}`;
  if (options.base !== '') writeFileSync(join(migrations, baseName), `-- migrate:up\n${options.base}\n`);
  writeFileSync(join(migrations, file.name), options.corpus.texts.get(file.name)!);
  const started = now();
  const run = spawnSync(process.execPath, [options.cli, ...LINT_ARGS(migrations), '--trace'], {
    cwd: options.root,
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    timeout: 5 * 60_000,
    env: { ...process.env, PGWARDEN_CACHE_DIR: options.cacheDir, NO_COLOR: '1' },
  });
  const ms = now() - started;
  const empty = {
    fileIndex: file.index,
    file: file.name,
    ms,
    server: '',
    baseStatements: 0,
    seeded: 0,
    notSeeded: [],
    stopped: null,
    statements: [],
    preExisting: [],
    findings: [],
    mismatches: [],
  };
  if (run.status !== 0) {
    return {
      ...empty,
      problem: `pgwarden lint --trace exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`,
    };
  }
  const report = JSON.parse(run.stdout) as TraceReport;
  const trace = report.trace;
  const inBase = (s: { file: string }) => basename(s.file) === baseName;
  const baseStatements = trace.statements.filter(inBase);
  const mine = trace.statements.filter((s) => basename(s.file) === file.name);
  const preExisting = [...new Set(baseStatements.flatMap((s) => s.observed.created))].sort();
  return {
    fileIndex: file.index,
    file: file.name,
    ms,
    server: trace.server,
    baseStatements: baseStatements.length,
    seeded: trace.seeded.length,
    notSeeded: trace.notSeeded,
    stopped: trace.stopped
      ? {
          line: trace.stopped.line,
          error: trace.stopped.error,
          inBase: basename(trace.stopped.file) === baseName,
        }
      : null,
    statements: mine,
    preExisting,
    findings: pgwardenFindings(report)
      .filter((f) => f.file === file.name)
      .map((f) => ({ line: f.line, rule: f.rule })),
    mismatches: mine.flatMap((s) =>
      s.mismatches.map((mismatch) => ({
        line: s.line,
        sql: s.sql,
        mismatch,
        note: explain(s, mismatch, trace.notSeeded),
      })),
    ),
    problem:
      trace.stopped && basename(trace.stopped.file) === baseName
        ? `the base schema failed: ${trace.stopped.error}`
        : null,
  };
}

/** Why a trace mismatch is not the lock model's error, when it is not. */
function explain(
  s: TraceStatement,
  mismatch: string,
  notSeeded: readonly { table: string }[],
): string | null {
  const relation = /(?:on|of) (public\.\w+)/.exec(mismatch)?.[1];
  if (relation && notSeeded.some((n) => n.table === relation)) return 'the table had no rows in the trace';
  const predicted = /^the model predicts (\w+) on (\S+); PostgreSQL took/.exec(mismatch);
  if (predicted) {
    const held = s.observed.alreadyHeld.find((l) => l.relation === predicted[2]);
    if (held && (STRENGTH[held.mode] ?? 0) >= (STRENGTH[predicted[1]!] ?? 0)) {
      return `the transaction already held ${shortMode(held.mode)} on it (an earlier statement): PostgreSQL did not take it again`;
    }
  }
  if (/^DO\b/i.test(s.sql) && /which the model does not predict/.test(mismatch)) {
    return 'a DO block: the model puts these locks and rewrites on the statements inside it, not on the DO';
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Verdicts

const STRENGTH: Record<string, number> = {
  AccessShareLock: 1,
  RowShareLock: 2,
  RowExclusiveLock: 3,
  ShareUpdateExclusiveLock: 4,
  ShareLock: 5,
  ShareRowExclusiveLock: 6,
  ExclusiveLock: 7,
  AccessExclusiveLock: 8,
};
const BLOCKS_WRITES = 5;
const BLOCKS_READS = 8;

function short(relation: string): string {
  return relation.replace(/^public\./, '');
}

function shortMode(mode: string): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

/** What the trace saw for one statement, on tables that existed before the migration. */
export interface Observation {
  readonly traced: boolean;
  readonly error: string | null;
  readonly mode: 'transaction' | 'concurrent' | null;
  /** Strongest lock held on each pre-existing table while the statement ran (its own or taken earlier). */
  readonly locks: readonly { table: string; mode: string; earlier: boolean }[];
  readonly rewritten: readonly string[];
  readonly scanned: readonly string[];
  readonly text: string;
}

/** Table names in a statement's SQL. */
function namedIn(sql: string): Set<string> {
  return new Set(sql.match(/\b[a-z_][a-z0-9_]*\b/g) ?? []);
}

/**
 * What the trace saw for one statement. The locks shown are those on the tables the statement names (held by it
 * or by an earlier statement of its transaction), with the number of other tables the transaction had locked;
 * `allLocks` shows them all (for the rules about the whole transaction).
 */
function observe(trace: FileTrace, statement: CorpusStatement, sql: string, allLocks: boolean): Observation {
  const at = trace.statements.findIndex((s) => s.line === statement.line);
  const createdBefore = new Set(
    trace.statements.slice(0, Math.max(at, 0) + 1).flatMap((s) => s.observed.created),
  );
  // anything the migration did not create was made by the base: it existed before, with rows
  const isPre = (relation: string) => !createdBefore.has(relation);
  if (at < 0) {
    const why =
      trace.problem ??
      (trace.stopped
        ? `tracing stopped at line ${trace.stopped.line}: ${trace.stopped.error}`
        : 'statement not in the trace');
    return {
      traced: false,
      error: null,
      mode: null,
      locks: [],
      rewritten: [],
      scanned: [],
      text: `not traced (${why})`,
    };
  }
  const s = trace.statements[at]!;
  const o = s.observed;
  const tables = (list: readonly TracedLock[]) => list.filter((l) => l.kind === 'table' && isPre(l.relation));
  const strongest = new Map<string, { mode: string; earlier: boolean }>();
  for (const [list, earlier] of [
    [tables(o.alreadyHeld), true],
    [tables(o.locks), false],
  ] as const) {
    for (const l of list) {
      const current = strongest.get(l.relation);
      if (!current || (STRENGTH[l.mode] ?? 0) > (STRENGTH[current.mode] ?? 0))
        strongest.set(l.relation, { mode: l.mode, earlier });
    }
  }
  const locks = [...strongest].map(([table, v]) => ({ table: short(table), ...v }));
  // a rewritten table is locked by the transaction; indexes and TOAST tables rewritten with it are not listed
  const lockedTables = new Set(
    [...o.locks, ...o.alreadyHeld].filter((l) => l.kind === 'table').map((l) => l.relation),
  );
  const rewritten = o.rewritten.filter((r) => isPre(r) && lockedTables.has(r)).map(short);
  const scanned = o.scanned.filter(isPre).map(short);
  const parts: string[] = [];
  if (o.error) parts.push(`ERROR: ${o.error}`);
  else {
    if (o.mode === 'concurrent') parts.push('ran outside a transaction; ');
    // the statement's own tables: the ones it names, and the ones it locked itself (DROP INDEX names no table)
    const named = namedIn(sql);
    if (statement.table) named.add(statement.table);
    const own = locks.filter((l) => allLocks || named.has(l.table) || !l.earlier);
    const shown = own.filter((l) => (STRENGTH[l.mode] ?? 0) >= STRENGTH.ShareUpdateExclusiveLock!);
    const others = locks.filter(
      (l) => !own.includes(l) && (STRENGTH[l.mode] ?? 0) >= STRENGTH.ShareUpdateExclusiveLock!,
    ).length;
    parts.push(
      shown.length > 0
        ? shown
            .map(
              (l) =>
                `${shortMode(l.mode)} on ${l.table}${l.earlier ? ' (held since an earlier statement)' : ''}`,
            )
            .join(', ')
        : own.length > 0
          ? `only ${[...new Set(own.map((l) => shortMode(l.mode)))].join('/')} on ${own.map((l) => l.table).join(', ')}`
          : 'no lock on a table that existed before the migration',
    );
    if (others > 0)
      parts.push(` (+ locks on ${others} other table${others > 1 ? 's' : ''} held since earlier statements)`);
    parts.push(rewritten.length > 0 ? `; rewrote ${rewritten.join(', ')}` : '; no rewrite');
    parts.push(scanned.length > 0 ? `; read ${scanned.join(', ')} whole` : '; no full read');
  }
  return {
    traced: true,
    error: o.error,
    mode: o.mode,
    locks,
    rewritten,
    scanned,
    text: parts.join(''),
  };
}

/** Whether the hazard of `concept` really happened on this statement (null: the trace cannot tell). */
function hazardOf(
  concept: string,
  obs: Observation,
  sql: string,
  file: FileTrace,
  fileText: string,
  statement: CorpusStatement,
): { real: boolean | null; why: string } {
  // the statement's own tables: the ones it names, its target, and whatever it locked itself; locks its
  // transaction holds on other tables matter only to the rules about the whole transaction
  const named = namedIn(sql);
  if (statement.table) named.add(statement.table);
  const mine = obs.locks.filter((l) => named.has(l.table) || !l.earlier);
  const maxMode = Math.max(0, ...mine.map((l) => STRENGTH[l.mode] ?? 0));
  const writeBlocked = mine.filter((l) => (STRENGTH[l.mode] ?? 0) >= BLOCKS_WRITES);
  const allWriteBlocked = obs.locks.filter((l) => (STRENGTH[l.mode] ?? 0) >= BLOCKS_WRITES);
  const work = obs.scanned.length > 0 || obs.rewritten.length > 0;
  if (
    obs.error &&
    concept !== 'syntax' &&
    concept !== 'add-column-required' &&
    concept !== 'in-transaction'
  ) {
    return { real: null, why: `the statement failed in the trace: ${obs.error}` };
  }
  switch (concept) {
    case 'index-build':
      return obs.mode === 'concurrent'
        ? { real: false, why: 'built CONCURRENTLY outside a transaction' }
        : writeBlocked.length > 0 && obs.scanned.length > 0
          ? { real: true, why: 'writes blocked while the index was built from the whole table' }
          : { real: false, why: 'no existing table was read under a write-blocking lock' };
    case 'index-drop': {
      // the hazard is the wait for ACCESS EXCLUSIVE, with every query queued behind it: none when the
      // transaction already holds it
      const requested = mine.find((l) => !l.earlier && (STRENGTH[l.mode] ?? 0) >= BLOCKS_READS);
      const held = mine.find((l) => l.earlier && (STRENGTH[l.mode] ?? 0) >= BLOCKS_READS);
      return requested
        ? {
            real: true,
            why: `requested ACCESS EXCLUSIVE on ${requested.table} (every query queues behind it)`,
          }
        : held
          ? {
              real: false,
              why: `its transaction already held ACCESS EXCLUSIVE on ${held.table}: the DROP INDEX waits for nothing more`,
            }
          : { real: false, why: 'no ACCESS EXCLUSIVE on an existing table' };
    }
    case 'add-column-rewrite':
    case 'change-type':
      return obs.rewritten.length > 0
        ? { real: true, why: `rewrote ${obs.rewritten.join(', ')}` }
        : { real: false, why: 'no existing table was rewritten' };
    case 'add-column-required':
      return obs.error && /contains null values/.test(obs.error)
        ? { real: true, why: 'fails on a table with rows' }
        : obs.error
          ? { real: null, why: obs.error }
          : { real: false, why: 'ran: the table had no rows (created in this migration)' };
    case 'set-not-null':
      return obs.scanned.length > 0 && maxMode >= BLOCKS_READS
        ? { real: true, why: 'read the whole table under ACCESS EXCLUSIVE' }
        : { real: false, why: 'no full read under ACCESS EXCLUSIVE' };
    case 'constraint':
      return writeBlocked.length > 0 && obs.scanned.length > 0
        ? { real: true, why: 'read (or indexed) an existing table whole under a write-blocking lock' }
        : { real: false, why: 'no existing table was read whole under a write-blocking lock' };
    case 'in-transaction':
      return obs.error && /cannot run inside a transaction block/.test(obs.error)
        ? { real: true, why: 'PostgreSQL refused it inside the transaction' }
        : obs.mode === 'concurrent'
          ? {
              real: false,
              why: 'the migration runs outside a transaction (-- pgwarden:no-transaction); it ran',
            }
          : { real: false, why: 'it ran' };
    case 'unbounded-write':
      return obs.scanned.length > 0
        ? { real: true, why: 'wrote every row of an existing table in one statement' }
        : { real: false, why: 'did not touch a whole existing table' };
    case 'backfill-in-transaction': {
      // the backfill keeps the DDL's locks for as long as it takes, which grows with the rows it touches
      // (a stronger lock its transaction already holds on the same table hides the statement's own ROW EXCLUSIVE)
      const heldEarlier = obs.locks.filter((l) => l.earlier && (STRENGTH[l.mode] ?? 0) >= BLOCKS_WRITES);
      const writes = /^\s*(UPDATE|DELETE|INSERT|DO)\b/i.test(sql);
      if (!writes) return { real: false, why: 'not a data change' };
      return heldEarlier.length > 0
        ? {
            real: true,
            why: `the backfill ran while the transaction held ${heldEarlier.map((l) => `${shortMode(l.mode)} on ${l.table}`).join(', ')}`,
          }
        : { real: false, why: 'its transaction held no write-blocking lock from earlier DDL' };
    }
    case 'several-heavy-locks': {
      const tables = new Set(allWriteBlocked.map((l) => l.table));
      const earlier = allWriteBlocked.filter((l) => l.earlier);
      if (tables.size >= 2)
        return { real: true, why: `write-blocking locks on ${tables.size} existing tables at once` };
      if (earlier.length > 0 && work)
        return { real: true, why: 'table-sized work while an earlier blocking lock was held' };
      return {
        real: false,
        why:
          earlier.length > 0
            ? 'an earlier lock was held, but the statement was instant (no rewrite or full read)'
            : 'at most one table locked, instant',
      };
    }
    case 'drop-column':
    case 'drop-table':
    case 'drop-not-null':
    case 'rename-column':
    case 'rename-table':
      return statement.existing !== false
        ? { real: true, why: 'on a table that existed before the migration (data and clients)' }
        : { real: false, why: 'on a table created in this migration' };
    case 'syntax':
      return obs.error && /syntax error/.test(obs.error)
        ? { real: true, why: 'PostgreSQL: syntax error' }
        : { real: false, why: 'PostgreSQL ran it' };
    case 'identifier-too-long': {
      const long = (sql.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).filter((w) => Buffer.byteLength(w) > 63);
      return long.length > 0
        ? { real: true, why: `${long[0]} is ${Buffer.byteLength(long[0]!)} bytes (PostgreSQL truncates it)` }
        : { real: false, why: 'no identifier over 63 bytes' };
    }
    case 'lock-timeout':
    case 'statement-timeout':
      return fileHazard(concept, file);
    case 'robust-statements':
      return obs.mode === 'concurrent' || /pgwarden:no-transaction/.test(fileText)
        ? { real: true, why: 'runs outside a transaction: a retry after a failure part-way would stop on it' }
        : {
            real: false,
            why: 'runs in the migration transaction: a failure rolls it back, a retry starts clean',
          };
    default:
      return { real: null, why: 'a type preference: no lock, rewrite or scan to observe' };
  }
}

/** For the per-file timeout concepts: did any statement, before the file set the timeout, need it? */
function fileHazard(concept: string, trace: FileTrace): { real: boolean | null; why: string } {
  const setting =
    concept === 'lock-timeout'
      ? /^\s*SET\s+(LOCAL\s+)?lock_timeout/i
      : /^\s*SET\s+(LOCAL\s+)?statement_timeout/i;
  // SET … = 0 turns the timeout off: it protects nothing
  const off = /=\s*'?0'?\s*$|\bTO\s+'?0'?\s*$|\bDEFAULT\s*$/i;
  const created = new Set<string>();
  let statements = 0;
  for (const s of trace.statements) {
    if (setting.test(s.sql) && !off.test(s.sql)) break;
    statements++;
    const o = s.observed;
    for (const c of o.created) created.add(c);
    if (o.error) break;
    const pre = (r: string) => !created.has(r);
    const own = o.locks.filter((l) => l.kind === 'table' && pre(l.relation));
    const held = o.alreadyHeld.filter((l) => l.kind === 'table' && pre(l.relation));
    if (concept === 'lock-timeout') {
      const blocking = own.find((l) => (STRENGTH[l.mode] ?? 0) >= BLOCKS_WRITES);
      if (blocking) {
        return {
          real: true,
          why: `line ${s.line} requests ${shortMode(blocking.mode)} on ${short(blocking.relation)} with no lock_timeout`,
        };
      }
    } else {
      const blocking = [...own, ...held].some((l) => (STRENGTH[l.mode] ?? 0) >= BLOCKS_WRITES);
      const work = o.scanned.some(pre) || o.rewritten.some((r) => pre(r) && trace.preExisting.includes(r));
      if (blocking && work) {
        return {
          real: true,
          why: `line ${s.line} reads or rewrites an existing table under a blocking lock, with no statement_timeout`,
        };
      }
    }
  }
  return {
    real: false,
    why:
      concept === 'lock-timeout'
        ? `none of the ${statements} statements before a SET lock_timeout requests a write-blocking lock on an existing table`
        : `none of the ${statements} statements before a SET statement_timeout (other than 0) does table-sized work under a blocking lock`,
  };
}

export interface SettledSample extends Disagreement {
  readonly sql: string;
  readonly existing: boolean | null;
  readonly observed: string;
  readonly real: boolean | null;
  readonly why: string;
  /** 'pgwarden', 'squawk', or 'neither' (a type preference the trace cannot settle). */
  readonly right: Tool | 'neither';
  /** pgwarden's rules on the statement when the migration is linted after its base only (the traced folder). */
  readonly pgwardenRulesAlone: readonly string[];
  readonly mismatches: readonly string[];
}

/** The settled sample, or why this disagreement cannot be settled by its trace. */
export function settle(d: Disagreement, corpus: Corpus, trace: FileTrace): SettledSample | string {
  const file = corpus.files[d.fileIndex]!;
  const statement = file.statements[d.statement]!;
  const text = corpus.texts.get(file.name)!;
  const sql = text
    .split('\n')
    .slice(statement.line - 1, statement.endLine)
    .map((l) => l.trim())
    .join(' ')
    .replace(/\s+/g, ' ');
  const concept = CONCEPTS.find((c) => c.id === d.concept)!;
  const wholeTransaction = d.concept === 'several-heavy-locks' || d.concept === 'backfill-in-transaction';
  const obs = observe(trace, statement, sql, wholeTransaction);
  if (!obs.traced && concept.scope === 'statement' && concept.kind !== 'style') return obs.text;
  // a table the trace could not fill with rows would make every scan and rewrite look free
  const named = namedIn(concept.scope === 'file' ? text : sql);
  const empty = trace.notSeeded.find((n) => named.has(short(n.table)));
  if (empty) return `the trace could not put rows in ${short(empty.table)}: ${empty.reason}`;
  const { real, why } = hazardOf(d.concept, obs, sql, trace, text, statement);
  if (real === null && concept.kind !== 'style') return `the trace cannot tell: ${why}`;
  const other: Tool = d.flaggedBy === 'squawk' ? 'pgwarden' : 'squawk';
  const range = (line: number) => line >= statement.line && line <= statement.endLine;
  const stmtTrace = trace.statements.find((s) => s.line === statement.line);
  return {
    ...d,
    sql,
    existing: statement.existing ?? null,
    observed: concept.scope === 'file' ? `${why}` : obs.text,
    real,
    why,
    right: real === null ? 'neither' : real ? d.flaggedBy : other,
    pgwardenRulesAlone: [...new Set(trace.findings.filter((f) => range(f.line)).map((f) => f.rule))].sort(),
    mismatches: stmtTrace?.mismatches ?? [],
  };
}

export interface SettleRun {
  readonly samples: SettledSample[];
  readonly traces: FileTrace[];
  /** Categories for which no candidate could be settled, with the reason of the last attempt. */
  readonly unsettled: { category: string; reason: string }[];
}

/**
 * Settles up to `perCategory` disagreements of every category (more for the largest ones until `minTotal`),
 * tracing each needed migration once.
 */
export function settleSample(options: {
  readonly corpus: Corpus;
  readonly candidates: Map<string, Disagreement[]>;
  readonly perCategory: number;
  readonly minTotal: number;
  readonly bases: ReadonlyMap<number, string>;
  readonly cli: string;
  readonly root: string;
  readonly workDir: string;
  readonly cacheDir: string;
  readonly maxAttemptsPerCategory: number;
}): SettleRun {
  const traces = new Map<number, FileTrace>();
  const traceOf = (fileIndex: number): FileTrace => {
    let t = traces.get(fileIndex);
    if (!t) {
      const base = options.bases.get(fileIndex);
      if (base === undefined) throw new Error(`no base schema for migration ${fileIndex}`);
      t = traceFile({ ...options, fileIndex, base });
      traces.set(fileIndex, t);
      log(
        `lint: traced ${t.file} in ${(t.ms / 1000).toFixed(1)} s${t.problem ? ` (${t.problem})` : ''}${t.stopped && !t.problem ? ` (stopped at line ${t.stopped.line})` : ''}`,
      );
    }
    return t;
  };
  const samples: SettledSample[] = [];
  const unsettled: { category: string; reason: string }[] = [];
  const used = new Map<string, number>();
  const take = (category: string, want: number) => {
    const list = options.candidates.get(category) ?? [];
    let attempts = 0;
    let got = samples.filter((s) => categoryOf(s) === category).length;
    let reason = 'no candidate';
    for (
      let i = used.get(category) ?? 0;
      i < list.length && got < want && attempts < options.maxAttemptsPerCategory;
      i++
    ) {
      used.set(category, i + 1);
      attempts++;
      const d = list[i]!;
      const settled = settle(d, options.corpus, traceOf(d.fileIndex));
      if (typeof settled === 'string') reason = settled;
      else {
        samples.push(settled);
        got++;
      }
    }
    if (got === 0) unsettled.push({ category, reason });
  };
  for (const category of options.candidates.keys()) take(category, options.perCategory);
  // more of the largest categories until the sample is big enough
  const bySize = [...options.candidates].sort((a, b) => b[1].length - a[1].length).map(([c]) => c);
  for (
    let extra = options.perCategory + 1;
    samples.length < options.minTotal && extra < options.perCategory + 4;
    extra++
  ) {
    for (const category of bySize) {
      if (samples.length >= options.minTotal) break;
      take(category, extra);
    }
  }
  mkdirSync(options.workDir, { recursive: true });
  return { samples, traces: [...traces.values()], unsettled };
}
