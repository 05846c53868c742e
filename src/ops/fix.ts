import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Finding } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import type { AnalyzedStatement, MigrationModel } from '../lint/migration-model.js';
import { sqlRelation, withConcurrently } from '../lint/rule-helpers.js';
import { gooseBlocks } from '../migrate/files.js';
import type { SqlStatement } from '../sql/parser.js';
import { quoteIdent } from '../sql/quote.js';
import type { ScriptSource } from './check-sql.js';
import {
  cannotWrite,
  existing,
  type FolderMigration,
  migrationFiles,
  type NewMigration,
  type PlacedMigration,
  placeAfter,
  prefixOf,
  runsStatementByStatement,
} from './fix-layouts.js';

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

/** The rules whose findings --fix rewrites. */
const FIXED_RULES = new Set([
  ...CONCURRENT_RULES,
  'migration/constraint-without-not-valid',
  'migration/require-lock-timeout',
  'migration/require-statement-timeout',
]);

interface Edit {
  readonly from: number;
  readonly to: number;
  readonly text: string;
  /** The statement goes to a new migration: undone when none can be written. */
  readonly moves?: boolean;
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
      /^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY)(?!\s+IF\s+NOT\s+EXISTS)(\s+[\w"])/i,
      '$1 IF NOT EXISTS$2',
    )
    .replace(/^(\s*DROP\s+INDEX\s+CONCURRENTLY)(?!\s+IF\s+EXISTS)/i, '$1 IF EXISTS');
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
  /** Migrations already applied (file → how that is known): never edited. */
  applied: ReadonlyMap<string, string> = new Map(),
): FixPlan {
  const files: FileFix[] = [];
  const skipped: { rule: string; file: string; line: number; reason: string }[] = [];
  // each migrations folder's migrations, with the ones --fix adds
  const folders = new Map<string, FolderMigration[]>();
  for (const source of sources) {
    if (!source.migration) continue;
    const list = folders.get(source.migration.dir) ?? [];
    list.push({ version: source.migration.version, name: source.migration.name });
    folders.set(source.migration.dir, list);
  }

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
    const appliedBy = applied.get(model.file);
    if (appliedBy !== undefined) {
      for (const finding of mine.filter((f) => FIXED_RULES.has(f.rule)))
        skipped.push({
          rule: finding.rule,
          file: model.file,
          line: isFileLocation(finding.location) ? finding.location.line : 0,
          reason: `the migration is already applied (${appliedBy}): pgwarden never edits an applied migration; write the change as a new one`,
        });
      return;
    }
    const layout = source.migration?.layout ?? 'plain';
    // the runner sends the file as one string (or decides per file): CONCURRENTLY must be the file's only statement
    const alone =
      runsStatementByStatement(layout) || model.statements.filter((s) => !s.embeddedIn).length === 1;
    const target = source.migration;
    // goose sends a StatementBegin … StatementEnd block as one string: nothing is made CONCURRENTLY or set inside one
    const blocks = layout === 'goose' ? gooseBlocks(source.fileText ?? original) : [];
    const blockAt = (offset: number) => blocks.find((b) => b.start <= offset && offset < b.end);
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
        const refused =
          cannotWrite(layout, true) ??
          (blockAt(analyzed.statement.start.offset)
            ? 'goose sends a StatementBegin … StatementEnd block as one string, in one transaction: take the statement out of its block first'
            : undefined);
        if (refused) {
          skipped.push({ rule: finding.rule, file: model.file, line, reason: refused });
          continue;
        }
        if ((!analyzed.inTransactionBlock || statementsNeedingTransaction.length === 0) && alone) {
          edits.push({ from: analyzed.statement.start.offset, to: analyzed.statement.end.offset, text });
        } else if (target) {
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
            moves: true,
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

    // new migrations right after this one, in the layout's own form (before the edits that point to them)
    const added: FileFix[] = [];
    if ((moved.length > 0 || validations.length > 0) && target) {
      const news: { migration: NewMigration; name: string }[] = runsStatementByStatement(layout)
        ? [
            {
              migration: {
                up: [...moved.map((m) => `${m.text};`), ...validations],
                down: moved.map((m) => m.down).filter((d): d is string => d !== undefined),
                noTransaction: moved.length > 0,
              },
              name: moved.length > 0 ? 'concurrently' : 'validate',
            },
          ]
        : [
            // the runner sends a file as one string: each CONCURRENTLY statement in a migration of its own
            ...moved.map((m) => ({
              migration: { up: [`${m.text};`], down: m.down ? [m.down] : [], noTransaction: true },
              name: 'concurrently',
            })),
            ...(validations.length > 0
              ? [{ migration: { up: validations, down: [], noTransaction: false }, name: 'validate' }]
              : []),
          ];
      const folder = folders.get(target.dir) ?? [];
      const written: FileFix[] = [];
      let after: PlacedMigration = {
        version: target.version,
        name: target.name,
        prefix: prefixOf(layout, model.file),
      };
      let refusal: string | undefined;
      for (const { migration, name } of news) {
        const placed = placeAfter(layout, after, `${target.name}_${name}`, folder);
        if (placed === undefined) {
          refusal = `no free version right after ${after.prefix} in the runner's order: write the new migration by hand`;
          break;
        }
        const made = migrationFiles(layout, target.dir, placed.prefix, placed.name, migration);
        const taken = existing(made);
        if (taken) {
          refusal = `${basename(taken)} already exists`;
          break;
        }
        after = placed;
        folder.push(after);
        written.push(...made.map((m) => ({ file: m.file, before: null, after: m.text })));
      }
      if (refusal) {
        for (const f of mine.filter((f) => CONCURRENT_RULES.has(f.rule) || validations.length > 0))
          skipped.push({ rule: f.rule, file: model.file, line: 1, reason: refusal });
        // nothing moves: the statements stay where they are, the NOT VALID too
        edits.splice(0, edits.length, ...edits.filter((e) => !e.moves && !/ NOT VALID$/.test(e.text)));
        moved.length = 0;
      } else added.push(...written);
    }

    const timeouts: string[] = [];
    if (mine.some((f) => f.rule === 'migration/require-lock-timeout'))
      timeouts.push("SET lock_timeout = '2s';");
    if (mine.some((f) => f.rule === 'migration/require-statement-timeout'))
      timeouts.push("SET statement_timeout = '15min';");
    const concurrentInPlace = mine.some(
      (f) => CONCURRENT_RULES.has(f.rule) && edits.some((e) => e.from === at(f)?.statement.start.offset),
    );
    if (timeouts.length > 0 && concurrentInPlace && !runsStatementByStatement(layout)) {
      // a SET before it would make the file two statements in one string: an implicit transaction
      for (const f of mine.filter((f) => /require-(lock|statement)-timeout$/.test(f.rule)))
        skipped.push({
          rule: f.rule,
          file: model.file,
          line: 1,
          reason: `the runner (${layout}) sends the file as one string: a SET before CONCURRENTLY would run it in a transaction; set the timeout for the runner's session instead`,
        });
    } else if (timeouts.length > 0) {
      const first = model.statements.find((s) => !s.embeddedIn)?.statement;
      const marker = /^--\s*(?:migrate:up|up migration)\b.*$/im.exec(original);
      const ignoreAbove = model.parsed.suppressions
        .filter((s) => first && s.scope.fromLine === first.start.line && s.location.line < first.start.line)
        .map((s) => model.parsed.source.lineStart(s.location.line));
      const at = marker
        ? marker.index + marker[0].length + 1
        : Math.min(first?.start.offset ?? 0, ...ignoreAbove);
      // before a goose block, not inside it (the SETs would join its string)
      const position = blockAt(at)?.start ?? at;
      edits.push({ from: position, to: position, text: `${timeouts.join('\n')}\n` });
    }

    const noTransactionDirective =
      model.runnerTransaction &&
      concurrentInPlace &&
      statementsNeedingTransaction.length === 0 &&
      mine.some((f) => CONCURRENT_RULES.has(f.rule) && at(f)?.inTransactionBlock) &&
      moved.length === 0;
    if (noTransactionDirective) {
      const marker = /^--\s*(?:migrate:up|up migration)\b.*$/im.exec(original);
      if (layout === 'dbmate' && marker) {
        // dbmate's own option, on the section's marker (pgwarden reads it too)
        const end = marker.index + marker[0].length;
        edits.push({ from: end, to: end, text: ' transaction:false' });
      } else if (layout === 'diesel') {
        const metadata = join(dirname(model.file), 'metadata.toml');
        const before = existsSync(metadata) ? readFileSync(metadata, 'utf8') : null;
        const kept = (before ?? '').replace(/^\s*run_in_transaction\s*=.*\n?/m, '');
        files.push({ file: metadata, before, after: `${kept}run_in_transaction = false\n` });
      } else if (layout === 'sqlx') {
        // sqlx reads its opt-out only as the file's very first bytes
        edits.push({ from: 0, to: 0, text: '-- no-transaction\n' });
      } else if (layout === 'goose') {
        // goose's own annotation, read wherever it stands (it takes the down section out of the transaction too)
        edits.push({ from: 0, to: 0, text: '-- +goose NO TRANSACTION\n' });
      } else {
        const position = marker ? marker.index + marker[0].length + 1 : 0;
        edits.push({ from: position, to: position, text: '-- pgwarden:no-transaction\n' });
      }
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
    files.push(...added);
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
