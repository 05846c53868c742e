import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { PgwardenError } from '../core/errors.js';

const run = promisify(execFile);

/** Files changed since a git ref (committed, staged or not) plus new untracked files, as absolute paths. */
export async function changedSince(ref: string, cwd = process.cwd()): Promise<Set<string>> {
  try {
    const { stdout: top } = await run('git', ['rev-parse', '--show-toplevel'], { cwd });
    const root = top.trim();
    const { stdout: diff } = await run('git', ['diff', '--name-only', '--diff-filter=ACMR', ref], {
      cwd: root,
    });
    const { stdout: untracked } = await run('git', ['ls-files', '--others', '--exclude-standard'], {
      cwd: root,
    });
    return new Set(
      `${diff}\n${untracked}`
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((file) => resolve(root, file)),
    );
  } catch (error) {
    throw new PgwardenError(
      'usage',
      `--changed-since ${ref}: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n')[0]}`,
      {
        hint: 'run inside a git checkout and name a commit, branch or tag (for example origin/main)',
        cause: error,
      },
    );
  }
}
