import { createRuleSet, type RuleSet } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import { type Finding, isFileLocation } from '../core/finding.js';
import { DEFAULT_PG_MAJOR } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import { SchemaState } from '../lint/schema-state.js';
import { allRules } from '../rules/index.js';
import { FileTextCache } from '../sql/files.js';
import { loadParser, parseSqlSync } from '../sql/parser.js';
import { checkSql, type ScriptSource } from './check-sql.js';
import {
  evidenceOf,
  type LintData,
  type LintOptions,
  lintSources,
  lintTarget,
  type StatementEvidence,
  scriptOf,
  statementReports,
} from './lint.js';

/** Files per stretch: a changed file is re-linted with at most this many before it, from the schema saved there. */
const STRETCH = 16;

interface Stretch {
  /** The sources it covers, as they were linted. */
  readonly sources: readonly ScriptSource[];
  /** The schema before its first file (a copy: the stretches after it change the live one). */
  readonly before: SchemaState;
  readonly findings: readonly Finding[];
  readonly skipped: readonly { rule: string; reason: string }[];
  readonly evidence: readonly StatementEvidence[];
}

/** What one run of a session did, and the report it ends with. */
export interface LintRun {
  /** The files whose text changed (or that are new) since the last run; every file on the first run. */
  readonly changed: readonly string[];
  /** Files linted again: the changed ones and those after them in the same stretch or later. */
  readonly relinted: number;
  readonly ms: number;
  readonly files: number;
  readonly findings: number;
  /** The report a cold `pgwarden lint` gives on these files; of some files only when given (cheaper). */
  report(only?: ReadonlySet<string>): Report<LintData>;
}

export type LintSessionOptions = Omit<
  LintOptions,
  'trace' | 'traceDb' | 'fix' | 'baseline' | 'writeBaseline' | 'changedSince' | 'parseWorkers'
>;

/**
 * `pgwarden lint --watch`: one process that keeps what a cold run throws away — the parser loaded and compiled,
 * each file's findings, and the schema as it stood every STRETCH files. A change re-lints from the
 * stretch of the first changed file on; the files before it keep their findings. A migration's findings depend
 * on the files before it (what they create), never on those after, which is what makes this exact: each run's
 * report is the one a cold `pgwarden lint` gives on the same files (tested).
 */
export class LintSession {
  readonly #options: LintSessionOptions;
  #ruleSet: RuleSet | undefined;
  #pgVersion = DEFAULT_PG_MAJOR;
  #database: string | null = null;
  #initial: SchemaState | undefined;
  /** The schema after the last file, as the last run left it. */
  #end: SchemaState | undefined;
  #stretches: Stretch[] = [];
  /** Each file's text as last read: a run reads again only the files saved since. */
  readonly #files = new FileTextCache();

  constructor(options: LintSessionOptions) {
    this.#options = options;
  }

  /** Lints every file the first time, then only from the first that changed. */
  async run(): Promise<LintRun> {
    const started = performance.now();
    await this.#prepare();
    const sources = await this.#sources();
    const first = this.#firstChange(sources);
    const textBefore = new Map(
      this.#stretches.flatMap((stretch) => stretch.sources.map((s) => [s.file, s.text])),
    );
    const changed = sources.filter((source, i) => i >= first && textBefore.get(source.file) !== source.text);
    const unchanged = first === sources.length && first === textBefore.size;
    const keep = unchanged ? this.#stretches.length : Math.floor(first / STRETCH);
    // the schema before the first stretch to lint again: saved with it, or, when every file before is as it was
    // and the change starts a stretch of its own (files added), the schema the last run ended with
    const saved = keep < this.#stretches.length ? this.#stretches[keep]!.before : this.#end;
    const state = saved ? saved.copy() : this.#initialState();
    this.#stretches = this.#stretches.slice(0, keep);
    for (let start = keep * STRETCH; start < sources.length; start += STRETCH)
      this.#stretches.push(await this.#lint(sources.slice(start, start + STRETCH), state));
    this.#end = state;
    const stretches = this.#stretches;
    return {
      changed: changed.map((s) => s.file),
      relinted: unchanged ? 0 : sources.length - keep * STRETCH,
      ms: performance.now() - started,
      files: sources.length,
      findings: stretches.reduce((sum, stretch) => sum + stretch.findings.length, 0),
      report: (only) => this.#report(stretches, sources, only),
    };
  }

  async #prepare(): Promise<void> {
    if (this.#ruleSet) return;
    const options = this.#options;
    this.#ruleSet = options.ruleSet ?? createRuleSet(allRules, options.config.config);
    const target = await lintTarget(options);
    this.#initial = target.state;
    this.#pgVersion = target.pgVersion;
    this.#database = target.database;
    await loadParser();
  }

  async #sources(): Promise<ScriptSource[]> {
    const sources = [
      ...(await lintSources(this.#options.paths ?? [], this.#files)),
      ...(this.#options.sources ?? []).map((s) => (s.transaction === undefined ? scriptOf(s) : s)),
    ];
    if (sources.length === 0) throw new PgwardenError('input', 'nothing to lint');
    return sources;
  }

  /** Index of the first source that differs from the last run's (in text, name or how it runs). */
  #firstChange(sources: readonly ScriptSource[]): number {
    const before = this.#stretches.flatMap((stretch) => stretch.sources);
    const n = Math.min(before.length, sources.length);
    for (let i = 0; i < n; i++) if (!sameSource(before[i]!, sources[i]!)) return i;
    return n;
  }

  #initialState(): SchemaState {
    return this.#initial?.copy() ?? new SchemaState();
  }

  async #lint(sources: readonly ScriptSource[], state: SchemaState): Promise<Stretch> {
    const before = state.copy();
    const evidence: StatementEvidence[] = [];
    const result = await checkSql(sources, {
      pgVersion: this.#pgVersion,
      ruleSet: this.#ruleSet,
      state,
      thresholds: this.#options.config.config.thresholds,
      retain: false,
      onMigration: (migration) => evidence.push(...evidenceOf(migration)),
      // parsed again when linted again: keeping every file's syntax tree made the heap, and its collection, the cost
      parse: async (index) => parseSqlSync(sources[index]!.text, { file: sources[index]!.file }),
    });
    return { sources, before, findings: result.findings, skipped: result.skipped, evidence };
  }

  #report(
    stretches: readonly Stretch[],
    sources: readonly ScriptSource[],
    only: ReadonlySet<string> | undefined,
  ): Report<LintData> {
    const wanted = (file: string) => only === undefined || only.has(file);
    const findings = stretches.flatMap((stretch) =>
      only === undefined
        ? stretch.findings
        : stretch.findings.filter((f) => isFileLocation(f.location) && wanted(f.location.file)),
    );
    const skipped = new Map(stretches.flatMap((stretch) => stretch.skipped.map((s) => [s.rule, s])));
    const evidence = stretches.flatMap((stretch) => stretch.evidence.filter((s) => wanted(s.file)));
    return createReport({
      version: VERSION,
      command: 'lint',
      findings,
      skipped: [...skipped.values()],
      data: {
        pgVersion: this.#pgVersion,
        files: sources.map((s) => s.file).filter(wanted),
        statements: statementReports(evidence, findings),
        database: this.#database,
        before: [],
      },
    });
  }
}

function sameSource(a: ScriptSource, b: ScriptSource): boolean {
  return (
    a.file === b.file &&
    a.text === b.text &&
    a.transaction === b.transaction &&
    a.sentWhole === b.sentWhole &&
    a.transactionSpan === b.transactionSpan
  );
}
