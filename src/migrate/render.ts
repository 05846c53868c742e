/** `pgwarden migrate` results for people: the CLI's output, and the text the MCP server returns beside the data. */
import { formatCount } from '../core/format.js';
import type { Colors } from '../report/text.js';
import type { MigrateResult } from './runner.js';

const MARK: Record<string, string> = { applied: '✔', pending: '·', changed: '✖', missing: '✖', failed: '✖' };

export function renderMigrateResult(result: MigrateResult, c: Colors): string {
  const out: string[] = [`Database: ${result.database}`];
  for (const session of result.preflight) {
    out.push(
      c.yellow(
        `⚠ pid ${session.pid} has been in a transaction for ${session.ageSeconds} s (${session.state}) holding ${session.relations.join(', ') || 'no table lock yet'}: ${session.query}`,
      ),
    );
  }
  if (result.adopted) {
    const { runner, table, migrations, recorded } = result.adopted;
    out.push(
      `${runner}'s history (${table}): ${formatCount(migrations)} migration${migrations === 1 ? '' : 's'} applied by ${runner}${recorded ? `, now recorded in pgwarden's history` : ' (pgwarden records them at its first migrate up)'}`,
    );
  }
  if (result.drift) {
    out.push(
      c.yellow(
        `⚠ the schema differs from what the last migration left (${result.drift.orderOnly ? 'column order only' : 'drift'})`,
      ),
    );
  }
  for (const plan of result.plan) {
    out.push(
      '',
      c.bold(
        `${plan.direction === 'up' ? 'would apply' : 'would roll back'} ${plan.version}_${plan.name}${plan.transaction ? '' : ' (no transaction)'}`,
      ),
    );
    for (const destroyed of plan.guard) {
      out.push(
        c.yellow(
          `  guard: line ${destroyed.line} ${destroyed.action}: backs up ${[...destroyed.backup.tables, ...destroyed.backup.schemas].join(', ')} first`,
        ),
      );
    }
    // whole, as written (a cut statement would read as another statement); each ends with its semicolon
    for (const statement of plan.statements) {
      const text = statement.trim().replace(/;$/, '');
      out.push(...`${text};`.split('\n').map((line) => `  ${line}`));
    }
  }
  for (const run of result.runs) {
    const extra = [
      run.retries ? `${run.retries} lock retr${run.retries === 1 ? 'y' : 'ies'}` : '',
      run.resumedAfter ? `resumed after statement ${run.resumedAfter}` : '',
      run.backup ? `backup ${run.backup.file}` : '',
    ].filter(Boolean);
    out.push(
      `${run.direction === 'up' ? c.green('applied') : c.green('rolled back')} ${run.version}_${run.name} (${formatCount(run.statements)} statements, ${formatCount(run.ms)} ms${extra.length ? `, ${extra.join(', ')}` : ''})`,
    );
  }
  if (
    result.runs.length === 0 &&
    result.plan.length === 0 &&
    result.statuses.every((s) => s.state === 'applied')
  ) {
    out.push(c.green('nothing to do: every migration is applied'));
  }
  out.push('', c.bold('Migrations'));
  for (const status of result.statuses) {
    const progress = status.progress?.failedAt
      ? ` — stopped at statement ${status.progress.done + 1} of ${status.progress.total} (line ${status.progress.failedAt.line}): ${status.progress.failedAt.error}`
      : status.state === 'failed' && status.progress
        ? ` — interrupted after statement ${status.progress.done} of ${status.progress.total}`
        : '';
    const state =
      status.state === 'applied'
        ? c.green(status.state)
        : status.state === 'pending'
          ? c.dim(status.state)
          : c.red(status.state);
    out.push(
      `  ${MARK[status.state]} ${status.version} ${status.name.padEnd(32)} ${state}${status.outOfOrder ? c.yellow(' (out of order)') : ''}${status.appliedAt ? c.dim(` ${status.appliedAt}`) : ''}${status.canRollBack ? '' : c.dim(' (no down)')}${progress}`,
    );
  }
  return out.join('\n');
}
