import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CliContext } from '../context.js';

export interface RulesCliOptions {
  readonly format: 'text' | 'json';
  readonly writeDocs?: string;
}

export async function runRules(
  context: CliContext,
  id: string | undefined,
  options: RulesCliOptions,
): Promise<void> {
  const { lib } = context;
  if (options.writeDocs) {
    const files = lib.generatedDocs(lib.allRules);
    for (const [path, content] of files) {
      const target = join(options.writeDocs, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    context.log(`wrote ${files.size} pages to ${options.writeDocs}`);
    return;
  }
  if (id !== undefined) {
    const rule = lib.getRule(id);
    if (!rule) {
      const suggestion = lib.closest(
        id,
        lib.allRules.map((r) => r.id),
      );
      throw new lib.PgwardenError('usage', `unknown rule "${id}"`, {
        hint: suggestion ? `did you mean "${suggestion}"?` : 'pgwarden rules lists them all',
      });
    }
    process.stdout.write(
      options.format === 'json' ? envelope({ rule: describe(rule) }) : lib.ruleDocMarkdown(rule),
    );
    return;
  }
  if (options.format === 'json') {
    process.stdout.write(envelope({ rules: lib.allRules.map(describe) }));
    return;
  }
  const width = Math.max(...lib.allRules.map((r) => r.id.length)) + 2;
  for (const rule of lib.allRules) {
    process.stdout.write(`${rule.id.padEnd(width)}${rule.defaultSeverity.padEnd(9)}${rule.summary}\n`);
  }
  process.stdout.write(
    `\n${lib.allRules.length} rules. "pgwarden rules <id>" shows one rule's documentation.\n`,
  );

  /** The one JSON shape of every command: `{ tool, version, command, findings, summary, skipped, ...data }`. */
  function envelope(data: Record<string, unknown>): string {
    return lib.render(lib.createReport({ version: lib.VERSION, command: 'rules', findings: [], data }), {
      format: 'json',
    });
  }

  function describe(rule: (typeof lib.allRules)[number]) {
    return {
      id: rule.id,
      category: rule.category,
      model: rule.model,
      defaultSeverity: rule.defaultSeverity,
      summary: rule.summary,
      pgVersions: rule.pgVersions ?? null,
      options: lib.ruleOptions(rule),
      docs: rule.docsPath,
    };
  }
}
