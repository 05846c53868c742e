import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { cliPath, projectRoot } from '../helpers/cli.js';

const SRC = join(projectRoot, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The text of every string and template literal inside `new PgwardenError(…)`: its message and its hint. */
function errorTexts(): { where: string; text: string }[] {
  const found: { where: string; text: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const collect = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        found.push({ where: where(source, node), text: node.text });
      } else if (ts.isTemplateExpression(node)) {
        found.push({
          where: where(source, node),
          text: [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' '),
        });
      }
      ts.forEachChild(node, collect);
    };
    const visit = (node: ts.Node): void => {
      const callee = ts.isNewExpression(node) ? node.expression.getText(source) : '';
      if (/(^|\.)PgwardenError$/.test(callee))
        for (const argument of (node as ts.NewExpression).arguments ?? []) collect(argument);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function where(source: ts.SourceFile, node: ts.Node): string {
  const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return `${relative(projectRoot, source.fileName)}:${line + 1}`;
}

/** Every long option of every command and subcommand, as `pgwarden … --help` lists them. */
function cliOptions(): Set<string> {
  const options = new Set<string>();
  const visit = (path: readonly string[]): void => {
    const help = execFileSync(process.execPath, [cliPath, ...path, '--help'], { encoding: 'utf8' });
    for (const match of help.matchAll(/--[a-z][a-z0-9-]*/g)) options.add(match[0]);
    const commands = help.split(/^Commands:$/m)[1] ?? '';
    for (const match of commands.matchAll(/^ {2}([a-z][a-z-]*)/gm)) {
      if (match[1] !== 'help') visit([...path, match[1]!]);
    }
  };
  visit([]);
  return options;
}

/** Options of the other programs pgwarden's errors tell the user to run (useradd, node, pgbackrest). */
const OTHER_PROGRAMS = new Set(['--system', '--version', '--output']);

describe('every hint can be followed', () => {
  it('names only options that a pgwarden command has', () => {
    const options = cliOptions();
    expect(options).toContain('--params');
    expect(options).toContain('--reason');
    const unknown = errorTexts().flatMap(({ where, text }) =>
      [...text.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)]
        .map((match) => match[0])
        .filter((option) => !options.has(option) && !OTHER_PROGRAMS.has(option))
        .map((option) => `${where}: ${option}`),
    );
    expect(unknown).toEqual([]);
  });
});
