import { resolve } from 'node:path';
import type { MigrateResult } from '../../index.js';
import type { Colors } from '../../report/index.js';
import type { CliContext, OutputOptions } from '../context.js';
import { emit } from '../context.js';

export interface MigrateCliOptions extends OutputOptions {
  readonly db?: string;
  readonly dir?: string;
  readonly to?: string;
  readonly steps?: number;
  readonly dryRun?: boolean;
  readonly allowOutOfOrder?: boolean;
  readonly allowDrift?: boolean;
  readonly guard?: boolean;
  readonly reason?: string;
  readonly lockWait?: number;
}

const MARK: Record<string, string> = { applied: '✔', pending: '·', changed: '✖', missing: '✖', failed: '✖' };

function renderResult(result: MigrateResult, c: Colors): string {
  const out: string[] = [`Database: ${result.database}`];
  for (const session of result.preflight) {
    out.push(
      c.yellow(
        `⚠ pid ${session.pid} has been in a transaction for ${session.ageSeconds} s (${session.state}) holding ${session.relations.join(', ') || 'no table lock yet'}: ${session.query}`,
      ),
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
    for (const statement of plan.statements) out.push(`  ${statement.replace(/\s+/g, ' ').slice(0, 160)};`);
  }
  for (const run of result.runs) {
    const extra = [
      run.retries ? `${run.retries} lock retr${run.retries === 1 ? 'y' : 'ies'}` : '',
      run.resumedAfter ? `resumed after statement ${run.resumedAfter}` : '',
      run.backup ? `backup ${run.backup.file}` : '',
    ].filter(Boolean);
    out.push(
      `${run.direction === 'up' ? c.green('applied') : c.green('rolled back')} ${run.version}_${run.name} (${run.statements} statements, ${run.ms} ms${extra.length ? `, ${extra.join(', ')}` : ''})`,
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

async function withTarget<T>(
  context: CliContext,
  db: string | undefined,
  work: (target: Awaited<ReturnType<CliContext['lib']['openTarget']>>) => Promise<T>,
): Promise<T> {
  const target = await context.lib.openTarget({
    db,
    config: context.config.config,
    embedded: { log: context.log },
    embeddedDatabase: context.lib.projectDatabaseName(context.config.dir),
  });
  try {
    return await work(target);
  } finally {
    await target.close();
  }
}

export async function runMigrate(
  context: CliContext,
  action: 'up' | 'down' | 'status' | 'redo',
  options: MigrateCliOptions,
): Promise<void> {
  const { lib } = context;
  if (options.guard === false && !options.reason?.trim()) {
    throw new lib.PgwardenError('usage', '--no-guard needs --reason "<why no backup is needed>"', {
      hint: 'the reason is stored in the migration history',
    });
  }
  const result = await withTarget(context, options.db, async (target) => {
    const runner = {
      target,
      config: context.config,
      dir: options.dir,
      log: context.log,
      noGuardReason: options.guard === false ? options.reason!.trim() : undefined,
      lockWaitSeconds: options.lockWait,
    };
    switch (action) {
      case 'up':
        return lib.migrateUp(runner, {
          to: options.to,
          dryRun: options.dryRun,
          allowOutOfOrder: options.allowOutOfOrder,
          allowDrift: options.allowDrift,
        });
      case 'down':
        return lib.migrateDown(runner, { steps: options.steps, to: options.to, dryRun: options.dryRun });
      case 'redo':
        return lib.migrateRedo(runner);
      default:
        return lib.migrateStatus(runner);
    }
  });
  const report = lib.createReport({
    version: lib.VERSION,
    command: `migrate ${action}`,
    findings: [],
    data: { ...result },
  });
  emit(context, report, options, (colors) => renderResult(result, colors));
}

export async function runMigrateNew(
  context: CliContext,
  name: string,
  options: { dir?: string },
): Promise<void> {
  const settings = context.config.config.migrations;
  const dir = resolve(context.config.dir, options.dir ?? settings.dir);
  const file = await context.lib.newMigration(dir, name, settings);
  process.stdout.write(`${file}\n`);
}

export async function runMigrateVerify(context: CliContext, options: MigrateCliOptions): Promise<void> {
  const { lib } = context;
  const target = await lib.openTarget({
    db: options.db,
    config: context.config.config,
    embedded: { log: context.log },
  });
  try {
    const report = await lib.verifyReport(target, context.config, { dir: options.dir, log: context.log });
    const { verify } = report.data!;
    emit(context, report, options, (c) => {
      const lines = [
        `Verified ${verify.results.length} migration(s) on a scratch database of ${verify.server} in ${Math.round(verify.ms)} ms`,
      ];
      for (const result of verify.results) {
        const mark =
          result.verdict === 'reversible'
            ? c.green('✔')
            : result.verdict === 'column order' || result.verdict === 'no down'
              ? c.yellow('⚠')
              : c.red('✖');
        lines.push(`  ${mark} ${result.version} ${result.name.padEnd(32)} ${result.verdict}`);
      }
      return lines.join('\n');
    });
  } finally {
    await target.close();
  }
}
