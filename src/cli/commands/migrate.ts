import { resolve } from 'node:path';
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
  readonly pgVersion?: number;
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
  action: 'up' | 'down' | 'status' | 'redo' | 'baseline',
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
      pgVersion: options.pgVersion,
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
      case 'baseline':
        return lib.migrateBaseline(runner, { to: options.to! });
      default:
        return lib.migrateStatus(runner);
    }
  });
  const report = lib.migrateReport(action, result, { config: context.config.config });
  emit(context, report, options, (colors) => lib.renderMigrateData(report, colors));
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
    const report = await lib.verifyReport(target, context.config, {
      dir: options.dir,
      log: context.log,
      pgVersion: options.pgVersion,
    });
    emit(context, report, options, (colors) => lib.renderVerifyData(report, colors));
  } finally {
    await target.close();
  }
}
