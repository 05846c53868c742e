import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { createRuleSet, type RuleSet } from '../core/engine.js';
import { PgwardenError } from '../core/errors.js';
import { type Finding, isFileLocation } from '../core/finding.js';
import { DEFAULT_PG_MAJOR } from '../core/pg-major.js';
import { createReport, type Report } from '../core/report.js';
import { VERSION } from '../core/version.js';
import { SchemaState } from '../lint/schema-state.js';
import { WatchedMigrationFolder } from '../migrate/files.js';
import { RULE_IDS } from '../rules/ids.js';
import { lintRules } from '../rules/lint-rules.js';
import { FileTextCache } from '../sql/files.js';
import { loadParser, parseSqlSync } from '../sql/parser.js';
import { checkSql, type ScriptSource } from './check-sql.js';
import {
  evidenceOf,
  type LintData,
  type LintOptions,
  lintSources,
  lintTarget,
  looseSqlSources,
  type StatementEvidence,
  scriptOf,
  statementReports,
} from './lint.js';

/** Files per stretch: a changed file is re-linted with at most this many before it, from the schema saved there. */
const STRETCH = 16;
/**
 * The newest files, where edits happen, are a stretch each: an edit of the newest migration re-lints it alone. The
 * schema saved before each is a copy more on the first run (about 2 ms each at the end of 2,000 migrations, whose
 * first run takes about 2 s).
 */
const TAIL = 8;

interface Stretch {
  /** The index of its first source. */
  readonly start: number;
  /** The sources it covers, as they were linted. */
  readonly sources: readonly ScriptSource[];
  /** The schema before its first file (a copy: the stretches after it change the live one). */
  readonly before: SchemaState;
  readonly findings: readonly Finding[];
  readonly skipped: readonly { rule: string; reason: string }[];
  readonly evidence: readonly StatementEvidence[];
}

/** One given path: what it gave the last run, and how it is read again. */
type Input =
  | {
      readonly path: string;
      readonly kind: 'migrations';
      readonly folder: WatchedMigrationFolder;
      readonly sources: readonly ScriptSource[];
    }
  | { readonly path: string; readonly kind: 'file' | 'folder'; readonly sources: readonly ScriptSource[] };

/** What one run of a session did, and the report it ends with. */
export interface LintRun {
  /** The files whose text changed (or that are new) since the last run; every file on the first run. */
  readonly changed: readonly string[];
  /** Every file was checked for changes (false: only those the hint named were read again). */
  readonly readAll: boolean;
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
 * each file's findings, and the schema as it stood every STRETCH files (before each of the TAIL newest). A change
 * re-lints from the stretch of the first changed file on; the files before it keep their findings. With the
 * watcher's hint, a run reads again only the files it names (see run()). A migration's findings depend
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
  /** The files each stretch's findings and statements name (gathered for a report of some files). */
  readonly #named = new WeakMap<Stretch, ReadonlySet<string>>();
  /** The sources the stretches cover, in order. */
  #linted: readonly ScriptSource[] = [];
  /** Each file's text as last read: a run reads again only the files saved since. */
  readonly #files = new FileTextCache();
  /** The given migrations folders, by path: each keeps what it last read. */
  readonly #folders = new Map<string, WatchedMigrationFolder>();
  /** What each given path gave the last run. */
  #inputs: Input[] = [];
  /** The SQL given as text, as linted. */
  #given: ScriptSource[] | undefined;
  /** The last run completed: what it read can be reused on a hint. */
  #trusted = false;

  constructor(options: LintSessionOptions) {
    this.#options = options;
  }

  /**
   * Lints every file the first time, then only from the first that changed. Every run lists the given folders and
   * checks every file, unless `hint.changed` names the files whose contents changed since the last run began (a
   * file watcher's 'change' events) and nothing else changed: no file added, removed or renamed. Then only those
   * are read again, and the rest of what the last run read is reused. A hint the session cannot vouch for (a
   * file it does not read as a migration, a runner's settings file, a text that changes the layout, a folder
   * whose names changed, the run before failed) is ignored: the run reads everything, as without one.
   */
  async run(hint?: { readonly changed?: readonly string[] }): Promise<LintRun> {
    const started = performance.now();
    await this.#prepare();
    const trusted = this.#trusted;
    this.#trusted = false;
    const reread = trusted && hint?.changed ? this.#reread(hint.changed) : undefined;
    const inputs = reread ?? (await this.#readAll());
    this.#given ??= (this.#options.sources ?? []).map((s) => (s.transaction === undefined ? scriptOf(s) : s));
    const sources = [...inputs.flatMap((input) => input.sources), ...this.#given];
    if (sources.length === 0) throw new PgwardenError('input', 'nothing to lint');
    const first = this.#firstChange(sources);
    const changed = this.#changedFrom(first, sources);
    const keep = this.#stretchOf(first);
    // the schema before the first stretch to lint again: saved with it, or, when every file before is as it was
    // and the change starts a stretch of its own (files added), the schema the last run ended with
    const kept = this.#stretches[keep];
    const saved = kept ? kept.before : this.#end;
    const from = kept ? kept.start : first;
    // saved schemas are never changed: nothing to lint (files removed at the end) ends on one as it is
    const state = !saved ? this.#initialState() : from < sources.length ? saved.copy() : saved;
    this.#stretches = this.#stretches.slice(0, keep);
    try {
      for (let start = from; start < sources.length; ) {
        // stretches of STRETCH files, then the last TAIL files one by one
        const end =
          sources.length - start > TAIL ? Math.min(start + STRETCH, sources.length - TAIL) : start + 1;
        // the first stretch starts from the saved schema itself: one copy less
        const before = start === from ? saved : undefined;
        this.#stretches.push(await this.#lint(start, sources.slice(start, end), state, before));
        start = end;
      }
    } catch (error) {
      // the stretches no longer end where the saved end schema is: the next run starts over
      this.#stretches = [];
      this.#linted = [];
      this.#end = undefined;
      throw error;
    }
    this.#linted = sources;
    this.#end = state;
    this.#inputs = inputs;
    this.#trusted = true;
    const stretches = this.#stretches;
    return {
      changed,
      readAll: reread === undefined,
      relinted: sources.length - from,
      ms: performance.now() - started,
      files: sources.length,
      findings: stretches.reduce((sum, stretch) => sum + stretch.findings.length, 0),
      report: (only) => this.#report(stretches, sources, only),
    };
  }

  async #prepare(): Promise<void> {
    if (this.#ruleSet) return;
    const options = this.#options;
    this.#ruleSet = options.ruleSet ?? createRuleSet(lintRules, options.config.config, RULE_IDS);
    const target = await lintTarget(options);
    this.#initial = target.state;
    this.#pgVersion = target.pgVersion;
    this.#database = target.database;
    await loadParser();
  }

  /** Every given path read (files unchanged since the last run taken from the cache), as a cold lint reads them. */
  async #readAll(): Promise<Input[]> {
    const inputs: Input[] = [];
    for (const path of this.#options.paths ?? []) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) {
        const folder = this.#folders.get(path) ?? new WatchedMigrationFolder(path, { cache: this.#files });
        this.#folders.set(path, folder);
        const { migrations } = await folder.read();
        inputs.push(
          migrations.length > 0
            ? { path, kind: 'migrations', folder, sources: migrations.map((m) => m.up) }
            : { path, kind: 'folder', sources: await looseSqlSources(path, this.#files) },
        );
        continue;
      }
      // a file, or no such path (lintSources says so, as a cold lint does)
      inputs.push({ path, kind: 'file', sources: await lintSources([path], this.#files) });
    }
    return inputs;
  }

  /**
   * The inputs with only `changed` read again, or undefined when that might not give what #readAll() would: a
   * file no input reads (unknown, or a runner's settings file), a file in a folder of loose SQL files, anything
   * a migrations folder cannot vouch for (WatchedMigrationFolder.reread).
   */
  #reread(changed: readonly string[]): Input[] | undefined {
    const files = new Set(changed.map((file) => resolve(file)));
    const claimed = new Set<string>();
    const inputs: Input[] = [];
    for (const input of this.#inputs) {
      const root = resolve(input.path);
      const mine = [...files].filter((file) => file === root || file.startsWith(root + sep));
      for (const file of mine) claimed.add(file);
      if (mine.length === 0) inputs.push(input);
      else if (input.kind === 'migrations') {
        const folder = input.folder.reread(mine);
        if (!folder) return undefined;
        inputs.push({ ...input, sources: folder.migrations.map((m) => m.up) });
      } else if (input.kind === 'file' && mine[0] === root) {
        // a migration given on its own is read as its folder's runner reads it: read again the whole way
        if (input.sources.some((source) => source.migration)) return undefined;
        try {
          inputs.push({
            ...input,
            sources: [scriptOf({ file: input.path, text: this.#files.reread(input.path) })],
          });
        } catch {
          return undefined;
        }
      } else return undefined;
    }
    return claimed.size === files.size ? inputs : undefined;
  }

  /** The stretch that holds source `index`: the first to lint again when it changed (past the last: none). */
  #stretchOf(index: number): number {
    const stretches = this.#stretches;
    let k = stretches.length;
    while (k > 0 && stretches[k - 1]!.start + stretches[k - 1]!.sources.length > index) k--;
    return k;
  }

  /** Index of the first source that differs from the last run's (in text, name or how it runs). */
  #firstChange(sources: readonly ScriptSource[]): number {
    const before = this.#linted;
    const n = Math.min(before.length, sources.length);
    for (let i = 0; i < n; i++) if (!sameSource(before[i]!, sources[i]!)) return i;
    return n;
  }

  /** The files, from source `first` on, whose text is new: changed, or not linted by the last run. */
  #changedFrom(first: number, sources: readonly ScriptSource[]): string[] {
    const before = this.#linted;
    let textBefore: Map<string, string> | undefined;
    const changed: string[] = [];
    for (let i = first; i < sources.length; i++) {
      const { file, text } = sources[i]!;
      // the file where it was (the usual case), else wherever it was
      if (before[i]?.file === file) {
        if (before[i]!.text !== text) changed.push(file);
        continue;
      }
      textBefore ??= new Map(before.map((s) => [s.file, s.text]));
      if (textBefore.get(file) !== text) changed.push(file);
    }
    return changed;
  }

  #initialState(): SchemaState {
    return this.#initial?.copy() ?? new SchemaState();
  }

  /** Lints `sources` (from index `start`) on `state`; `before` is a schema equal to `state` that nothing changes. */
  async #lint(
    start: number,
    sources: readonly ScriptSource[],
    state: SchemaState,
    before: SchemaState = state.copy(),
  ): Promise<Stretch> {
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
    return { start, sources, before, findings: result.findings, skipped: result.skipped, evidence };
  }

  #report(
    stretches: readonly Stretch[],
    sources: readonly ScriptSource[],
    only: ReadonlySet<string> | undefined,
  ): Report<LintData> {
    const wanted = (file: string) => only === undefined || only.has(file);
    // of some files: only the stretches that name one of them (each stretch's names gathered once)
    const named = (stretch: Stretch) => {
      let names = this.#named.get(stretch);
      if (!names) {
        const files = new Set(stretch.evidence.map((s) => s.file));
        for (const f of stretch.findings) if (isFileLocation(f.location)) files.add(f.location.file);
        this.#named.set(stretch, files);
        names = files;
      }
      return names;
    };
    const some =
      only === undefined
        ? stretches
        : stretches.filter((stretch) => [...only].some((file) => named(stretch).has(file)));
    const findings = some.flatMap((stretch) =>
      only === undefined
        ? stretch.findings
        : stretch.findings.filter((f) => isFileLocation(f.location) && wanted(f.location.file)),
    );
    const skipped = new Map(stretches.flatMap((stretch) => stretch.skipped.map((s) => [s.rule, s])));
    const evidence = some.flatMap((stretch) => stretch.evidence.filter((s) => wanted(s.file)));
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
    a === b ||
    (a.file === b.file &&
      a.text === b.text &&
      a.transaction === b.transaction &&
      a.sentWhole === b.sentWhole &&
      a.transactionSpan === b.transactionSpan &&
      a.implicitTransaction === b.implicitTransaction &&
      a.migration?.layout === b.migration?.layout &&
      (a.runnerCuts ?? []).join() === (b.runnerCuts ?? []).join())
  );
}
