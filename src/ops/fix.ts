import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Finding } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import type { AnalyzedStatement, MigrationModel } from '../lint/migration-model.js';
import { sqlRelation, withConcurrently } from '../lint/rule-helpers.js';
import type { SqlStatement } from '../sql/parser.js';
import { quoteIdent } from '../sql/quote.js';
import type { ScriptSource } from './check-sql.js';

/** A file --fix changes (or creates: `before` is null). */
export interface FileFix {
  readonly file: string;
  readonly before: string | null;
  readonly after: string;
}

export interface FixPlan {
  readonly files: readonly FileFix[];
  /** Findings --fix left alone, and why. */
  readonly skipped: readonly {
    readonly rule: string;
    readonly file: string;
    readonly line: number;
    readonly reason: string;
  }[];
  /** Unified diff of every change. */
  readonly diff: string;
}

const CONCURRENT_RULES = new Set([
  'migration/require-concurrent-index',
  'migration/require-concurrent-drop-index',
  'migration/require-concurrent-reindex',
]);

interface Edit {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

/** Character offset just after the statement's terminating semicolon (or its end when there is none). */
function endWithSemicolon(text: string, statement: SqlStatement): number {
  const rest = text.slice(statement.end.offset);
  const match = /^\s*;/.exec(rest);
  return statement.end.offset + (match ? match[0].length : 0);
}

function robust(text: string): string {
  return withConcurrently(text)
    .replace(
      /^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY)(?!\s+IF\s+NOT\s+EXISTS)(\s+\w)/i,
      '$1 IF NOT EXISTS$2',
    )
    .replace(/^(\s*DROP\s+INDEX\s+CONCURRENTLY)(?!\s+IF\s+EXISTS)/i, '$1 IF EXISTS');
}

/** The next free version after `version` in a timestamp layout (YYYYMMDDHHMMSS + seconds), else undefined. */
function nextVersion(version: string, taken: Set<string>): string | undefined {
  if (!/^\d{14}$/.test(version)) return undefined;
  let next = BigInt(version);
  do next += 1n;
  while (taken.has(next.toString()));
  taken.add(next.toString());
  return next.toString();
}

function newMigration(up: string[], down: string[]): string {
  return `-- migrate:up\n-- pgwarden:no-transaction\n${up.join('\n')}\n\n-- migrate:down\n-- pgwarden:no-transaction\n${down.length > 0 ? down.join('\n') : 'SELECT 1;  -- nothing to undo'}\n`;
}

function indexName(text: string): string | undefined {
  return /INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?("?[\w.]+"?)\s+ON\b/i.exec(text)?.[1];
}

/**
 * Rewrites the mechanical cases: timeouts prepended, CONCURRENTLY added (and the statement moved out of the
 * runner's transaction: the migration marked no-transaction when nothing else is in it, else moved to a new
 * migration right after it), and ADD CONSTRAINT split into NOT VALID + VALIDATE (the VALIDATE in its own
 * transaction). Everything else is left for a person, with the reason.
 */
export function planFixes(
  sources: readonly ScriptSource[],
  migrations: readonly MigrationModel[],
  findings: readonly Finding[],
): FixPlan {
  const files: FileFix[] = [];
  const skipped: { rule: string; file: string; line: number; reason: string }[] = [];
  const taken = new Set(sources.map((s) => s.migration?.version).filter((v): v is string => v !== undefined));

  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (!isFileLocation(finding.location)) continue;
    const list = byFile.get(finding.location.file) ?? [];
    list.push(finding);
    byFile.set(finding.location.file, list);
  }

  migrations.forEach((model, index) => {
    const source = sources[index]!;
    const original = source.text;
    const mine = byFile.get(model.file) ?? [];
    if (mine.length === 0) return;
    const edits: Edit[] = [];
    const moved: { statement: AnalyzedStatement; text: string; down?: string }[] = [];
    const validations: string[] = [];
    const at = (finding: Finding) =>
      model.statements.find(
        (s) =>
          !s.embeddedIn &&
          isFileLocation(finding.location) &&
          finding.location.line >= s.statement.start.line &&
          finding.location.line <= s.statement.end.line,
      );
    const statementsNeedingTransaction = model.statements.filter(
      (s) =>
        !s.embeddedIn &&
        s.operations.length > 0 &&
        !mine.some((f) => CONCURRENT_RULES.has(f.rule) && at(f) === s),
    );

    for (const finding of mine) {
      const analyzed = at(finding);
      const line = isFileLocation(finding.location) ? finding.location.line : 0;
      if (CONCURRENT_RULES.has(finding.rule) && analyzed) {
        const operation = analyzed.operations[0];
        if (operation?.partitioned || (finding.fix ?? '').includes('ON ONLY')) {
          skipped.push({
            rule: finding.rule,
            file: model.file,
            line,
            reason: 'a partitioned table needs the per-partition recipe',
          });
          continue;
        }
        if (finding.rule === 'migration/require-concurrent-reindex' && model.pgVersion < 12) {
          skipped.push({
            rule: finding.rule,
            file: model.file,
            line,
            reason: `PostgreSQL ${model.pgVersion} has no REINDEX CONCURRENTLY`,
          });
          continue;
        }
        const text = robust(analyzed.statement.text);
        if (!analyzed.inTransactionBlock || statementsNeedingTransaction.length === 0) {
          edits.push({ from: analyzed.statement.start.offset, to: analyzed.statement.end.offset, text });
        } else if (source.migration && nextVersion(source.migration.version, new Set(taken)) !== undefined) {
          const name = indexName(text);
          moved.push({
            statement: analyzed,
            text,
            down: /^\s*CREATE/i.test(text) && name ? `DROP INDEX CONCURRENTLY IF EXISTS ${name};` : undefined,
          });
          edits.push({
            from: analyzed.statement.start.offset,
            to: endWithSemicolon(original, analyzed.statement),
            text: '-- (moved to the next migration, to run without a transaction)',
          });
        } else {
          skipped.push({
            rule: finding.rule,
            file: model.file,
            line,
            reason:
              'the statement shares a transaction with others; move it to a migration of its own by hand',
          });
        }
        continue;
      }
      if (finding.rule === 'migration/constraint-without-not-valid' && analyzed) {
        const operation = analyzed.operations.find(
          (o) => o.entry === 'add-foreign-key' || o.entry === 'add-check',
        );
        if (!operation?.constraintName || analyzed.operations.length > 1 || !operation.relations.table) {
          skipped.push({
            rule: finding.rule,
            file: model.file,
            line,
            reason: 'only a single, named ADD CONSTRAINT is split automatically',
          });
          continue;
        }
        const validate = `ALTER TABLE ${sqlRelation(operation.relations.table)} VALIDATE CONSTRAINT ${quoteIdent(operation.constraintName)};`;
        if (!analyzed.inTransactionBlock) {
          edits.push({
            from: analyzed.statement.start.offset,
            to: endWithSemicolon(original, analyzed.statement),
            text: `${analyzed.statement.text} NOT VALID;\n${validate}`,
          });
        } else {
          edits.push({
            from: analyzed.statement.start.offset,
            to: analyzed.statement.end.offset,
            text: `${analyzed.statement.text} NOT VALID`,
          });
          if (source.migration) validations.push(validate);
          else
            skipped.push({
              rule: finding.rule,
              file: model.file,
              line,
              reason: `NOT VALID added; run "${validate}" in a later migration`,
            });
        }
      }
    }

    const timeouts: string[] = [];
    if (mine.some((f) => f.rule === 'migration/require-lock-timeout'))
      timeouts.push("SET lock_timeout = '2s';");
    if (mine.some((f) => f.rule === 'migration/require-statement-timeout'))
      timeouts.push("SET statement_timeout = '15min';");
    if (timeouts.length > 0) {
      const first = model.statements.find((s) => !s.embeddedIn)?.statement;
      const marker = /^--\s*(?:migrate:up|up migration)\b.*$/im.exec(original);
      const ignoreAbove = model.parsed.suppressions
        .filter((s) => first && s.scope.fromLine === first.start.line && s.location.line < first.start.line)
        .map((s) => model.parsed.source.lineStart(s.location.line));
      const position = marker
        ? marker.index + marker[0].length + 1
        : Math.min(first?.start.offset ?? 0, ...ignoreAbove);
      edits.push({ from: position, to: position, text: `${timeouts.join('\n')}\n` });
    }

    const noTransactionDirective =
      model.runnerTransaction &&
      statementsNeedingTransaction.length === 0 &&
      mine.some((f) => CONCURRENT_RULES.has(f.rule) && at(f)?.inTransactionBlock) &&
      moved.length === 0;
    if (noTransactionDirective) {
      const marker = /^--\s*(?:migrate:up|up migration)\b.*$/im.exec(original);
      const position = marker ? marker.index + marker[0].length + 1 : 0;
      edits.push({ from: position, to: position, text: '-- pgwarden:no-transaction\n' });
    }

    if (edits.length > 0) {
      let after = original;
      // the script's text is the file's text with other sections blanked out: apply the edits to the real file
      const fileText = source.fileText ?? original;
      after = fileText;
      for (const edit of [...edits].sort((a, b) => b.from - a.from || b.to - a.to)) {
        after = after.slice(0, edit.from) + edit.text + after.slice(edit.to);
      }
      files.push({ file: model.file, before: fileText, after });
    }
    if ((moved.length > 0 || validations.length > 0) && source.migration) {
      const version = nextVersion(source.migration.version, taken)!;
      const name = moved.length > 0 ? 'concurrently' : 'validate';
      const file = join(dirname(model.file), `${version}_${source.migration.name}_${name}.sql`);
      if (existsSync(file)) {
        skipped.push({
          rule: 'migration/constraint-without-not-valid',
          file: model.file,
          line: 1,
          reason: `${basename(file)} already exists`,
        });
      } else {
        files.push({
          file,
          before: null,
          after: newMigration(
            [...moved.map((m) => `${m.text};`), ...validations],
            moved.map((m) => m.down).filter((d): d is string => d !== undefined),
          ),
        });
      }
    }
  });

  const diff = files
    .map((fix) =>
      createTwoFilesPatch(
        fix.before === null ? '/dev/null' : fix.file,
        fix.file,
        fix.before ?? '',
        fix.after,
        '',
        '',
        { context: 2 },
      ),
    )
    .join('\n');
  return { files, skipped, diff };
}
