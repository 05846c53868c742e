import type { RuleSetting } from './config.js';
import { PgwardenError } from './errors.js';
import type { Finding, RuleLevel, Severity } from './finding.js';
import type { AnyRule, ModelKind, Privilege } from './rule.js';
import { appliesToVersion, versionRangeText } from './rule.js';
import { closest } from './suggest.js';

export interface ResolvedRuleSetting {
  /** Explicitly configured level; undefined means each finding keeps its own severity. */
  readonly level: RuleLevel | undefined;
  readonly options: unknown;
}

export type RuleSettings = ReadonlyMap<string, ResolvedRuleSetting>;

/**
 * Checks the `rules` section of a config against the registry: unknown ids and bad options are config errors.
 * `shared` holds project-wide values (the config's `thresholds`): a rule option of the same name takes it, unless
 * the rule's own setting gives that option — one source of truth, with a per-rule override of the same key.
 */
export function resolveRuleSettings(
  configured: Readonly<Record<string, RuleSetting>>,
  registry: readonly AnyRule[],
  shared: Readonly<Record<string, unknown>> = {},
  known: readonly string[] = registry.map((rule) => rule.id),
): RuleSettings {
  const byId = new Map(registry.map((rule) => [rule.id, rule]));
  const settings = new Map<string, ResolvedRuleSetting>();
  for (const [id, setting] of Object.entries(configured)) {
    const rule = byId.get(id);
    // a rule this command does not run (lint loads its own): its options are checked where it runs
    if (!rule && known.includes(id)) continue;
    if (!rule) {
      const suggestion = closest(id, [...known]);
      throw new PgwardenError('config', `rules: unknown rule "${id}"`, {
        hint: suggestion
          ? `did you mean "${suggestion}"? (pgwarden rules lists them all)`
          : 'pgwarden rules lists them all',
      });
    }
    const { level, options } = normalizeSetting(setting);
    try {
      rule.parseOptions(options);
    } catch (error) {
      throw new PgwardenError('config', `rules: "${id}": invalid options: ${describeOptionsError(error)}`, {
        hint: `see ${rule.docsPath} for the options this rule accepts`,
      });
    }
    settings.set(id, { level, options });
  }
  for (const rule of registry) {
    const defaults = rule.defaultOptions() as Record<string, unknown>;
    const keys = Object.keys(shared).filter((key) => key in defaults);
    if (keys.length === 0) continue;
    const current = settings.get(rule.id);
    const own = (current?.options ?? {}) as Record<string, unknown>;
    settings.set(rule.id, {
      level: current?.level,
      options: { ...Object.fromEntries(keys.map((key) => [key, shared[key]])), ...own },
    });
  }
  return settings;
}

function normalizeSetting(setting: RuleSetting): { level: RuleLevel | undefined; options: unknown } {
  if (typeof setting === 'string') return { level: setting, options: undefined };
  if (Array.isArray(setting)) return { level: setting[0], options: setting[1] };
  const object = setting as { level?: RuleLevel; options?: Record<string, unknown> };
  return { level: object.level, options: object.options };
}

function describeOptionsError(error: unknown): string {
  if (error && typeof error === 'object' && 'issues' in error && Array.isArray(error.issues)) {
    const issue = error.issues[0] as { path: PropertyKey[]; message: string };
    return `${issue.path.map(String).join('.') || '(options)'}: ${issue.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface Capabilities {
  readonly privileges: ReadonlySet<Privilege>;
  readonly extensions: ReadonlySet<string>;
}

export interface SkippedRule {
  readonly rule: string;
  readonly reason: string;
}

export interface RuleRun {
  readonly findings: Finding[];
  readonly skipped: SkippedRule[];
  /** Ids of the rules that ran. */
  readonly ran: string[];
}

export interface RunRulesInput<M> {
  readonly rules: readonly AnyRule[];
  readonly kind: ModelKind;
  readonly model: M;
  readonly pgVersion: number;
  readonly settings?: RuleSettings;
  /** Known only on a live database; without it, privilege and extension requirements are assumed met. */
  readonly capabilities?: Capabilities;
}

/** What a run knows of the database the model came from. */
export interface RunContext {
  /** The PostgreSQL major the model is checked for: rules outside their `pgVersions` are skipped. */
  readonly pgVersion: number;
  /** Known only on a live database; without it, privilege and extension requirements are assumed met. */
  readonly capabilities?: Capabilities;
}

/**
 * The rules an operation runs, with the project's settings for them, resolved once (an unknown rule id or bad
 * options is a config error here, before any work). Operations are handed a rule set; they do not pick rules.
 */
export interface RuleSet {
  /** Every rule of the set, enabled or not. */
  readonly rules: readonly AnyRule[];
  readonly settings: RuleSettings;
  /** The ids of the rules of the set: an inline ignore that names another id is stale. */
  readonly known: ReadonlySet<string>;
  /** Runs every enabled rule that reads `kind` on one model. */
  run<M>(kind: ModelKind, model: M, context: RunContext): RuleRun;
}

/** The rule set of a config: `rules` with the levels and options of its `rules` section. */
export function createRuleSet(
  rules: readonly AnyRule[],
  config: {
    readonly rules?: Readonly<Record<string, RuleSetting>>;
    /** Table sizes every rule option of the same name reads (`thresholds.largeTableRows` …). */
    readonly thresholds?: Readonly<Record<string, unknown>>;
  } = {},
  /** Every rule id pgwarden knows, when `rules` are only some (rules/ids.ts): neither unknown nor run. */
  known?: readonly string[],
): RuleSet {
  return ruleSetOf(
    rules,
    resolveRuleSettings(config.rules ?? {}, rules, config.thresholds ?? {}, known),
    known,
  );
}

/** A rule set from settings already resolved against `rules`. */
export function ruleSetOf(
  rules: readonly AnyRule[],
  settings: RuleSettings = new Map(),
  known: readonly string[] = rules.map((rule) => rule.id),
): RuleSet {
  // a run's plan (which rules run, with which options) depends only on these: a history of thousands of files
  // runs the same few plans thousands of times
  const plans = new Map<string, RulePlan>();
  const plansWith = new WeakMap<Capabilities, Map<string, RulePlan>>();
  return Object.freeze({
    rules,
    settings,
    known: new Set(known),
    run: <M>(kind: ModelKind, model: M, context: RunContext) => {
      let cache = plans;
      if (context.capabilities) {
        cache = plansWith.get(context.capabilities) ?? new Map();
        plansWith.set(context.capabilities, cache);
      }
      const key = `${kind} ${context.pgVersion}`;
      let plan = cache.get(key);
      if (!plan) {
        plan = planRun({ rules, kind, settings, ...context });
        cache.set(key, plan);
      }
      return runPlan(plan, model, context.pgVersion);
    },
  });
}

/** Which rules of a run run, with their parsed options and configured level, and which are skipped and why. */
interface RulePlan {
  readonly runs: readonly {
    readonly rule: AnyRule;
    readonly options: unknown;
    readonly configured: Severity | undefined;
  }[];
  readonly skipped: readonly SkippedRule[];
  readonly ran: readonly string[];
}

function planRun(input: Omit<RunRulesInput<unknown>, 'model'>): RulePlan {
  const runs: RulePlan['runs'][number][] = [];
  const skipped: SkippedRule[] = [];
  for (const rule of input.rules) {
    if (rule.model !== input.kind) continue;
    const setting = input.settings?.get(rule.id);
    if (setting?.level === 'off') continue;
    if (!appliesToVersion(rule.pgVersions, input.pgVersion)) {
      skipped.push({
        rule: rule.id,
        reason: `applies to ${versionRangeText(rule.pgVersions)}; the target is PostgreSQL ${input.pgVersion}`,
      });
      continue;
    }
    const missing = missingRequirements(rule, input.capabilities);
    if (missing) {
      skipped.push({ rule: rule.id, reason: missing });
      continue;
    }
    runs.push({
      rule,
      // one options object serves every model of the run: frozen, a rule that changed it would fail, not leak
      options: deepFreeze(rule.parseOptions(setting?.options)),
      configured: setting?.level as Severity | undefined,
    });
  }
  return { runs, skipped, ran: runs.map((run) => run.rule.id) };
}

/** Freezes plain objects and arrays, and what they hold (a RegExp or a Set keeps its own state, so is left alone). */
function deepFreeze<T>(value: T): T {
  const plain =
    Array.isArray(value) ||
    (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype);
  if (plain && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Runs every enabled rule that reads `kind` on one model. */
export function runRules<M>(input: RunRulesInput<M>): RuleRun {
  return runPlan(planRun(input), input.model, input.pgVersion);
}

function runPlan(plan: RulePlan, model: unknown, pgVersion: number): RuleRun {
  const findings: Finding[] = [];
  for (const { rule, options, configured } of plan.runs) {
    try {
      rule.check({
        model,
        options,
        pgVersion,
        report: (issue) => {
          findings.push({
            rule: rule.id,
            severity: configured ?? issue.severity ?? rule.defaultSeverity,
            message: issue.message,
            location: issue.location,
            fix: issue.fix ?? null,
            docs: rule.docsPath,
            ...(issue.impact ? { impact: issue.impact } : {}),
            ...(issue.evidence ? { evidence: issue.evidence } : {}),
          });
        },
      });
    } catch (error) {
      throw new PgwardenError(
        'internal',
        `rule ${rule.id} failed: ${(error as Error)?.message ?? String(error)}`,
        {
          cause: error,
          hint: 'this is a bug in pgwarden; run with --debug and report the stack trace',
        },
      );
    }
  }
  return { findings, skipped: [...plan.skipped], ran: [...plan.ran] };
}

function missingRequirements(rule: AnyRule, capabilities: Capabilities | undefined): string | null {
  if (!capabilities || !rule.requires) return null;
  const privileges = (rule.requires.privileges ?? []).filter((p) => !capabilities.privileges.has(p));
  if (privileges.length > 0) return `needs ${privileges.join(' or ')} on the database`;
  const extensions = (rule.requires.extensions ?? []).filter((e) => !capabilities.extensions.has(e));
  if (extensions.length > 0)
    return `needs the extension${extensions.length > 1 ? 's' : ''} ${extensions.join(', ')}`;
  return null;
}
