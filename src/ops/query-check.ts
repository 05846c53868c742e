import { type RuleSet, type RuleSettings, ruleSetOf, type SkippedRule } from '../core/engine.js';
import type { FileLocation, Finding } from '../core/finding.js';
import { DEFAULT_PG_MAJOR } from '../core/pg-major.js';
import type { AnyRule } from '../core/rule.js';
import type { SuppressionsModel } from '../core/suppression.js';
import { applySuppressions, type Suppression } from '../core/suppression.js';
import { type CodeComment, extractSql, type SqlFragment } from '../query/extract.js';
import {
  QUERY_KINDS,
  type QueryKind,
  type QueryModel,
  type QueryOrigin,
  type QueryStatement,
} from '../query/model.js';
import type { QuerySchema } from '../query/schema.js';
import { resolveNames } from '../query/scope.js';
import type { QuerySource } from '../query/sources.js';
import { StatementText } from '../query/text.js';
import { allRules } from '../rules/index.js';
import { loadParser, type ParsedSql, parseSqlSync, type SqlStatement } from '../sql/parser.js';
import { SourceText } from '../sql/source-text.js';

export interface CheckQueriesOptions {
  /** The schema the queries run against; null when none was given. */
  readonly schema: QuerySchema | null;
  /** The rules to run; default: every rule with its defaults. */
  readonly ruleSet?: RuleSet;
  /** @deprecated give `ruleSet` (these two build one when it is absent). */
  readonly settings?: RuleSettings;
  /** @deprecated give `ruleSet`. */
  readonly rules?: readonly AnyRule[];
  /** Default: the schema's server, else DEFAULT_PG_MAJOR. */
  readonly pgVersion?: number;
}

export interface CheckQueriesResult {
  readonly findings: Finding[];
  readonly skipped: SkippedRule[];
  readonly models: QueryModel[];
}

/** A parsed stretch of SQL and the way from its character offsets to the file. */
interface SqlUnit {
  readonly parsed: ParsedSql;
  readonly origin: QueryOrigin;
  toFile(offset: number): FileLocation;
}

/**
 * The query pipeline, file by file: take the SQL out of the file (every statement of a SQL file; the literals of a
 * code file that parse as queries), resolve names against the schema, run the `query` rules (and, on SQL files,
 * the `sql` rules), apply the file's inline ignores, then run the rules about the ignores.
 */
export async function checkQueries(
  sources: readonly QuerySource[],
  options: CheckQueriesOptions,
): Promise<CheckQueriesResult> {
  await loadParser();
  const ruleSet = options.ruleSet ?? ruleSetOf(options.rules ?? allRules, options.settings);
  const knownRules = ruleSet.known;
  const context = {
    pgVersion: options.pgVersion ?? options.schema?.model.snapshot.server.major ?? DEFAULT_PG_MAJOR,
  };
  const findings: Finding[] = [];
  const skipped = new Map<string, SkippedRule>();
  const models: QueryModel[] = [];

  for (const source of sources) {
    const { units, suppressions, codeError, sqlModel } = unitsOf(source);
    const model: QueryModel = {
      file: source.file,
      statements: units.flatMap((unit) => statementsOf(source.file, unit, options.schema)),
      schema: options.schema,
      codeError,
    };
    models.push(model);
    const runs = [ruleSet.run('query', model, context)];
    if (sqlModel) runs.push(ruleSet.run('sql', sqlModel, context));
    for (const run of runs) for (const s of run.skipped) skipped.set(s.rule, s);
    const { kept, unused } = applySuppressions(
      runs.flatMap((run) => run.findings),
      suppressions,
    );
    findings.push(...kept);
    const ran = new Set(runs.flatMap((run) => run.ran));
    const suppressionsModel: SuppressionsModel = {
      file: source.file,
      suppressions,
      unused: unused.filter(({ rule }) => ran.has(rule) || !knownRules.has(rule)),
      knownRules,
    };
    findings.push(...ruleSet.run('suppressions', suppressionsModel, context).findings);
  }
  return { findings, skipped: [...skipped.values()], models };
}

function unitsOf(source: QuerySource): {
  units: SqlUnit[];
  suppressions: Suppression[];
  codeError: QueryModel['codeError'];
  sqlModel: ParsedSql | null;
} {
  if (source.kind === 'sql') {
    const parsed = parseSqlSync(source.text, { file: source.file });
    const origin: QueryOrigin = { kind: source.file === '<sql>' ? 'command-line' : 'sql-file' };
    const unit: SqlUnit = {
      parsed,
      origin,
      toFile: (offset) => {
        const { line, column } = parsed.source.positionAt(offset);
        return { file: source.file, line, column };
      },
    };
    return { units: [unit], suppressions: [...parsed.suppressions], codeError: null, sqlModel: parsed };
  }
  const extraction = extractSql(source.text, source.file);
  if (extraction.error) {
    const { message, line, column } = extraction.error;
    return {
      units: [],
      suppressions: [],
      codeError: { message, location: { file: source.file, line, column } },
      sqlModel: null,
    };
  }
  const code = new SourceText(source.text);
  const units: SqlUnit[] = [];
  const suppressions: Suppression[] = [];
  for (const fragment of extraction.fragments) {
    const parsed = parseSqlSync(fragment.sql, { file: source.file });
    // only literals that are queries: they parse, and every statement is a SELECT, INSERT, UPDATE, DELETE or MERGE
    if (parsed.syntaxErrors.length > 0 || parsed.statements.length === 0) continue;
    if (!parsed.statements.every((s) => (QUERY_KINDS as readonly string[]).includes(s.kind))) continue;
    const unit = codeUnit(source.file, code, fragment, parsed);
    units.push(unit);
    suppressions.push(...mapSuppressions(parsed, unit));
  }
  suppressions.push(...codeSuppressions(source.file, code, extraction.comments, units));
  return { units, suppressions, codeError: null, sqlModel: null };
}

function codeUnit(file: string, code: SourceText, fragment: SqlFragment, parsed: ParsedSql): SqlUnit {
  return {
    parsed,
    origin: { kind: 'code', literal: fragment.literal, tag: fragment.tag, parameters: fragment.parameters },
    toFile: (offset) => {
      const at = fragment.offsets[Math.max(0, Math.min(offset, fragment.offsets.length - 1))]!;
      const { line, column } = code.positionAt(at);
      return { file, line, column };
    },
  };
}

function statementsOf(file: string, unit: SqlUnit, schema: QuerySchema | null): QueryStatement[] {
  return unit.parsed.statements
    .filter((s): s is SqlStatement & { kind: QueryKind } =>
      (QUERY_KINDS as readonly string[]).includes(s.kind),
    )
    .map((statement) => {
      const startByte = Buffer.byteLength(unit.parsed.source.text.slice(0, statement.start.offset), 'utf8');
      const sql = new StatementText(statement.text, startByte - statement.astOffset);
      return {
        file,
        origin: unit.origin,
        kind: statement.kind,
        ast: statement.ast,
        sql,
        location: unit.toFile(statement.start.offset),
        locate: (location) => unit.toFile(statement.start.offset + (sql.offsetOf(location) ?? 0)),
        locateOffset: (offset) => unit.toFile(statement.start.offset + offset),
        names: resolveNames(statement.ast, schema),
      };
    });
}

/** `-- pgwarden-ignore` comments inside the SQL of a literal, moved to the code file's lines. */
function mapSuppressions(parsed: ParsedSql, unit: SqlUnit): Suppression[] {
  const lineAt = (line: number) => unit.toFile(parsed.source.lineStart(line));
  return parsed.suppressions.map((s) => {
    const at = unit.toFile(parsed.source.lineStart(s.location.line) + s.location.column - 1);
    const nextLine = parsed.source.lineStart(s.scope.toLine + 1);
    const end = s.scope.toLine >= parsed.source.lineCount ? parsed.source.text.length : nextLine - 1;
    return {
      ...s,
      location: at,
      scope: {
        ...s.scope,
        file: at.file,
        fromLine: lineAt(s.scope.fromLine).line,
        toLine: unit.toFile(end).line,
      },
    };
  });
}

const CODE_IGNORE = /^\s*pgwarden-ignore(?=\s|$)(.*?)\s*$/s;

/**
 * `// pgwarden-ignore rule: reason` (or a block comment) on the line before a literal covers that literal's lines;
 * at the end of a literal's last line, it covers that literal.
 */
function codeSuppressions(
  file: string,
  code: SourceText,
  comments: readonly CodeComment[],
  units: readonly SqlUnit[],
): Suppression[] {
  const spans = units.map((unit) => {
    const first = unit.toFile(0);
    const last = unit.toFile(unit.parsed.source.text.length);
    return { from: first.line, to: last.line };
  });
  const out: Suppression[] = [];
  for (const comment of comments) {
    const match = CODE_IGNORE.exec(comment.text);
    if (!match) continue;
    const body = match[1]!;
    const colon = body.indexOf(':');
    const rules = (colon >= 0 ? body.slice(0, colon) : body)
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const reason = colon >= 0 ? body.slice(colon + 1).trim() : '';
    const start = code.positionAt(comment.start);
    const end = code.positionAt(comment.end);
    const below = spans.find((s) => s.from === end.line + 1);
    const trailing = spans.find((s) => s.to === start.line && s.from <= start.line);
    const target = below ?? trailing;
    out.push({
      rules,
      reason: reason.length > 0 ? reason : null,
      location: { file, line: start.line, column: start.column },
      scope: {
        file,
        fromLine: target?.from ?? end.line + 1,
        toLine: target?.to ?? end.line + 1,
        objects: [],
      },
    });
  }
  return out;
}
