import type { z } from 'zod';
import type { Impact, Location, ObjectKind, Severity } from './finding.js';

export const RULE_CATEGORIES = [
  'sql',
  'migration',
  'schema',
  'query',
  'plan',
  'health',
  'security',
  'log',
  'advise',
] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

/** What a rule reads. The source layer builds each model once; every rule of that kind reads it. */
export const MODEL_KINDS = [
  'sql',
  'suppressions',
  'migration',
  'columns',
  'trace',
  'reversibility',
  'catalog',
  'query',
  'plan',
  'history',
  'health',
  'security',
  'log',
  'workload',
  'pitr',
  'tune',
] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Privileges a rule may need on a live database; the engine skips the rule (and says why) without them. */
export type Privilege = 'superuser' | 'pg_monitor' | 'pg_read_all_stats' | 'pg_read_all_settings';

export interface RuleDocs {
  /** Why it matters: the harm, in a DBA's words. */
  readonly why: string;
  /** How to fix it, with the safe recipe. */
  readonly howToFix: string;
  readonly examples?: { readonly bad?: string; readonly good?: string };
}

export interface PgVersionRange {
  readonly min?: number;
  readonly max?: number;
}

export interface ReportInput {
  readonly message: string;
  readonly location: Location;
  readonly fix?: string | null;
  /** Overrides the rule's default severity for this finding (a user-configured level still wins). */
  readonly severity?: Severity;
  /** Estimated time a fix saves (plan findings). */
  readonly impact?: Impact;
  /** The figures behind the finding (plan findings: the node and its fields). */
  readonly evidence?: Readonly<Record<string, unknown>>;
}

export interface RuleContext<M, O> {
  readonly model: M;
  readonly options: O;
  /** PostgreSQL major the findings are for. */
  readonly pgVersion: number;
  report(input: ReportInput): void;
}

// biome-ignore lint/suspicious/noExplicitAny: option schemas vary per rule; each rule keeps its own precise type
type OptionsSchema<O> = z.ZodType<O, any>;

export interface RuleSpec<M, O extends object = Record<string, never>> {
  /** `category/kebab-name`; equals the rule's file path under src/rules and its docs page. */
  readonly id: string;
  readonly category: RuleCategory;
  readonly model: ModelKind;
  readonly defaultSeverity: Severity;
  /** One line, imperative or descriptive, no trailing period. */
  readonly summary: string;
  readonly docs: RuleDocs;
  /** PostgreSQL majors the rule applies to; omitted bounds are open. */
  readonly pgVersions?: PgVersionRange;
  readonly requires?: { readonly privileges?: readonly Privilege[]; readonly extensions?: readonly string[] };
  /** Zod object whose every field has a default, so `{}` parses to the defaults. */
  readonly options?: OptionsSchema<O>;
  /** The object kinds it reports on, for the docs. */
  readonly reportsOn?: readonly ObjectKind[] | 'file';
  check(context: RuleContext<M, O>): void;
}

export interface Rule<M = unknown, O extends object = Record<string, unknown>> extends RuleSpec<M, O> {
  readonly docsPath: string;
  defaultOptions(): O;
  parseOptions(input: unknown): O;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds rules of every model and option type
export type AnyRule = Rule<any, any>;

const RULE_ID = /^[a-z]+\/[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function ruleDocsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

export function defineRule<M, O extends object = Record<string, never>>(spec: RuleSpec<M, O>): Rule<M, O> {
  if (!RULE_ID.test(spec.id)) throw new Error(`rule id "${spec.id}" is not category/kebab-name`);
  if (!spec.id.startsWith(`${spec.category}/`)) {
    throw new Error(`rule id "${spec.id}" must start with its category "${spec.category}/"`);
  }
  const parseOptions = (input: unknown): O => {
    if (!spec.options) {
      if (input && typeof input === 'object' && Object.keys(input).length > 0) {
        throw new Error(`rule ${spec.id} takes no options`);
      }
      return {} as O;
    }
    return spec.options.parse(input ?? {});
  };
  return Object.freeze({
    ...spec,
    docsPath: ruleDocsPath(spec.id),
    defaultOptions: () => parseOptions({}),
    parseOptions,
  });
}

export function versionRangeText(range: PgVersionRange | undefined): string {
  if (!range || (range.min === undefined && range.max === undefined)) return 'all supported versions (13–18)';
  if (range.min !== undefined && range.max !== undefined) return `PostgreSQL ${range.min} to ${range.max}`;
  if (range.min !== undefined) return `PostgreSQL ${range.min} and later`;
  return `PostgreSQL ${range.max} and earlier`;
}

export function appliesToVersion(range: PgVersionRange | undefined, major: number): boolean {
  if (!range) return true;
  if (range.min !== undefined && major < range.min) return false;
  if (range.max !== undefined && major > range.max) return false;
  return true;
}
