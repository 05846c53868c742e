import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { lint } from '../../src/ops/lint.js';

const config = { config: parseConfig({}, 'test'), path: null, dir: process.cwd() };

/** A migration's statement and the tables lint must predict it locks ACCESS EXCLUSIVE. */
export interface LockedChange {
  readonly sql: string;
  readonly locked: readonly string[];
}

/** What each change's migration starts with: a lock it cannot get fails fast instead of hanging the test. */
const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";

/**
 * Lints a folder of `init` then one migration per change (each after TIMEOUTS), traced on a real server, and
 * checks that the trace shows no mismatch and that lint predicts exactly the ACCESS EXCLUSIVE locks each change
 * names. Returns the report for more checks.
 */
export async function lintTracedChanges(
  init: string,
  changes: Readonly<Record<string, LockedChange>>,
  server: { readonly major: number; readonly url: () => string },
) {
  const dir = mkdtempSync(join(tmpdir(), 'pgwarden-traced-changes-'));
  writeFileSync(join(dir, '20240101000000_init.sql'), init);
  for (const [file, { sql }] of Object.entries(changes)) writeFileSync(join(dir, file), TIMEOUTS + sql);
  const report = await lint({
    paths: [dir],
    config,
    trace: true,
    traceDb: server.url(),
    pgVersion: server.major,
  });
  const trace = report.data!.trace!;
  expect(trace.stopped).toBeNull();
  expect(trace.statements.flatMap((s) => s.mismatches)).toEqual([]);
  for (const { sql, locked } of Object.values(changes)) {
    const statement = report.data!.statements.find((s) => sql.startsWith(s.sql))!;
    expect(statement.locks.map((l) => `${l.relation} ${l.mode}`).sort(), sql).toEqual(
      locked.map((relation) => `${relation} AccessExclusiveLock`),
    );
  }
  return { report, trace };
}
