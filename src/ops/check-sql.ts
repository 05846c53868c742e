import { type RuleSet, type RuleSettings, ruleSetOf, type SkippedRule } from '../core/engine.js';
import type { Finding } from '../core/finding.js';
import type { AnyRule } from '../core/rule.js';
import type { SuppressionsModel } from '../core/suppression.js';
import { applySuppressions } from '../core/suppression.js';
import { columnsFromSql } from '../lint/columns.js';
import { analyzeMigration, type MigrationModel, wantsNoTransaction } from '../lint/migration-model.js';
import { SchemaState } from '../lint/schema-state.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../lint/thresholds.js';
import type { MigrationScript } from '../migrate/files.js';
import { noTransactionLine } from '../migrate/layouts.js';
import { RULE_IDS } from '../rules/ids.js';
import { lintRules } from '../rules/lint-rules.js';
import type { SqlSource } from '../sql/files.js';
import { loadParser, type ParsedSql, parseSqlSync } from '../sql/parser.js';

/** A SQL script to check; `transaction: false` when it runs outside the runner's transaction. */
export interface ScriptSource extends SqlSource {
  readonly transaction?: boolean;
  /** Outside the runner's transaction, its runner still sends it as one string (see MigrationScript.sentWhole). */
  readonly sentWhole?: boolean;
  /** What the runner's transaction covers (see MigrationScript.transactionSpan). */
  readonly transactionSpan?: MigrationScript['transactionSpan'];
  /** The whole file, when `text` is one section of it (positions are the same: other sections are blanked). */
  readonly fileText?: string;
  /** Where it belongs, when it was read from a migrations folder. */
  readonly migration?: MigrationScript['migration'];
  /** See MigrationScript.runnerCuts. */
  readonly runnerCuts?: MigrationScript['runnerCuts'];
  /** See MigrationScript.implicitTransaction. */
  readonly implicitTransaction?: boolean;
}

export interface CheckSqlOptions {
  readonly pgVersion: number;
  /** The rules to run; default: every rule with its defaults. */
  readonly ruleSet?: RuleSet;
  /** @deprecated give `ruleSet` (these two build one when it is absent). */
  readonly settings?: RuleSettings;
  /** @deprecated give `ruleSet`. */
  readonly rules?: readonly AnyRule[];
  /** The schema before the first script (from --db); scripts update it in order. */
  readonly state?: SchemaState;
  readonly thresholds?: Thresholds;
  /**
   * Keep every script's parsed SQL and migration model in the result (default true). Without, each is let go
   * once its rules ran (a long history need not be held in memory); `onMigration` sees each model before.
   */
  readonly retain?: boolean;
  readonly onMigration?: (migration: MigrationModel) => void;
  /** Where the parsed scripts come from (a pool of parse workers); default: parsed here, one after the other. */
  readonly parse?: (index: number) => Promise<ParsedSql>;
}

export interface CheckSqlResult {
  readonly findings: Finding[];
  readonly skipped: SkippedRule[];
  /** Empty unless `retain`. */
  readonly parsed: ParsedSql[];
  /** Empty unless `retain`. */
  readonly migrations: MigrationModel[];
}

/**
 * The SQL pipeline: for each script, in order, parse it and run the rules of every model built from it — the
 * parsed SQL, the migration (statements with their locks on the target version, transactions, timeouts) and the
 * columns it declares — then apply the file's inline ignores and run the rules about the ignores themselves.
 */
export async function checkSql(
  sources: readonly ScriptSource[],
  options: CheckSqlOptions,
): Promise<CheckSqlResult> {
  if (!options.parse) await loadParser();
  const ruleSet =
    options.ruleSet ??
    ruleSetOf(options.rules ?? lintRules, options.settings, options.rules ? undefined : RULE_IDS);
  const knownRules = ruleSet.known;
  const state = options.state ?? new SchemaState();
  const findings: Finding[] = [];
  const skipped = new Map<string, SkippedRule>();
  const parsed: ParsedSql[] = [];
  const migrations: MigrationModel[] = [];
  const context = { pgVersion: options.pgVersion };
  const retain = options.retain ?? true;

  for (const [index, source] of sources.entries()) {
    const model = options.parse
      ? await options.parse(index)
      : parseSqlSync(source.text, { file: source.file });
    const migration = analyzeMigration(model, {
      pgVersion: options.pgVersion,
      // a plain file says so itself when it runs without a transaction (`-- pgwarden:no-transaction`)
      runnerTransaction: source.transaction ?? !wantsNoTransaction(source.text),
      sentWhole: source.sentWhole ?? false,
      ...(source.transactionSpan ? { runnerTransactionSpan: source.transactionSpan } : {}),
      ...(source.migration ? { noTransactionLine: noTransactionLine(source.migration.layout) } : {}),
      ...(source.runnerCuts ? { runnerCuts: source.runnerCuts } : {}),
      ...(source.implicitTransaction ? { implicitTransaction: true } : {}),
      state,
      thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    });
    if (retain) {
      parsed.push(model);
      migrations.push(migration);
    }
    options.onMigration?.(migration);
    const runs = [
      ruleSet.run('sql', model, context),
      ruleSet.run('migration', migration, context),
      ruleSet.run('columns', columnsFromSql(model), context),
    ];
    const fileFindings = runs.flatMap((run) => run.findings);
    for (const run of runs) for (const s of run.skipped) skipped.set(s.rule, s);
    const { kept, unused } = applySuppressions(fileFindings, model.suppressions);
    findings.push(...kept);
    const ran = new Set(runs.flatMap((run) => run.ran));
    // An ignore for a rule that did not run here (disabled, other PostgreSQL version, other kind of model) is not
    // known to be stale; an ignore for an unknown rule always is.
    const suppressionsModel: SuppressionsModel = {
      file: source.file,
      suppressions: model.suppressions,
      unused: unused.filter(({ rule }) => ran.has(rule) || !knownRules.has(rule)),
      knownRules,
    };
    findings.push(...ruleSet.run('suppressions', suppressionsModel, context).findings);
  }
  return { findings, skipped: [...skipped.values()], parsed, migrations };
}
