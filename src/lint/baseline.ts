import { readFile, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { z } from 'zod';
import { PgwardenError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import { fingerprint, loadParser } from '../sql/parser.js';
import type { AnalyzedStatement, MigrationModel } from './migration-model.js';

/**
 * A baseline lists findings a team has accepted, so that adopting pgwarden on an old migrations folder reports only
 * what is new. Entries survive edits elsewhere in a file: a finding is known by its rule, its file and the
 * fingerprint of its statement (constants and formatting ignored), not by its line.
 */
const baselineSchema = z.object({
  version: z.literal(1),
  findings: z.array(z.object({ rule: z.string(), where: z.string(), statement: z.string() }).strict()),
});

type Entry = z.infer<typeof baselineSchema>['findings'][number];

/** What identifies a finding's statement: its fingerprint (each statement's computed once). */
function statementFinder(migrations: readonly MigrationModel[]): (finding: Finding) => string {
  const byFile = new Map<string, MigrationModel>();
  for (const migration of migrations) if (!byFile.has(migration.file)) byFile.set(migration.file, migration);
  const fingerprints = new Map<AnalyzedStatement, string>();
  return (finding) => {
    if (!isFileLocation(finding.location)) return finding.message;
    const { file, line } = finding.location;
    const analyzed = byFile
      .get(file)
      ?.statements.find(
        (s) => !s.embeddedIn && line >= s.statement.start.line && line <= s.statement.end.line,
      );
    if (!analyzed) return finding.message;
    let known = fingerprints.get(analyzed);
    if (known === undefined) {
      try {
        known = fingerprint(analyzed.statement.text);
      } catch {
        known = analyzed.statement.text.replace(/\s+/g, ' ');
      }
      fingerprints.set(analyzed, known);
    }
    return known;
  };
}

function entryOf(finding: Finding, statementOf: (finding: Finding) => string, cwd: string): Entry {
  const where = isFileLocation(finding.location)
    ? relative(cwd, resolve(finding.location.file)).split('\\').join('/')
    : finding.location.object;
  return { rule: finding.rule, where, statement: statementOf(finding) };
}

const key = (entry: Entry) => `${entry.rule}\u0000${entry.where}\u0000${entry.statement}`;

export async function writeBaseline(
  path: string,
  findings: readonly Finding[],
  migrations: readonly MigrationModel[],
  cwd = process.cwd(),
): Promise<void> {
  await loadParser();
  const statementOf = statementFinder(migrations);
  const entries = findings
    .map((f) => entryOf(f, statementOf, cwd))
    .sort((a, b) => key(a).localeCompare(key(b)));
  await writeFile(path, `${JSON.stringify({ version: 1, findings: entries }, null, 2)}\n`);
}

/** The findings that are not in the baseline (each baseline entry absorbs one finding). */
export async function applyBaseline(
  path: string,
  findings: readonly Finding[],
  migrations: readonly MigrationModel[],
  cwd = process.cwd(),
): Promise<{ kept: Finding[]; accepted: number }> {
  let parsed: z.infer<typeof baselineSchema>;
  try {
    parsed = baselineSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    throw new PgwardenError(
      'input',
      `cannot use the baseline ${path}: ${(error as Error).message.split('\n')[0]}`,
      {
        hint: 'create one with --write-baseline FILE',
        cause: error,
      },
    );
  }
  await loadParser();
  const statementOf = statementFinder(migrations);
  const remaining = new Map<string, number>();
  for (const entry of parsed.findings) remaining.set(key(entry), (remaining.get(key(entry)) ?? 0) + 1);
  const kept: Finding[] = [];
  let accepted = 0;
  for (const finding of findings) {
    const k = key(entryOf(finding, statementOf, cwd));
    const count = remaining.get(k) ?? 0;
    if (count > 0) {
      remaining.set(k, count - 1);
      accepted++;
    } else {
      kept.push(finding);
    }
  }
  return { kept, accepted };
}
