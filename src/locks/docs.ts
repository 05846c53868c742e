import { LOCK_MODEL, MAX_LINT_VERSION, MIN_LINT_VERSION } from './model.js';
import { blocksReads, blocksWrites, lockModeSql } from './modes.js';

/** docs/lock-model.md: the lock model as a table per statement kind and version, generated from the data. */
export function lockModelMarkdown(): string {
  const lines = [
    '# The lock model',
    '',
    `What each kind of statement locks, rewrites and reads, on PostgreSQL ${MIN_LINT_VERSION} to ${MAX_LINT_VERSION}. The migration rules read this`,
    'table; `pgwarden lint --trace` checks it against a real server, and the test suite traces every entry that has an',
    'example on PostgreSQL 13 to 18, so the table cannot drift from what PostgreSQL does.',
    '',
    'Legend: **R** blocks reads (SELECT waits), **W** blocks writes (INSERT/UPDATE/DELETE wait).',
    '',
  ];
  for (const entry of LOCK_MODEL) {
    lines.push(
      `## ${entry.title}`,
      '',
      `\`${entry.id}\` — [documentation](${entry.docs})${entry.trace ? ' — traced in the tests' : ''}`,
      '',
    );
    lines.push(
      '| Versions | Locks | Rewrite | Reads whole | In a transaction block | Note |',
      '|---|---|---|---|---|---|',
    );
    entry.versions.forEach((version, index) => {
      const next = entry.versions[index + 1]?.since;
      const range = next ? `${version.since}–${next - 1}` : `${version.since}+`;
      const b = version.behaviour;
      const locks =
        b.locks
          .map((lock) => {
            const effect = [blocksReads(lock.mode) ? 'R' : '', blocksWrites(lock.mode) ? 'W' : '']
              .filter(Boolean)
              .join('');
            return `${lock.role}: ${lockModeSql(lock.mode)}${effect ? ` (${effect})` : ''}`;
          })
          .join('<br>') || 'none';
      lines.push(
        `| ${range} | ${locks} | ${b.rewrite ? 'yes' : 'no'} | ${b.scans.length ? b.scans.join(', ') : 'no'} | ${b.transactionBlock ? 'yes' : '**no**'} | ${b.note ?? ''} |`,
      );
    });
    lines.push('');
  }
  lines.push('<!-- generated from src/locks/model.ts by `npm run docs`; do not edit -->', '');
  return lines.join('\n');
}
