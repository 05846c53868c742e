/** Resources: each rule's documentation (pgwarden://rules/<id>), the rules index and the lock model. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as lib from '../index.js';

export const RULES_URI = 'pgwarden://rules';

export function ruleUri(id: string): string {
  return `${RULES_URI}/${id}`;
}

export function registerResources(server: McpServer): void {
  const markdown = (uri: URL, text: string) => ({
    contents: [{ uri: uri.href, mimeType: 'text/markdown', text }],
  });
  server.registerResource(
    'rules',
    RULES_URI,
    {
      title: 'pgwarden rules',
      description: 'Every rule pgwarden checks: id, default severity and summary, with links to each page',
      mimeType: 'text/markdown',
    },
    // the index links each page by its file; here, by its resource
    (uri) =>
      markdown(
        uri,
        lib
          .rulesIndexMarkdown(lib.allRules)
          .replace(/\]\(([a-z]+\/[a-z0-9-]+)\.md\)/g, (_m, id: string) => `](${ruleUri(id)})`),
      ),
  );
  server.registerResource(
    'lock-model',
    'pgwarden://lock-model',
    {
      title: 'The lock model',
      description:
        'For every kind of DDL statement: the lock it takes on each relation, whether it rewrites or reads the table, per PostgreSQL major',
      mimeType: 'text/markdown',
    },
    (uri) => markdown(uri, lib.lockModelMarkdown()),
  );
  for (const rule of lib.allRules) {
    server.registerResource(
      rule.id,
      ruleUri(rule.id),
      {
        title: rule.id,
        description: `${rule.summary} (${rule.category}, ${rule.defaultSeverity} by default)`,
        mimeType: 'text/markdown',
      },
      (uri) => markdown(uri, lib.ruleDocMarkdown(rule)),
    );
  }
}
