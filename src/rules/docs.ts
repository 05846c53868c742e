import { z } from 'zod';
import type { AnyRule } from '../core/rule.js';
import { versionRangeText } from '../core/rule.js';
import { lockModelMarkdown } from '../locks/docs.js';

const MODEL_TEXT: Record<string, string> = {
  sql: "SQL files (parsed by PostgreSQL's own parser)",
  suppressions: 'the inline `pgwarden-ignore` comments of SQL files',
  migration:
    'migration scripts, statement by statement, with the lock model of the target PostgreSQL version',
  trace:
    'a migration traced on a real PostgreSQL (`lint --trace`): the locks, rewrites and scans it really did',
  columns: "column declarations: in migrations and DDL files, and in a database's catalog",
  catalog: 'a catalog snapshot (live, shadow or scratch database)',
  plan: 'a query plan (EXPLAIN, FORMAT JSON), with the facts `--db` reads about the tables it scans',
  pitr: "a pgBackRest stanza (`info --output=json`) and, with `--db`, the server's archiving settings and pg_stat_archiver",
};

interface OptionDoc {
  readonly name: string;
  readonly type: string;
  readonly default: unknown;
  readonly description: string;
}

export function ruleOptions(rule: AnyRule): OptionDoc[] {
  if (!rule.options) return [];
  const schema = z.toJSONSchema(rule.options as z.ZodType, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<
      string,
      { type?: string | string[]; default?: unknown; description?: string; enum?: unknown[] }
    >;
  };
  const defaults = rule.defaultOptions() as Record<string, unknown>;
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    type: property.enum
      ? property.enum.map((v) => JSON.stringify(v)).join(' \\| ')
      : [property.type ?? 'any'].flat().join(' \\| '),
    default: defaults[name],
    description: property.description ?? '',
  }));
}

/** A rule's documentation page, generated from its metadata (docs/rules/<id>.md). */
export function ruleDocMarkdown(rule: AnyRule): string {
  const options = ruleOptions(rule);
  const lines: string[] = [
    `# ${rule.id}`,
    '',
    `> ${rule.summary}.`,
    '',
    '| | |',
    '|---|---|',
    `| Default severity | ${rule.defaultSeverity} |`,
    `| Category | ${rule.category} |`,
    `| Reads | ${MODEL_TEXT[rule.model] ?? rule.model} |`,
    `| PostgreSQL | ${versionRangeText(rule.pgVersions)} |`,
  ];
  if (rule.requires?.privileges?.length) lines.push(`| Needs | ${rule.requires.privileges.join(', ')} |`);
  if (rule.requires?.extensions?.length)
    lines.push(`| Extensions | ${rule.requires.extensions.join(', ')} |`);
  lines.push('', '## Why it matters', '', rule.docs.why, '', '## How to fix it', '', rule.docs.howToFix, '');
  if (rule.docs.examples?.bad || rule.docs.examples?.good) {
    lines.push('## Examples', '');
    if (rule.docs.examples.bad) lines.push('Reported:', '', '```sql', rule.docs.examples.bad, '```', '');
    if (rule.docs.examples.good)
      lines.push('Not reported:', '', '```sql', rule.docs.examples.good, '```', '');
  }
  lines.push('## Options', '');
  if (options.length === 0) {
    lines.push('None.', '');
  } else {
    lines.push('| Option | Type | Default | Meaning |', '|---|---|---|---|');
    for (const option of options) {
      lines.push(
        `| \`${option.name}\` | ${option.type} | \`${JSON.stringify(option.default)}\` | ${option.description} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '## Configuration',
    '',
    'In `pgwarden.config.json` (or the `pgwarden` key of package.json):',
    '',
    '```json',
    JSON.stringify(
      { rules: { [rule.id]: options.length > 0 ? ['warning', rule.defaultOptions()] : 'warning' } },
      null,
      2,
    ),
    '```',
    '',
    'Levels: `off`, `info`, `warning`, `error`.',
  );
  if (rule.reportsOn === 'file' && rule.model === 'sql') {
    lines.push(
      '',
      'To accept one occurrence, put this comment above the statement:',
      '',
      '```sql',
      `-- pgwarden-ignore ${rule.id}: <why this is safe here>`,
      '```',
    );
  }
  lines.push('', "<!-- generated from the rule's metadata by `npm run docs`; do not edit -->", '');
  return lines.join('\n');
}

/** docs/rules/README.md: every rule, grouped by category. */
export function rulesIndexMarkdown(rules: readonly AnyRule[]): string {
  const lines = ['# Rules', '', `pgwarden has ${rules.length} rules.`, ''];
  const categories = [...new Set(rules.map((r) => r.category))];
  for (const category of categories) {
    lines.push(`## ${category}`, '', '| Rule | Default | Summary |', '|---|---|---|');
    for (const rule of rules.filter((r) => r.category === category)) {
      lines.push(`| [${rule.id}](${rule.id}.md) | ${rule.defaultSeverity} | ${rule.summary} |`);
    }
    lines.push('');
  }
  lines.push("<!-- generated from the rules' metadata by `npm run docs`; do not edit -->", '');
  return lines.join('\n');
}

/** Every generated docs file, keyed by its path below docs/. */
export function generatedDocs(rules: readonly AnyRule[]): Map<string, string> {
  const files = new Map<string, string>([
    ['rules/README.md', rulesIndexMarkdown(rules)],
    ['lock-model.md', lockModelMarkdown()],
  ]);
  for (const rule of rules) files.set(`rules/${rule.id}.md`, ruleDocMarkdown(rule));
  return files;
}
